package main

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/ns"
)

// The seed tutorials work in /run/netns: inside the test sandbox that is a
// private tmpfs, so ip (the oracle) finds the same names.

// ipJSON runs `ip -j ARGS` and decodes its output.
func ipJSON(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	out, err := exec.Command("ip", append([]string{"-j"}, args...)...).Output()
	if err != nil {
		t.Fatalf("ip -j %s: %v", strings.Join(args, " "), err)
	}
	var v []map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("ip -j %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return v
}

// nsnetJSON runs `nsnet -j ARGS` in-process and decodes its output.
func nsnetJSON(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	out := mustCLI(t, append([]string{"-j"}, args...)...)
	var v []map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("nsnet -j %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return v
}

// script runs nsnet command lines, one per line, failing t on the first
// error.
func script(t *testing.T, lines string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(lines), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			mustCLI(t, strings.Fields(line)...)
		}
	}
}

// reach proves TCP works from namespace `from` to addr:port served in
// namespace `to`, and returns the client address the server saw.
func reach(t *testing.T, from, to, addr string, port int) string {
	t.Helper()
	return reachVia(t, from, to, addr, port, port)
}

// reachVia is reach where the server listens on another port than the
// client connects to (a port forward).
func reachVia(t *testing.T, from, to, addr string, port, serverPort int) string {
	t.Helper()
	served := make(chan string, 1)
	go func() {
		out, errs, code := cli(t, "-n", to, "probe", "listen", "tcp", fmt.Sprint(serverPort), "timeout", "5")
		served <- fmt.Sprintf("%d %s%s", code, out, errs)
	}()
	waitListening(t, to, serverPort)
	args := []string{"probe", "connect", "tcp", addr, fmt.Sprint(port), "timeout", "3"}
	if from != "" {
		args = append([]string{"-n", from}, args...)
	}
	_, errs, code := cli(t, args...)
	got := <-served
	if code != 0 || !strings.HasPrefix(got, "0 tcp from ") {
		t.Fatalf("TCP from %q to %s:%d: client exit %d %s; server: %s", from, addr, port, code, errs, got)
	}
	ap, err := netip.ParseAddrPort(strings.Fields(got)[3])
	if err != nil {
		t.Fatalf("server output %q: %v", got, err)
	}
	return ap.Addr().Unmap().String()
}

// cleanupNetns gives t a fresh /run/netns and deletes the named
// namespaces when t ends.
// namedNetns makes named namespaces in the test's netns directory, each
// deleted when the test ends.
func namedNetns(t *testing.T, names ...string) {
	cleanupNetns(t, names...)
	for _, n := range names {
		mustCLI(t, "netns", "add", n)
	}
}

func cleanupNetns(t *testing.T, names ...string) {
	testns.DefaultNetnsDir(t)
	t.Cleanup(func() {
		for _, n := range names {
			cli(t, "netns", "del", n)
		}
	})
}

// Seed 003: red and blue joined by a veth pair, then by a bridge on a
// "host" namespace that has an address on the bridge; routes via the host.
func TestSeedRedBlueVethAndBridge(t *testing.T) {
	testns.Require(t)
	testns.LookPath(t, "ip")
	cleanupNetns(t, "red", "blue", "host", "lan")
	script(t, `
		netns add red
		netns add blue
		netns add host
		-n host link add veth-red type veth peer name veth-blue
		-n host link set veth-red netns red
		-n host link set veth-blue netns blue
		-n red addr add 192.168.15.1/24 dev veth-red
		-n blue addr add 192.168.15.2/24 dev veth-blue
		-n red link set veth-red up
		-n blue link set veth-blue up`)
	a := ipJSON(t, "-n", "red", "addr", "show", "dev", "veth-red")
	if len(a) != 1 || a[0]["operstate"] != "UP" || a[0]["addr_info"].([]any)[0].(map[string]any)["local"] != "192.168.15.1" {
		t.Fatalf("ip sees red's veth as %v", a)
	}
	if seen := reach(t, "red", "blue", "192.168.15.2", 80); seen != "192.168.15.1" {
		t.Fatalf("blue saw %s", seen)
	}
	n := ipJSON(t, "-n", "red", "neigh", "show", "dev", "veth-red")
	if len(n) != 1 || n[0]["dst"] != "192.168.15.2" {
		t.Fatalf("red's ARP table after traffic: %v", n)
	}
	script(t, `
		-n red link del veth-red
		-n host link add v-net-0 type bridge
		-n host link set v-net-0 up
		-n host link add veth-red type veth peer name veth-red-br
		-n host link add veth-blue type veth peer name veth-blue-br
		-n host link set veth-red netns red
		-n host link set veth-red-br master v-net-0 up
		-n host link set veth-blue netns blue
		-n host link set veth-blue-br master v-net-0 up
		-n red addr add 192.168.15.1/24 dev veth-red
		-n blue addr add 192.168.15.2/24 dev veth-blue
		-n red link set veth-red up
		-n blue link set veth-blue up
		-n host addr add 192.168.15.5/24 dev v-net-0`)
	ports := ipJSON(t, "-n", "host", "link", "show", "master", "v-net-0")
	if len(ports) != 2 {
		t.Fatalf("bridge ports seen by ip: %v", ports)
	}
	if seen := reach(t, "red", "blue", "192.168.15.2", 81); seen != "192.168.15.1" {
		t.Fatalf("through the bridge, blue saw %s", seen)
	}
	if seen := reach(t, "host", "red", "192.168.15.1", 82); seen != "192.168.15.5" {
		t.Fatalf("host to red: red saw %s", seen)
	}
	// Routes via the host, to a "lan" namespace behind it, forwarding on.
	// "lan" is deleted with the others when t ends.
	script(t, `
		netns add lan
		-n host link add eth0 type veth peer name eth0 netns lan
		-n host addr add 192.168.1.2/24 dev eth0
		-n host link set eth0 up
		-n lan addr add 192.168.1.3/24 dev eth0
		-n lan link set eth0 up
		-n lan route add 192.168.15.0/24 via 192.168.1.2
		-n blue route add 192.168.1.0/24 via 192.168.15.5
		-n red route add default via 192.168.15.5 metric 5`)
	must(t, ns.SetSysctl(hostHandle(t, "host"), "net.ipv4.ip_forward", "1"))
	r := ipJSON(t, "-n", "red", "route", "show", "default")
	if len(r) != 1 || r[0]["gateway"] != "192.168.15.5" || r[0]["metric"] != float64(5) {
		t.Fatalf("red's default route seen by ip: %v", r)
	}
	g := nsnetJSON(t, "-n", "red", "route", "get", "192.168.1.3")
	if g[0]["gateway"] != "192.168.15.5" || g[0]["dev"] != "veth-red" {
		t.Fatalf("route get: %v", g)
	}
	if seen := reach(t, "blue", "lan", "192.168.1.3", 83); seen != "192.168.15.2" {
		t.Fatalf("routed: lan saw %s", seen)
	}
	if seen := reach(t, "red", "lan", "192.168.1.3", 84); seen != "192.168.15.1" {
		t.Fatalf("default route: lan saw %s", seen)
	}
	// IPv6 on the same links.
	script(t, `
		-n red addr add fd00:15::1/64 dev veth-red nodad
		-n blue addr add fd00:15::2/64 dev veth-blue nodad`)
	if seen := reach(t, "red", "blue", "fd00:15::2", 85); seen != "fd00:15::1" {
		t.Fatalf("IPv6: blue saw %s", seen)
	}
	// Statistics moved.
	s := nsnetJSON(t, "-n", "red", "-s", "link", "show", "veth-red")
	if st := s[0]["stats64"].(map[string]any)["tx"].(map[string]any); st["packets"].(float64) == 0 {
		t.Fatalf("no TX packets counted after traffic: %v", st)
	}
}

// Seed 004: ns-1 and ns-2 with /16 addresses on a veth pair.
func TestSeedNs1Ns2(t *testing.T) {
	testns.Require(t)
	cleanupNetns(t, "ns-1", "ns-2")
	script(t, `
		netns add ns-1
		netns add ns-2
		-n ns-1 link add veth-1 type veth peer name veth-2 netns ns-2
		-n ns-1 addr add 10.0.0.10/16 dev veth-1
		-n ns-1 link set dev veth-1 up
		-n ns-2 addr add 10.0.0.20/16 dev veth-2
		-n ns-2 link set dev veth-2 up
		-n ns-1 link set lo up`)
	if seen := reach(t, "ns-1", "ns-2", "10.0.0.20", 8000); seen != "10.0.0.10" {
		t.Fatalf("ns-2 saw %s", seen)
	}
	if seen := reach(t, "ns-1", "ns-1", "127.0.0.1", 8001); seen != "127.0.0.1" {
		t.Fatalf("loopback: %s", seen)
	}
	if out := mustCLI(t, "netns", "list"); !strings.Contains(out, "ns-1") || !strings.Contains(out, "ns-2") {
		t.Fatalf("netns list: %q", out)
	}
}

// State made by ip, read by nsnet -j, must equal ip -j on the keys both
// print.
func TestDifferentialIPToNsnet(t *testing.T) {
	testns.Require(t)
	testns.LookPath(t, "ip")
	cleanupNetns(t, "diff")
	mustCLI(t, "netns", "add", "diff")
	for _, c := range []string{
		"link add br0 type bridge", "link add v0 type veth peer name v1", "link set v0 master br0 up",
		"link set v1 mtu 1400 alias peer-end up", "link add mv0 link v1 type macvlan mode bridge",
		"link add vx0 type vxlan id 42 remote 10.9.9.9 dstport 4789", "link set br0 up",
		"addr add 10.1.0.1/24 broadcast + dev v1 label v1:a", "addr add 10.2.0.1/16 dev v1",
		"addr add fd00:1::1/64 dev v1 nodad", "route add 10.3.0.0/16 via 10.1.0.254 metric 7",
		"route add 10.4.0.0/16 dev v1 table 100", "route add 10.5.0.0/16 via 10.1.0.253 dev v1 table 2000 proto static",
		"route add 10.6.0.0/16 nexthop via 10.1.0.1 weight 2 nexthop via 10.1.0.2",
		"neigh add 10.1.0.77 lladdr 02:00:00:00:00:77 dev v1", "neigh add 10.1.0.78 lladdr 02:00:00:00:00:78 dev v1 nud reachable",
		"link add mt0 link v1 type macvtap mode vepa", "route add 10.9.0.0/16 via 192.0.2.1 dev v1 onlink",
		"addr add 10.77.0.1/24 dev v1 noprefixroute", "neigh add proxy 10.1.0.99 dev v1",
	} {
		if out, err := exec.Command("ip", append([]string{"-n", "diff"}, strings.Fields(c)...)...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v %s", c, err, out)
		}
	}
	waitSettled(t, "diff")
	compare(t, "link", []string{"ifindex", "ifname", "flags", "mtu", "qdisc", "master", "operstate", "linkmode", "group", "txqlen", "link_type", "address", "broadcast", "ifalias", "link"}, "link")
	compare(t, "addr", []string{"ifindex", "ifname", "addr_info"}, "addr")
	compare(t, "route", []string{"dst", "gateway", "dev", "protocol", "scope", "metric", "prefsrc", "table", "nexthops", "type", "flags"}, "route", "show", "table", "all")
	compare(t, "-6 route", []string{"dst", "gateway", "dev", "protocol", "metric"}, "-6", "route", "show", "table", "main")
	compare(t, "neigh", []string{"dst", "dev", "lladdr", "state"}, "neigh")
	// ip 6.1 prints neigh get as text even with -j: compare the text.
	ipGet, _ := exec.Command("ip", "-n", "diff", "neigh", "get", "10.1.0.77", "dev", "v1").Output()
	if got := mustCLI(t, "-n", "diff", "neigh", "get", "10.1.0.77", "dev", "v1"); strings.TrimSpace(got) != strings.TrimSpace(string(ipGet)) {
		t.Errorf("neigh get: ip %q, nsnet %q", ipGet, got)
	}
	compare(t, "proxy neigh", []string{"dst", "dev"}, "neigh", "show", "proxy")
	// -d: the kind and the mode (ip prints more data than nsnet decodes).
	want, got := ipJSON(t, "-n", "diff", "-d", "link", "show", "mt0"), nsnetJSON(t, "-n", "diff", "-d", "link", "show", "mt0")
	wi, gi := want[0]["linkinfo"].(map[string]any), got[0]["linkinfo"].(map[string]any)
	if wi["info_kind"] != gi["info_kind"] || wi["info_data"].(map[string]any)["mode"] != gi["info_data"].(map[string]any)["mode"] {
		t.Errorf("-d link mt0: ip %v, nsnet %v", wi, gi)
	}
}

// waitSettled waits until the links, addresses and routes of named
// namespace ns stop changing (carrier, operstate, IPv6 link-local
// addresses and their DAD, and the routes that follow them settle a moment
// after links come up), so that two tools reading one after the other see
// the same state: nothing changed for 200 ms, and no address is tentative
// (duplicate address detection holds one for a second and more without a
// change to see). At most 5 s.
func waitSettled(t *testing.T, ns string) {
	t.Helper()
	read := func() string {
		var b strings.Builder
		for _, args := range [][]string{{"link"}, {"addr"}, {"route", "show", "table", "all"}} {
			out, _ := exec.Command("ip", append([]string{"-n", ns}, args...)...).Output()
			b.Write(out)
		}
		return b.String()
	}
	prev := read()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		cur := read()
		if cur == prev && !strings.Contains(cur, " tentative") {
			return
		}
		prev = cur
	}
}

// compare lists with ip -j and nsnet -j in namespace diff and compares the
// shared keys, element by element.
func compare(t *testing.T, what string, keys []string, args ...string) {
	t.Helper()
	want := ipJSON(t, append([]string{"-n", "diff"}, args...)...)
	got := nsnetJSON(t, append([]string{"-n", "diff"}, args...)...)
	if len(got) != len(want) {
		t.Fatalf("%s: ip lists %d, nsnet %d\nip:    %v\nnsnet: %v", what, len(want), len(got), want, got)
	}
	for i := range want {
		for _, k := range keys {
			if k == "addr_info" {
				compareAddrInfo(t, want[i][k], got[i][k])
				continue
			}
			if !reflect.DeepEqual(want[i][k], got[i][k]) {
				t.Errorf("%s #%d key %q: ip %v, nsnet %v", what, i, k, want[i][k], got[i][k])
			}
		}
	}
}

func compareAddrInfo(t *testing.T, want, got any) {
	t.Helper()
	w, g := want.([]any), got.([]any)
	if len(w) != len(g) {
		t.Errorf("addr_info: ip %v, nsnet %v", w, g)
		return
	}
	for i := range w {
		for _, k := range []string{"family", "local", "prefixlen", "broadcast", "scope", "label", "nodad", "noprefixroute", "valid_life_time", "preferred_life_time"} {
			if a, b := w[i].(map[string]any)[k], g[i].(map[string]any)[k]; !reflect.DeepEqual(a, b) {
				t.Errorf("addr_info #%d key %q: ip %v, nsnet %v", i, k, a, b)
			}
		}
	}
}

// nsnet's text output is ip's, line for line (trailing spaces aside), for
// the commands people read most.
func TestTextOutputMatchesIP(t *testing.T) {
	testns.Require(t)
	testns.LookPath(t, "ip")
	cleanupNetns(t, "txt")
	mustCLI(t, "netns", "add", "txt")
	for _, c := range []string{
		"link set lo up", "link add v0 type veth peer name v1", "addr add 10.0.0.1/24 dev v0",
		"addr add fd00::1/64 dev v0 nodad", "link set v0 up", "link set v1 up",
		"route add 10.2.0.0/16 via 10.0.0.9 metric 3", "neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev v0",
	} {
		if out, err := exec.Command("ip", append([]string{"-n", "txt"}, strings.Fields(c)...)...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v %s", c, err, out)
		}
	}
	trim := func(s string) string {
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		for i := range lines {
			lines[i] = strings.TrimRight(lines[i], " ")
		}
		return strings.Join(lines, "\n")
	}
	for _, c := range []string{
		"link", "addr", "route", "-6 route", "neigh", "-s link show lo", "-s -s link show v0", "-br addr",
		"-br link", "-4 addr", "-o link", "-o addr", "route get 10.2.0.1", "route get 10.0.0.1",
		"-6 route get fd00::5", "route show table all",
		// JSON, byte for byte (ip's key order, ip's -p layout).
		"-j link", "-j addr", "-j -4 addr", "-j route", "-j -6 route", "-j neigh", "-j -p link", "-j -p addr",
		"-j route show table all", "-j route get 10.2.0.1",
	} {
		args := append([]string{"-n", "txt"}, strings.Fields(c)...)
		ip := func() string {
			out, err := exec.Command("ip", args...).Output()
			if err != nil {
				t.Fatalf("ip %s: %v", c, err)
			}
			return trim(string(out))
		}
		// The kernel adds IPv6 link-local addresses and routes on its own
		// time after a link goes up: compare only when ip saw the same
		// before and after nsnet looked.
		for try := 0; ; try++ {
			before := ip()
			got := trim(mustCLI(t, args...))
			if after := ip(); after != before && try < 50 {
				time.Sleep(20 * time.Millisecond)
				continue
			}
			if got != before {
				t.Errorf("%s:\nip:\n%s\nnsnet:\n%s", c, before, got)
			}
			break
		}
	}
}
