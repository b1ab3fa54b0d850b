package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/ns"
)

// noReach proves that a TCP connection from `from` to addr:port fails
// while a server listens in `to`.
func noReach(t *testing.T, from, to, addr string, port int) {
	t.Helper()
	noReachVia(t, from, to, addr, port, port)
}

func noReachVia(t *testing.T, from, to, addr string, port, serverPort int) {
	t.Helper()
	served := make(chan int, 1)
	go func() {
		_, _, code := cli(t, "-n", to, "probe", "listen", "tcp", fmt.Sprint(serverPort), "timeout", "2")
		served <- code
	}()
	waitListening(t, to, serverPort)
	args := []string{"probe", "connect", "tcp", addr, fmt.Sprint(port), "timeout", "1"}
	if from != "" {
		args = append([]string{"-n", from}, args...)
	}
	if _, _, code := cli(t, args...); code == 0 {
		t.Fatalf("TCP from %q to %s:%d worked; it must not", from, addr, port)
	}
	if code := <-served; code == 0 {
		t.Fatalf("the server in %s was reached", to)
	}
}

// The seeds' last step: namespaces behind a host reach the outside only
// with masquerade, and the outside, the host and a sibling reach a
// namespace's service through a port forward.
func TestNATTraffic(t *testing.T) {
	testns.Require(t)
	testns.LookPath(t, "nft")
	cleanupNetns(t, "gw", "red", "blue", "lan")
	script(t, `
		netns add gw
		netns add red
		netns add blue
		netns add lan
		-n gw link add br0 type bridge
		-n gw link set br0 up
		-n gw addr add 192.168.15.5/24 dev br0
		-n gw addr add fd00:15::5/64 dev br0 nodad
		-n gw link add veth-red type veth peer name veth-red netns red
		-n gw link add veth-blue type veth peer name veth-blue netns blue
		-n gw link set veth-red master br0 up
		-n gw link set veth-blue master br0 up
		-n red addr add 192.168.15.1/24 dev veth-red
		-n red addr add fd00:15::1/64 dev veth-red nodad
		-n red link set veth-red up
		-n red route add default via 192.168.15.5
		-n red -6 route add default via fd00:15::5
		-n blue addr add 192.168.15.2/24 dev veth-blue
		-n blue addr add fd00:15::2/64 dev veth-blue nodad
		-n blue link set veth-blue up
		-n blue route add default via 192.168.15.5
		-n blue -6 route add default via fd00:15::5
		-n gw link add eth0 type veth peer name eth0 netns lan
		-n gw addr add 192.168.1.2/24 dev eth0
		-n gw addr add fd00:1::2/64 dev eth0 nodad
		-n gw link set eth0 up
		-n lan addr add 192.168.1.3/24 dev eth0
		-n lan addr add fd00:1::3/64 dev eth0 nodad
		-n lan link set eth0 up`)
	must(t, ns.SetSysctl(hostHandle(t, "gw"), "net.ipv4.ip_forward", "1"))
	must(t, ns.SetSysctl(hostHandle(t, "gw"), "net.ipv6.conf.all.forwarding", "1"))
	noReach(t, "red", "lan", "192.168.1.3", 9000) // lan has no route back

	_, errs, code := cli(t, "-n", "gw", "nat", "masquerade", "add", "192.168.15.0/24", "oif", "eth0")
	if code != 0 {
		t.Fatalf("masquerade add: %d %s", code, errs)
	}
	if seen := reach(t, "red", "lan", "192.168.1.3", 9001); seen != "192.168.1.2" {
		t.Fatalf("masqueraded: lan saw %s, want the gateway's 192.168.1.2", seen)
	}
	noReachVia(t, "lan", "blue", "192.168.1.2", 8080, 80)
	mustCLI(t, "-n", "gw", "nat", "forward", "add", "tcp", "8080", "to", "192.168.15.2:80")
	if seen := reachVia(t, "lan", "blue", "192.168.1.2", 8080, 80); seen != "192.168.1.3" {
		t.Fatalf("forward from outside: blue saw %s, want the client's own 192.168.1.3", seen)
	}
	if seen := reachVia(t, "gw", "blue", "192.168.1.2", 8080, 80); seen != "192.168.1.2" {
		t.Fatalf("forward from the gateway itself: blue saw %s", seen)
	}
	if seen := reachVia(t, "red", "blue", "192.168.1.2", 8080, 80); seen != "192.168.15.5" {
		t.Fatalf("hairpin from red: blue saw %s, want the gateway's 192.168.15.5", seen)
	}
	show := mustCLI(t, "-n", "gw", "nat", "show")
	if !strings.Contains(show, "dnat to 192.168.15.2:80") || !strings.Contains(show, "ct status dnat") {
		t.Fatalf("nat show:\n%s", show)
	}
	mustCLI(t, "-n", "gw", "nat", "forward", "del", "tcp", "8080", "to", "192.168.15.2:80")
	noReachVia(t, "lan", "blue", "192.168.1.2", 8080, 80)

	// IPv6 the same way.
	noReach(t, "red", "lan", "fd00:1::3", 9002)
	mustCLI(t, "-n", "gw", "nat", "masquerade", "add", "fd00:15::/64")
	if seen := reach(t, "red", "lan", "fd00:1::3", 9003); seen != "fd00:1::2" {
		t.Fatalf("IPv6 masquerade: lan saw %s", seen)
	}
	mustCLI(t, "-n", "gw", "nat", "forward", "add", "tcp", "8081", "to", "[fd00:15::2]:80")
	if seen := reachVia(t, "lan", "blue", "fd00:1::2", 8081, 80); seen != "fd00:1::3" {
		t.Fatalf("IPv6 forward from outside: blue saw %s", seen)
	}
	if seen := reachVia(t, "red", "blue", "fd00:1::2", 8081, 80); seen != "fd00:15::5" {
		t.Fatalf("IPv6 hairpin: blue saw %s", seen)
	}

	// flush removes nsnet's tables only.
	if out, err := testns.TryStdin(hostHandle(t, "gw"), "table ip foreign { chain c { type filter hook input priority 0; }; }", "nft", "-f", "-"); err != nil {
		t.Fatal(out, err)
	}
	mustCLI(t, "-n", "gw", "nat", "flush")
	if out := testns.Run(t, hostHandle(t, "gw"), "nft", "list", "tables"); strings.TrimSpace(out) != "table ip foreign" {
		t.Fatalf("after flush: %q", out)
	}
	noReach(t, "red", "lan", "192.168.1.3", 9004)
}

func TestNATUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"nat", "masquerade", "add", "10.0.0.0/33"},
		{"nat", "masquerade", "add", "nonsense"},
		{"nat", "forward", "add", "tcp", "0", "to", "10.0.0.1"},
		{"nat", "forward", "add", "tcp", "70000", "to", "10.0.0.1"},
		{"nat", "forward", "add", "sctp", "80", "to", "10.0.0.1"},
		{"nat", "forward", "add", "tcp", "80", "to", "10.0.0.1:0"},
		{"nat", "forward", "add", "tcp", "80", "to", "not-an-address"},
		{"nat", "forward", "add", "tcp", "80", "to", "10.0.0.1", "iif", "bad/name"},
	} {
		// -n names a namespace that does not exist: a usage error must be
		// found before anything is opened or sent.
		if _, errs, code := cli(t, append([]string{"-n", "no-such-ns"}, args...)...); code != 2 {
			t.Errorf("%v: want exit 2, got %d: %s", args, code, errs)
		}
	}
}

// Forwarding is ensured before the rules go in, and again when they exist
// already: a run killed after the rules were added and before forwarding
// was turned on is repaired by simply running it again.
func TestNATForwardingEnsuredOnExists(t *testing.T) {
	testns.LookPath(t, "nft")
	h := testns.New(t)
	mustCLI(t, "-n", nsArg(h), "nat", "masquerade", "add", "10.7.0.0/16")
	if v, err := ns.Sysctl(h, "net.ipv4.ip_forward"); err != nil || v != "1" {
		t.Fatalf("ip_forward after add: %q, %v", v, err)
	}
	must(t, ns.SetSysctl(h, "net.ipv4.ip_forward", "0"))
	_, errs, code := cli(t, "-n", nsArg(h), "nat", "masquerade", "add", "10.7.0.0/16")
	if code != 1 || !strings.Contains(errs, "already exists") {
		t.Fatalf("second add: exit %d: %s", code, errs)
	}
	if v, err := ns.Sysctl(h, "net.ipv4.ip_forward"); err != nil || v != "1" {
		t.Fatalf("ip_forward after the second add: %q, %v", v, err)
	}
}

// On a system without /proc (an initramfs that did not mount it), the
// forwarding sysctl cannot be read, and the message says what to do.
func TestNATWithoutProcSaysMountIt(t *testing.T) {
	testns.Require(t)
	testns.LookPath(t, "unshare")
	testns.LookPath(t, "nft")
	exe, err := os.Executable()
	must(t, err)
	cmd := exec.Command("unshare", "--mount", "--net", "--propagation", "private", "sh", "-c",
		`mount -t tmpfs none /proc && exec "$0" nat masquerade add 10.0.0.0/8`, exe)
	cmd.Env = append(os.Environ(), cliEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "/proc is not mounted (mount -t proc proc /proc)") {
		t.Fatalf("without /proc: %v: %s", err, out)
	}
}

// NAT lines of a batch go into one nftables transaction, and still end as
// running them one by one ends: line 4 repeats line 2's forward and is
// refused; without -force, the forwards of lines 1-3 exist and none
// after; with -force, all but the repeat, and line 4 is named.
func TestBatchNATOneTransaction(t *testing.T) {
	testns.LookPath(t, "nft")
	dir := testns.NetnsDir(t)
	var b strings.Builder
	for i := range 40 { // lines 1-40, and line 4 repeats line 2
		if i == 3 {
			b.WriteString("nat forward add tcp 10001 to 10.80.0.2:80\n")
			continue
		}
		fmt.Fprintf(&b, "nat forward add tcp %d to 10.80.0.2:80\n", 10000+i)
	}
	b.WriteString("-6 nat masquerade add fd00:80::/64\n") // line 41, family ip6
	file := filepath.Join(t.TempDir(), "nat")
	must(t, os.WriteFile(file, []byte(b.String()), 0o644))
	for _, force := range []bool{false, true} {
		mustCLI(t, "-netns-dir", dir, "netns", "add", "nb")
		h, err := ns.Open(dir, "nb")
		must(t, err)
		args := []string{"-netns-dir", dir, "-n", "nb", "-batch", file}
		if force {
			args = append(args, "-force")
		}
		_, errs, code := cli(t, args...)
		if code != 1 || !strings.Contains(errs, file+`:4: add NAT "forward tcp 10001 to 10.80.0.2:80": it already exists`) {
			t.Fatalf("force=%v: exit %d, %q; want 1 naming line 4", force, code, errs)
		}
		rules := testns.Run(t, h, "nft", "list", "ruleset")
		dnats, masq := strings.Count(rules, "dnat to 10.80.0.2:80")/2, strings.Contains(rules, "ip6 saddr fd00:80::/64 masquerade")
		if !force && (dnats != 3 || masq) || force && (dnats != 39 || !masq) {
			t.Errorf("force=%v: %d forwards (prerouting and output each), masquerade %v:\n%s", force, dnats, masq, rules)
		}
		h.Close()
		mustCLI(t, "-netns-dir", dir, "netns", "del", "nb")
	}
}
