// Package sysfile reads files and directories the way nsnet needs to,
// without os.Stat, os.File.Stat, os.ReadDir or os.StartProcess: each
// returns or builds an fs.FileInfo, whose ModTime keeps a time.Time, and
// through it time's formatting and time zone code (40 KB of a binary that
// must fit an initramfs), reachable. nsnet never needs a file's time.
package sysfile

import (
	"io"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// ReadFile is os.ReadFile without its fstat (which for /proc and /sys
// tells nothing anyway: their files have size 0).
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// ReadDirNames lists dir, unsorted, by getdents(2).
func ReadDirNames(dir string) ([]string, error) {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
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
