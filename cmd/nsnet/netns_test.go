package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
)

func TestNetnsCLI(t *testing.T) {
	dir := testns.NetnsDir(t)
	d := "-netns-dir=" + dir
	mustCLI(t, d, "netns", "add", "red")
	mustCLI(t, d, "netns", "add", "blue")
	if out := mustCLI(t, d, "netns", "list"); out != "blue\nred\n" {
		t.Fatalf("netns list: %q", out)
	}
	if _, errs, code := cli(t, d, "netns", "add", "red"); code != 1 || !strings.Contains(errs, "exists") {
		t.Fatalf("duplicate add: exit %d %q", code, errs)
	}
	for _, bad := range []string{"a/b", "..", "."} {
		if _, _, code := cli(t, d, "netns", "add", bad); code != 2 {
			t.Errorf("add %q: want exit 2, got %d", bad, code)
		}
	}
	if _, errs, code := cli(t, d, "netns", "del", "green"); code != 1 || !strings.Contains(errs, `"green"`) {
		t.Fatalf("del missing: exit %d %q", code, errs)
	}
	if _, errs, code := cli(t, d, "-n", "green", "netns", "list"); code != 1 || !strings.Contains(errs, `"green"`) {
		t.Fatalf("-n missing: exit %d %q", code, errs)
	}
	mustCLI(t, d, "netns", "set", "red", "7")
	var list []struct {
		Name string `json:"name"`
		ID   *int   `json:"id"`
	}
	if err := json.Unmarshal([]byte(mustCLI(t, d, "-j", "netns", "list")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[1].Name != "red" || list[1].ID == nil || *list[1].ID != 7 || list[0].ID != nil {
		t.Fatalf("netns -j list: %+v", list)
	}
	if out := mustCLI(t, d, "netns", "list-id"); !strings.Contains(out, "nsid 7 (iproute2 netns name: red)") {
		t.Fatalf("list-id: %q", out)
	}
	mustCLI(t, d, "netns", "del", "red")
	mustCLI(t, d, "-all", "netns", "del")
	if out := mustCLI(t, d, "netns"); out != "" {
		t.Fatalf("after -all del: %q", out)
	}
}

// netns exec replaces a process, so it runs in a child: this test binary
// acting as nsnet.
func TestNetnsExecCLI(t *testing.T) {
	dir := testns.NetnsDir(t)
	mustCLI(t, "-netns-dir", dir, "netns", "add", "x")
	mustCLI(t, "-netns-dir", dir, "netns", "add", "y")
	nsnet := func(args ...string) (string, int) {
		cmd := exec.Command("/proc/self/exe", append([]string{"-netns-dir", dir}, args...)...)
		cmd.Env = append(os.Environ(), cliEnv+"=1")
		out, err := cmd.Output()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}
	if _, code := nsnet("netns", "exec", "x", "sh", "-c", "exit 3"); code != 3 {
		t.Fatalf("exit status not propagated: %d", code)
	}
	// Like ip, nsnet is replaced by the command: its parent is ours.
	if out, code := nsnet("netns", "exec", "x", "sh", "-c", "echo $PPID"); code != 0 || out != strconv.Itoa(os.Getpid())+"\n" {
		t.Fatalf("netns exec forked: the command's parent is %q, not this test (%d); exit %d", out, os.Getpid(), code)
	}
	if _, code := nsnet("netns", "exec", "x", "no-such-command-x"); code != 127 {
		t.Fatalf("a missing command exits %d, want 127", code)
	}
	// In a batch, the command runs in a child and the batch goes on.
	batch := filepath.Join(t.TempDir(), "b")
	must(t, os.WriteFile(batch, []byte("netns exec x true\nnetns exec x echo after\n"), 0o644))
	if out, code := nsnet("-batch", batch); code != 0 || out != "after\n" {
		t.Fatalf("netns exec in a batch: exit %d, %q", code, out)
	}
	// The links in /sys/class/net are directories (the bonding module
	// adds a file, bonding_masters, to every namespace's).
	out, code := nsnet("-all", "netns", "exec", "sh", "-c", "cd /sys/class/net && echo */")
	// In the directory's order, as ip: either.
	if code != 0 || out != "\nnetns: x\nlo/\n\nnetns: y\nlo/\n" && out != "\nnetns: y\nlo/\n\nnetns: x\nlo/\n" {
		t.Fatalf("-all exec: %d %q", code, out)
	}
}

// Nothing in the environment changes what a run does: once,
// _NSNET_EXEC_CHILD=x made any run act as the child of netns exec on the
// caller's own mounts.
func TestEnvironmentIsNotTrusted(t *testing.T) {
	testns.Require(t)
	cmd := exec.Command("/proc/self/exe", "link", "show", "lo")
	cmd.Env = append(os.Environ(), cliEnv+"=1", "_NSNET_EXEC_CHILD=x", "_NSNET_EXEC_ETC=/tmp")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "lo:") {
		t.Fatalf("nsnet link show lo with _NSNET_EXEC_CHILD set: %v: %s", err, out)
	}
	cmd = exec.Command("/proc/self/exe")
	cmd.Env = append(os.Environ(), cliEnv+"=1", "_NSNET_EXEC_CHILD=x")
	if out, err := cmd.CombinedOutput(); strings.Contains(string(out), "panic") {
		t.Fatalf("nsnet with no arguments: %v: %s", err, out)
	}
}
