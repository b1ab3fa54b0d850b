package ns

import (
	"io/fs"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/rawos"
	"github.com/nsnet/nsnet/internal/sysfile"
)

// Sysfs is a sysfs of one network namespace, mounted nowhere.
//
// /sys/class/net lists the links of the namespace whose process mounted
// that sysfs, not of the reader: after setns(2), /sys still shows the old
// namespace's links. ip answers by unsharing a mount namespace and
// mounting sysfs again over /sys. OpenSysfs changes no mount namespace: it
// makes a sysfs on a thread in h with the new mount API (fsopen(2) takes
// the namespace at that moment, fsmount(2) gives the mount as a file
// descriptor, attached to no path), and files are opened beneath that
// descriptor. Closing it unmounts it.
type Sysfs struct{ fd int }

// OpenSysfs makes a sysfs of namespace h (nil: the caller's).
func OpenSysfs(h *Handle) (*Sysfs, error) {
	s := &Sysfs{fd: -1}
	err := In(h, func() error {
		fs, err := unix.Fsopen("sysfs", unix.FSOPEN_CLOEXEC)
		if err != nil {
			return err
		}
		defer unix.Close(fs)
		if err := unix.FsconfigCreate(fs); err != nil {
			return err
		}
		s.fd, err = unix.Fsmount(fs, unix.FSMOUNT_CLOEXEC, unix.MOUNT_ATTR_RDONLY|unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV|unix.MOUNT_ATTR_NOEXEC)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mount a sysfs of the namespace: %w", err)
	}
	return s, nil
}

// ReadFile reads path, relative to the sysfs's root
// ("class/net/tun0/tun_flags"). sysfs's own relative links are followed;
// nothing resolves outside it.
func (s *Sysfs) ReadFile(path string) ([]byte, error) {
	fd, err := unix.Openat2(s.fd, path, &unix.OpenHow{Flags: unix.O_RDONLY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: "/sys/" + path, Err: err}
	}
	f := rawos.NewFile(fd, "/sys/"+path)
	defer f.Close()
	return sysfile.ReadAll(f)
}

// Close unmounts the sysfs.
func (s *Sysfs) Close() error { return unix.Close(s.fd) }
