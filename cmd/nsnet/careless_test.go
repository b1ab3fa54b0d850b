package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/ns"
)

// ipLink is `ip -j -d link show DEV` in h, decoded.
func ipLink(t *testing.T, h *ns.Handle, dev string) map[string]any {
	t.Helper()
	var v []map[string]any
	if err := json.Unmarshal([]byte(testns.Run(t, h, "ip", "-j", "-d", "link", "show", dev)), &v); err != nil || len(v) != 1 {
		t.Fatalf("ip -j link show %s: %v", dev, err)
	}
	return v[0]
}

// Careless input fails clearly, with the exit status of a usage error
// where nothing was sent, and changes nothing.
func TestCarelessInputRefused(t *testing.T) {
	testns.LookPath(t, "ip")
	h := testns.New(t)
	n := nsArg(h)
	mustCLI(t, "-n", n, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	mustCLI(t, "-n", n, "link", "set", "v0", "up")
	// settled: v0's operstate moves by itself a moment after it comes up.
	before := settled(testns.Run(t, h, "ip", "-d", "addr"))
	routes := settled(testns.Run(t, h, "ip", "route", "show", "table", "all"))
	cases := []struct {
		args  string
		code  int
		want  string // in stderr
		never string // never in stderr
	}{
		{"route flush", 2, "selector", ""},
		{"route get 10.3.0.1 tos zz", 2, `tos "zz" is not a name in rt_dsfield or a hex number`, ""},
		{"route get 10.3.0.1 tos 0x100", 2, `tos "0x100"`, ""},
		{"route add 10.3.0.0/16 dev v0 dsfield 0x", 2, `dsfield "0x"`, ""},
		{"route get 10.3.0.1 ipproto 200", 1, "kernel: Unsupported ip proto", ""},
		{"route get 10.3.0.1 as 10.9.9.9", 1, "Unsupported attribute in route get request", ""},
		{"route get 10.3.0.1 vrf v0", 2, `"v0" is not a vrf device`, ""},
		{"route get 10.3.0.1 sport 70000", 2, "sport", ""},
		{"rule add tos 0x20 table 5", 1, "Invalid tos", ""},
		{"link show vrf v0", 2, `"v0" is not a vrf device`, ""},
		{"neigh show vrf v0", 2, `"v0" is not a vrf device`, ""},
		{"neigh show master nosuch", 1, `link "nosuch": no such device`, ""},
		{"neigh show to 10.1.0.0/33", 2, `to: any valid prefix is expected rather than "10.1.0.0/33"`, ""},
		{"link show group nosuchgroup", 2, "group", ""},
		{"-color=purple link", 2, "want always, auto or never", ""},
		{"-Numeric=yes link", 2, "takes no value", ""},
		{"link set v1 type vxlan ttl 5", 1, "operation not supported", ""},
		{"link add vx type vxlan id 5 external", 2, "both external and an id", ""},
		{"link add vx type vxlan dstport 4789", 2, "vxlan needs id VNI", ""},
		{"link add vx type vxlan id 5 srcport 10", 2, "no HIGH", ""},
		{"monitor count 0", 2, "count 0", ""},
		{"monitor stats", 2, "does not print stats events", ""},
		{"monitor linky", 2, `"linky" is not one of`, ""},
		{"monitor dev nosuch", 1, `device "nosuch"`, ""},
		{"monitor file", 2, `"file" needs a value`, ""},
		{"monitor file /nonexistent/saved", 1, "/nonexistent/saved", ""},
		{"neigh flush", 2, "selector", ""},
		{"addr add 10.0.0.1/24 peer fd00::1 dev v0", 1, "peer fd00::1 is not of the address's family", ""},
		{"addr add 10.0.0.1/24 broadcast fd00::1 dev v0", 1, "broadcast fd00::1 is not of the address's family", ""},
		{"addr add fd00::1/64 broadcast + dev v0", 2, "only for IPv4", ""},
		{"addr add 10.0.0.1/24 dev v0 valid_lft 0", 2, "valid_lft is zero", ""},
		{"addr add 10.0.0.1/24 dev v0 valid_lft 100", 2, "preferred_lft is greater than valid_lft", ""},
		{"route add 10.0.0.1/24 dev v0", 1, "host bits set: the prefix is 10.0.0.0/24", ""},
		{"route add fd00::/64 via 10.0.0.1 dev v0", 1, "not of the route's family", "policy validation"},
		{"link set v0 mtu 1400 mtu 1300", 2, `"mtu" given twice`, ""},
		{"addr add 10.0.0.1/24 dev v0 label a label b", 2, `"label" given twice`, ""},
		// past the eight keywords words keeps without allocating
		{"route add 10.5.0.0/16 dev v0 mtu 1400 advmss 1300 window 10 rtt 1 rttvar 1 ssthresh 5 cwnd 5 initcwnd 5 initrwnd 5 initcwnd 6", 2, `"initcwnd" given twice`, ""},
		{"link set v0 txqueuelen 4294967295", 2, "from 0 to 2147483647", ""},
		{"link set v0 mtu 0", 1, "mtu", ""},
		{"link set v1 master v0", 1, "only a bridge, bond, team or vrf can be a master", "module"},
		{"link set v1 type bridge_slave hairpin on", 1, `set link "v1": operation not supported (bridge port settings need the link to be a bridge's port`, ""},
		{"link set v1 type bridge_slave hairpin maybe", 2, `hairpin "maybe": want on or off`, ""},
		{"link set v1 type bridge_slave bogus 1", 2, `unknown setting "bogus"`, ""},
		{"link set v1 type veth peer x", 2, "a veth's peer is made with it and stays", ""},
		{"link set nosuch up", 1, `link "nosuch": no such device`, "no such device: no such device"},
		{"route get 10.9.9.9", 1, "network is unreachable", "gateway"},
		{"route show realms /2", 2, `realms "/2": not FROM/TO realms`, ""},
		{"tuntap add dev t0", 2, "which mode? (mode tun or mode tap)", ""},
		{"tuntap add dev t0 mode tun user no-such-user", 2, `user "no-such-user": no such user in /etc/passwd`, ""},
		{"tuntap add dev t0 mode tun mode tap", 2, `"mode" given twice`, ""},
		{"tuntap add dev v0 mode tap", 1, `tun device "v0": TUNSETIFF: device or resource busy (a device of that name exists)`, ""},
		{"tuntap del dev v0 mode tap", 1, `tun device "v0": TUNSETIFF: invalid argument (the device exists as another kind`, ""},
		{"tuntap show dev v0", 1, `no tun or tap device "v0"`, ""},
		{"route add 10.5.0.0/16 dev v0 rtt 600000s", 2, `rtt "600000s" is not a time`, ""},
		{"route add 10.5.0.0/16 dev v0 rtt 1.5fortnights", 2, `rtt "1.5fortnights" is not a time`, ""},
		{"route add 10.5.0.0/16 dev v0 features cwr", 2, `features "cwr": the one feature is ecn`, ""},
		{"route add 10.5.0.0/16 dev v0 congctl no-such-cc", 1, "Unknown tcp congestion algorithm", ""},
	}
	for _, c := range cases {
		_, errs, code := cli(t, append([]string{"-n", n}, strings.Fields(c.args)...)...)
		if code != c.code || !strings.Contains(errs, c.want) || (c.never != "" && strings.Contains(errs, c.never)) {
			t.Errorf("nsnet %s: exit %d (want %d), %q (want %q)", c.args, code, c.code, errs, c.want)
		}
	}
	if _, errs, code := cli(t, "-n", "", "link", "show"); code != 2 || !strings.Contains(errs, "empty namespace name") {
		t.Errorf("-n '': exit %d: %q", code, errs)
	}
	if after := settled(testns.Run(t, h, "ip", "-d", "addr")); after != before {
		t.Errorf("refused commands changed links or addresses:\n%s\nthen:\n%s", before, after)
	}
	if after := settled(testns.Run(t, h, "ip", "route", "show", "table", "all")); after != routes {
		t.Errorf("refused commands changed routes:\n%s\nthen:\n%s", routes, after)
	}
}

// Every value given is sent, zero and empty included.
func TestZeroValuesAreSent(t *testing.T) {
	testns.LookPath(t, "ip")
	h := testns.New(t)
	n := nsArg(h)
	mustCLI(t, "-n", n, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	mustCLI(t, "-n", n, "link", "set", "v0", "txqueuelen", "0", "alias", "x")
	// ip leaves "txqlen" out when it is 0; a veth starts at 1000.
	if l := ipLink(t, h, "v0"); l["txqlen"] != nil || l["ifalias"] != "x" {
		t.Fatalf("txqueuelen 0, alias x: %v %v", l["txqlen"], l["ifalias"])
	}
	mustCLI(t, "-n", n, "link", "set", "v0", "alias", "")
	if l := ipLink(t, h, "v0"); l["ifalias"] != nil {
		t.Fatalf("alias '' left %v", l["ifalias"])
	}
	mustCLI(t, "-n", n, "addr", "add", "10.0.0.5/24", "dev", "v0")
	mustCLI(t, "-n", n, "addr", "change", "10.0.0.5/24", "dev", "v0", "preferred_lft", "0")
	var addrs []struct {
		AddrInfo []map[string]any `json:"addr_info"`
	}
	json.Unmarshal([]byte(testns.Run(t, h, "ip", "-j", "-4", "addr", "show", "v0")), &addrs)
	// The kernel marks an IPv4 address with preferred_lft 0 deprecated.
	if len(addrs) != 1 || len(addrs[0].AddrInfo) != 1 || addrs[0].AddrInfo[0]["deprecated"] != true {
		t.Fatalf("addr change preferred_lft 0: %+v", addrs)
	}
}

// -batch: options alone are a usage error, lines of any length and quoted
// words read as ip reads them, errors name file:line.
func TestBatchCarelessInput(t *testing.T) {
	testns.LookPath(t, "ip")
	h := testns.New(t)
	file := filepath.Join(t.TempDir(), "b")
	write := func(s string) { os.WriteFile(file, []byte(s), 0o644) }
	write("link show lo\n-n " + nsArg(h) + "\n")
	if _, errs, code := cli(t, "-batch", file); code != 2 || !strings.Contains(errs, file+":2:") {
		t.Fatalf("a line of options only: exit %d: %q", code, errs)
	}
	long := "link add v0 " + strings.Repeat(" ", 100000) + "type veth peer name v1\n"
	write(long + "link set v0 alias \"two  words\" \\\n  mtu 1400   # a comment\nlink set v1 alias 'it''s'\n")
	// As ip's makeargs: 'it''s' is two words, "it" and "s".
	if _, errs, code := cli(t, "-n", nsArg(h), "-batch", file); code != 2 || !strings.Contains(errs, file+`:4: link set: unexpected "s"`) {
		t.Fatalf("batch: exit %d: %s", code, errs)
	}
	if l := ipLink(t, h, "v0"); l["ifalias"] != "two  words" || l["mtu"] != 1400.0 {
		t.Fatalf("quoted alias and continued line: %v %v", l["ifalias"], l["mtu"])
	}
	write("link show lo\nlink set v0 alias \"open\n")
	if _, errs, code := cli(t, "-n", nsArg(h), "-batch", file); code != 2 || !strings.Contains(errs, file+":2: unterminated") {
		t.Fatalf("unterminated quote: exit %d: %q", code, errs)
	}
}

// A namespace deleted and added again inside a batch is reached anew, not
// through the socket of the orphaned one.
func TestBatchNamespaceRecreated(t *testing.T) {
	testns.LookPath(t, "ip")
	cleanupNetns(t, "recreated")
	file := filepath.Join(t.TempDir(), "b")
	os.WriteFile(file, []byte(`netns add recreated
-n recreated link add a0 type veth peer name a1
netns del recreated
netns add recreated
-n recreated link add b0 type veth peer name b1
`), 0o644)
	mustCLI(t, "-batch", file)
	if out := testns.Run(t, hostHandle(t, "recreated"), "ip", "-br", "link"); !strings.Contains(out, "b0@b1") || strings.Contains(out, "a0@") {
		t.Fatalf("the new namespace holds:\n%s", out)
	}
}
