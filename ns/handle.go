package ns

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Handle is an open network namespace: a file descriptor of an nsfs file
// (/proc/PID/ns/net, or a file bind-mounted from one). The namespace lives
// at least as long as the Handle is open.
type Handle struct {
	f *os.File
}

// OpenPath opens the network namespace file at path. It checks with fstatfs
// on the opened descriptor (not a racy statfs of the path) that the file is
// an nsfs file, and with setns-style ioctl that it is a network namespace.
func OpenPath(path string) (*Handle, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open network namespace %q: %w", path, err)
	}
	h, err := fromFD(fd, path)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return h, nil
}

// ErrNotNamespace reports a file that is not a network namespace.
var ErrNotNamespace = errors.New("not a network namespace")

func fromFD(fd int, path string) (*Handle, error) {
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil {
		return nil, fmt.Errorf("open network namespace %q: %w", path, err)
	}
	if st.Type != unix.NSFS_MAGIC {
		return nil, fmt.Errorf("open network namespace %q: %w (file system 0x%x, not nsfs)", path, ErrNotNamespace, st.Type)
	}
	// NS_GET_NSTYPE tells a net namespace from a mount or pid namespace.
	typ, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE)
	if err == nil && typ != unix.CLONE_NEWNET {
		return nil, fmt.Errorf("open network namespace %q: %w (namespace type 0x%x)", path, ErrNotNamespace, typ)
	}
	return &Handle{f: os.NewFile(uintptr(fd), path)}, nil
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
func (h *Handle) FD() int { return int(h.f.Fd()) }

// Path is the file the handle was opened from.
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
	return ID{Dev: st.Dev, Ino: st.Ino}, nil
}

// Close releases the handle. Closing twice is not an error.
func (h *Handle) Close() error {
	if h == nil {
		return nil
	}
	if err := h.f.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
		return err
	}
	return nil
}
