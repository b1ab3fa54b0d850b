package ns

import (
	"cmp"
	"errors"
	"io"
	"io/fs"
	"strings"
	"syscall"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/rawos"
	"github.com/nsnet/nsnet/internal/sysfile"

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
	// Env is the command's environment; nil: this process's.
	Env []string
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

// Exec runs argv inside namespace h as `ip netns exec NAME CMD` does in a
// batch: in a private mount namespace whose /sys shows h's devices and
// whose /etc has EtcDir/NAME/* bind-mounted over it (when name is a valid
// namespace name; an empty one binds nothing). It waits for the command
// and returns its exit status (128+N for a command killed by signal N).
// Signals are not forwarded, as ip does not: the command is in the
// caller's process group, so a terminal's ^C reaches both.
//
// unshare(CLONE_NEWNS) works on one thread of a threaded process: the
// kernel gives that thread a private copy of its fs_struct. So a fresh
// goroutine locks its thread, enters h, unshares the mount namespace, makes
// the mounts and starts the command, which inherits the thread's
// namespaces. The thread is never unlocked: it exits with its goroutine,
// so no other goroutine ever runs in that mount namespace. Nothing is
// re-executed and nothing is read from the environment.
func Exec(h *Handle, name string, argv []string, opt ExecOptions) (int, error) {
	files, copies, err := stdio(opt)
	if err != nil {
		return 1, nameError("exec in", displayName(h, name), err)
	}
	var pid int
	err = prepare(h, name, argv, opt, func(path string) error {
		fds := []uintptr{files[0].Fd(), files[1].Fd(), files[2].Fd()}
		var err error
		if pid, err = syscall.ForkExec(path, argv, &syscall.ProcAttr{Env: environ(opt), Files: fds}); err != nil {
			return &fs.PathError{Op: "exec", Path: path, Err: err}
		}
		return nil
	})
	for _, f := range files[3:] {
		f.Close() // the child's ends of the pipes, if any
	}
	if err != nil {
		for _, f := range files[:3] {
			if f != stdFile(rawos.Stdin) && f != stdFile(rawos.Stdout) && f != stdFile(rawos.Stderr) {
				f.Close()
			}
		}
		return execFailed(err), err
	}
	code, err := rawos.Wait(pid)
	copies()
	if err != nil {
		return code, fmt.Errorf("exec in namespace %q: wait: %w", displayName(h, name), err)
	}
	return code, nil
}

// Replace is Exec without a child: the command takes this process over,
// with its standard files and environment, as `ip netns exec` does. It
// returns only if the command could not be started (an *ExecError for a
// command missing or not executable). opt's Stdin, Stdout and Stderr are
// not used.
func Replace(h *Handle, name string, argv []string, opt ExecOptions) error {
	return prepare(h, name, argv, opt, func(path string) error {
		return &fs.PathError{Op: "exec", Path: path, Err: unix.Exec(path, argv, environ(opt))}
	})
}

// prepare enters h on a locked thread that is never given back, takes a
// mount namespace of its own, makes the mounts, finds argv[0] and hands
// its path to start, which runs on that thread.
func prepare(h *Handle, name string, argv []string, opt ExecOptions, start func(path string) error) error {
	if len(argv) == 0 || argv[0] == "" {
		return errors.New("exec: no command")
	}
	if opt.EtcDir == "" {
		opt.EtcDir = "/etc/netns"
	}
	if opt.Warn == nil {
		opt.Warn = func(error) {}
	}
	var err error
	onThread(func() bool {
		err = startIn(h, name, argv, opt, start)
		return false // never given back: see Exec
	})
	if err != nil {
		return nameError("exec in", displayName(h, name), err)
	}
	return nil
}

// stdFile is a file to give a child as its standard input or output: an
// *os.File of the caller's, or a pipe or standard file of nsnet's.
type stdFile interface {
	Fd() uintptr
	Close() error
}

// stdio gives the child's standard files: the caller's own when they are
// files, else pipes copied from and to the caller's readers and writers
// (the child's ends come after the first three, to be closed once it
// started). The returned function waits for the copies to end.
func stdio(opt ExecOptions) (files []stdFile, wait func(), err error) {
	var done []chan struct{}
	var ours []stdFile // our ends, closed on failure
	files = make([]stdFile, 3)
	fail := func(err error) ([]stdFile, func(), error) {
		for _, f := range append(ours, files[3:]...) {
			f.Close()
		}
		return nil, nil, err
	}
	std := []struct {
		r   io.Reader
		w   io.Writer
		def stdFile
	}{{r: opt.Stdin, def: rawos.Stdin}, {w: opt.Stdout, def: rawos.Stdout}, {w: opt.Stderr, def: rawos.Stderr}}
	for i, s := range std {
		if s.r == nil && s.w == nil {
			files[i] = s.def
			continue
		}
		if f, ok := s.r.(stdFile); ok {
			files[i] = f
			continue
		}
		if f, ok := s.w.(stdFile); ok {
			files[i] = f
			continue
		}
		pr, pw, err := rawos.Pipe()
		if err != nil {
			return fail(err)
		}
		ch := make(chan struct{})
		done = append(done, ch)
		if s.r != nil { // the child reads pr; we feed pw
			files[i], ours = pr, append(ours, pw)
			files = append(files, pr)
			go func() { copyPlain(pw, s.r); pw.Close(); close(ch) }()
		} else { // the child writes pw; we drain pr
			files[i], ours = pw, append(ours, pr)
			files = append(files, pw)
			go func() { copyPlain(s.w, pr); pr.Close(); close(ch) }()
		}
	}
	return files, func() {
		for _, ch := range done {
			<-ch
		}
	}, nil
}

// copyPlain is io.Copy written out: io.Copy (and io.CopyBuffer, whatever
// it is given) asks its arguments for ReaderFrom and WriterTo, and that
// call alone keeps *os.File's splice, sendfile and copy_file_range, and
// bufio.Writer's ReadFrom, in the binary: 10 KB to copy a pipe.
func copyPlain(w io.Writer, r io.Reader) {
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// startIn runs on a locked thread that is never given back.
func startIn(h *Handle, name string, argv []string, opt ExecOptions, start func(path string) error) error {
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
	path, err := LookPath(argv[0])
	if err != nil {
		return &ExecError{Code: 127, Err: err}
	}
	err = start(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &ExecError{Code: 127, Err: err}
	}
	if err != nil {
		return &ExecError{Code: 126, Err: err}
	}
	return nil
}

// LookPath finds a command as a shell does: a name with a slash is a
// path, any other is searched for in $PATH (an empty entry is ".").
func LookPath(file string) (string, error) {
	if strings.Contains(file, "/") {
		return file, nil // exec says why it cannot run it
	}
	dirs := rawos.Getenv("PATH")
	for more := dirs != ""; more; { // "a::b" and "a:" search "." too
		var dir string
		dir, dirs, more = strings.Cut(dirs, ":")
		p := sysfile.Join(cmp.Or(dir, "."), file)
		var st unix.Stat_t
		if unix.Stat(p, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFREG && st.Mode&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: command not found in $PATH", file)
}

func environ(opt ExecOptions) []string {
	if opt.Env != nil {
		return opt.Env
	}
	return rawos.Environ()
}

// execFailed is the exit status for a command that did not start.
func execFailed(err error) int {
	if xe, ok := errors.AsType[*ExecError](err); ok {
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
	dir := sysfile.Join(opt.EtcDir, name)
	entries, err := sysfile.ReadDirNames(dir)
	if err != nil {
		return nil // no per-namespace /etc files: nothing to do
	}
	for _, e := range entries {
		src, dst := sysfile.Join(dir, e), sysfile.Join("/etc", e)
		// Like ip: a file that cannot be bound is reported, not fatal.
		if err := unix.Mount(src, dst, "none", unix.MS_BIND, ""); err != nil {
			opt.Warn(fmt.Errorf("bind %s over %s: %w", src, dst, err))
		}
	}
	return nil
}
