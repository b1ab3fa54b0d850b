// Package cni_test drives nsnet's CNI plugin through libcni, the library
// containerd and CRI-O run plugins with: what a container runtime does,
// in a sandbox (testns) with its own network, /run and /var/lib.
package cni_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/types"
	types100 "github.com/containernetworking/cni/pkg/types/100"
	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/ns"
)

func TestMain(m *testing.M) { testns.Main(m) }

// lab is a runtime's view: a CNI_PATH with nsnet in it (and the reference
// tuning plugin, to chain into, when installed), libcni's cache on the
// sandbox's own /var/lib, and named namespaces in a fresh /run/netns.
type lab struct {
	t      *testing.T
	cni    *libcni.CNIConfig
	nsnet  string
	tuning bool // the reference tuning plugin is in CNI_PATH
}

func newLab(t *testing.T) *lab {
	testns.Require(t)
	testns.DefaultNetnsDir(t)
	if err := unix.Mount("tmpfs", "/var/lib", "tmpfs", 0, "mode=0755"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Unmount("/var/lib", unix.MNT_DETACH) })
	bin := t.TempDir()
	build := exec.Command("go", "build", "-tags", "cni", "-o", filepath.Join(bin, "nsnet"), ".")
	build.Dir = "../../cmd/nsnet" // in nsnet's own module
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags cni: %v\n%s", err, out)
	}
	plugins := os.Getenv("NSNET_CNI_PLUGINS")
	if plugins == "" {
		plugins = "/opt/cni/bin"
	}
	_, err := os.Stat(filepath.Join(plugins, "tuning"))
	if err != nil && os.Getenv("NSNET_REQUIRE_KERNEL") == "1" && !strings.Contains(os.Getenv("NSNET_OPTIONAL_ORACLES"), "cnitool") {
		t.Fatalf("the reference CNI plugins are not in %s (NSNET_CNI_PLUGINS): %v", plugins, err)
	}
	l := &lab{t: t, cni: libcni.NewCNIConfig([]string{bin, plugins}, nil), nsnet: filepath.Join(bin, "nsnet"), tuning: err == nil}
	l.run("link", "set", "lo", "up")
	t.Cleanup(func() {
		l.try("link", "del", "cni0")
		l.try("link", "del", "cni1")
		l.try("nat", "flush")
	})
	return l
}

func (l *lab) try(args ...string) (string, error) {
	out, err := exec.Command(l.nsnet, args...).CombinedOutput()
	return string(out), err
}

func (l *lab) run(args ...string) string {
	l.t.Helper()
	out, err := l.try(args...)
	if err != nil {
		l.t.Fatalf("nsnet %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// pod names a new namespace and returns how a runtime describes the
// attachment of it.
func (l *lab) pod(name string, portMappings ...map[string]any) *libcni.RuntimeConf {
	l.t.Helper()
	l.run("netns", "add", name)
	l.run("-n", name, "link", "set", "lo", "up")
	rt := &libcni.RuntimeConf{ContainerID: "id-" + name, NetNS: "/run/netns/" + name, IfName: "eth0"}
	if len(portMappings) > 0 {
		rt.CapabilityArgs = map[string]any{"portMappings": portMappings}
	}
	return rt
}

func (l *lab) list(conf string) *libcni.NetworkConfigList {
	l.t.Helper()
	list, err := libcni.NetworkConfFromBytes([]byte(conf))
	if err != nil {
		l.t.Fatal(err)
	}
	return list
}

// The network: nsnet, chained into the reference tuning plugin when it is
// installed (CI installs it), which sets a sysctl in the pod from nsnet's
// result.
func (l *lab) pods() *libcni.NetworkConfigList {
	plugins := `{"type":"nsnet","bridge":"cni0","isGateway":true,"isDefaultGateway":true,"ipMasq":true,"hairpinMode":true,
		"ipam":{"type":"host-local","subnet":"10.22.0.0/16"},"capabilities":{"portMappings":true}}`
	if l.tuning {
		plugins += `,{"type":"tuning","sysctl":{"net.ipv4.conf.eth0.rp_filter":"2"}}`
	}
	return l.list(`{"cniVersion":"1.1.0","name":"pods","plugins":[` + plugins + `]}`)
}

// ADD, CHECK, STATUS, GC and DEL through libcni, with the state checked by
// ip and nft and traffic through the port mapping and between pods.
func TestLibcniLifecycle(t *testing.T) {
	l := newLab(t)
	ctx := context.Background()
	pods := l.pods()
	pod1 := l.pod("pod1", map[string]any{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"})
	pod2 := l.pod("pod2")

	if err := l.cni.GetStatusNetworkList(ctx, pods); err != nil {
		t.Fatalf("STATUS before any ADD: %v", err)
	}
	got, err := l.cni.AddNetworkList(ctx, pods, pod1)
	if err != nil {
		t.Fatalf("ADD pod1: %v", err)
	}
	res, err := types100.NewResultFromResult(got)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.IPs) != 1 || res.IPs[0].Address.String() != "10.22.0.2/16" || res.IPs[0].Gateway.String() != "10.22.0.1" ||
		res.IPs[0].Interface == nil || res.Interfaces[*res.IPs[0].Interface].Name != "eth0" {
		b, _ := json.Marshal(res)
		t.Fatalf("ADD pod1's result: %s", b)
	}
	// pod2 is added by a runtime whose cache is lost (another cache
	// directory): libcni's GC below cannot DEL it, so its lease and rules
	// can go only by the plugin's own GC.
	forgetful := libcni.NewCNIConfigWithCacheDir(l.cni.Path, t.TempDir(), nil)
	if _, err := forgetful.AddNetworkList(ctx, pods, pod2); err != nil {
		t.Fatalf("ADD pod2: %v", err)
	}
	// What the runtime cached is what the plugins returned.
	if cached, err := l.cni.GetNetworkListCachedResult(pods, pod1); err != nil || cached == nil {
		t.Errorf("libcni's cached result for pod1: %v %v", cached, err)
	}

	if out := testns.Oracle(t, "ip", "-n", "pod2", "-br", "addr", "show", "eth0"); !strings.Contains(out, "10.22.0.3/16") {
		t.Errorf("pod2's address: %s", out)
	}
	if out := testns.Oracle(t, "ip", "-n", "pod1", "route"); !strings.Contains(out, "default via 10.22.0.1 dev eth0") {
		t.Errorf("pod1's routes:\n%s", out)
	}
	if len(pods.Plugins) == 2 {
		if out := testns.Oracle(t, "ip", "netns", "exec", "pod1", "cat", "/proc/sys/net/ipv4/conf/eth0/rp_filter"); out != "2\n" {
			t.Errorf("tuning, chained after nsnet, set rp_filter to %q", out)
		}
	}
	rules := testns.Oracle(t, "nft", "list", "table", "ip", "nsnet")
	for _, want := range []string{"tcp dport 8080 dnat to 10.22.0.2:80", "ip saddr 10.22.0.2 ip daddr != 10.22.0.0/16", "ip saddr 10.22.0.3 ip daddr != 10.22.0.0/16"} {
		if !strings.Contains(rules, want) {
			t.Errorf("no rule %q in:\n%s", want, rules)
		}
	}

	// Traffic: the host to pod1 by the host port on localhost (the output
	// chain's DNAT and route_localnet), pod2 to pod1 across the bridge.
	if peer := serve(t, "pod1", 80, func() error { return dial("", "127.0.0.1:8080") }); peer == "" {
		t.Errorf("host -> pod1 by localhost:8080")
	}
	if peer := serve(t, "pod1", 81, func() error { return dial("pod2", "10.22.0.2:81") }); peer != "10.22.0.3" {
		t.Errorf("pod2 -> pod1: the server saw %q", peer)
	}

	if err := l.cni.CheckNetworkList(ctx, pods, pod1); err != nil {
		t.Errorf("CHECK pod1: %v", err)
	}
	// A runtime's GC: only pod1 is valid; pod2's lease and rules go.
	if err := l.cni.GCNetworkList(ctx, pods, &libcni.GCArgs{ValidAttachments: []types.GCAttachment{{ContainerID: pod1.ContainerID, IfName: "eth0"}}}); err != nil {
		t.Fatalf("GC: %v", err)
	}
	if _, err := os.Stat("/var/lib/cni/networks/pods/10.22.0.3"); err == nil {
		t.Errorf("pod2's lease survived GC")
	}
	if _, err := os.Stat("/var/lib/cni/networks/pods/10.22.0.2"); err != nil {
		t.Errorf("pod1's lease after GC: %v", err)
	}
	if rules := testns.Oracle(t, "nft", "list", "table", "ip", "nsnet"); strings.Contains(rules, "10.22.0.3") || !strings.Contains(rules, "10.22.0.2") {
		t.Errorf("rules after GC:\n%s", rules)
	}

	for range 2 { // DEL again finds nothing to do, and is no error
		if err := l.cni.DelNetworkList(ctx, pods, pod1); err != nil {
			t.Fatalf("DEL pod1: %v", err)
		}
	}
	if out := testns.Oracle(t, "ip", "-n", "pod1", "-br", "link"); strings.Contains(out, "eth0") {
		t.Errorf("eth0 left in pod1:\n%s", out)
	}
	if rules := testns.Oracle(t, "nft", "list", "table", "ip", "nsnet"); strings.Contains(rules, "10.22.0.2") {
		t.Errorf("rules after DEL:\n%s", rules)
	}
}

// The errors a runtime sees are the spec's, typed: an interface that exists
// (100), an exhausted pool in STATUS (50), a configuration that does not
// decode (6) or is invalid (7); a failed ADD leaves no link behind.
func TestLibcniErrors(t *testing.T) {
	l := newLab(t)
	ctx := context.Background()
	tiny := l.list(`{"cniVersion":"1.1.0","name":"tiny","plugins":[{"type":"nsnet","bridge":"cni1","ipam":{"type":"host-local","subnet":"10.30.0.0/30"}}]}`)
	p1 := l.pod("p1")
	if _, err := l.cni.AddNetworkList(ctx, tiny, p1); err != nil {
		t.Fatalf("ADD p1: %v", err)
	}
	if code := cniCode(l.cni.GetStatusNetworkList(ctx, tiny)); code != 50 {
		t.Errorf("STATUS with the /30 full: code %d, want 50", code)
	}
	p2 := l.pod("p2")
	l.run("-n", "p2", "link", "add", "eth0", "type", "veth", "peer", "name", "other")
	before := testns.Oracle(t, "ip", "-br", "link")
	if code := cniCode(l.cni.AddNetworkList(ctx, l.pods(), p2)); code != 100 {
		t.Errorf("ADD onto an existing eth0: code %d, want 100", code)
	}
	if after := testns.Oracle(t, "ip", "-br", "link"); after != before {
		t.Errorf("a failed ADD changed the host's links from\n%s\nto\n%s", before, after)
	}
	for _, c := range []struct {
		subnet string
		code   int
	}{
		{"10.31.0.0/33", 6}, // not a prefix: the configuration cannot be decoded
		{"10.31.0.1/24", 7}, // a prefix, but not a network: invalid
	} {
		bad := l.list(`{"cniVersion":"1.1.0","name":"bad","plugins":[{"type":"nsnet","ipam":{"type":"host-local","subnet":"` + c.subnet + `"}}]}`)
		if code := cniCode(l.cni.AddNetworkList(ctx, bad, &libcni.RuntimeConf{ContainerID: "x", NetNS: p2.NetNS, IfName: "eth1"})); code != c.code {
			t.Errorf("ADD with subnet %s: code %d, want %d", c.subnet, code, c.code)
		}
	}
	if err := l.cni.DelNetworkList(ctx, tiny, p1); err != nil {
		t.Errorf("DEL p1: %v", err)
	}
	if err := l.cni.GetStatusNetworkList(ctx, tiny); err != nil {
		t.Errorf("STATUS after the DEL: %v", err)
	}
}

// cniCode is the spec's code of the error a plugin returned through
// libcni, or 0.
func cniCode(results ...any) int {
	var e *types.Error
	if err, _ := results[len(results)-1].(error); errors.As(err, &e) {
		return int(e.Code)
	}
	return 0
}

// serve listens on TCP port in the named namespace, runs client and
// returns the address the server saw the connection come from ("" when
// none came).
func serve(t *testing.T, netns string, port int, client func() error) string {
	t.Helper()
	var ln net.Listener
	inNetns(t, netns, func() (err error) {
		ln, err = net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(port)))
		return err
	})
	defer ln.Close()
	peer := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			peer <- ""
			return
		}
		peer <- c.RemoteAddr().(*net.TCPAddr).IP.String()
		c.Close()
	}()
	if err := client(); err != nil {
		t.Errorf("connect: %v", err)
		return ""
	}
	select {
	case p := <-peer:
		return p
	case <-time.After(5 * time.Second):
		return ""
	}
}

// dial connects from the named namespace ("" for the test's own).
func dial(netns, addr string) error {
	var c net.Conn
	err := inNetnsErr(netns, func() (err error) {
		c, err = net.DialTimeout("tcp", addr, 3*time.Second)
		return err
	})
	if err == nil {
		c.Close()
	}
	return err
}

func inNetns(t *testing.T, name string, fn func() error) {
	t.Helper()
	if err := inNetnsErr(name, fn); err != nil {
		t.Fatal(err)
	}
}

// inNetnsErr runs fn in the named namespace: sockets it opens stay there.
func inNetnsErr(name string, fn func() error) error {
	if name == "" {
		return fn()
	}
	h, err := ns.OpenPath(filepath.Join(ns.DefaultDir, name))
	if err != nil {
		return err
	}
	defer h.Close()
	return ns.Do(h, fn)
}
