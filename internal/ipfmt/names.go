package ipfmt

import (
	"strings"
	"sync"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/internal/order"
	"github.com/nsnet/nsnet/internal/sysfile"
	"github.com/nsnet/nsnet/netaddr"
	"golang.org/x/sys/unix"
)

// Names is a two-way table of numbers and the words ip uses for them.
type Names []struct {
	n    uint32
	name string
}

// Name is n's word, or n in decimal.
func (t Names) Name(n uint32) string {
	if s, ok := t.name(n); ok {
		return s
	}
	return utoa(uint64(n))
}

//go:noinline
func (t Names) name(n uint32) (string, bool) {
	for _, e := range t {
		if e.n == n {
			return e.name, true
		}
	}
	return "", false
}

// Parse accepts a name or a number up to max.
func (t Names) Parse(s string, max uint64) (uint32, error) {
	return parseNamed(t.Lookup, s, max)
}

func parseNamed(lookup func(string) (uint32, bool), s string, max uint64) (uint32, error) {
	if n, ok := lookup(s); ok {
		return n, nil
	}
	n, ok := num.Uint(s, 0, 32)
	if !ok || n > max {
		return 0, fmt.Errorf("%q is neither a known name nor a number up to %d", s, max)
	}
	return uint32(n), nil
}

// Lookup is the number of a name in t.
//
//go:noinline
func (t Names) Lookup(s string) (uint32, bool) {
	for _, e := range t {
		if e.name == s {
			return e.n, true
		}
	}
	return 0, false
}

// ParseFold is Parse with names in any case (`nud stale`, `nud STALE`).
func (t Names) ParseFold(s string, max uint64) (uint32, error) {
	return parseNamed(func(s string) (uint32, bool) {
		for _, e := range t {
			if EqualFold(e.name, s) {
				return e.n, true
			}
		}
		return 0, false
	}, s, max)
}

// EqualFold is ip's strcasecmp: a and b equal but for the case of ASCII
// letters. (strings.EqualFold folds all of Unicode, with its tables.)
func EqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if lower := x | 0x20; x != y && (lower != y|0x20 || lower < 'a' || lower > 'z') {
			return false
		}
	}
	return true
}

// FileNames is a table ip extends from a file of "NUMBER NAME" lines:
// /etc/iproute2/FILE and /etc/iproute2/FILE.d/*.conf, or, without the
// first, /usr/share/iproute2/FILE. Like ip, nsnet reads them only the
// first time a number or word is not built in; without them (an
// initramfs) the built-in names are all there is.
type FileNames struct {
	Names
	file string
	once sync.Once
	more Names // from the files
}

func (t *FileNames) Name(n uint32) string {
	if s, ok := t.name(n); ok {
		return s
	}
	if s, ok := t.load().name(n); ok {
		return s
	}
	return utoa(uint64(n))
}

func (t *FileNames) Lookup(s string) (uint32, bool) {
	if n, ok := t.Names.Lookup(s); ok {
		return n, true
	}
	return t.load().Lookup(s)
}

func (t *FileNames) Parse(s string, max uint64) (uint32, error) {
	return parseNamed(t.Lookup, s, max)
}

func (t *FileNames) load() Names {
	t.once.Do(func() {
		b, err := sysfile.ReadFile("/etc/iproute2/" + t.file)
		if err != nil {
			b, _ = sysfile.ReadFile("/usr/share/iproute2/" + t.file)
		}
		d := "/etc/iproute2/" + t.file + ".d/"
		confs, _ := sysfile.ReadDirNames(d)
		order.Sort(confs) // as the directory lists them for ip: in no set order
		for _, c := range confs {
			if strings.HasSuffix(c, ".conf") && len(c) > 5 && c[0] != '.' {
				more, _ := sysfile.ReadFile(d + c)
				b = append(append(b, '\n'), more...)
			}
		}
		t.more = parseNameFile(string(b))
	})
	return t.more
}

// fields are the words of s between ASCII blanks, as sscanf's %s reads
// them. (strings.Fields knows Unicode's blanks, with their tables.)
//
//go:noinline
func fields(s string) []string {
	var out []string
	for {
		for s != "" && (s[0] == ' ' || s[0] >= '\t' && s[0] <= '\r') {
			s = s[1:]
		}
		if s == "" {
			return out
		}
		n := 1
		for n < len(s) && s[n] != ' ' && (s[n] < '\t' || s[n] > '\r') {
			n++
		}
		out, s = append(out, s[:n]), s[n:]
	}
}

// parseNameFile reads lines of "NUMBER NAME" (decimal or 0x hex), as
// iproute2's fread_id_name: blanks before, # comments, anything after
// the name ignored. A later line for a number wins, as in ip.
func parseNameFile(text string) Names {
	var out Names
	for _, line := range strings.Split(text, "\n") {
		f := fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		n, ok := num.Uint(f[0], 0, 32)
		if !ok || strings.HasPrefix(f[1], "#") {
			continue
		}
		out = append(Names{{uint32(n), f[1]}}, out...)
	}
	return out
}

// Scopes: RT_SCOPE_* (linux/rtnetlink.h), of addresses and routes alike;
// the kernel's RT_SCOPE_UNIVERSE is "global" to ip.
var Scopes = &FileNames{Names: Names{{0, "global"}, {200, "site"}, {253, "link"}, {254, "host"}, {255, "nowhere"}}, file: "rt_scopes"}

// Protocols: RTPROT_*, as iproute2 6.1 has them built in.
var Protocols = &FileNames{Names: Names{{0, "unspec"}, {1, "redirect"}, {2, "kernel"}, {3, "boot"}, {4, "static"},
	{8, "gated"}, {9, "ra"}, {10, "mrt"}, {11, "zebra"}, {12, "bird"}, {13, "dnrouted"}, {14, "xorp"},
	{15, "ntk"}, {16, "dhcp"}, {18, "keepalived"}, {42, "babel"}, {186, "bgp"}, {187, "isis"}, {188, "ospf"},
	{189, "rip"}, {192, "eigrp"}}, file: "rt_protos"}

// Tables: RT_TABLE_*.
var Tables = &FileNames{Names: Names{{0, "unspec"}, {253, "default"}, {254, "main"}, {255, "local"}}, file: "rt_tables"}

// Realms: route realms (RTA_FLOW). ip's one built-in name, "unknown" for
// 0, is replaced by the file's before a realm is printed (Printer.realm).
var Realms = &FileNames{file: "rt_realms"}

// DSFields: the TOS byte (the DS field) a route or rule matches, by name
// from rt_dsfield. ip prints one without a name in hex (0x10), and reads
// a number in hex: "tos 10" is 0x10.
var DSFields = &FileNames{Names: Names{{0, "0"}}, file: "rt_dsfield"}

// ParseDSField is rtnl_dsfield_a2n: a name, or hex digits with or without 0x.
func ParseDSField(s string) (uint8, error) {
	if n, ok := DSFields.Lookup(s); ok && n <= 255 {
		return uint8(n), nil
	}
	n, ok := num.Uint(strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X"), 16, 8)
	if !ok {
		return 0, fmt.Errorf("%q is not a name in rt_dsfield or a hex number to 0xff", s)
	}
	return uint8(n), nil
}

// dsfield is rtnl_dsfield_n2a.
func (p *Printer) dsfield(n uint8) string {
	if s := DSFields.Name(uint32(n)); !p.Numeric && s != utoa(uint64(n)) {
		return s
	}
	return "0x" + hex2(n)
}

// ProtoDownReasons: the bits of IFLA_PROTO_DOWN_REASON, which have no
// names but those /etc/iproute2/protodown_reasons.d gives them.
var ProtoDownReasons = &FileNames{file: "protodown_reasons"}

// Groups: link groups (IFLA_GROUP).
var Groups = &FileNames{Names: Names{{0, "default"}}, file: "group"}

// Route types: RTN_*.
var RouteTypes = Names{{0, "unspec"}, {1, "unicast"}, {2, "local"}, {3, "broadcast"}, {4, "anycast"},
	{5, "multicast"}, {6, "blackhole"}, {7, "unreachable"}, {8, "prohibit"}, {9, "throw"}, {10, "nat"}}

// RouteMetrics: RTAX_*, ip's mx_names.
var RouteMetrics = Names{{unix.RTAX_MTU, "mtu"}, {unix.RTAX_WINDOW, "window"}, {unix.RTAX_RTT, "rtt"},
	{unix.RTAX_RTTVAR, "rttvar"}, {unix.RTAX_SSTHRESH, "ssthresh"}, {unix.RTAX_CWND, "cwnd"},
	{unix.RTAX_ADVMSS, "advmss"}, {unix.RTAX_REORDERING, "reordering"}, {unix.RTAX_HOPLIMIT, "hoplimit"},
	{unix.RTAX_INITCWND, "initcwnd"}, {unix.RTAX_FEATURES, "features"}, {unix.RTAX_RTO_MIN, "rto_min"},
	{unix.RTAX_INITRWND, "initrwnd"}, {unix.RTAX_QUICKACK, "quickack"}, {unix.RTAX_CC_ALGO, "congctl"},
	{unix.RTAX_FASTOPEN_NO_COOKIE, "fastopen_no_cookie"}}

// IPv6 router preferences: ICMPV6_ROUTER_PREF_* (linux/icmpv6.h).
var RouterPrefs = Names{{0, "medium"}, {1, "high"}, {3, "low"}}

// Neighbour states: NUD_* bits.
var NudStates = Names{{0x01, "INCOMPLETE"}, {0x02, "REACHABLE"}, {0x04, "STALE"}, {0x08, "DELAY"},
	{0x10, "PROBE"}, {0x20, "FAILED"}, {0x40, "NOARP"}, {0x80, "PERMANENT"}}

// inetName is the word ip uses for an address's family.
func inetName(a netaddr.Addr) string {
	if a.Is4() {
		return "inet"
	}
	return "inet6"
}
