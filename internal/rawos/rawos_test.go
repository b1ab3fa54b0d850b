package rawos

import (
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
)

func TestFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := WriteFile(path, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(f)
	if err != nil || string(b) != "hello\n" {
		t.Fatalf("read %q, %v", b, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := f.Read(make([]byte, 1)); err == nil {
		t.Fatal("Read after Close succeeded")
	}
	if _, err := Open(path + ".missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open of a missing file: %v, want fs.ErrNotExist", err)
	}
	if err := Remove(path); err != nil {
		t.Fatal(err)
	}
}

// A File closed and dropped must not, when collected, close the number
// the kernel has given to another file since.
func TestCleanupSparesReusedNumber(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	WriteFile(path, []byte("x"), 0o600)
	for range 20 {
		a, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		a.Close()
		b, err := Open(path) // most likely a's old number
		if err != nil {
			t.Fatal(err)
		}
		a = nil
		runtime.GC()
		runtime.GC()
		if _, err := b.Read(make([]byte, 1)); err != nil {
			t.Fatalf("a file's number closed under it by another's cleanup: %v", err)
		}
		b.Close()
	}
}

func TestPipe(t *testing.T) {
	r, w, err := Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() { w.Write([]byte("through")); w.Close() }()
	b, err := io.ReadAll(r)
	r.Close()
	if err != nil || string(b) != "through" {
		t.Fatalf("read %q, %v", b, err)
	}
}

func TestArgs(t *testing.T) {
	if a := Args(); len(a) == 0 || a[0] == "" {
		t.Fatalf("Args() = %q: the runtime's argv is not reached", a)
	}
}

// Wait gives a child's status as a shell does: exit status, or 128+signal.
func TestWait(t *testing.T) {
	for _, c := range []struct {
		script string
		want   int
	}{{"exit 3", 3}, {"kill -TERM $$", 128 + 15}} {
		pid, err := syscall.ForkExec("/bin/sh", []string{"sh", "-c", c.script}, &syscall.ProcAttr{})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Wait(pid); err != nil || got != c.want {
			t.Errorf("%s: status %d, %v; want %d", c.script, got, err, c.want)
		}
	}
}
