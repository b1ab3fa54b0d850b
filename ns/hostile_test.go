package ns_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/testns"
	. "github.com/nsnet/nsnet/ns"
)

// isMountPoint reports whether dir is the root of a mount.
func isMountPoint(t *testing.T, dir string) bool {
	t.Helper()
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 4 && f[4] == dir {
			return true
		}
	}
	return false
}

// A symlink planted in the netns directory must not make Delete unmount
// its target (`netns del p` with p -> /proc once unmounted /proc).
func TestDeleteNeverFollowsSymlinks(t *testing.T) {
	dir := testns.NetnsDir(t)
	target := t.TempDir() // stands for /proc: a mount outside the directory
	if err := unix.Mount("tmpfs", target, "tmpfs", 0, ""); err != nil {
		t.Fatal(err)
	}
	defer unix.Unmount(target, unix.MNT_DETACH)
	if err := os.Symlink(target, filepath.Join(dir, "p")); err != nil {
		t.Fatal(err)
	}
	err := Delete(dir, "p")
	if err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Fatalf("delete of a symlink: %v", err)
	}
	if !isMountPoint(t, target) {
		t.Fatal("Delete unmounted the symlink's target")
	}
	if _, err := Open(dir, "p"); !errors.Is(err, ErrNotNamespace) {
		t.Fatalf("open of a symlink: %v", err)
	}
	// A symlink to a real namespace is refused too: names are files.
	os.Symlink("/proc/self/ns/net", filepath.Join(dir, "q"))
	if _, err := Open(dir, "q"); !errors.Is(err, ErrNotNamespace) {
		t.Fatalf("open of a symlink to a namespace: %v", err)
	}
}

// A FIFO or a device in the directory is refused at once; a plain open
// of a FIFO blocks until a writer comes.
func TestOpenRefusesFIFOAndDevice(t *testing.T) {
	dir := testns.NetnsDir(t)
	if err := unix.Mkfifo(filepath.Join(dir, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mknod(filepath.Join(dir, "null"), unix.S_IFCHR|0o600, int(unix.Mkdev(1, 3))); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"fifo", "null"} {
		done := make(chan error, 1)
		go func() {
			h, err := Open(dir, name)
			h.Close()
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotNamespace) {
				t.Errorf("%s: %v", name, err)
			}
		case <-time.After(10 * time.Second): // a liveness bound, not a timing claim
			t.Fatalf("Open(%s) blocks", name)
		}
	}
	if err := Delete(dir, "fifo"); err == nil || !strings.Contains(err.Error(), "FIFO") {
		t.Fatalf("delete of a FIFO: %v", err)
	}
}

// A name left without its namespace (a kill between creating the file and
// mounting on it) is reclaimed by the next Add.
func TestAddReclaimsStaleName(t *testing.T) {
	dir := testns.NetnsDir(t)
	if err := addClosed(dir, "warm"); err != nil { // the directory set up as Add leaves it
		t.Fatal(err)
	}
	defer Delete(dir, "warm")
	if err := os.WriteFile(filepath.Join(dir, "stale"), nil, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, "stale"); !errors.Is(err, ErrNotNamespace) {
		t.Fatalf("open of a stale name: %v", err)
	}
	if err := addClosed(dir, "stale"); err != nil {
		t.Fatalf("add over a stale name: %v", err)
	}
	defer Delete(dir, "stale")
	h, err := Open(dir, "stale")
	if err != nil {
		t.Fatal(err)
	}
	h.Close()
	if err := addClosed(dir, "stale"); !errors.Is(err, ErrExist) {
		t.Fatalf("add over a live name: %v", err)
	}
}

// Exec like ip: a per-namespace /etc file whose target is missing is a
// warning, and a namespace without a name binds nothing from /etc/netns.
func TestExecEtcEdges(t *testing.T) {
	h := testns.New(t)
	etc := t.TempDir()
	os.MkdirAll(filepath.Join(etc, "ex"), 0o755)
	os.WriteFile(filepath.Join(etc, "ex", "no-such-file-in-etc"), nil, 0o644)
	os.WriteFile(filepath.Join(etc, "hosts"), []byte("10.9.9.9 from-bare-etc-dir\n"), 0o644)
	var warned []error
	var out bytes.Buffer
	code, err := Exec(h, "ex", []string{"true"}, ExecOptions{EtcDir: etc, Stdout: &out, Warn: func(e error) { warned = append(warned, e) }})
	if err != nil || code != 0 || len(warned) != 1 || !strings.Contains(warned[0].Error(), "no-such-file-in-etc") {
		t.Fatalf("missing /etc target: code %d, err %v, warnings %v", code, err, warned)
	}
	code, err = Exec(h, "", []string{"sh", "-c", "grep -q from-bare-etc-dir /etc/hosts && exit 3; exit 0"}, ExecOptions{EtcDir: etc})
	if err != nil || code != 0 {
		t.Fatalf("an empty name bound EtcDir itself over /etc: code %d, err %v", code, err)
	}
	code, err = Exec(h, "ex", []string{"no-such-command-x"}, ExecOptions{EtcDir: etc})
	var xe *ExecError
	if code != 127 || !errors.As(err, &xe) {
		t.Fatalf("missing command: code %d, err %v", code, err)
	}
}

// No thread work ever stays on the main thread, which Go parks forever
// instead of ending: /proc/self (resolved through it) would then show the
// mounts of an exec's private mount namespace. Whether the scheduler puts
// a goroutine on the main thread is chance, so this catches a regression
// only sometimes (it did, in a whole-suite run under -race).
func TestMainThreadNeverKept(t *testing.T) {
	h := testns.New(t)
	mine := func() string {
		b, err := os.ReadFile("/proc/thread-self/mountinfo")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for range 200 {
		if code, err := Exec(h, "", []string{"true"}, ExecOptions{}); code != 0 || err != nil {
			t.Fatalf("exec: %d %v", code, err)
		}
	}
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != mine() {
		t.Fatal("/proc/self/mountinfo differs from this thread's: the main thread was left in an exec's mount namespace")
	}
}
