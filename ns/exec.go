package ns

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// ExecOptions tunes Exec.
type ExecOptions struct {
	// EtcDir holds per-namespace configuration: EtcDir/NAME/hosts is
	// bind-mounted over /etc/hosts. Default "/etc/netns", as iproute2.
	EtcDir string
	// Stdin, Stdout and Stderr of the command; nil means this process's.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Warn, if set, hears what did not stop the command but is not as
	// asked, like ip's "Bind /etc/netns/red/x -> /etc/x failed".
	Warn func(error)
}

// ExecError is a command that could not be started; Code is the exit
// status a shell gives for it: 127 not found, 126 cannot be run.
type ExecError struct {
	Code int
	Err  error
}

func (e *ExecError) Error() string { return e.Err.Error() }
func (e *ExecError) Unwrap() error { return e.Err }

// Exec runs argv inside namespace h as `ip netns exec NAME CMD` does: in a
// private mount namespace whose /sys shows h's devices and whose /etc has
// EtcDir/NAME/* bind-mounted over it (when name is a valid namespace name;
// an empty one binds nothing). It waits for the command and returns its
// exit status (128+N for a command killed by signal N).
//
// unshare(CLONE_NEWNS) works on one thread of a threaded process: the
// kernel gives that thread a private copy of its fs_struct. So a fresh
// goroutine locks its thread, enters h, unshares the mount namespace, makes
// the mounts and starts the command, which inherits the thread's
// namespaces. The thread is never unlocked: it exits with its goroutine,
// so no other goroutine ever runs in that mount namespace. Nothing is
// re-executed and nothing is read from the environment.
func Exec(h *Handle, name string, argv []string, opt ExecOptions) (int, error) {
	if len(argv) == 0 || argv[0] == "" {
		return 0, errors.New("exec: no command")
	}
	if opt.EtcDir == "" {
		opt.EtcDir = "/etc/netns"
	}
	if opt.Warn == nil {
		opt.Warn = func(error) {}
	}
	cmd := &exec.Cmd{Args: argv, Stdin: opt.Stdin, Stdout: opt.Stdout, Stderr: opt.Stderr}
	if cmd.Stdin == nil {
		cmd.Stdin = os.Stdin
	}
	if cmd.Stdout == nil {
		cmd.Stdout = os.Stdout
	}
	if cmd.Stderr == nil {
		cmd.Stderr = os.Stderr
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, unix.SIGINT, unix.SIGTERM, unix.SIGHUP, unix.SIGQUIT)
	defer func() {
		signal.Stop(sigs)
		close(sigs) // ends the forwarding goroutine
	}()
	var err error
	onThread(func() bool {
		err = startIn(h, name, cmd, opt)
		return false // never given back: see above
	})
	if err != nil {
		return execFailed(err), fmt.Errorf("exec in namespace %q: %w", displayName(h, name), err)
	}
	go func() {
		for s := range sigs {
			cmd.Process.Signal(s)
		}
	}()
	err = cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return ee.ExitCode(), nil
	}
	if err != nil {
		return 1, fmt.Errorf("exec in namespace %q: %w", displayName(h, name), err)
	}
	return 0, nil
}

// startIn runs on a locked thread that is never given back: it enters h,
// takes a mount namespace of its own, and starts cmd there.
func startIn(h *Handle, name string, cmd *exec.Cmd, opt ExecOptions) error {
	if err := unix.Setns(h.FD(), unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("enter the network namespace: %w", err)
	}
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		return fmt.Errorf("unshare the mount namespace: %w", err)
	}
	if err := execMounts(name, opt); err != nil {
		return err
	}
	// Looked up here, where /etc and the mounts are the command's.
	path, err := exec.LookPath(cmd.Args[0])
	if err != nil {
		return &ExecError{Code: 127, Err: err}
	}
	cmd.Path = path
	if err := cmd.Start(); err != nil {
		return &ExecError{Code: 126, Err: err}
	}
	return nil
}

// execFailed is the exit status for a command that did not start.
func execFailed(err error) int {
	var xe *ExecError
	if errors.As(err, &xe) {
		return xe.Code
	}
	return 1
}

func displayName(h *Handle, name string) string {
	if name != "" {
		return name
	}
	return h.Path()
}

// execMounts prepares the private mount namespace of the calling thread.
func execMounts(name string, opt ExecOptions) error {
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
		if err := unix.Mount("sysfs", "/sys", "sysfs", flags, ""); err != nil {
			return fmt.Errorf("mount /sys for the namespace: %w", err)
		}
	}
	if ValidName(name) != nil {
		return nil // a namespace given by path has no /etc/netns directory
	}
	dir := filepath.Join(opt.EtcDir, name)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil // no per-namespace /etc files: nothing to do
	}
	for _, e := range entries {
		src, dst := filepath.Join(dir, e.Name()), filepath.Join("/etc", e.Name())
		// Like ip: a file that cannot be bound is reported, not fatal.
		if err := unix.Mount(src, dst, "none", unix.MS_BIND, ""); err != nil {
			opt.Warn(fmt.Errorf("bind %s over %s: %w", src, dst, err))
		}
	}
	return nil
}
