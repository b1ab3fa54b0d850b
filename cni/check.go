package cni

import (
	"errors"
	"strings"

	"github.com/nsnet/nsnet/nat"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/ns"
	"github.com/nsnet/nsnet/rtnl"
)

// check compares what ADD made, as prevResult says, with what is there:
// the container's interface with its addresses and routes, the host's
// end on the bridge, the leases, and every NAT rule, rule by rule.
func check(c *Config, env Env) error {
	if c.Prev == nil {
		return errorf(CodeConfig, "CHECK needs prevResult, the result of ADD")
	}
	var r reader
	ifaces := r.objects(c.Prev, "interfaces")
	leases, routes := r.result(c.Prev)
	if r.err != nil {
		return r.err
	}
	h, err := ns.OpenPath(env.Netns)
	if err != nil {
		return &Error{Code: CodeUnknown, Msg: "open the container's network namespace " + env.Netns, Details: err.Error()}
	}
	defer h.Close()
	ctr, err := rtnl.Dial(h, nil)
	if err != nil {
		return kernel("open a netlink socket in "+env.Netns, err)
	}
	defer ctr.Close()
	host, err := rtnl.Dial(nil, nil)
	if err != nil {
		return kernel("open a netlink socket", err)
	}
	defer host.Close()

	cv, err := ctr.LinkByName(env.IfName)
	if err != nil {
		return errorf(CodeUnknown, "CHECK: interface %q is not in %s: %v", env.IfName, env.Netns, err)
	}
	if !cv.IsUp() {
		return errorf(CodeKernel, "CHECK: interface %q is down", env.IfName)
	}
	addrs, err := ctr.Addrs(rtnl.AddrFilter{Index: cv.Index})
	if err != nil {
		return kernel("list the addresses of "+env.IfName, err)
	}
	for _, l := range leases {
		if !hasAddr(addrs, l.Prefix) {
			return errorf(CodeKernel, "CHECK: %s is not on %s", l.Prefix, env.IfName)
		}
	}
	live, err := ctr.Routes(rtnl.RouteFilter{Table: 254})
	if err != nil {
		return kernel("list the container's routes", err)
	}
	for _, rt := range routes {
		if !hasRoute(live, rt, cv.Index) {
			return errorf(CodeKernel, "CHECK: the container has no route to %s via %s", rt.Dst, rt.GW)
		}
	}
	br, err := host.LinkByName(c.Bridge)
	if err != nil {
		return errorf(CodeKernel, "CHECK: bridge %q: %v", c.Bridge, err)
	}
	for _, o := range ifaces {
		name := r.str(o, "name")
		if name == c.Bridge || name == env.IfName || r.str(o, "sandbox") != "" {
			continue
		}
		hv, err := host.LinkByName(name)
		if err != nil || hv.Master != br.Index {
			return errorf(CodeKernel, "CHECK: the host's end %q is not a port of %s", name, c.Bridge)
		}
		if c.HairpinMode && (hv.Port == nil || !hv.Port.Hairpin) {
			return errorf(CodeKernel, "CHECK: hairpin is off on %s", name)
		}
	}
	att := Attachment{env.ContainerID, env.IfName}
	if c.IPAM.Type == "" || c.IPAM.Type == "host-local" {
		if err := checkLeases(c, att, leases); err != nil {
			return err
		}
	}
	return checkRules(c, att, leases)
}

func hasAddr(addrs []rtnl.Addr, p netaddr.Prefix) bool {
	for _, a := range addrs {
		if a.Prefix == p {
			return true
		}
	}
	return false
}

func hasRoute(live []rtnl.Route, rt Route, oif int32) bool {
	for _, l := range live {
		dst := l.Dst
		if !dst.IsValid() { // the default route
			dst = netaddr.PrefixFrom(unspecified(rt.Dst.Addr()), 0)
		}
		if dst == rt.Dst && (!rt.GW.IsValid() || l.Gateway == rt.GW) && l.OIF == oif {
			return true
		}
	}
	return false
}

func checkLeases(c *Config, att Attachment, leases []Lease) error {
	s, err := openStore(c.IPAM.DataDir, c.Name)
	if err != nil {
		return err
	}
	defer s.close()
	ls, err := s.leases()
	if err != nil {
		return err
	}
	for _, l := range leases {
		found := false
		for _, x := range ls {
			found = found || x.addr == l.Prefix.Addr() && x.owns(att)
		}
		if !found {
			return errorf(CodeKernel, "CHECK: no lease of %s for %s %s", l.Prefix.Addr(), att.ContainerID, att.IfName)
		}
	}
	return nil
}

// checkRules compares the attachment's NAT rules in the kernel with those
// ADD makes, as nft would list them.
func checkRules(c *Config, att Attachment, leases []Lease) error {
	want := map[string]int{}
	for _, s := range natSets(c, att, leases) {
		for _, r := range s.(nat.Set).Rules {
			rr := *r
			rr.Family, rr.Table, rr.Comment = s.(nat.Set).Family, nat.Table, ruleName(c, att)
			want[rr.Chain+": "+rr.String()]++
		}
	}
	rules, err := nat.List(nil, nil)
	if err != nil && !(noTable(err) && len(want) == 0) {
		return kernel("list the NAT rules", err)
	}
	for i := range rules {
		if rules[i].Comment == ruleName(c, att) {
			want[rules[i].Chain+": "+rules[i].String()]--
		}
	}
	for rule, n := range want {
		switch {
		case n > 0:
			return errorf(CodeKernel, "CHECK: a NAT rule is missing: %s", rule)
		case n < 0:
			return errorf(CodeKernel, "CHECK: a NAT rule is there that ADD did not make: %s", rule)
		}
	}
	return nil
}

// gc removes the leases and rules of every attachment to this network
// that is not in cni.dev/valid-attachments.
func gc(c *Config) error {
	valid := map[Attachment]bool{}
	for _, a := range c.Valid {
		valid[a] = true
	}
	var errs []error
	if c.IPAM.Type == "" || c.IPAM.Type == "host-local" {
		s, err := openStore(c.IPAM.DataDir, c.Name)
		if err != nil {
			return err
		}
		ls, err := s.leases()
		for _, l := range ls {
			if !valid[l.owner] && (l.owner.IfName != "" || !validContainer(c.Valid, l.owner.ContainerID)) {
				errs = append(errs, s.release(l.owner))
			}
		}
		s.close()
		errs = append(errs, err)
	}
	rules, err := nat.List(nil, nil)
	if err != nil && !noTable(err) {
		errs = append(errs, err)
	}
	prefix := ruleName(c, Attachment{}) // "nsnet cni NAME  ": the ID and name follow
	prefix = prefix[:len(prefix)-1]
	seen := map[string]bool{}
	for _, r := range rules {
		rest, ok := strings.CutPrefix(r.Comment, prefix)
		id, ifname, _ := strings.Cut(rest, " ")
		if ok && !valid[Attachment{id, ifname}] && !seen[r.Comment] {
			seen[r.Comment] = true
			errs = append(errs, deleteSets([]nat.NAT{nat.Set{Name: r.Comment, Family: r.Family}}))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return kernel("GC of network "+c.Name, err)
	}
	return nil
}

func validContainer(valid []Attachment, id string) bool {
	for _, a := range valid {
		if a.ContainerID == id {
			return true
		}
	}
	return false
}

// status says whether ADD could succeed now: an address is free in each
// range set (code 50 when one is full).
func status(c *Config, env Env) error {
	if c.IPAM.Type != "" && c.IPAM.Type != "host-local" {
		return delegate(c, env, "STATUS", nil)
	}
	s, err := openStore(c.IPAM.DataDir, c.Name)
	if err != nil {
		return err
	}
	defer s.close()
	return s.free(&c.IPAM)
}
