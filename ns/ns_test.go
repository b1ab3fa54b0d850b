package ns_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/testns"
	. "github.com/nsnet/nsnet/ns"
)

func TestValidName(t *testing.T) {
	for _, bad := range []string{"", ".", "..", "a/b", "/", strings.Repeat("x", 256), "a\x00b"} {
		var ne *NameError
		if err := ValidName(bad); !errors.As(err, &ne) {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, good := range []string{"red", "ns-1", "qrouter-97db7930", strings.Repeat("x", 255), "with space"} {
		if err := ValidName(good); err != nil {
			t.Errorf("%q refused: %v", good, err)
		}
	}
}

// addClosed is Add for tests that want only the name.
func addClosed(dir, name string) error {
	h, err := Add(dir, name)
	h.Close()
	return err
}

// threadNS is the inode of the calling thread's network namespace.
func threadNS(t testing.TB) uint64 {
	var st unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/net", &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

// Many Do calls, one of which cannot switch back, then thousands of
// goroutines: none may find itself in the namespace Do entered.
func TestDoNeverLeaksNamespace(t *testing.T) {
	h := testns.New(t)
	home := threadNS(t)
	inside, _ := h.ID()
	for i := range 200 {
		restoreFn := Restore
		if i == 100 {
			restoreFn = func(int, ID) bool { return false } // as if setns back failed
		}
		err := DoWith(h, func() error {
			if got := threadNS(t); got != inside.Ino {
				return fmt.Errorf("fn ran in namespace %d, want %d", got, inside.Ino)
			}
			return nil
		}, restoreFn)
		if err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wrong := 0
	for range 5000 {
		wg.Go(func() {
			runtime.Gosched()
			var st unix.Stat_t
			if unix.Stat("/proc/thread-self/ns/net", &st) == nil && st.Ino != home {
				mu.Lock()
				wrong++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if wrong > 0 {
		t.Fatalf("%d goroutines ran in a namespace they never entered", wrong)
	}
}

// Names made by nsnet are seen by ip and the other way round; both name
// the same namespace (same nsfs inode). The sandbox's /run is private.
func TestNamedInteropWithIP(t *testing.T) {
	testns.Require(t)
	testns.LookPath(t, "ip")
	if err := addClosed(DefaultDir, "nsnet-made"); err != nil {
		t.Fatal(err)
	}
	defer Delete(DefaultDir, "nsnet-made")
	if out := ipOut(t, "netns", "list"); !strings.Contains(out, "nsnet-made") {
		t.Fatalf("ip netns list does not see nsnet's namespace:\n%s", out)
	}
	ipOut(t, "netns", "add", "ip-made")
	defer ipOut(t, "netns", "del", "ip-made")
	names, err := List(DefaultDir)
	if err != nil || !slices.Contains(names, "ip-made") {
		t.Fatalf("nsnet does not list ip's namespace: %v %v", names, err)
	}
	h, err := Open(DefaultDir, "nsnet-made")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	id, _ := h.ID()
	link := strings.TrimSpace(ipOut(t, "netns", "exec", "nsnet-made", "readlink", "/proc/self/ns/net"))
	if want := fmt.Sprintf("net:[%d]", id.Ino); link != want {
		t.Fatalf("ip netns exec lands in %s, nsnet opens %s", link, want)
	}
}

func ipOut(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip %v: %v: %s", args, err, out)
	}
	return string(out)
}

func mountCount(t *testing.T, dir string) (all, onDir int) {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 4 {
			all++
			if f[4] == dir {
				onDir++
			}
		}
	}
	return all, onDir
}

func fdCount(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func TestAddDeleteLeavesNothing(t *testing.T) {
	dir := testns.NetnsDir(t)
	if err := addClosed(dir, "warmup"); err != nil { // first add makes dir a mount point
		t.Fatal(err)
	}
	if err := Delete(dir, "warmup"); err != nil {
		t.Fatal(err)
	}
	mounts, _ := mountCount(t, dir)
	fds := fdCount(t)
	for i := range 50 {
		name := fmt.Sprintf("n%d", i)
		if err := addClosed(dir, name); err != nil {
			t.Fatal(err)
		}
		if err := Delete(dir, name); err != nil {
			t.Fatal(err)
		}
	}
	if m, _ := mountCount(t, dir); m != mounts {
		t.Fatalf("mountinfo had %d entries, now %d", mounts, m)
	}
	if f := fdCount(t); f != fds {
		t.Fatalf("%d open fds before, %d after", fds, f)
	}
	if names, _ := List(dir); len(names) != 0 {
		t.Fatalf("files left: %v", names)
	}
}

func TestParallelFirstAddsMakeOneMount(t *testing.T) {
	dir := testns.NetnsDir(t)
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range 16 {
		wg.Go(func() { errs[i] = addClosed(dir, fmt.Sprintf("p%d", i)) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, n := mountCount(t, dir); n != 1 {
		t.Fatalf("want the netns directory mounted once, found %d mounts on it", n)
	}
	names, _ := List(dir)
	if len(names) != 16 {
		t.Fatalf("want 16 names, got %v", names)
	}
	for _, n := range names {
		Delete(dir, n)
	}
}

func TestAddExistingAndDeleteMissing(t *testing.T) {
	dir := testns.NetnsDir(t)
	if err := addClosed(dir, "a"); err != nil {
		t.Fatal(err)
	}
	defer Delete(dir, "a")
	if err := addClosed(dir, "a"); !errors.Is(err, ErrExist) {
		t.Fatalf("second add: want ErrExist, got %v", err)
	}
	if err := Delete(dir, "nope"); !errors.Is(err, ErrNotExist) || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("delete missing: want ErrNotExist naming it, got %v", err)
	}
	if _, err := Open(dir, "nope"); !errors.Is(err, ErrNotExist) {
		t.Fatalf("open missing: got %v", err)
	}
}

func TestOpenRefusesSymlinksAndPlainFiles(t *testing.T) {
	dir := testns.NetnsDir(t)
	if err := os.Symlink("/proc/self/ns/net", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "plain"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, "link"); err == nil {
		t.Fatal("symlink opened as a namespace")
	}
	if _, err := Open(dir, "plain"); !errors.Is(err, ErrNotNamespace) {
		t.Fatalf("plain file: want ErrNotNamespace, got %v", err)
	}
}

func TestAttachIdentifyPIDs(t *testing.T) {
	dir := testns.NetnsDir(t)
	cmd := exec.Command("sleep", "30")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWNET}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	pid := cmd.Process.Pid
	if err := Attach(dir, "att", pid); err != nil {
		t.Fatal(err)
	}
	defer Delete(dir, "att")
	if names, err := Identify(dir, pid); err != nil || !slices.Equal(names, []string{"att"}) {
		t.Fatalf("identify %d: %v %v", pid, names, err)
	}
	if names, _ := Identify(dir, os.Getpid()); len(names) != 0 {
		t.Fatalf("identify self: want no name, got %v", names)
	}
	if pids, err := PIDs(dir, "att"); err != nil || !slices.Equal(pids, []int{pid}) {
		t.Fatalf("pids: %v %v, want [%d]", pids, err, pid)
	}
	all, err := ListAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, n := range all {
		if slices.Contains(n.PIDs, pid) && slices.Contains(n.Files, filepath.Join(dir, "att")) {
			found = true
		}
	}
	if !found {
		t.Fatalf("ListAll misses pid %d with its file: %+v", pid, all)
	}
	if err := Attach(dir, "dead", 999999999); err == nil {
		t.Fatal("attach to a missing pid succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "dead")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("failed attach left its file behind")
	}
}

func TestExec(t *testing.T) {
	dir := testns.NetnsDir(t)
	if err := addClosed(dir, "ex"); err != nil {
		t.Fatal(err)
	}
	defer Delete(dir, "ex")
	h, err := Open(dir, "ex")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	etc := t.TempDir()
	os.MkdirAll(filepath.Join(etc, "ex"), 0o755)
	os.WriteFile(filepath.Join(etc, "ex", "hosts"), []byte("10.9.9.9 only-in-ex\n"), 0o644)
	id, _ := h.ID()
	// Links in /sys/class/net are directories: the bonding module adds a
	// file (bonding_masters) to every namespace's.
	script := fmt.Sprintf(`test "$(readlink /proc/self/ns/net)" = "net:[%d]" || exit 10
test "$(cd /sys/class/net && echo */)" = "lo/" || exit 11
grep -q only-in-ex /etc/hosts || exit 12
exit 7`, id.Ino)
	code, err := Exec(h, "ex", []string{"sh", "-c", script}, ExecOptions{EtcDir: etc})
	if err != nil || code != 7 {
		t.Fatalf("exec: code %d (10: wrong netns, 11: wrong /sys, 12: no /etc bind), err %v", code, err)
	}
	if b, _ := os.ReadFile("/etc/hosts"); strings.Contains(string(b), "only-in-ex") {
		t.Fatal("the bind mount over /etc/hosts leaked out of the exec")
	}
	if code, _ := Exec(h, "ex", []string{"no-such-command-x"}, ExecOptions{}); code != 127 {
		t.Fatalf("missing command: want 127, got %d", code)
	}
}

// Readers and writers that are not files reach the command through pipes
// that Exec feeds and drains itself: all of it, however long.
func TestExecPipes(t *testing.T) {
	h := testns.New(t)
	in := strings.Repeat("0123456789abcdef", 10000) // 160 KB: many reads of the copy's buffer
	var out, errOut bytes.Buffer
	code, err := Exec(h, "", []string{"sh", "-c", "cat; echo to-stderr >&2"}, ExecOptions{Stdin: strings.NewReader(in), Stdout: &out, Stderr: &errOut})
	if err != nil || code != 0 {
		t.Fatalf("exec cat: code %d, err %v", code, err)
	}
	if out.String() != in || errOut.String() != "to-stderr\n" {
		t.Fatalf("through the pipes: stdout %d bytes of %d (equal: %v), stderr %q", out.Len(), len(in), out.String() == in, errOut.String())
	}
}

func TestSysctlPerNamespace(t *testing.T) {
	a, b := testns.New(t), testns.New(t)
	if err := SetSysctl(a, "net.ipv4.ip_forward", "1"); err != nil {
		t.Fatal(err)
	}
	if v, err := Sysctl(a, "net.ipv4.ip_forward"); err != nil || v != "1" {
		t.Fatalf("a: %q %v", v, err)
	}
	if v, err := Sysctl(b, "net.ipv4.ip_forward"); err != nil || v != "0" {
		t.Fatalf("b must not see a's setting: %q %v", v, err)
	}
	if _, err := Sysctl(a, "kernel.hostname"); err == nil {
		t.Fatal("non-net sysctl accepted")
	}
}

// A namespace's own sysfs lists its links, not the host's /sys's, and
// attaches nowhere: the mount table is the same before and after.
func TestOpenSysfs(t *testing.T) {
	h := testns.New(t)
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	s, err := OpenSysfs(h)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, err := s.ReadFile("class/net/lo/ifindex")
	if err != nil || strings.TrimSpace(string(b)) != "1" {
		t.Fatalf("lo's ifindex in the namespace's sysfs: %q, %v", b, err)
	}
	host, _ := os.ReadDir("/sys/class/net")
	for _, d := range host {
		if d.Name() != "lo" {
			if _, err := s.ReadFile("class/net/" + d.Name() + "/ifindex"); err == nil {
				t.Fatalf("the namespace's sysfs shows the host's %s", d.Name())
			}
		}
	}
	if _, err := s.ReadFile("../../proc/self/status"); err == nil {
		t.Fatal("a path out of the sysfs resolved")
	}
	if after, _ := os.ReadFile("/proc/self/mountinfo"); string(after) != string(mounts) {
		t.Fatal("OpenSysfs changed the mount table")
	}
}
