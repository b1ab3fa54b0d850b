package main

import (
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/testns"
)

// cniLab is a sandbox for the CNI plugin driven by the real cnitool:
// CNI_PATH holds nsnet (built with -tags cni) and the reference plugins
// (CI installs them in /opt/cni/bin with go install), the network
// configurations are in a directory of the test's, and /var/lib (where
// libcni caches results and the IPAM keeps leases) is a tmpfs of the
// test's mount namespace.
type cniLab struct {
	t       *testing.T
	bin     string // CNI_PATH
	confDir string
}

func newCNILab(t *testing.T) *cniLab {
	testns.Require(t)
	testns.LookPath(t, "cnitool")
	plugins := os.Getenv("NSNET_CNI_PLUGINS")
	if plugins == "" {
		plugins = "/opt/cni/bin"
	}
	if _, err := os.Stat(filepath.Join(plugins, "host-local")); err != nil {
		if os.Getenv("NSNET_REQUIRE_KERNEL") == "1" && !strings.Contains(os.Getenv("NSNET_OPTIONAL_ORACLES"), "cnitool") {
			t.Fatalf("the reference CNI plugins are not in %s (NSNET_CNI_PLUGINS)", plugins)
		}
		t.Skipf("the reference CNI plugins are not in %s (NSNET_CNI_PLUGINS)", plugins)
	}
	testns.DefaultNetnsDir(t)
	if err := unix.Mount("tmpfs", "/var/lib", "tmpfs", 0, "mode=0755"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Unmount("/var/lib", unix.MNT_DETACH) })
	l := &cniLab{t: t, bin: t.TempDir(), confDir: t.TempDir()}
	build := exec.Command("go", "build", "-tags", "cni", "-o", filepath.Join(l.bin, "nsnet"), ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags cni: %v\n%s", err, out)
	}
	for _, p := range []string{"bridge", "host-local", "portmap", "tuning", "static"} {
		if _, err := os.Stat(filepath.Join(plugins, p)); err == nil {
			must(t, os.Symlink(filepath.Join(plugins, p), filepath.Join(l.bin, p)))
		}
	}
	script(t, "link set lo up")
	// The plugin works in the test binary's own namespace (the host's,
	// to the plugin), which every test of the package shares: what a
	// test made there goes with it.
	t.Cleanup(func() {
		for _, dev := range []string{"cni0", "cni1", "up0"} {
			cli(t, "link", "del", dev)
		}
		cli(t, "nat", "flush")
	})
	return l
}

// conf writes a network configuration list.
func (l *cniLab) conf(name, plugins string) {
	l.t.Helper()
	s := `{"cniVersion":"1.1.0","name":"` + name + `","plugins":[` + plugins + `]}`
	must(l.t, os.WriteFile(filepath.Join(l.confDir, name+".conflist"), []byte(s), 0o644))
}

// cnitool runs `cnitool CMD NET /run/netns/POD` with capability args
// (and more environment: CNI_ARGS=...).
func (l *cniLab) cnitool(cmd, network, pod, capArgs string, env ...string) (string, error) {
	c := exec.Command("cnitool", cmd, network, "/run/netns/"+pod)
	c.Env = append(append(os.Environ(), "CNI_PATH="+l.bin, "NETCONFPATH="+l.confDir, "CAP_ARGS="+capArgs), env...)
	out, err := c.CombinedOutput()
	return string(out), err
}

func (l *cniLab) mustCnitool(cmd, network, pod, capArgs string) string {
	l.t.Helper()
	out, err := l.cnitool(cmd, network, pod, capArgs)
	if err != nil {
		l.t.Fatalf("cnitool %s %s %s: %v\n%s", cmd, network, pod, err, out)
	}
	return out
}

const nsnetPods = `{"type":"nsnet","bridge":"cni0","isGateway":true,"isDefaultGateway":true,"ipMasq":true,"hairpinMode":true,
	"ipam":{"type":"host-local","subnet":"10.22.0.0/16","routes":[{"dst":"10.99.0.0/16"}]},"capabilities":{"portMappings":true}}`

const portMap = `{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}`

// The plugin does what the seed tutorials do for a container, checked with
// ip and nft, and five paths of traffic through it; DEL takes it all away.
func TestCNIAddCheckDel(t *testing.T) {
	l := newCNILab(t)
	l.conf("pods", nsnetPods)
	// The outside: a namespace on a veth, 192.0.2.0/24, with no route to
	// the pods: what reaches it from them was masqueraded.
	script(t, `
		netns add pod1
		netns add pod2
		netns add outside
		link add up0 type veth peer name up1 netns outside
		addr add 192.0.2.1/24 dev up0
		link set up0 up
		-n outside addr add 192.0.2.2/24 dev up1
		-n outside link set up1 up
		-n outside link set lo up
		-n pod1 link set lo up
		-n pod2 link set lo up`)
	var res struct {
		Interfaces []struct{ Name, Mac, Sandbox string }
		IPs        []struct {
			Address, Gateway string
			Interface        int
		}
		Routes []struct{ Dst, GW string }
	}
	out := l.mustCnitool("add", "pods", "pod1", portMap)
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("ADD result: %v\n%s", err, out)
	}
	if len(res.Interfaces) != 3 || res.Interfaces[2].Name != "eth0" || res.Interfaces[2].Sandbox != "/run/netns/pod1" ||
		len(res.IPs) != 1 || res.IPs[0].Address != "10.22.0.2/16" || res.IPs[0].Gateway != "10.22.0.1" || res.IPs[0].Interface != 2 {
		t.Fatalf("ADD result:\n%s", out)
	}
	l.mustCnitool("add", "pods", "pod2", "")

	// The state, as ip and nft see it.
	hostVeth := res.Interfaces[1].Name
	if got := ipJSON(t, "link", "show", hostVeth); got[0]["master"] != "cni0" {
		t.Errorf("%s is not a port of cni0: %v", hostVeth, got)
	}
	if got := testns.Oracle(t, "ip", "-d", "link", "show", hostVeth); !strings.Contains(got, "hairpin on") {
		t.Errorf("hairpin is off on %s:\n%s", hostVeth, got)
	}
	if got := testns.Oracle(t, "ip", "-br", "addr", "show", "cni0"); !strings.Contains(got, "10.22.0.1/16") {
		t.Errorf("the gateway is not on cni0: %s", got)
	}
	if got := testns.Oracle(t, "ip", "-n", "pod1", "route"); !strings.Contains(got, "default via 10.22.0.1 dev eth0") ||
		!strings.Contains(got, "10.99.0.0/16 via 10.22.0.1 dev eth0") {
		t.Errorf("pod1's routes:\n%s", got)
	}
	if got := testns.Oracle(t, "ip", "-n", "pod2", "-br", "addr", "show", "eth0"); !strings.Contains(got, "10.22.0.3/16") {
		t.Errorf("pod2's address: %s", got)
	}
	lease, err := os.ReadFile("/var/lib/cni/networks/pods/10.22.0.2")
	if err != nil || !strings.HasSuffix(string(lease), "\r\neth0") {
		t.Errorf("pod1's lease: %q %v", lease, err)
	}
	if got, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward"); string(got) != "1\n" {
		t.Errorf("forwarding is %q", got)
	}
	rules := testns.Oracle(t, "nft", "list", "table", "ip", "nsnet")
	for _, want := range []string{
		"fib daddr type local tcp dport 8080 dnat to 10.22.0.2:80",
		"ip saddr 10.22.0.2 ip daddr != 10.22.0.0/16 ip daddr != 224.0.0.0/4 masquerade",
		"ct status dnat ip saddr 10.22.0.0/16 ip daddr 10.22.0.2 tcp dport 80 masquerade",
		"ip saddr 10.22.0.3 ip daddr != 10.22.0.0/16",
	} {
		if !strings.Contains(rules, want) {
			t.Errorf("no rule %q in:\n%s", want, rules)
		}
	}

	// Five paths.
	if got := reachVia(t, "", "pod1", "127.0.0.1", 8080, 80); got != "127.0.0.1" && got != "10.22.0.1" {
		t.Errorf("host (localhost) -> pod1 by the host port: server saw %s", got)
	}
	if got := reachVia(t, "", "pod1", "192.0.2.1", 8080, 80); got == "" {
		t.Errorf("host -> pod1 by the host port")
	}
	if got := reachVia(t, "outside", "pod1", "192.0.2.1", 8080, 80); got != "192.0.2.2" {
		t.Errorf("outside -> pod1 by the host port: server saw %s, want the client itself", got)
	}
	if got := reachVia(t, "pod2", "pod1", "10.22.0.1", 8080, 80); got != "10.22.0.1" {
		t.Errorf("pod2 -> pod1 by the host port: server saw %s, want the bridge (hairpin masquerade)", got)
	}
	if got := reachVia(t, "pod1", "pod1", "10.22.0.1", 8080, 80); got != "10.22.0.1" {
		t.Errorf("pod1 -> itself by the host port: server saw %s, want the bridge", got)
	}
	if got := reach(t, "pod1", "outside", "192.0.2.2", 9000); got != "192.0.2.1" {
		t.Errorf("pod1 -> outside: server saw %s, want the host's address (masquerade)", got)
	}

	l.mustCnitool("check", "pods", "pod1", portMap)
	// A rule taken away is seen by CHECK (the reference bridge plugin's
	// CHECK does not look at its masquerade rule).
	handles := testns.Oracle(t, "nft", "-a", "list", "chain", "ip", "nsnet", "postrouting")
	for _, line := range strings.Split(handles, "\n") {
		if strings.Contains(line, "ip saddr 10.22.0.2 ") {
			h := line[strings.LastIndex(line, " ")+1:]
			testns.Oracle(t, "nft", "delete", "rule", "ip", "nsnet", "postrouting", "handle", h)
		}
	}
	if out, err := l.cnitool("check", "pods", "pod1", portMap); err == nil || !strings.Contains(out, "NAT rule is missing") {
		t.Errorf("CHECK with the masquerade rule gone: %v\n%s", err, out)
	}

	l.mustCnitool("del", "pods", "pod1", portMap)
	l.mustCnitool("del", "pods", "pod1", portMap) // again: nothing left to do is no error
	if got := testns.Oracle(t, "ip", "-n", "pod1", "-br", "link"); strings.Contains(got, "eth0") {
		t.Errorf("eth0 left in pod1:\n%s", got)
	}
	if _, err := os.Stat("/var/lib/cni/networks/pods/10.22.0.2"); err == nil {
		t.Errorf("pod1's lease left")
	}
	if rules := testns.Oracle(t, "nft", "list", "table", "ip", "nsnet"); strings.Contains(rules, "10.22.0.2") || !strings.Contains(rules, "10.22.0.3") {
		t.Errorf("after DEL of pod1:\n%s", rules)
	}
	// DEL of a container whose namespace is gone.
	script(t, "netns del pod2")
	l.mustCnitool("del", "pods", "pod2", "")
	if rules := testns.Oracle(t, "nft", "list", "table", "ip", "nsnet"); strings.Contains(rules, "10.22.0.3") {
		t.Errorf("after DEL of pod2:\n%s", rules)
	}
}

// ADD refuses an interface that exists and leaves nothing behind; ten ADDs
// at once get ten addresses; GC keeps only the valid attachments; STATUS
// says when the pool is empty.
func TestCNIConcurrencyGCStatus(t *testing.T) {
	l := newCNILab(t)
	l.conf("pods", nsnetPods)
	l.conf("tiny", `{"type":"nsnet","bridge":"cni1","ipam":{"type":"host-local","subnet":"10.30.0.0/30"}}`)
	var wg sync.WaitGroup
	errs := make([]string, 10)
	for i := range 10 {
		name := "p" + string(rune('0'+i))
		script(t, "netns add "+name)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if out, err := l.cnitool("add", "pods", name, ""); err != nil {
				errs[i] = out
			}
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range 10 {
		if errs[i] != "" {
			t.Fatalf("parallel ADD %d: %s", i, errs[i])
		}
		out := testns.Oracle(t, "ip", "-n", "p"+string(rune('0'+i)), "-br", "addr", "show", "eth0")
		f := strings.Fields(out)
		if len(f) < 3 || seen[f[2]] {
			t.Fatalf("p%d: %q (seen %v)", i, out, seen)
		}
		seen[f[2]] = true
	}
	// An interface that is there already: refused, and nothing left.
	script(t, "netns add busy\n-n busy link add eth0 type veth peer name x")
	before := linksAndMasters(t)
	if out, err := l.cnitool("add", "pods", "busy", ""); err == nil || !strings.Contains(out, "exists") {
		t.Errorf("ADD where eth0 exists: %v\n%s", err, out)
	}
	if after := linksAndMasters(t); after != before {
		t.Errorf("a failed ADD left links:\nbefore\n%s\nafter\n%s", before, after)
	}
	// GC with valid attachments (what a runtime sends) keeps theirs: all
	// but p0's here.
	var valid []string
	for i := 1; i < 10; i++ {
		valid = append(valid, `{"containerID":"`+cnitoolID("p"+string(rune('0'+i)))+`","ifname":"eth0"}`)
	}
	gc := exec.Command(filepath.Join(l.bin, "nsnet"))
	gc.Env = append(os.Environ(), "CNI_COMMAND=GC", "CNI_PATH="+l.bin)
	gc.Stdin = strings.NewReader(`{"cniVersion":"1.1.0","name":"pods","type":"nsnet","bridge":"cni0","isGateway":true,"ipMasq":true,
		"ipam":{"type":"host-local","subnet":"10.22.0.0/16"},"cni.dev/valid-attachments":[` + strings.Join(valid, ",") + `]}`)
	if out, err := gc.CombinedOutput(); err != nil {
		t.Fatalf("GC: %v\n%s", err, out)
	}
	leases, _ := os.ReadDir("/var/lib/cni/networks/pods")
	rules := testns.Oracle(t, "nft", "list", "table", "ip", "nsnet")
	if len(leases) != 11 || strings.Contains(rules, cnitoolID("p0")) || !strings.Contains(rules, cnitoolID("p1")) {
		t.Errorf("after GC of p0 only: %d files\n%s", len(leases), rules)
	}
	// GC with no valid attachment (what cnitool sends) takes every lease
	// and rule of the network, and no link.
	l.mustCnitool("gc", "pods", "p0", "")
	if names, _ := os.ReadDir("/var/lib/cni/networks/pods"); len(names) != 2 { // lock, last_reserved_ip.0
		t.Errorf("leases after GC: %v", names)
	}
	if rules := testns.Oracle(t, "nft", "list", "table", "ip", "nsnet"); strings.Contains(rules, "10.22.") {
		t.Errorf("rules after GC:\n%s", rules)
	}
	// STATUS: the /30 has one address to give (.2; .1 is the gateway).
	l.mustCnitool("status", "tiny", "p0", "")
	l.mustCnitool("add", "tiny", "p1", "")
	if out, err := l.cnitool("status", "tiny", "p0", ""); err == nil || !strings.Contains(out, "no IP addresses available") {
		t.Errorf("STATUS of a full pool: %v\n%s", err, out)
	}
}

// The reference chain (bridge + host-local + portmap) and nsnet, given the
// same network, leave the same state: the container's link, addresses and
// routes, the bridge and its port, forwarding, and the lease files (MACs,
// veth names and link-local addresses aside).
func TestCNISameStateAsReference(t *testing.T) {
	l := newCNILab(t)
	for _, p := range []string{"bridge", "portmap"} {
		if _, err := os.Stat(filepath.Join(l.bin, p)); err != nil {
			t.Skipf("no reference %s plugin", p)
		}
	}
	const common = `"bridge":"cni0","isGateway":true,"isDefaultGateway":true,"hairpinMode":true,"mtu":1400,
		"ipam":{"type":"host-local","ranges":[[{"subnet":"10.40.0.0/24","rangeStart":"10.40.0.10"}]],"routes":[{"dst":"10.98.0.0/16"}]}`
	states := map[string]string{}
	for _, run := range []struct{ name, plugins string }{
		{"reference", `{"type":"bridge",` + common + `},{"type":"portmap","capabilities":{"portMappings":true}}`},
		{"nsnet", `{"type":"nsnet",` + common + `,"capabilities":{"portMappings":true}}`},
	} {
		l.conf("same", run.plugins)
		script(t, "netns add c1")
		l.mustCnitool("add", "same", "c1", portMap)
		states[run.name] = cniState(t, "c1")
		l.mustCnitool("del", "same", "c1", portMap)
		script(t, "netns del c1\nlink del cni0")
		must(t, os.RemoveAll("/var/lib/cni/networks/same"))
	}
	if states["reference"] != states["nsnet"] {
		t.Errorf("state after ADD differs:\n--- reference\n%s\n--- nsnet\n%s", states["reference"], states["nsnet"])
	}
}

// cniState describes what ADD made, without what differs by chance.
func cniState(t *testing.T, pod string) string {
	var b strings.Builder
	add := func(label string, v any) {
		j, _ := json.Marshal(v)
		b.WriteString(label + " " + string(j) + "\n")
	}
	keep := func(m map[string]any, keys ...string) map[string]any {
		out := map[string]any{}
		for _, k := range keys {
			if v, ok := m[k]; ok {
				out[k] = v
			}
		}
		return out
	}
	for _, a := range ipJSON(t, "-n", pod, "addr", "show", "eth0") {
		var addrs []any
		for _, x := range a["addr_info"].([]any) {
			if x := x.(map[string]any); x["scope"] != "link" {
				addrs = append(addrs, keep(x, "family", "local", "prefixlen", "broadcast", "scope"))
			}
		}
		add("container link", keep(a, "ifname", "flags", "mtu", "operstate", "link_type"))
		add("container addresses", addrs)
	}
	for _, r := range ipJSON(t, "-n", pod, "-4", "route", "show") {
		add("container route", keep(r, "dst", "gateway", "dev", "protocol", "scope", "prefsrc", "flags"))
	}
	for _, a := range ipJSON(t, "addr", "show", "cni0") {
		var addrs []any
		for _, x := range a["addr_info"].([]any) {
			if x := x.(map[string]any); x["scope"] != "link" {
				addrs = append(addrs, keep(x, "family", "local", "prefixlen", "scope"))
			}
		}
		add("bridge", keep(a, "ifname", "flags", "mtu", "operstate"))
		add("bridge addresses", addrs)
	}
	for _, p := range ipJSON(t, "-d", "link", "show", "master", "cni0") {
		info, _ := p["linkinfo"].(map[string]any)
		slave, _ := info["info_slave_data"].(map[string]any)
		add("port", keep(p, "flags", "mtu", "operstate"))
		add("port settings", keep(slave, "hairpin", "learning", "state", "flood"))
	}
	for _, k := range []string{"net/ipv4/ip_forward"} {
		v, _ := os.ReadFile("/proc/sys/" + k)
		add(k, strings.TrimSpace(string(v)))
	}
	names, _ := os.ReadDir("/var/lib/cni/networks/same")
	for _, n := range names {
		v, _ := os.ReadFile("/var/lib/cni/networks/same/" + n.Name())
		add("lease file "+n.Name(), string(v))
	}
	return b.String()
}

// nsnet's result chains into the reference tuning and portmap plugins;
// CHECK and DEL go through the whole chain.
func TestCNIChain(t *testing.T) {
	l := newCNILab(t)
	for _, p := range []string{"tuning", "portmap"} {
		if _, err := os.Stat(filepath.Join(l.bin, p)); err != nil {
			t.Skipf("no reference %s plugin", p)
		}
	}
	l.conf("chain", `{"type":"nsnet","bridge":"cni0","isGateway":true,"isDefaultGateway":true,"ipam":{"subnet":"10.50.0.0/24"}},
		{"type":"tuning","sysctl":{"net.ipv4.conf.eth0.arp_notify":"1"},"mac":"02:00:00:00:50:02"},
		{"type":"portmap","capabilities":{"portMappings":true}}`)
	script(t, "netns add c1\n-n c1 link set lo up")
	out := l.mustCnitool("add", "chain", "c1", `{"portMappings":[{"hostPort":8081,"containerPort":81,"protocol":"tcp"}]}`)
	if !strings.Contains(out, `"mac": "02:00:00:00:50:02"`) || !strings.Contains(out, `"address": "10.50.0.2/24"`) {
		t.Errorf("the chain's result:\n%s", out)
	}
	if got := testns.Oracle(t, "ip", "-n", "c1", "link", "show", "eth0"); !strings.Contains(got, "02:00:00:00:50:02") {
		t.Errorf("tuning did not set the MAC:\n%s", got)
	}
	if got := reachVia(t, "", "c1", "10.50.0.1", 8081, 81); got == "" {
		t.Errorf("host -> c1 through portmap's rules")
	}
	l.mustCnitool("check", "chain", "c1", `{"portMappings":[{"hostPort":8081,"containerPort":81,"protocol":"tcp"}]}`)
	l.mustCnitool("del", "chain", "c1", `{"portMappings":[{"hostPort":8081,"containerPort":81,"protocol":"tcp"}]}`)
	if got := testns.Oracle(t, "ip", "-n", "c1", "-br", "link"); strings.Contains(got, "eth0") {
		t.Errorf("eth0 left after DEL:\n%s", got)
	}
}

// Both families: an address of each, a default route of each, NAT rules
// in both of nsnet's tables, a port mapping reached over IPv6.
func TestCNIDualStack(t *testing.T) {
	l := newCNILab(t)
	l.conf("dual", `{"type":"nsnet","bridge":"cni0","isGateway":true,"isDefaultGateway":true,"ipMasq":true,
		"ipam":{"ranges":[[{"subnet":"10.60.0.0/24"}],[{"subnet":"fd00:60::/64"}]]},"capabilities":{"portMappings":true}}`)
	script(t, "netns add c1\n-n c1 link set lo up")
	out := l.mustCnitool("add", "dual", "c1", portMap)
	if !strings.Contains(out, `"address": "fd00:60::2/64"`) || !strings.Contains(out, `"gateway": "fd00:60::1"`) {
		t.Errorf("result:\n%s", out)
	}
	if got := testns.Oracle(t, "ip", "-n", "c1", "-6", "route"); !strings.Contains(got, "default via fd00:60::1 dev eth0") {
		t.Errorf("IPv6 routes:\n%s", got)
	}
	if got := testns.Oracle(t, "nft", "list", "table", "ip6", "nsnet"); !strings.Contains(got, "ip6 saddr fd00:60::2 ip6 daddr != fd00:60::/64 ip6 daddr != ff00::/8 masquerade") ||
		!strings.Contains(got, "dnat to [fd00:60::2]:80") {
		t.Errorf("ip6 rules:\n%s", got)
	}
	if got := reachVia(t, "", "c1", "fd00:60::1", 8080, 80); got == "" {
		t.Errorf("host -> c1 by the host port over IPv6")
	}
	l.mustCnitool("check", "dual", "c1", portMap)
	l.mustCnitool("del", "dual", "c1", portMap)
	if got := testns.Oracle(t, "nft", "list", "table", "ip6", "nsnet"); strings.Contains(got, "fd00:60::2") {
		t.Errorf("ip6 rules after DEL:\n%s", got)
	}
}

// An IPAM type other than host-local is run from CNI_PATH, as the spec
// delegates: here the reference static plugin.
func TestCNIDelegatedIPAM(t *testing.T) {
	l := newCNILab(t)
	if _, err := os.Stat(filepath.Join(l.bin, "static")); err != nil {
		t.Skip("no reference static plugin")
	}
	l.conf("static", `{"type":"nsnet","bridge":"cni0","isGateway":true,"ipam":{"type":"static","addresses":[{"address":"10.70.0.5/24","gateway":"10.70.0.1"}]}}`)
	script(t, "netns add c1")
	out := l.mustCnitool("add", "static", "c1", "")
	if !strings.Contains(out, `"address": "10.70.0.5/24"`) {
		t.Errorf("result:\n%s", out)
	}
	if got := testns.Oracle(t, "ip", "-n", "c1", "-br", "addr", "show", "eth0"); !strings.Contains(got, "10.70.0.5/24") {
		t.Errorf("c1: %s", got)
	}
	l.mustCnitool("check", "static", "c1", "")
	l.mustCnitool("del", "static", "c1", "")
	// A delegate that is not there: ADD fails and leaves no link.
	l.conf("missing", `{"type":"nsnet","bridge":"cni0","ipam":{"type":"no-such-ipam"}}`)
	before := linksAndMasters(t)
	if out, err := l.cnitool("add", "missing", "c1", ""); err == nil || !strings.Contains(out, "not in CNI_PATH") {
		t.Errorf("a missing IPAM plugin: %v\n%s", err, out)
	}
	if after := linksAndMasters(t); after != before {
		t.Errorf("a failed ADD left links:\n%s\n%s", before, after)
	}
}

// linksAndMasters are the names of the links here, and their masters.
func linksAndMasters(t *testing.T) string {
	var b strings.Builder
	for _, l := range ipJSON(t, "link") {
		fmt.Fprintln(&b, l["ifname"], l["master"])
	}
	return b.String()
}

// cnitoolID is the container ID cnitool gives the namespace /run/netns/NAME.
func cnitoolID(name string) string {
	sum := sha512.Sum512([]byte("/run/netns/" + name))
	return fmt.Sprintf("cnitool-%x", sum[:10])
}

// A network of spec 0.4.0 gets a 0.4.0 result (each IP with its version).
func TestCNIVersion040(t *testing.T) {
	l := newCNILab(t)
	s := `{"cniVersion":"0.4.0","name":"old","plugins":[{"type":"nsnet","bridge":"cni0","ipam":{"subnet":"10.80.0.0/24"}}]}`
	must(t, os.WriteFile(filepath.Join(l.confDir, "old.conflist"), []byte(s), 0o644))
	script(t, "netns add c1")
	out := l.mustCnitool("add", "old", "c1", "")
	if !strings.Contains(out, `"cniVersion": "0.4.0"`) || !strings.Contains(out, `"version": "4"`) {
		t.Errorf("0.4.0 result:\n%s", out)
	}
	l.mustCnitool("check", "old", "c1", "")
	l.mustCnitool("del", "old", "c1", "")
}

// An address asked for in CNI_ARGS (IP=) is given; dns from the
// configuration is in the result.
func TestCNIRequestedIPAndDNS(t *testing.T) {
	l := newCNILab(t)
	l.conf("req", `{"type":"nsnet","bridge":"cni0","dns":{"nameservers":["10.85.0.53"],"search":["pods.example"]},"ipam":{"subnet":"10.85.0.0/24"}}`)
	script(t, "netns add c1")
	out, err := l.cnitool("add", "req", "c1", "", "CNI_ARGS=IgnoreUnknown=1;IP=10.85.0.9")
	if err != nil || !strings.Contains(out, `"address": "10.85.0.9/24"`) || !strings.Contains(out, `"10.85.0.53"`) || !strings.Contains(out, `"pods.example"`) {
		t.Errorf("ADD with IP=10.85.0.9: %v\n%s", err, out)
	}
	l.mustCnitool("del", "req", "c1", "")
}
