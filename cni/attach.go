package cni

import (
	"errors"
	"io/fs"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/internal/sysfile"
	"github.com/nsnet/nsnet/nat"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nft"
	"github.com/nsnet/nsnet/ns"
	"github.com/nsnet/nsnet/rtnl"
)

// undo is what ADD has done so far, to be taken back if a later step
// fails: nothing half-made is left behind.
type undo []func()

func (u *undo) push(f func()) { *u = append(*u, f) }

func (u undo) run() {
	for i := len(u) - 1; i >= 0; i-- {
		u[i]()
	}
}

//go:noinline
func kernel(what string, err error) error {
	return &Error{Code: CodeKernel, Msg: what, Details: err.Error()}
}

// add attaches the container: bridge (made if missing), veth pair with
// env.IfName in the container, addresses and routes from IPAM, the
// gateway on the bridge, masquerade and port mappings.
func add(c *Config, env Env) (ipfmt.Object, error) {
	att := Attachment{env.ContainerID, env.IfName}
	if len(ruleName(c, att)) > 200 {
		return nil, errorf(CodeConfig, "network name and container ID too long to name nftables rules (%d bytes)", len(ruleName(c, att)))
	}
	h, err := ns.OpenPath(env.Netns)
	if err != nil {
		return nil, &Error{Code: CodeUnknown, Msg: "open the container's network namespace " + env.Netns, Details: err.Error()}
	}
	defer h.Close()
	host, err := rtnl.Dial(nil, nil)
	if err != nil {
		return nil, kernel("open a netlink socket", err)
	}
	defer host.Close()
	ctr, err := rtnl.Dial(h, nil)
	if err != nil {
		return nil, kernel("open a netlink socket in "+env.Netns, err)
	}
	defer ctr.Close()
	if _, err := ctr.LinkByName(env.IfName); err == nil {
		return nil, errorf(CodeExists, "interface %q exists in %s already", env.IfName, env.Netns)
	}

	var u undo
	done := false
	defer func() {
		if !done {
			u.run()
		}
	}()
	br, err := ensureBridge(host, c)
	if err != nil {
		return nil, err
	}
	hv, cv, err := addVeth(host, ctr, h, c, env.IfName, br.Index, &u)
	if err != nil {
		return nil, err
	}

	leases, routes, err := allocate(c, env, &u)
	if err != nil {
		return nil, err
	}
	for _, l := range leases {
		a := &rtnl.Addr{Prefix: l.Prefix, Index: cv.Index}
		if l.Prefix.Addr().Is6() {
			a.Flags = unix.IFA_F_NODAD // usable at once: the container starts now
		} else if l.Prefix.Bits() < 31 {
			a.Broadcast = l.Prefix.Last() // as the bridge plugin sets it
		}
		if err := ctr.AddrAdd(a); err != nil {
			return nil, kernel("add "+l.Prefix.String()+" to "+env.IfName, err)
		}
	}
	if err := ctr.LinkSetUp(cv.Index); err != nil {
		return nil, kernel("set "+env.IfName+" up", err)
	}
	if c.IsDefaultGateway {
		for _, l := range leases {
			routes = append(routes, Route{Dst: netaddr.PrefixFrom(unspecified(l.Gateway), 0), GW: l.Gateway})
		}
	}
	for i, r := range routes {
		if !r.GW.IsValid() {
			routes[i].GW = gatewayFor(leases, r.Dst.Addr())
			r = routes[i]
		}
		rt := &rtnl.Route{Dst: r.Dst, Gateway: r.GW, OIF: cv.Index}
		if r.Dst.Bits() == 0 {
			rt.Dst = netaddr.Prefix{}
		}
		if err := ctr.RouteAdd(rt); err != nil && !errors.Is(err, unix.EEXIST) {
			return nil, kernel("add a route to "+r.Dst.String()+" in the container", err)
		}
	}
	if c.IsGateway {
		if err := gatewayOnBridge(host, br, leases); err != nil {
			return nil, err
		}
	}
	if len(c.Ports) > 0 {
		// The host's own 127.0.0.1:PORT is DNATed to the container too;
		// a packet from 127/8 may leave by the bridge only with this.
		key := "net.ipv4.conf." + c.Bridge + ".route_localnet"
		if err := ns.SetSysctl(nil, key, "1"); err != nil {
			return nil, kernel("turn on "+key, err)
		}
	}
	if sets := natSets(c, att, leases); len(sets) > 0 {
		if _, errs := nat.AddAll(nil, sets, false, nil); errors.Join(errs...) != nil {
			return nil, kernel("add the NAT rules of "+env.ContainerID, errors.Join(errs...))
		}
		u.push(func() { deleteSets(sets) })
	}

	// A bridge takes the lowest MAC of its ports unless one was set:
	// read it after the port joined.
	if br, err = host.LinkByIndex(br.Index); err != nil {
		return nil, kernel("read bridge "+c.Bridge, err)
	}
	done = true
	return result(c, env, br, hv, cv, leases, routes), nil
}

func unspecified(like netaddr.Addr) netaddr.Addr {
	if like.Is4() {
		return netaddr.IPv4Unspecified()
	}
	return netaddr.IPv6Unspecified()
}

// gatewayFor is the gateway of the lease of dst's family.
func gatewayFor(leases []Lease, dst netaddr.Addr) netaddr.Addr {
	for _, l := range leases {
		if l.Gateway.Is4() == dst.Is4() {
			return l.Gateway
		}
	}
	return netaddr.Addr{}
}

// ensureBridge finds the bridge or makes it (up, with the MTU). A failed
// ADD leaves a bridge it made, as the bridge plugin does: it is the
// network's, and a parallel ADD may be joining it.
func ensureBridge(host *rtnl.Conn, c *Config) (*rtnl.Link, error) {
	br, err := host.LinkByName(c.Bridge)
	if errors.Is(err, rtnl.ErrNoLink) {
		br, err = host.LinkAdd(&rtnl.Link{Name: c.Bridge, MTU: c.MTU, Info: &rtnl.Bridge{}})
		if errors.Is(err, unix.EEXIST) { // made meanwhile by a parallel ADD
			br, err = host.LinkByName(c.Bridge)
		}
	}
	if err != nil {
		return nil, kernel("make bridge "+c.Bridge, err)
	}
	if br.Kind() != "bridge" {
		return nil, errorf(CodeConfig, "%q is a %s link, not a bridge", c.Bridge, br.Kind())
	}
	if err := host.LinkSetUp(br.Index); err != nil {
		return nil, kernel("set bridge "+c.Bridge+" up", err)
	}
	return br, nil
}

// addVeth makes the pair: a random vethXXXXXXXX on the host, a port of
// the bridge (hairpin if asked), and ifname in the container.
func addVeth(host, ctr *rtnl.Conn, h *ns.Handle, c *Config, ifname string, br int32, u *undo) (hv, cv *rtnl.Link, err error) {
	var rnd [4]byte
	if _, err := unix.Getrandom(rnd[:], 0); err != nil {
		return nil, nil, kernel("pick a name for the host's end", err)
	}
	hexName := []byte("veth")
	for _, b := range rnd {
		hexName = append(hexName, "0123456789abcdef"[b>>4], "0123456789abcdef"[b&15])
	}
	name := string(hexName)
	hv, err = host.LinkAdd(&rtnl.Link{Name: name, MTU: c.MTU, Info: &rtnl.Veth{Peer: rtnl.Link{Name: ifname, NetNS: h}}})
	if err != nil {
		return nil, nil, kernel("make veth pair "+name+" and "+ifname, err)
	}
	u.push(func() { host.LinkDel(hv.Index) }) // its peer goes with it
	if cv, err = ctr.LinkByName(ifname); err != nil {
		return nil, nil, kernel("find "+ifname+" in the container", err)
	}
	if c.MTU != 0 {
		if err := ctr.LinkSet(&rtnl.Link{Index: cv.Index, MTU: c.MTU}); err != nil {
			return nil, nil, kernel("set the MTU of "+ifname, err)
		}
	}
	port := &rtnl.Link{Index: hv.Index, Master: br}
	if err := host.LinkSet(port); err != nil {
		return nil, nil, kernel("add "+name+" to bridge "+c.Bridge, err)
	}
	if c.HairpinMode {
		hp := &rtnl.Link{Index: hv.Index, Port: &rtnl.BridgePort{Settings: []rtnl.PortSetting{{Attr: unix.IFLA_BRPORT_MODE, Value: 1}}}}
		if err := host.LinkSet(hp); err != nil {
			return nil, nil, kernel("set hairpin on "+name, err)
		}
	}
	if err := host.LinkSetUp(hv.Index); err != nil {
		return nil, nil, kernel("set "+name+" up", err)
	}
	return hv, cv, nil
}

// allocate takes addresses from nsnet's host-local IPAM, or from the
// delegated plugin.
func allocate(c *Config, env Env, u *undo) ([]Lease, []Route, error) {
	if c.IPAM.Type != "" && c.IPAM.Type != "host-local" {
		return delegateAdd(c, env, u)
	}
	s, err := openStore(c.IPAM.DataDir, c.Name)
	if err != nil {
		return nil, nil, err
	}
	defer s.close()
	att := Attachment{env.ContainerID, env.IfName}
	leases, err := s.allocate(&c.IPAM, att)
	if err != nil {
		return nil, nil, err
	}
	u.push(func() { releaseLeases(c, att) })
	return leases, append([]Route(nil), c.IPAM.Routes...), nil
}

func releaseLeases(c *Config, att Attachment) error {
	s, err := openStore(c.IPAM.DataDir, c.Name)
	if err != nil {
		return err
	}
	defer s.close()
	return s.release(att)
}

// gatewayOnBridge gives the bridge each lease's gateway (with the
// subnet's length) and turns forwarding on for its family.
func gatewayOnBridge(host *rtnl.Conn, br *rtnl.Link, leases []Lease) error {
	for _, l := range leases {
		if !l.Gateway.IsValid() {
			continue
		}
		gw := netaddr.PrefixFrom(l.Gateway, l.Prefix.Bits())
		a := &rtnl.Addr{Prefix: gw, Index: br.Index}
		if gw.Addr().Is6() {
			a.Flags = unix.IFA_F_NODAD
		}
		if err := host.AddrAdd(a); err != nil && !errors.Is(err, unix.EEXIST) {
			return kernel("add gateway "+gw.String()+" to "+br.Name, err)
		}
		key := "net.ipv4.ip_forward"
		if gw.Addr().Is6() {
			key = "net.ipv6.conf.all.forwarding"
		}
		if err := ns.SetSysctl(nil, key, "1"); err != nil {
			return kernel("turn on "+key, err)
		}
	}
	return nil
}

// ruleName names an attachment's nftables rules (their comment).
func ruleName(c *Config, att Attachment) string {
	return "nsnet cni " + c.Name + " " + att.ContainerID + " " + att.IfName
}

// natSets are the attachment's NAT rules, a set per family:
//   - ipMasq: `ip saddr POD ip daddr != SUBNET ip daddr != 224.0.0.0/4
//     masquerade` in postrouting, as the bridge plugin's chain does it;
//   - each port mapping: `fib daddr type local [ip daddr HOSTIP] PROTO dport
//     HOSTPORT dnat to POD:PORT` in prerouting and output (connections from
//     the host itself skip prerouting), and in postrouting `ct status dnat
//     ip saddr SUBNET ip daddr POD PROTO dport PORT masquerade` (a
//     neighbour on the bridge, or the container itself: hairpin) and the
//     same from 127.0.0.0/8 (the host's own localhost, which route_localnet
//     lets out onto the bridge).
func natSets(c *Config, att Attachment, leases []Lease) []nat.NAT {
	var sets []nat.NAT
	for _, l := range leases {
		pod := l.Prefix.Addr()
		host := netaddr.PrefixFrom(pod, pod.BitLen())
		subnet := l.Prefix.Masked()
		var rules []*nft.Rule
		if c.IPMasq {
			multicast := netaddr.MustParsePrefix("224.0.0.0/4")
			if pod.Is6() {
				multicast = netaddr.MustParsePrefix("ff00::/8")
			}
			x := nft.MatchSaddr(host)
			x = append(x, nft.MatchDaddrNot(subnet)...)
			x = append(x, nft.MatchDaddrNot(multicast)...)
			rules = append(rules, &nft.Rule{Chain: "postrouting", Exprs: append(x, &nft.Masq{})})
		}
		for _, pm := range c.Ports {
			if pm.HostIP.IsValid() && pm.HostIP.Is4() != pod.Is4() {
				continue
			}
			proto := uint8(unix.IPPROTO_TCP)
			if pm.Protocol == "udp" {
				proto = unix.IPPROTO_UDP
			}
			dnat := func() []nft.Expr {
				x := nft.MatchDaddrLocal()
				if pm.HostIP.IsValid() && !pm.HostIP.IsUnspecified() {
					x = append(x, nft.MatchDaddr(netaddr.PrefixFrom(pm.HostIP, pm.HostIP.BitLen()))...)
				}
				x = append(x, nft.MatchDport(proto, pm.HostPort)...)
				return append(x, nft.DNATTo(netaddr.AddrPortFrom(pod, pm.ContainerPort))...)
			}
			rules = append(rules, &nft.Rule{Chain: "prerouting", Exprs: dnat()}, &nft.Rule{Chain: "output", Exprs: dnat()})
			froms := []netaddr.Prefix{subnet}
			if pod.Is4() {
				froms = append(froms, netaddr.MustParsePrefix("127.0.0.0/8"))
			}
			for _, from := range froms {
				x := nft.MatchCtDNAT()
				x = append(x, nft.MatchSaddr(from)...)
				x = append(x, nft.MatchDaddr(host)...)
				x = append(x, nft.MatchDport(proto, pm.ContainerPort)...)
				rules = append(rules, &nft.Rule{Chain: "postrouting", Exprs: append(x, &nft.Masq{})})
			}
		}
		if len(rules) > 0 {
			sets = append(sets, nat.Set{Name: ruleName(c, att), Family: nft.FamilyOf(pod), Rules: rules})
		}
	}
	return sets
}

// deleteSets removes NAT rule sets; ones already gone are no error.
func deleteSets(sets []nat.NAT) error {
	var errs []error
	for _, s := range sets {
		if err := nat.Delete(nil, s, nil); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// attachmentSets are the rule sets of an attachment, whichever families.
func attachmentSets(c *Config, att Attachment) []nat.NAT {
	return []nat.NAT{nat.Set{Name: ruleName(c, att), Family: nft.FamilyIP}, nat.Set{Name: ruleName(c, att), Family: nft.FamilyIP6}}
}

// del detaches the container; what is gone already (namespace,
// interface, lease, rules) is no error, so DEL can be run again.
func del(c *Config, env Env) error {
	att := Attachment{env.ContainerID, env.IfName}
	var errs []error
	if env.Netns != "" {
		if h, err := ns.OpenPath(env.Netns); err == nil {
			errs = append(errs, delLink(h, env.IfName))
			h.Close()
		}
	}
	if c.IPAM.Type != "" && c.IPAM.Type != "host-local" {
		errs = append(errs, delegate(c, env, "DEL", nil))
	} else {
		errs = append(errs, releaseLeases(c, att))
	}
	if err := deleteSets(attachmentSets(c, att)); err != nil && !noTable(err) {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return kernel("detach "+env.ContainerID+" "+env.IfName, err)
	}
	return nil
}

// noTable says whether err is nftables' "no such table" (nothing to delete).
func noTable(err error) bool { return errors.Is(err, unix.ENOENT) }

func delLink(h *ns.Handle, ifname string) error {
	c, err := rtnl.Dial(h, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	l, err := c.LinkByName(ifname)
	if errors.Is(err, rtnl.ErrNoLink) {
		return nil
	}
	if err == nil {
		err = c.LinkDel(l.Index)
	}
	return err
}

// result is the ADD result in the configuration's version: the bridge,
// the host's end, the container's end (with its sandbox), the addresses
// on that last interface, the routes.
func result(c *Config, env Env, br, hv, cv *rtnl.Link, leases []Lease, routes []Route) ipfmt.Object {
	iface := func(l *rtnl.Link, sandbox string) ipfmt.Object {
		o := ipfmt.Object{{Key: "name", Value: l.Name}, {Key: "mac", Value: l.HardwareAddr.String()}}
		if c.MTU != 0 && c.Version != "0.4.0" {
			o = append(o, ipfmt.Field{Key: "mtu", Value: int(c.MTU)})
		}
		if sandbox != "" {
			o = append(o, ipfmt.Field{Key: "sandbox", Value: sandbox})
		}
		return o
	}
	var ips, rts []ipfmt.Object
	for _, l := range leases {
		o := ipfmt.Object{}
		if c.Version == "0.4.0" {
			o = append(o, ipfmt.Field{Key: "version", Value: map[bool]string{true: "4", false: "6"}[l.Prefix.Addr().Is4()]})
		}
		o = append(o, ipfmt.Field{Key: "interface", Value: 2}, ipfmt.Field{Key: "address", Value: l.Prefix.String()})
		if l.Gateway.IsValid() {
			o = append(o, ipfmt.Field{Key: "gateway", Value: l.Gateway.String()})
		}
		ips = append(ips, o)
	}
	for _, r := range routes {
		o := ipfmt.Object{{Key: "dst", Value: r.Dst.String()}}
		if r.GW.IsValid() {
			o = append(o, ipfmt.Field{Key: "gw", Value: r.GW.String()})
		}
		rts = append(rts, o)
	}
	out := ipfmt.Object{{Key: "cniVersion", Value: c.Version},
		{Key: "interfaces", Value: []ipfmt.Object{iface(br, ""), iface(hv, ""), iface(cv, env.Netns)}},
		{Key: "ips", Value: ips}}
	if len(rts) > 0 {
		out = append(out, ipfmt.Field{Key: "routes", Value: rts})
	}
	dns := c.DNS
	if dns == nil {
		dns = resolvConf(c.IPAM.ResolvConf)
	}
	return append(out, ipfmt.Field{Key: "dns", Value: dns})
}

// resolvConf is what host-local reads from its resolvConf file: the
// nameservers, domain, search list and options, as the result's dns.
func resolvConf(file string) ipfmt.Object {
	o := ipfmt.Object{}
	if file == "" {
		return o
	}
	b, _ := sysfile.ReadFile(file)
	lists := map[string][]string{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0][0] == '#' || f[0][0] == ';' {
			continue
		}
		switch f[0] {
		case "nameserver":
			lists["nameservers"] = append(lists["nameservers"], f[1])
		case "domain":
			o.Set("domain", f[1])
		case "search", "options":
			lists[f[0]] = append(lists[f[0]], f[1:]...)
		}
	}
	for _, k := range []string{"nameservers", "search", "options"} {
		if lists[k] != nil {
			o.Set(k, lists[k])
		}
	}
	return o
}
