package cni

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/netaddr"
)

func runMain(t *testing.T, env Env, stdin string) (map[string]any, int) {
	t.Helper()
	var out bytes.Buffer
	code := Main(env, strings.NewReader(stdin), &out)
	if out.Len() == 0 {
		return nil, code
	}
	var v map[string]any
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out.Bytes())
	}
	return v, code
}

func TestVersion(t *testing.T) {
	v, code := runMain(t, Env{Command: "VERSION"}, `{"cniVersion":"1.0.0"}`)
	if code != 0 || v["cniVersion"] != "1.0.0" || len(v["supportedVersions"].([]any)) != 3 {
		t.Errorf("VERSION: %d %v", code, v)
	}
}

// Errors are the spec's object, with its codes.
func TestErrors(t *testing.T) {
	for _, c := range []struct {
		env   Env
		conf  string
		code  float64
		inMsg string
	}{
		{Env{Command: "ADD"}, `{"cniVersion":"1.1.0","name":"n","ipam":{"subnet":"10.0.0.0/24"}}`, CodeEnv, "CNI_CONTAINERID"},
		{Env{Command: "ADD"}, `{"cniVersion":"0.3.1","name":"n"}`, CodeVersion, "incompatible CNI version"},
		{Env{Command: "ADD"}, `{"cniVersion":"1.1.0",`, CodeDecode, "decode"},
		{Env{Command: "ADD"}, `{"cniVersion":"1.1.0","name":"n","mtu":"big"}`, CodeDecode, "decode"},
		{Env{Command: "ADD"}, `{"cniVersion":"1.1.0","name":"n","ipam":{"subnet":"10.0.0.1/24"}}`, CodeConfig, "host bits"},
		{Env{Command: "ADD"}, `{"cniVersion":"1.1.0","name":"n","ipam":{"subnet":"10.0.0.0/31"}}`, CodeConfig, "too small"},
		{Env{Command: "ADD"}, `{"cniVersion":"1.1.0","name":"n","ipam":{}}`, CodeConfig, "no IP ranges"},
		{Env{Command: "ADD"}, `{"cniVersion":"1.1.0","name":"n","ipam":{"ranges":[[{"subnet":"10.0.0.0/24"}],[{"subnet":"10.0.0.0/25"}]]}}`, CodeConfig, "overlaps"},
		{Env{Command: "ADD", ContainerID: "c", Netns: "/n", IfName: "eth0"}, `{"cniVersion":"1.1.0","name":"n","vlan":100,"ipam":{"subnet":"10.0.0.0/24"}}`, CodeField, `"vlan": 100`},
		{Env{Command: "ADD", ContainerID: "c", Netns: "/n", IfName: "eth0"}, `{"cniVersion":"1.1.0","name":"n","vlanTrunk":[{"id":5}],"ipam":{"subnet":"10.0.0.0/24"}}`, CodeField, `"vlanTrunk": [{"id":5}]`},
		{Env{Command: "ADD", ContainerID: "c", Netns: "/n", IfName: "eth0"}, `{"cniVersion":"1.1.0","name":"n","macspoofchk":true,"ipam":{"subnet":"10.0.0.0/24"}}`, CodeField, `"macspoofchk": true`},
		{Env{Command: "NOPE"}, `{"cniVersion":"1.1.0","name":"n","ipam":{"subnet":"10.0.0.0/24"}}`, CodeEnv, "unknown CNI_COMMAND"},
	} {
		v, code := runMain(t, c.env, c.conf)
		if code != 1 || v["code"] != c.code || !strings.Contains(v["msg"].(string)+" "+str(v["details"]), c.inMsg) || v["cniVersion"] == nil {
			t.Errorf("%s %s: exit %d, %v; want code %v and %q", c.env.Command, c.conf, code, v, c.code, c.inMsg)
		}
	}
}

func str(v any) string { s, _ := v.(string); return s }

// host-local's defaults, for IPv4 and IPv6.
func TestRangeDefaults(t *testing.T) {
	c, err := parseConfig([]byte(`{"cniVersion":"1.1.0","name":"n","ipam":{"type":"host-local","ranges":[[{"subnet":"10.1.0.0/16"}],[{"subnet":"fd00::/120","rangeStart":"fd00::10"}]]}}`), "")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]Range{
		{{Subnet: netaddr.MustParsePrefix("10.1.0.0/16"), Start: netaddr.MustParseAddr("10.1.0.1"), End: netaddr.MustParseAddr("10.1.255.254"), Gateway: netaddr.MustParseAddr("10.1.0.1")}},
		{{Subnet: netaddr.MustParsePrefix("fd00::/120"), Start: netaddr.MustParseAddr("fd00::10"), End: netaddr.MustParseAddr("fd00::ff"), Gateway: netaddr.MustParseAddr("fd00::1")}},
	}
	for i := range want {
		if c.IPAM.Ranges[i][0] != want[i][0] {
			t.Errorf("range set %d: %+v, want %+v", i, c.IPAM.Ranges[i][0], want[i][0])
		}
	}
}

// Allocation is host-local's: the first free address after the last one
// given, skipping the gateway, round robin; files as host-local writes
// them; exhaustion and release.
func TestAllocate(t *testing.T) {
	dir := t.TempDir()
	c, err := parseConfig([]byte(`{"cniVersion":"1.1.0","name":"n","ipam":{"subnet":"10.9.0.0/29","dataDir":"`+dir+`"}}`), "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := openStore(c.IPAM.DataDir, c.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	var got []string
	for i := range 6 { // .2 to .6: five addresses (.1 the gateway, .7 broadcast)
		ls, err := s.allocate(&c.IPAM, Attachment{"c" + string(rune('0'+i)), "eth0"})
		if i == 5 {
			if err == nil || err.(*Error).Code != CodeUnavailable {
				t.Fatalf("sixth allocation: %v %v", ls, err)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ls[0].Prefix.String()+" gw "+ls[0].Gateway.String())
	}
	if strings.Join(got, ",") != "10.9.0.2/29 gw 10.9.0.1,10.9.0.3/29 gw 10.9.0.1,10.9.0.4/29 gw 10.9.0.1,10.9.0.5/29 gw 10.9.0.1,10.9.0.6/29 gw 10.9.0.1" {
		t.Errorf("allocations: %v", got)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "n", "10.9.0.3"))
	last, _ := os.ReadFile(filepath.Join(dir, "n", "last_reserved_ip.0"))
	if string(b) != "c1\r\neth0" || string(last) != "10.9.0.6" {
		t.Errorf("files: %q %q", b, last)
	}
	if err := s.free(&c.IPAM); err == nil {
		t.Errorf("STATUS of a full pool: no error")
	}
	// Give back .3: the next search starts after .6, wraps, finds .3.
	if err := s.release(Attachment{"c1", "eth0"}); err != nil {
		t.Fatal(err)
	}
	ls, err := s.allocate(&c.IPAM, Attachment{"c9", "eth0"})
	if err != nil || ls[0].Prefix.Addr().String() != "10.9.0.3" {
		t.Errorf("after a release: %v %v", ls, err)
	}
	// A second address in the same set for the same attachment is refused.
	if _, err := s.allocate(&c.IPAM, Attachment{"c9", "eth0"}); err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Errorf("duplicate allocation: %v", err)
	}
	// Leases written by old host-local versions (the ID alone) are found.
	os.WriteFile(filepath.Join(dir, "n", "10.9.0.4"), []byte("c2"), 0o600)
	if err := s.release(Attachment{"c2", "eth0"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "n", "10.9.0.4")); err == nil {
		t.Errorf("an old-style lease was not released")
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"cniVersion":"1.1.0","name":"n","bridge":"b","isGateway":true,"mtu":1400,"ipam":{"type":"host-local","ranges":[[{"subnet":"10.1.0.0/16","rangeStart":"10.1.0.10","rangeEnd":"10.1.0.20","gateway":"10.1.0.1"}]],"routes":[{"dst":"0.0.0.0/0"}]},"runtimeConfig":{"portMappings":[{"hostPort":80,"containerPort":8080,"protocol":"udp","hostIP":"1.2.3.4"}]},"prevResult":{"ips":[]},"cni.dev/valid-attachments":[{"containerID":"a","ifname":"eth0"}]}`))
	f.Add([]byte(`{"cniVersion":"1.1.0","name":"n","ipam":{"subnet":"fd00::/64"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseConfig(b, "IP=1.2.3.4;X=y") // must not panic
	})
}

// Addresses asked for (CNI_ARGS IP=, args.cni.ips, runtimeConfig.ips) are
// given if free and in a range, as host-local gives them.
func TestRequestedIPs(t *testing.T) {
	dir := t.TempDir()
	conf := func(extra, args string) *Config {
		c, err := parseConfig([]byte(`{"cniVersion":"1.1.0","name":"n",`+extra+`"ipam":{"subnet":"10.9.0.0/24","dataDir":"`+dir+`"}}`), args)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	s, err := openStore(dir, "n")
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	for _, c := range []struct {
		conf *Config
		id   string
		want string // address, or the error's words
	}{
		{conf("", "IP=10.9.0.50;K8S_POD_NAME=x"), "a", "10.9.0.50/24"},
		{conf(`"args":{"cni":{"ips":["10.9.0.51"]}},`, ""), "b", "10.9.0.51/24"},
		{conf(`"runtimeConfig":{"ips":["10.9.0.52/24"]},`, ""), "c", "10.9.0.52/24"},
		{conf("", "IP=10.9.0.50"), "d", "not available"},
		{conf("", "IP=10.9.0.1"), "e", "gateway"},
		{conf("", "IP=10.8.0.1"), "f", "failed to allocate all requested IPs"},
	} {
		ls, err := s.allocate(&c.conf.IPAM, Attachment{c.id, "eth0"})
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = ls[0].Prefix.String()
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: %s, want %s", c.id, got, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "n", "10.9.0.1")); err == nil {
		t.Errorf("a refused request left a lease")
	}
}

func TestResolvConf(t *testing.T) {
	f := filepath.Join(t.TempDir(), "resolv.conf")
	os.WriteFile(f, []byte("# comment\nnameserver 10.0.0.53\nnameserver fd00::53\n; old\ndomain example.org\nsearch a.example b.example\noptions ndots:2\n"), 0o644)
	var b bytes.Buffer
	ipfmt.WriteJSON(&b, resolvConf(f))
	want := `{"domain":"example.org","nameservers":["10.0.0.53","fd00::53"],"search":["a.example","b.example"],"options":["ndots:2"]}`
	if strings.TrimSpace(b.String()) != want {
		t.Errorf("dns: %s\nwant %s", b.String(), want)
	}
}

// The bridge plugin's keys nsnet does not do are accepted at their
// defaults; set otherwise, they are recorded for ADD to refuse (DEL of such
// a network still cleans up).
func TestUnsupportedKeys(t *testing.T) {
	c, err := parseConfig([]byte(`{"cniVersion":"1.1.0","name":"n","vlan":0,"promiscMode":false,"vlanTrunk":[],"enabledad":null,"ipam":{"subnet":"10.9.0.0/24"}}`), "")
	if err != nil || c.unsupported != nil {
		t.Errorf("keys at their defaults: %v %v", err, c.unsupported)
	}
	c, err = parseConfig([]byte(`{"cniVersion":"1.1.0","name":"n","promiscMode":true,"ipam":{"subnet":"10.9.0.0/24"}}`), "")
	if err != nil || c.unsupported == nil {
		t.Errorf("promiscMode true: %v %v", err, c.unsupported)
	}
}
