package ns

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// execEnv marks the re-executed child of Exec; its value is the name whose
// /etc files to bind-mount. execEtcEnv is the base directory of those.
const (
	execEnv    = "_NSNET_EXEC_CHILD"
	execEtcEnv = "_NSNET_EXEC_ETC"
)

// ExecOptions tunes Exec.
type ExecOptions struct {
	// EtcDir holds per-namespace configuration: EtcDir/NAME/hosts is
	// bind-mounted over /etc/hosts. Default "/etc/netns", as iproute2.
	EtcDir string
}

// Exec runs argv inside namespace h as `ip netns exec NAME CMD` does: in a
// private mount namespace whose /sys shows h's devices and whose /etc has
// EtcDir/name/* bind-mounted over it. It waits for the command and returns
// its exit status (128+N for a command killed by signal N).
//
// A threaded Go process cannot unshare its mount namespace (threads share
// one fs_struct, and unshare(CLONE_NEWNS) then fails with EINVAL), so Exec
// re-executes the running program: the child is cloned with CLONE_NEWNS
// from a thread that is in h, so it starts in h with a private mount table,
// makes its mounts, and execve's the command. The program must call
// ExecChild first thing in main.
func Exec(h *Handle, name string, argv []string, opt ExecOptions) (int, error) {
	if len(argv) == 0 {
		return 0, errors.New("exec: no command")
	}
	if opt.EtcDir == "" {
		opt.EtcDir = "/etc/netns"
	}
	cmd := exec.Command("/proc/self/exe", argv...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), execEnv+"="+name, execEtcEnv+"="+opt.EtcDir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWNS}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, unix.SIGINT, unix.SIGTERM, unix.SIGHUP, unix.SIGQUIT)
	defer func() {
		signal.Stop(sigs)
		close(sigs) // ends the forwarding goroutine
	}()
	if err := Do(h, cmd.Start); err != nil {
		return 0, fmt.Errorf("exec in namespace %q: %w", name, err)
	}
	go func() {
		for s := range sigs {
			cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return ee.ExitCode(), nil
	}
	if err != nil {
		return 0, fmt.Errorf("exec in namespace %q: %w", name, err)
	}
	return 0, nil
}

// ExecChild returns at once unless this process is the child of an Exec;
// then it sets up the mounts and replaces itself with the command, or
// exits 127 (not found) or 126 (cannot run) after saying why.
func ExecChild() {
	name, ok := os.LookupEnv(execEnv)
	if !ok {
		return
	}
	etcDir := os.Getenv(execEtcEnv)
	os.Unsetenv(execEnv)
	os.Unsetenv(execEtcEnv)
	fail := func(code int, err error) {
		fmt.Fprintf(os.Stderr, "nsnet: netns exec %s: %v\n", name, err)
		os.Exit(code)
	}
	if err := execMounts(name, etcDir); err != nil {
		fail(126, err)
	}
	path, err := exec.LookPath(os.Args[1])
	if err != nil {
		fail(127, err)
	}
	fail(126, unix.Exec(path, os.Args[1:], os.Environ()))
}

// execMounts prepares the child's private mount namespace.
func execMounts(name, etcDir string) error {
	// Slave, not private: mounts the host makes later still show up here,
	// but nothing made here leaks out (what iproute2 does too).
	if err := unix.Mount("", "/", "none", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("make / a slave mount: %w", err)
	}
	// sysfs shows the devices of the namespace of whoever mounts it.
	var flags uintptr
	var st unix.Statfs_t
	if unix.Statfs("/sys", &st) == nil && st.Flags&unix.ST_RDONLY != 0 {
		flags = unix.MS_RDONLY
	}
	if err := unix.Unmount("/sys", unix.MNT_DETACH); err == nil || err == unix.EINVAL {
		if err := unix.Mount(name, "/sys", "sysfs", flags, ""); err != nil {
			return fmt.Errorf("mount /sys for the namespace: %w", err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(etcDir, name))
	if err != nil {
		return nil // no per-namespace /etc files: nothing to do
	}
	for _, e := range entries {
		src, dst := filepath.Join(etcDir, name, e.Name()), filepath.Join("/etc", e.Name())
		if err := unix.Mount(src, dst, "none", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind %s over %s: %w", src, dst, err)
		}
	}
	return nil
}
