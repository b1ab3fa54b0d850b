package ns

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/rawos"
	"github.com/nsnet/nsnet/internal/sysfile"

	"golang.org/x/sys/unix"
)

// The files under /proc/sys/net belong to the network namespace of the
// thread that opens them, so reading or writing another namespace's
// sysctl is a short switch on a locked thread (Do).

// sysctlPath maps "net.ipv4.ip_forward" to its file; only net.* keys,
// the ones that belong to a network namespace.
func sysctlPath(key string) (string, error) {
	if !strings.HasPrefix(key, "net.") || strings.Contains(key, "..") || strings.Contains(key, "/") {
		return "", fmt.Errorf("sysctl %q: only net.* keys belong to a network namespace", key)
	}
	path := []byte("/proc/sys/" + key) // net.ipv4.ip_forward: /proc/sys/net/ipv4/ip_forward
	for i, c := range path {
		if c == '.' {
			path[i] = '/'
		}
	}
	return string(path), nil
}

// Sysctl reads a net.* sysctl in namespace h (nil: the caller's).
func Sysctl(h *Handle, key string) (string, error) {
	path, err := sysctlPath(key)
	if err != nil {
		return "", err
	}
	var b []byte
	err = In(h, func() (err error) {
		b, err = sysfile.ReadFile(path)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("read sysctl %s: %w", key, procHint(err))
	}
	return strings.TrimSpace(string(b)), nil
}

// SetSysctl writes a net.* sysctl in namespace h (nil: the caller's).
func SetSysctl(h *Handle, key, value string) error {
	path, err := sysctlPath(key)
	if err != nil {
		return err
	}
	err = In(h, func() error { return rawos.WriteFile(path, []byte(value), 0o644) })
	if err != nil {
		return fmt.Errorf("write sysctl %s: %w", key, procHint(err))
	}
	return nil
}

// errNoProc explains a sysctl that is missing because /proc itself is: a
// minimal system (an initramfs) may not have mounted it.
var errNoProc = errors.New("/proc is not mounted (mount -t proc proc /proc)")

// procHint turns "no such file" into errNoProc when /proc is not procfs.
func procHint(err error) error {
	var st unix.Statfs_t
	if errors.Is(err, fs.ErrNotExist) && (unix.Statfs("/proc", &st) != nil || st.Type != unix.PROC_SUPER_MAGIC) {
		return fmt.Errorf("%w: %w", errNoProc, err)
	}
	return err
}
