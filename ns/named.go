package ns

import (
	"errors"
	"io/fs"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/rawos"
	"github.com/nsnet/nsnet/internal/sysfile"

	"golang.org/x/sys/unix"
)

// DefaultDir is where iproute2 keeps named namespaces: each name is an
// empty file with a namespace bind-mounted on it, which keeps the namespace
// alive with no process in it.
const DefaultDir = "/run/netns"

// ErrExist and ErrNotExist are what Add and Open report for a name that
// exists or does not; they match fs.ErrExist and fs.ErrNotExist.
var (
	ErrExist    = fs.ErrExist
	ErrNotExist = fs.ErrNotExist
)

// Add creates a network namespace named name in dir and returns it open:
// `ip netns add NAME`. Close the handle; the namespace lives on, by its
// name, until Delete.
func Add(dir, name string) (*Handle, error) {
	if err := bindNamed(dir, name, ""); err != nil {
		return nil, err
	}
	return Open(dir, name)
}

// Attach gives the network namespace of process pid a name in dir:
// `ip netns attach NAME PID`.
func Attach(dir, name string, pid int) error {
	if pid <= 0 {
		return fmt.Errorf("attach namespace %q: invalid pid %d", name, pid)
	}
	return bindNamed(dir, name, fmt.Sprintf("/proc/%d/ns/net", pid))
}

// bindNamed creates dir/name and bind-mounts a namespace on it: the one at
// src, or a new one when src is empty. On any failure it leaves nothing.
func bindNamed(dir, name, src string) (err error) {
	if err := ValidName(name); err != nil {
		return err
	}
	unlock, err := prepareDir(dir)
	if err != nil {
		return err
	}
	defer unlock()
	file := sysfile.Join(dir, name)
	fd, err := rawos.OpenFD(file, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.EEXIST) {
		if stale, serr := isStale(file); serr != nil || !stale {
			return nameError("create", name, ErrExist)
		}
		// A name left without its namespace by a run killed between
		// creating the file and the bind mount (we hold the directory
		// lock, so no nsnet is half-way through it now): reclaim it.
	} else if err != nil {
		return nameError("create", name, err)
	} else {
		unix.Close(fd)
	}
	defer func() {
		if err != nil {
			rawos.Remove(file)
		}
	}()
	if src != "" {
		if _, err := OpenPath(src); err != nil { // fails clearly for a dead pid
			return nameError("attach", name, err)
		}
		if err := unix.Mount(src, file, "none", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("attach namespace %q: bind mount %s: %w", name, src, err)
		}
		return nil
	}
	if err := unshareAndBind(file); err != nil {
		return nameError("create", name, err)
	}
	return nil
}

// isStale reports whether path is a regular file with no namespace
// mounted on it: what a kill between Add's two steps leaves behind.
func isStale(path string) (bool, error) {
	pfd, err := rawos.OpenFD(path, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return false, err
	}
	defer unix.Close(pfd)
	var st unix.Stat_t
	var sfs unix.Statfs_t
	if err := unix.Fstat(pfd, &st); err != nil {
		return false, err
	}
	if err := unix.Fstatfs(pfd, &sfs); err != nil {
		return false, err
	}
	return st.Mode&unix.S_IFMT == unix.S_IFREG && sfs.Type != unix.NSFS_MAGIC, nil
}

// prepareDir makes dir exist and be a shared mount point, as iproute2
// does, so that names added later propagate to every mount namespace that
// shares it (ip netns exec children, containers). It returns with an
// exclusive flock on dir held, against concurrent first-time setup making
// one bind mount each.
func prepareDir(dir string) (unlock func(), err error) {
	if err := sysfile.MkdirAll(dir); err != nil {
		return nil, fmt.Errorf("create netns directory: %w", err)
	}
	fd, err := rawos.OpenFD(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open netns directory: %w", err)
	}
	unlock = func() { unix.Flock(fd, unix.LOCK_UN); unix.Close(fd) }
	if err := unix.Flock(fd, unix.LOCK_EX); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("lock netns directory %s: %w", dir, err)
	}
	// MS_SHARED fails with EINVAL on a directory that is not a mount point;
	// bind it onto itself once to make it one.
	for bound := false; ; bound = true {
		err := unix.Mount("", dir, "none", unix.MS_SHARED|unix.MS_REC, "")
		if err == nil {
			return unlock, nil
		}
		if err != unix.EINVAL || bound {
			unlock()
			return nil, fmt.Errorf("make netns directory %s a shared mount: %w", dir, err)
		}
		if err := unix.Mount(dir, dir, "none", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			unlock()
			return nil, fmt.Errorf("bind netns directory %s onto itself: %w", dir, err)
		}
	}
}

// unshareAndBind makes a new network namespace on a locked thread and
// bind-mounts it on path, then switches the thread back (rules of Do).
func unshareAndBind(path string) error {
	return switched(unshareNet, func() error {
		// thread-self, not self: only this thread is in the new namespace.
		if err := unix.Mount("/proc/thread-self/ns/net", path, "none", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind mount: %w", err)
		}
		return nil
	}, restore)
}

// Delete removes the name of a namespace: `ip netns del NAME`. The
// namespace itself lives on while a process or an open handle uses it.
// Only a regular file is a name: a symlink planted in the directory is
// refused, and the unmount never follows one (UMOUNT_NOFOLLOW), so
// nothing outside the directory can be unmounted.
func Delete(dir, name string) error {
	if err := ValidName(name); err != nil {
		return err
	}
	file := sysfile.Join(dir, name)
	var st unix.Stat_t
	if err := unix.Lstat(file, &st); err != nil {
		return nameError("delete", name, ErrNotExist)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return fmt.Errorf("delete namespace %q: %s is a %s, not a namespace file: refused (remove it by hand)", name, file, fileKind(st.Mode))
	}
	// MNT_DETACH: succeed even while a process has the file open.
	if err := unix.Unmount(file, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW); err != nil && err != unix.EINVAL {
		return fmt.Errorf("delete namespace %q: unmount: %w", name, err)
	}
	if err := rawos.Remove(file); err != nil {
		return nameError("delete", name, err)
	}
	return nil
}

// nameError says what failed (op) on named namespace name, and why. One
// place for the wording, not inlined: a call to Errorf is a hundred bytes
// of binary at each site.
//
//go:noinline
func nameError(op, name string, err error) error {
	return fmt.Errorf("%s namespace %q: %w", op, name, err)
}

// fileKind names a file type for messages.
func fileKind(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFLNK:
		return "symlink"
	case unix.S_IFDIR:
		return "directory"
	case unix.S_IFIFO:
		return "FIFO"
	case unix.S_IFCHR, unix.S_IFBLK:
		return "device"
	case unix.S_IFSOCK:
		return "socket"
	}
	return "special file"
}

// Open opens the namespace named name in dir. A symlink, a FIFO, a
// device or any file that is not a namespace is refused at once: the
// directory is trusted only for names.
func Open(dir, name string) (*Handle, error) {
	if err := ValidName(name); err != nil {
		return nil, err
	}
	h, err := openChecked(sysfile.Join(dir, name), unix.O_NOFOLLOW)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nameError("open", name, ErrNotExist)
	}
	if err != nil {
		return nil, nameError("open", name, err)
	}
	return h, nil
}

// List returns the names in dir, in the directory's order, as ip netns
// list shows them; a missing dir has none.
func List(dir string) ([]string, error) {
	entries, err := sysfile.ReadDirNames(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list namespaces in %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		var st unix.Stat_t
		if unix.Lstat(sysfile.Join(dir, e), &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFREG {
			names = append(names, e)
		}
	}
	return names, nil
}
