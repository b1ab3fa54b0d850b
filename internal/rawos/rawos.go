// Package rawos is the small part of package os that nsnet uses, straight
// on system calls: files as plain descriptors, pipes, the arguments and
// environment, waiting for a child, exit. Importing os at all costs a static
// binary 66 KB (measured on nsnet) that must fit an initramfs (its init sets up Stdin, Stdout and
// Stderr in Go's poller, and with them the poller and its timers), and
// nsnet never needs the poller for a file.
package rawos

import (
	"io"
	"io/fs"
	"runtime"
	"sync"
	"syscall"
	_ "unsafe" // for go:linkname

	"golang.org/x/sys/unix"
)

// File is an open file descriptor. Its methods block in the kernel; they
// are safe to call from several goroutines, Close included.
type File struct{ *desc }

// desc is a File's state. Closing marks it closed, so that the finalizer
// of a File dropped after Close does not close the number again, which
// the kernel may have given to another file since.
type desc struct {
	_    [0]func() // incomparable: no equality function in the binary
	mu   sync.Mutex
	fd   int // -1 once closed
	name string
}

// NewFile wraps fd, which the File then owns: closed by Close, or when
// the File is garbage collected without it, as os closes its files.
//
//go:noinline
func NewFile(fd int, name string) *File {
	f := &File{&desc{fd: fd, name: name}}
	runtime.SetFinalizer(f, (*File).finalize)
	return f
}

// Stdin, Stdout and Stderr are descriptors 0, 1 and 2.
var (
	Stdin  = &File{&desc{fd: 0, name: "/dev/stdin"}}
	Stdout = &File{&desc{fd: 1, name: "/dev/stdout"}}
	Stderr = &File{&desc{fd: 2, name: "/dev/stderr"}}
)

// Fd is the descriptor, -1 after Close (os.File's method, so that code
// taking either asks for `interface{ Fd() uintptr }`).
func (f *File) Fd() uintptr {
	f.mu.Lock()
	defer f.mu.Unlock()
	return uintptr(f.fd)
}

// Name is the path the file was opened from.
func (f *File) Name() string { return f.name }

// Read reads up to len(b) bytes; at the end of the file it returns io.EOF.
func (f *File) Read(b []byte) (int, error) {
	for {
		n, err := unix.Read(f.num(), b)
		switch {
		case err == unix.EINTR: // Go's preemption signal
			continue
		case err != nil:
			return 0, f.pathError("read", err)
		case n == 0 && len(b) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// Write writes all of b, or fails.
func (f *File) Write(b []byte) (int, error) {
	done := 0
	for done < len(b) {
		n, err := unix.Write(f.num(), b[done:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return done, f.pathError("write", err)
		}
		done += n
	}
	return done, nil
}

// WriteString is Write of a string: what io.WriteString looks for.
func (f *File) WriteString(s string) (int, error) { return f.Write([]byte(s)) }

// Close closes the descriptor; closing twice is not an error.
func (f *File) Close() error {
	if err := f.close(); err != nil {
		return f.pathError("close", err)
	}
	return nil
}

func (f *File) finalize() { f.close() }

func (d *desc) close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fd < 0 {
		return nil
	}
	err := unix.Close(d.fd)
	d.fd = -1
	return err
}

func (d *desc) num() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fd
}

func (f *File) pathError(op string, err error) error {
	return &fs.PathError{Op: op, Path: f.name, Err: err}
}

// Open opens path for reading.
func Open(path string) (*File, error) { return OpenFile(path, unix.O_RDONLY, 0) }

// Create creates or truncates path for writing, mode 0666 before umask.
func Create(path string) (*File, error) {
	return OpenFile(path, unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC, 0o666)
}

// OpenFD is unix.Open, which is inlined wherever it is called (its path
// conversion and system call, about a hundred bytes of binary each time),
// called instead.
//
//go:noinline
func OpenFD(path string, flags int, perm uint32) (int, error) { return unix.Open(path, flags, perm) }

// OpenFile is open(2) with O_CLOEXEC, retried on EINTR; errors are
// *fs.PathError, so errors.Is(err, fs.ErrNotExist) works as with os.
func OpenFile(path string, flags int, perm uint32) (*File, error) {
	for {
		fd, err := OpenFD(path, flags|unix.O_CLOEXEC, perm)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return NewFile(fd, path), nil
	}
}

// WriteFile writes data to path, created with perm if need be.
func WriteFile(path string, data []byte, perm uint32) error {
	f, err := OpenFile(path, unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Remove removes a file or an empty directory.
func Remove(path string) error {
	err := unix.Unlink(path)
	if err == unix.EISDIR {
		err = unix.Rmdir(path)
	}
	if err != nil {
		return &fs.PathError{Op: "remove", Path: path, Err: err}
	}
	return nil
}

// Pipe returns the two ends of a pipe, reading end first.
func Pipe() (r, w *File, err error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return nil, nil, &fs.PathError{Op: "pipe", Path: "", Err: err}
	}
	return NewFile(p[0], "|0"), NewFile(p[1], "|1"), nil
}

// Args are the command line's words, the program's name first: what the
// runtime hands to package os (os.Args), taken by the same link.
func Args() []string { return runtimeArgs() }

//go:linkname runtimeArgs os.runtime_args
func runtimeArgs() []string

// Getenv is the value of the environment variable key, "" if unset.
func Getenv(key string) string {
	v, _ := syscall.Getenv(key)
	return v
}

// Environ is the environment, as "KEY=value" strings.
func Environ() []string { return syscall.Environ() }

// Wait waits for child pid to end and returns its status as a shell
// gives it: the exit status, or 128+N for a child killed by signal N.
func Wait(pid int) (int, error) {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 1, err
		case ws.Signaled():
			return 128 + int(ws.Signal()), nil
		}
		return ws.ExitStatus(), nil
	}
}

// Exit ends the process at once with status code; deferred calls do not
// run.
func Exit(code int) { syscall.Exit(code) }
