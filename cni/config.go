package cni

import (
	"slices"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/netaddr"
)

// Config is a network's configuration as the runtime passes it: the keys
// of the reference bridge plugin, its ipam section (host-local's keys),
// and what the runtime adds (runtimeConfig, prevResult, GC's list).
type Config struct {
	Version          string // cniVersion
	Name             string // name: the network, and the directory of its leases
	Type             string // type: "nsnet"
	Bridge           string // bridge: default "cni0"
	IsGateway        bool   // isGateway: the range's gateway address on the bridge, forwarding on
	IsDefaultGateway bool   // isDefaultGateway: and the container's default route through it
	IPMasq           bool   // ipMasq: masquerade what the container sends off its subnet
	HairpinMode      bool   // hairpinMode: the bridge may send a frame back out of the port it came in by
	MTU              uint32 // mtu: of the bridge and both ends of the veth; 0: the kernel's
	IPAM             IPAM   // ipam
	Ports            []PortMapping
	DNS              ipfmt.Object // dns: passed on in the result as given
	Prev             ipfmt.Object // prevResult (CHECK)
	Valid            []Attachment // cni.dev/valid-attachments (GC)
	raw              []byte       // as read, for a delegated IPAM plugin
	unsupported      error        // a key ADD refuses (unsupportedKeys)
}

// unsupportedKeys are the reference bridge plugin's keys nsnet does not
// implement. Set to anything but their default they ask for another
// network than nsnet builds (a VLAN, a promiscuous bridge, MAC spoofing
// rules, DAD), so ADD refuses them, with the spec's code 2 and the key
// and value, rather than leave them out silently.
var unsupportedKeys = []string{"vlan", "vlanTrunk", "promiscMode", "forceAddress", "macspoofchk", "enabledad",
	"disableContainerInterface", "portIsolation"}

func unsupported(o ipfmt.Object) error {
	for _, k := range unsupportedKeys {
		v := o.Get(k)
		if v == nil || v == false || v == ipfmt.Number("0") {
			continue
		}
		if a, ok := v.([]any); ok && len(a) == 0 {
			continue
		}
		var b strings.Builder
		ipfmt.WriteJSON(&b, v)
		return errorf(CodeField, "%q: %s: nsnet does not do this key of the bridge plugin", k, strings.TrimSpace(b.String()))
	}
	return nil
}

// IPAM is the ipam section. Type "host-local" (or none with ranges
// given) is done by nsnet itself; another type is run from CNI_PATH.
type IPAM struct {
	Type    string
	Ranges  [][]Range // ranges, with subnet/rangeStart/rangeEnd/gateway at the top as the first
	Routes  []Route
	DataDir string // dataDir: default /var/lib/cni/networks
	// ResolvConf (resolvConf) is a resolv.conf whose nameserver, domain,
	// search and options lines become the result's dns.
	ResolvConf string
	// Want are the addresses asked for, as host-local takes them: IP= in
	// CNI_ARGS, args.cni.ips, runtimeConfig.ips ("10.22.0.5" or with a
	// length, which is ignored).
	Want []netaddr.Addr
}

// Range is one range of a range set, as host-local reads it.
type Range struct {
	Subnet     netaddr.Prefix
	Start, End netaddr.Addr // rangeStart, rangeEnd: the subnet's second to last-but-one by default
	Gateway    netaddr.Addr // gateway: the subnet's second address by default
}

// Route is a route the container gets: dst, and gw (default: the
// gateway of its address of that family).
type Route struct {
	Dst netaddr.Prefix
	GW  netaddr.Addr
}

// PortMapping is runtimeConfig.portMappings[i] (capability "portMappings").
type PortMapping struct {
	HostPort, ContainerPort uint16
	Protocol                string       // "tcp" (default) or "udp"
	HostIP                  netaddr.Addr // only connections to this address of the host, if set
}

// Attachment is a container's interface on the network.
type Attachment struct{ ContainerID, IfName string }

// reader takes typed values out of decoded JSON; the first error sticks.
type reader struct{ err error }

func (r *reader) bad(key, want string) {
	if r.err == nil {
		r.err = &Error{Code: CodeDecode, Msg: "decode the network configuration", Details: fmt.Sprintf("%q is not %s", key, want)}
	}
}

func (r *reader) str(o ipfmt.Object, key string) string {
	v := o.Get(key)
	s, ok := v.(string)
	if v != nil && !ok {
		r.bad(key, "a string")
	}
	return s
}

func (r *reader) boolean(o ipfmt.Object, key string) bool {
	v := o.Get(key)
	b, ok := v.(bool)
	if v != nil && !ok {
		r.bad(key, "true or false")
	}
	return b
}

func (r *reader) number(o ipfmt.Object, key string, max int64) int64 {
	v := o.Get(key)
	if v == nil {
		return 0
	}
	n, _ := v.(ipfmt.Number)
	i, ok := n.Int()
	if !ok || i < 0 || i > max {
		r.bad(key, fmt.Sprintf("a whole number from 0 to %d", max))
	}
	return i
}

func (r *reader) object(o ipfmt.Object, key string) ipfmt.Object {
	v := o.Get(key)
	x, ok := v.(ipfmt.Object)
	if v != nil && !ok {
		r.bad(key, "an object")
	}
	return x
}

// objects is an array of objects.
func (r *reader) objects(o ipfmt.Object, key string) []ipfmt.Object {
	v := o.Get(key)
	a, ok := v.([]any)
	if v != nil && !ok {
		r.bad(key, "an array")
	}
	out := make([]ipfmt.Object, 0, len(a))
	for _, x := range a {
		if ox, ok := x.(ipfmt.Object); ok {
			out = append(out, ox)
		} else {
			r.bad(key, "an array of objects")
		}
	}
	return out
}

func (r *reader) addr(o ipfmt.Object, key string) netaddr.Addr {
	s := r.str(o, key)
	if s == "" {
		return netaddr.Addr{}
	}
	a, err := netaddr.ParseAddr(s)
	if err != nil {
		r.bad(key, "an IP address")
	}
	return a
}

func (r *reader) prefix(o ipfmt.Object, key string) netaddr.Prefix {
	s := r.str(o, key)
	if s == "" {
		return netaddr.Prefix{}
	}
	p, err := netaddr.ParsePrefix(s)
	if err != nil {
		r.bad(key, "an address prefix (10.22.0.0/16)")
	}
	return p
}

func (r *reader) rng(o ipfmt.Object) Range {
	return Range{Subnet: r.prefix(o, "subnet"), Start: r.addr(o, "rangeStart"), End: r.addr(o, "rangeEnd"), Gateway: r.addr(o, "gateway")}
}

// result reads the addresses and routes of a result (an IPAM plugin's,
// or prevResult).
func (r *reader) result(o ipfmt.Object) ([]Lease, []Route) {
	var leases []Lease
	for _, ipo := range r.objects(o, "ips") {
		leases = append(leases, Lease{Prefix: r.prefix(ipo, "address"), Gateway: r.addr(ipo, "gateway")})
	}
	var routes []Route
	for _, ro := range r.objects(o, "routes") {
		routes = append(routes, Route{Dst: r.prefix(ro, "dst"), GW: r.addr(ro, "gw")})
	}
	return leases, routes
}

// parseConfig reads the configuration and fills in host-local's defaults.
func parseConfig(b []byte, cniArgs string) (*Config, error) {
	v, err := ipfmt.ParseJSON(b)
	if err != nil {
		return nil, &Error{Code: CodeDecode, Msg: "decode the network configuration", Details: err.Error()}
	}
	o, ok := v.(ipfmt.Object)
	if !ok {
		return nil, &Error{Code: CodeDecode, Msg: "decode the network configuration", Details: "it is not a JSON object"}
	}
	var r reader
	c := &Config{raw: b, Version: r.str(o, "cniVersion"), Name: r.str(o, "name"), Type: r.str(o, "type"),
		Bridge: r.str(o, "bridge"), IsGateway: r.boolean(o, "isGateway"), IsDefaultGateway: r.boolean(o, "isDefaultGateway"),
		IPMasq: r.boolean(o, "ipMasq"), HairpinMode: r.boolean(o, "hairpinMode"), MTU: uint32(r.number(o, "mtu", 65535)),
		Prev: r.object(o, "prevResult"), DNS: r.object(o, "dns"), unsupported: unsupported(o)}
	if c.Bridge == "" {
		c.Bridge = "cni0"
	}
	c.IsGateway = c.IsGateway || c.IsDefaultGateway
	ipam := r.object(o, "ipam")
	c.IPAM.Type, c.IPAM.DataDir, c.IPAM.ResolvConf = r.str(ipam, "type"), r.str(ipam, "dataDir"), r.str(ipam, "resolvConf")
	for _, ips := range []any{r.object(r.object(o, "args"), "cni").Get("ips"), r.object(o, "runtimeConfig").Get("ips")} {
		a, _ := ips.([]any)
		for _, x := range a {
			s, _ := x.(string)
			if p, err := netaddr.ParsePrefix(s); err == nil {
				s = p.Addr().String()
			}
			ip, err := netaddr.ParseAddr(s)
			if err != nil {
				r.bad("ips", "a list of IP addresses")
			}
			c.IPAM.Want = append(c.IPAM.Want, ip)
		}
	}
	if c.IPAM.DataDir == "" {
		c.IPAM.DataDir = "/var/lib/cni/networks"
	}
	if top := r.rng(ipam); top.Subnet.IsValid() {
		c.IPAM.Ranges = append(c.IPAM.Ranges, []Range{top})
	}
	if v := ipam.Get("ranges"); v != nil {
		sets, ok := v.([]any)
		if !ok {
			r.bad("ranges", "an array of range sets")
		}
		for _, s := range sets {
			set, ok := s.([]any)
			if !ok || len(set) == 0 {
				r.bad("ranges", "an array of non-empty arrays of ranges")
				break
			}
			var rs []Range
			for _, x := range set {
				xo, _ := x.(ipfmt.Object)
				rs = append(rs, r.rng(xo))
			}
			c.IPAM.Ranges = append(c.IPAM.Ranges, rs)
		}
	}
	for _, ro := range r.objects(ipam, "routes") {
		c.IPAM.Routes = append(c.IPAM.Routes, Route{Dst: r.prefix(ro, "dst"), GW: r.addr(ro, "gw")})
	}
	for _, pm := range r.objects(r.object(o, "runtimeConfig"), "portMappings") {
		p := PortMapping{HostPort: uint16(r.number(pm, "hostPort", 65535)), ContainerPort: uint16(r.number(pm, "containerPort", 65535)),
			Protocol: r.str(pm, "protocol"), HostIP: r.addr(pm, "hostIP")}
		if p.Protocol == "" {
			p.Protocol = "tcp"
		}
		if p.HostPort == 0 || p.ContainerPort == 0 || p.Protocol != "tcp" && p.Protocol != "udp" {
			return nil, errorf(CodeConfig, "port mapping %d->%d/%s: ports from 1 to 65535, protocol tcp or udp", p.HostPort, p.ContainerPort, p.Protocol)
		}
		c.Ports = append(c.Ports, p)
	}
	for _, a := range r.objects(o, "cni.dev/valid-attachments") {
		c.Valid = append(c.Valid, Attachment{r.str(a, "containerID"), r.str(a, "ifname")})
	}
	for _, kv := range strings.Split(cniArgs, ";") { // K=V;K=V: IP= is host-local's
		if k, v, _ := strings.Cut(kv, "="); k == "IP" {
			ip, err := netaddr.ParseAddr(v)
			if err != nil {
				return nil, errorf(CodeConfig, "CNI_ARGS: IP=%s is not an address", v)
			}
			c.IPAM.Want = append(c.IPAM.Want, ip)
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	if !slices.Contains(Versions, c.Version) {
		return nil, &Error{Code: CodeVersion, Msg: "incompatible CNI version", Details: "nsnet speaks " + fmt.Sprint(Versions) + ", not " + c.Version}
	}
	if c.Name == "" {
		return nil, errorf(CodeConfig, "the network configuration has no name")
	}
	if c.IPAM.Type == "" || c.IPAM.Type == "host-local" {
		if err := c.IPAM.canonicalize(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// canonicalize checks the ranges and fills in their defaults, as
// host-local does: a subnet without host bits and room for two hosts;
// the gateway and the first address its second, the last its last (IPv6)
// or last but one (IPv4: the broadcast address is not given out).
func (p *IPAM) canonicalize() error {
	if len(p.Ranges) == 0 {
		return errorf(CodeConfig, "ipam: no IP ranges specified")
	}
	for i, set := range p.Ranges {
		for j := range set {
			r := &set[j]
			s := r.Subnet
			switch {
			case !s.IsValid():
				return errorf(CodeConfig, "ipam: range set %d: a range without a subnet", i)
			case s.Bits() > s.Addr().BitLen()-2:
				return errorf(CodeConfig, "ipam: range set %d: network %v too small to allocate from", i, s)
			case s.Masked() != s:
				return errorf(CodeConfig, "ipam: range set %d: network %v has host bits set; it is %v", i, s, s.Masked())
			}
			first := s.Addr().Next()
			if !r.Gateway.IsValid() {
				r.Gateway = first
			}
			if !r.Start.IsValid() {
				r.Start = first
			}
			if !r.End.IsValid() {
				r.End = lastAddr(s)
			}
			if !s.Contains(r.Start) || !s.Contains(r.End) || r.Start.Compare(r.End) > 0 {
				return errorf(CodeConfig, "ipam: range set %d: %v-%v is not a range in %v", i, r.Start, r.End, s)
			}
		}
		for _, q := range p.Ranges[:i] {
			if q[0].Start.Is4() == set[0].Start.Is4() && overlap(q, set) {
				return errorf(CodeConfig, "ipam: range set %d overlaps another", i)
			}
		}
	}
	return nil
}

// lastAddr is the last address of s, less one for IPv4 (the broadcast
// address is not given out).
func lastAddr(s netaddr.Prefix) netaddr.Addr {
	if s.Addr().Is4() {
		b := s.Last().As4()
		b[3]--
		return netaddr.AddrFrom4(b)
	}
	return s.Last()
}

func overlap(a, b []Range) bool {
	for _, x := range a {
		for _, y := range b {
			if x.contains(y.Start) || x.contains(y.End) || y.contains(x.Start) || y.contains(x.End) {
				return true
			}
		}
	}
	return false
}

// contains says whether a lies in the range.
func (r Range) contains(a netaddr.Addr) bool {
	return r.Subnet.Contains(a) && a.Compare(r.Start) >= 0 && a.Compare(r.End) <= 0
}
