package main

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/ns"
)

// killed starts nsnet (this test binary acting as it) with args and
// SIGKILLs it after delay, wherever it is then.
func killed(t *testing.T, delay time.Duration, args ...string) {
	t.Helper()
	cmd := exec.Command("/proc/self/exe", args...)
	cmd.Env = append(os.Environ(), cliEnv+"=1")
	must(t, cmd.Start())
	time.Sleep(delay)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}

// delays spread kills over a run's whole life (start-up included, which
// is most of it), so that over the rounds each step gets interrupted.
func delays(n int) []time.Duration {
	var ds []time.Duration
	for i := range n {
		ds = append(ds, time.Duration(i)*100*time.Microsecond)
	}
	return ds
}

// netns add killed at any point leaves the name absent, whole, or stale;
// and the next add repairs a stale one.
func TestKilledNetnsAdd(t *testing.T) {
	dir := testns.NetnsDir(t)
	for _, d := range delays(60) {
		killed(t, d, "-netns-dir", dir, "netns", "add", "k")
		_, errs, code := cli(t, "-netns-dir", dir, "netns", "add", "k")
		if code != 0 && !strings.Contains(errs, "exists") {
			t.Fatalf("after a kill at %v, netns add: exit %d: %s", d, code, errs)
		}
		h, err := ns.Open(dir, "k")
		if err != nil {
			t.Fatalf("after a kill at %v and another add: %v", d, err)
		}
		h.Close()
		mustCLI(t, "-netns-dir", dir, "netns", "del", "k")
	}
}

// A veth created with its peer in another namespace is one request: a
// kill leaves both ends or neither.
func TestKilledVethIntoNamespace(t *testing.T) {
	testns.LookPath(t, "ip")
	here, there := testns.New(t), testns.New(t)
	for _, d := range delays(60) {
		killed(t, d, "-n", nsArg(here), "link", "add", "a", "type", "veth", "peer", "name", "b", "netns", nsArg(there))
		_, errA := testns.Try(here, "ip", "link", "show", "a")
		_, errB := testns.Try(there, "ip", "link", "show", "b")
		if (errA == nil) != (errB == nil) {
			t.Fatalf("after a kill at %v: a present %v, b present %v", d, errA == nil, errB == nil)
		}
		if errA == nil {
			testns.Run(t, here, "ip", "link", "del", "a")
		}
	}
}

// NAT add killed at any point never leaves rules without forwarding, and
// running it again completes it.
func TestKilledNATAdd(t *testing.T) {
	testns.LookPath(t, "nft")
	h := testns.New(t)
	for _, d := range delays(60) {
		killed(t, d, "-n", nsArg(h), "nat", "masquerade", "add", "10.8.0.0/16")
		rules := testns.Run(t, h, "nft", "list", "ruleset")
		fwd, err := ns.Sysctl(h, "net.ipv4.ip_forward")
		must(t, err)
		const rule = `comment "nsnet masquerade 10.8.0.0/16"`
		if strings.Contains(rules, rule) && fwd != "1" {
			t.Fatalf("after a kill at %v: rules without forwarding", d)
		}
		_, errs, code := cli(t, "-n", nsArg(h), "nat", "masquerade", "add", "10.8.0.0/16")
		if code != 0 && !strings.Contains(errs, "already exists") {
			t.Fatalf("after a kill at %v, add again: exit %d: %s", d, code, errs)
		}
		if n := strings.Count(testns.Run(t, h, "nft", "list", "ruleset"), rule); n != 1 {
			t.Fatalf("after a kill at %v and another add: %d masquerade rules", d, n)
		}
		mustCLI(t, "-n", nsArg(h), "nat", "flush")
		must(t, ns.SetSysctl(h, "net.ipv4.ip_forward", "0"))
	}
}
