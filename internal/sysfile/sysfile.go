// Package sysfile reads files and directories the way nsnet needs to,
// without os.Stat, os.File.Stat, os.ReadDir or os.StartProcess: each
// returns or builds an fs.FileInfo, whose ModTime keeps a time.Time, and
// through it time's formatting and time zone code (40 KB of a binary that
// must fit an initramfs), reachable. nsnet never needs a file's time.
package sysfile

import (
	"io"
	"io/fs"
	"strings"

	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/internal/rawos"
	"golang.org/x/sys/unix"
)

// ReadFile is os.ReadFile without its fstat, which for /proc and /sys
// tells nothing anyway (their files have size 0), and whose os.FileInfo
// brings time's formatting and time zones into the binary (60 KB).
func ReadFile(path string) ([]byte, error) {
	f, err := rawos.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(f)
}

// ReadAll is io.ReadAll, without its generic growth (1 KB of binary).
func ReadAll(f io.Reader) ([]byte, error) {
	b := make([]byte, 0, 512)
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		switch {
		case err == io.EOF:
			return b, nil
		case err != nil:
			return b, err
		case len(b) == cap(b):
			b = append(b, 0)[:len(b)] // more room
		}
	}
}

// ReadDirNames lists dir, unsorted, by getdents(2).
func ReadDirNames(dir string) ([]string, error) {
	fd, err := rawos.OpenFD(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(fd)
	var names []string
	buf := make([]byte, 8192)
	for {
		n, err := unix.Getdents(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "getdents", Path: dir, Err: err}
		}
		if n <= 0 {
			return names, nil
		}
		_, _, names = unix.ParseDirent(buf[:n], -1, names) // skips . and ..
	}
}

// Users and Groups are the account files getpwnam(3) and getgrnam(3)
// read when nsswitch.conf says "files": the one source a static binary
// without libc's NSS can read.
const (
	Users  = "/etc/passwd"
	Groups = "/etc/group"
)

// Account finds, in file (Users or Groups), the entry whose name is name
// (when name is not "") or whose id is id: both lead their line as
// NAME:PASSWORD:ID:...
func Account(file, name string, id uint32) (string, uint32, bool) {
	b, err := ReadFile(file)
	if err != nil {
		return "", 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.SplitN(line, ":", 4)
		if len(f) < 3 {
			continue
		}
		n, ok := num.Uint(f[2], 10, 32)
		if ok && (name != "" && f[0] == name || name == "" && uint32(n) == id) {
			return f[0], uint32(n), true
		}
	}
	return "", 0, false
}

// Join is dir/name for the system calls, which take "a//b" and "a/./b"
// as they are: path.Join's cleaning buys nothing there, and costs 2.5 KB
// of binary.
//
//go:noinline
func Join(dir, name string) string {
	if dir == "" || strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// MkdirAll is os.MkdirAll(dir, 0o755) without its os.Stat calls.
func MkdirAll(dir string) error {
	err := unix.Mkdir(dir, 0o755)
	end := len(dir)
	for end > 1 && dir[end-1] == '/' {
		end--
	}
	if i := strings.LastIndexByte(dir[:end], '/'); err == unix.ENOENT && i > 0 {
		if err := MkdirAll(dir[:i]); err != nil { // the parent
			return err
		}
		err = unix.Mkdir(dir, 0o755)
	}
	if err == unix.EEXIST {
		var st unix.Stat_t
		if unix.Stat(dir, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR {
			return nil
		}
	}
	if err != nil {
		return &fs.PathError{Op: "mkdir", Path: dir, Err: err}
	}
	return nil
}
