package ns

import (
	"errors"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/rawos"

	"golang.org/x/sys/unix"
)

// Handle is an open network namespace: a file descriptor of an nsfs file
// (/proc/PID/ns/net, or a file bind-mounted from one). The namespace lives
// at least as long as the Handle is open.
type Handle struct {
	f *rawos.File
}

// OpenPath opens the network namespace file at path. The file is first
// opened O_PATH, which has no effect on any kind of file (a FIFO would
// block a plain open forever; a device may act on open), and checked with
// fstatfs to be nsfs; only then is it opened for use.
//
//go:noinline
func OpenPath(path string) (*Handle, error) {
	return openChecked(path, 0)
}

// openChecked opens path O_PATH with extra flags (O_NOFOLLOW), checks it is
// a network namespace, and reopens the very same file through
// /proc/self/fd for use: setns and IFLA_NET_NS_FD refuse O_PATH
// descriptors.
func openChecked(path string, flags int) (*Handle, error) {
	pfd, err := rawos.OpenFD(path, unix.O_PATH|unix.O_CLOEXEC|flags, 0)
	if err != nil {
		if err == unix.ELOOP && flags&unix.O_NOFOLLOW != 0 {
			return nil, fmt.Errorf("open network namespace %q: a symlink, refused: %w", path, ErrNotNamespace)
		}
		return nil, nameError("open network", path, err)
	}
	defer unix.Close(pfd)
	if err := checkNsfs(pfd, path); err != nil {
		return nil, err
	}
	fd, err := rawos.OpenFD(fmt.Sprintf("/proc/self/fd/%d", pfd), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open network namespace %q: reopen: %w", path, procHint(err))
	}
	h, err := fromFD(fd, path)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return h, nil
}

// checkNsfs fails unless fd is a file of nsfs, the namespace file system.
func checkNsfs(fd int, path string) error {
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil {
		return nameError("open network", path, err)
	}
	if st.Type != unix.NSFS_MAGIC {
		return fmt.Errorf("open network namespace %q: %w (file system 0x%x, not nsfs)", path, ErrNotNamespace, st.Type)
	}
	return nil
}

// ErrNotNamespace reports a file that is not a network namespace.
var ErrNotNamespace = errors.New("not a network namespace")

func fromFD(fd int, path string) (*Handle, error) {
	if err := checkNsfs(fd, path); err != nil {
		return nil, err
	}
	// NS_GET_NSTYPE tells a net namespace from a mount or pid namespace.
	typ, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE)
	if err == nil && typ != unix.CLONE_NEWNET {
		return nil, fmt.Errorf("open network namespace %q: %w (namespace type 0x%x)", path, ErrNotNamespace, typ)
	}
	return &Handle{f: rawos.NewFile(fd, path)}, nil
}

// OpenPID opens the network namespace of process pid.
func OpenPID(pid int) (*Handle, error) {
	return OpenPath(fmt.Sprintf("/proc/%d/ns/net", pid))
}

// Current opens the network namespace of the calling thread. Go moves
// goroutines between threads, so this means something only on a locked
// thread, or in a program that never switches namespaces.
func Current() (*Handle, error) {
	return OpenPath("/proc/thread-self/ns/net")
}

// FD is the handle's file descriptor, valid until Close. It is what
// setns(2) and IFLA_NET_NS_FD take.
//
//go:noinline
func (h *Handle) FD() int { return int(h.f.Fd()) }

// Path is the file the handle was opened from.
//
//go:noinline
func (h *Handle) Path() string { return h.f.Name() }

// ID is the namespace's identity: the device and inode of its nsfs file.
// Two handles name the same namespace exactly when their IDs are equal.
type ID struct {
	Dev uint64
	Ino uint64
}

// ID returns the namespace's identity.
func (h *Handle) ID() (ID, error) {
	var st unix.Stat_t
	if err := unix.Fstat(h.FD(), &st); err != nil {
		return ID{}, fmt.Errorf("stat network namespace %q: %w", h.Path(), err)
	}
	return ID{Dev: uint64(st.Dev), Ino: st.Ino}, nil
}

// Close releases the handle. Closing twice is not an error.
//
//go:noinline
func (h *Handle) Close() error {
	if h == nil {
		return nil
	}
	return h.f.Close()
}
