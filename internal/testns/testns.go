// Package testns is the one test harness for kernel tests: it makes sure no
// test can touch the host's own network.
//
// Every package with kernel tests has
//
//	func TestMain(m *testing.M) { testns.Main(m) }
//
// As root, Main re-executes the test binary once inside new network and
// mount namespaces, with mount propagation private and a tmpfs on /run (so
// /run/netns is a throwaway too). Even a buggy test then only damages a
// namespace that vanishes with the process. Each test then takes fresh
// namespaces of its own with New and NetnsDir.
//
// Without privilege, kernel tests skip loudly; with NSNET_REQUIRE_KERNEL=1
// (set by .ci/run) the skip becomes a failure, so CI cannot pass by
// skipping.
package testns

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/ns"
)

const (
	sandboxEnv = "NSNET_TEST_SANDBOX" // set in the re-executed child
	requireEnv = "NSNET_REQUIRE_KERNEL"
)

// Main runs the tests of a package, inside a sandbox when privileged.
func Main(m *testing.M) {
	if os.Getenv(sandboxEnv) == "1" {
		if err := setupSandbox(); err != nil {
			fmt.Fprintf(os.Stderr, "testns: set up sandbox: %v\n", err)
			os.Exit(1)
		}
		os.Exit(m.Run())
	}
	if os.Geteuid() != 0 {
		os.Exit(m.Run()) // kernel tests skip (or fail under NSNET_REQUIRE_KERNEL)
	}
	cmd := exec.Command("/proc/self/exe", os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), sandboxEnv+"=1")
	// The namespaces are made in the forked child before it executes, when
	// it has one thread: CLONE_NEWNS cannot be unshared by a threaded Go
	// process.
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWNET | unix.CLONE_NEWNS, Pdeathsig: syscall.SIGKILL}
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		os.Exit(ee.ExitCode())
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "testns: re-execute tests in a sandbox: %v\n", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func setupSandbox() error {
	// Private propagation first, so that nothing mounted below leaks back
	// to the host's mount namespace.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make / private: %w", err)
	}
	if err := unix.Mount("tmpfs", "/run", "tmpfs", 0, "mode=0755"); err != nil {
		return fmt.Errorf("mount tmpfs on /run: %w", err)
	}
	return nil
}

// Require skips t, loudly, unless the test runs privileged in the sandbox;
// under NSNET_REQUIRE_KERNEL=1 it fails t instead.
func Require(t testing.TB) {
	t.Helper()
	if os.Getenv(sandboxEnv) == "1" {
		return
	}
	msg := "KERNEL TEST NOT RUN: needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN) to run in a sandbox namespace"
	if os.Getenv(requireEnv) == "1" {
		t.Fatal(msg + ", and NSNET_REQUIRE_KERNEL=1 forbids skipping")
	}
	t.Skip(msg)
}

// New returns a fresh network namespace for t, closed when t ends.
func New(t testing.TB) *ns.Handle {
	t.Helper()
	Require(t)
	h, err := ns.New()
	if err != nil {
		t.Fatalf("create test namespace: %v", err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// NetnsDir returns a fresh, empty directory for named namespaces, to be
// passed where nsnet takes a netns directory. Everything under it is
// unmounted and removed when t ends.
func NetnsDir(t testing.TB) string {
	t.Helper()
	Require(t)
	dir, err := os.MkdirTemp("/run", "netns-")
	if err != nil {
		t.Fatalf("create netns directory: %v", err)
	}
	t.Cleanup(func() {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			unix.Unmount(dir+"/"+e.Name(), unix.MNT_DETACH)
		}
		for unix.Unmount(dir, unix.MNT_DETACH) == nil {
		}
		os.RemoveAll(dir)
	})
	return dir
}

// DefaultNetnsDir gives t a fresh, empty /run/netns (ns.DefaultDir), the
// only directory `ip -n NAME` looks in, for tests that use ip on named
// namespaces: no name can meet one a previous test left. A tmpfs is
// mounted over it, and detached, with every namespace mounted in it, when
// t ends. Tests that use it must not run in parallel.
func DefaultNetnsDir(t testing.TB) {
	t.Helper()
	Require(t)
	if err := os.MkdirAll(ns.DefaultDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", ns.DefaultDir, "tmpfs", 0, "mode=0755"); err != nil {
		t.Fatalf("mount a fresh %s: %v", ns.DefaultDir, err)
	}
	t.Cleanup(func() {
		// Lazily, with what is mounted below (each name, and the bind of
		// the directory onto itself that makes it shared).
		for unix.Unmount(ns.DefaultDir, unix.MNT_DETACH) == nil {
		}
	})
}

// NftRuleset is `nft -j list ruleset` in h, decoded: the objects of its
// "nftables" array.
func NftRuleset(t testing.TB, h *ns.Handle) []map[string]any {
	t.Helper()
	var v struct {
		Nftables []map[string]any `json:"nftables"`
	}
	if err := json.Unmarshal([]byte(Run(t, h, "nft", "-j", "list", "ruleset")), &v); err != nil {
		t.Fatal(err)
	}
	return v.Nftables
}

// NftTables are the tables nft lists in h, as "FAMILY NAME".
func NftTables(t testing.TB, h *ns.Handle) []string {
	t.Helper()
	var names []string
	for _, o := range NftRuleset(t, h) {
		if tb, ok := o["table"].(map[string]any); ok {
			names = append(names, tb["family"].(string)+" "+tb["name"].(string))
		}
	}
	return names
}

// Run runs an oracle command (ip, nft, ...) inside namespace h and returns
// its standard output; a failure fails t. The command is forked from a
// thread that is in h, which is how it inherits the namespace.
func Run(t testing.TB, h *ns.Handle, name string, args ...string) string {
	t.Helper()
	out, err := Try(h, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return out
}

// Try is Run that returns the error instead of failing the test.
func Try(h *ns.Handle, name string, args ...string) (string, error) {
	var out, errb strings.Builder
	err := ns.Do(h, func() error {
		cmd := exec.Command(name, args...)
		cmd.Stdout, cmd.Stderr = &out, &errb
		return cmd.Run()
	})
	if err != nil {
		return out.String(), fmt.Errorf("%w: %s", err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// LookPath skips t when an oracle tool is missing, or fails it under
// NSNET_REQUIRE_KERNEL=1 (CI installs every oracle), unless the oracle is
// one of NSNET_OPTIONAL_ORACLES (space separated: the 6.1 VM has no tshark).
func LookPath(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		msg := fmt.Sprintf("ORACLE %q NOT INSTALLED: test not run", name)
		if os.Getenv(requireEnv) == "1" && !slices.Contains(strings.Fields(os.Getenv("NSNET_OPTIONAL_ORACLES")), name) {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// TryStdin is Try with stdin as the command's standard input.
func TryStdin(h *ns.Handle, stdin, name string, args ...string) (string, error) {
	var out, errb strings.Builder
	err := ns.Do(h, func() error {
		cmd := exec.Command(name, args...)
		cmd.Stdin = strings.NewReader(stdin)
		cmd.Stdout, cmd.Stderr = &out, &errb
		return cmd.Run()
	})
	if err != nil {
		return out.String(), fmt.Errorf("%w: %s", err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// Oracle runs an independent tool (ip, nft) in the test's own namespace and
// returns its output, stderr included; its failure fails t.
func Oracle(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}
