package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nft"
	"github.com/nsnet/nsnet/ns"
)

const natHelp = `Usage: nsnet [-n NS] nat masquerade {add|del} PREFIX [oif DEV]
       nsnet [-n NS] nat forward {add|del} {tcp|udp} PORT to ADDR[:PORT] [iif DEV]
       nsnet [-n NS] nat show
       nsnet [-n NS] nat flush
Rules live in table "nsnet" (families ip and ip6); other tables are never touched.
Adding NAT turns on IP forwarding in the namespace if it is off, and says so.
A forward works for clients elsewhere (prerouting), on this host (output chain:
connect to one of the host's addresses, not 127.0.0.1) and beside the server
(hairpin: their connections are masqueraded so the answer comes back through here).
`

func natCommands() []command {
	return []command{
		{"masquerade", natMasquerade}, {"forward", natForward}, {"show", natShow}, {"list", natShow},
		{"flush", natFlush}, {"help", helpText(natHelp)},
	}
}

func runNat(e *env, args []string) error {
	if len(args) == 0 {
		return natShow(e, nil)
	}
	return dispatchCommand(e, "nat", natCommands(), args)
}

// addOrDel reads the add|del word.
func addOrDel(w *words) (bool, error) {
	if !w.more() {
		return false, usagef("%s: add or del?", w.cmd)
	}
	switch kw := w.next(); {
	case matches(kw, "add"):
		return true, nil
	case matches(kw, "delete"):
		return false, nil
	default:
		return false, usagef("%s: %q is not add or del", w.cmd, kw)
	}
}

func natMasquerade(e *env, args []string) error {
	w := &words{args: args, cmd: "nat masquerade"}
	add, err := addOrDel(w)
	if err != nil {
		return err
	}
	if !w.more() {
		return usagef("nat masquerade: which PREFIX?")
	}
	s := w.next()
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return usagef("nat masquerade: %q is not a prefix (like 192.168.15.0/24)", s)
	}
	m := nft.Masquerade{Prefix: p.Masked()}
	for w.more() {
		if kw := w.next(); kw != "oif" {
			return usagef("nat masquerade: unexpected %q", kw)
		}
		if m.OIF, err = w.ifname("oif"); err != nil {
			return err
		}
	}
	return e.changeNAT(add, m.Rules(), nft.Family(p.Addr()), m.Comment())
}

func natForward(e *env, args []string) error {
	w := &words{args: args, cmd: "nat forward"}
	add, err := addOrDel(w)
	if err != nil {
		return err
	}
	if len(w.args) < 4 || w.args[2] != "to" {
		return usagef("nat forward: want {tcp|udp} PORT to ADDR[:PORT]")
	}
	f := nft.Forward{}
	switch proto := w.next(); proto {
	case "tcp":
		f.Proto = unix.IPPROTO_TCP
	case "udp":
		f.Proto = unix.IPPROTO_UDP
	default:
		return usagef("nat forward: protocol %q is not tcp or udp", proto)
	}
	if f.Port, err = parsePort(w.next()); err != nil {
		return err
	}
	w.next() // "to"
	if f.To, err = parseTarget(w.next(), f.Port); err != nil {
		return err
	}
	for w.more() {
		if kw := w.next(); kw != "iif" {
			return usagef("nat forward: unexpected %q", kw)
		}
		if f.IIF, err = w.ifname("iif"); err != nil {
			return err
		}
	}
	if add {
		if f.Hairpin, err = e.localSubnet(f.To.Addr()); err != nil {
			return err
		}
	}
	return e.changeNAT(add, f.Rules(), nft.Family(f.To.Addr()), f.Comment())
}

func parsePort(s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return 0, usagef("nat forward: %q is not a port (1-65535)", s)
	}
	return uint16(n), nil
}

// parseTarget reads ADDR, ADDR:PORT, [V6ADDR]:PORT or a bare V6ADDR.
func parseTarget(s string, port uint16) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		if ap.Port() == 0 {
			return ap, usagef("nat forward: port 0 in %q", s)
		}
		return ap, nil
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.AddrPort{}, usagef("nat forward: %q is not ADDR or ADDR:PORT", s)
	}
	return netip.AddrPortFrom(a, port), nil
}

// localSubnet finds the prefix of this namespace's address on the link
// that leads to a, if a is on such a subnet: the clients that need hairpin.
func (e *env) localSubnet(a netip.Addr) (netip.Prefix, error) {
	c, err := e.dialRoute()
	if err != nil {
		return netip.Prefix{}, err
	}
	defer e.release(c)
	r, err := c.RouteGet(a)
	if err != nil || r.Gateway.IsValid() {
		return netip.Prefix{}, nil // unreachable now, or behind a router: no hairpin
	}
	addrs, err := c.Addrs(0, r.OIF)
	if err != nil {
		return netip.Prefix{}, err
	}
	for _, ad := range addrs {
		if p := ad.Prefix.Masked(); p.Contains(a) && ad.Scope != unix.RT_SCOPE_LINK {
			return p, nil
		}
	}
	return netip.Prefix{}, nil
}

// changeNAT adds or deletes a NAT and, on add, makes sure the namespace
// forwards packets.
func (e *env) changeNAT(add bool, rules []*nft.Rule, family uint8, comment string) error {
	h, err := e.openNetns()
	if err != nil {
		return err
	}
	defer h.Close()
	c, err := nft.Dial(h, e.nlConfig())
	if err != nil {
		return err
	}
	defer c.Close()
	if !add {
		err := c.DeleteNAT(family, comment)
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete NAT %q: no such rule in table nsnet", strings.TrimPrefix(comment, "nsnet "))
		}
		return err
	}
	// Forwarding first: a run killed between the two steps then leaves
	// forwarding on without rules, never rules that cannot work.
	turnedOn, err := e.ensureForwarding(h, family)
	if err != nil {
		return err
	}
	err = c.AddNAT(rules)
	if errors.Is(err, fs.ErrExist) {
		err = fmt.Errorf("add NAT %q: it already exists", strings.TrimPrefix(comment, "nsnet "))
	} else if err != nil && turnedOn {
		// Nothing was added: leave the namespace as it was.
		if rerr := ns.SetSysctl(h, forwardingKey(family), "0"); rerr != nil {
			err = fmt.Errorf("%w (and turning forwarding back off failed: %v)", err, rerr)
		}
		return err
	}
	if turnedOn {
		where := "this namespace"
		if e.netns != "" {
			where = "namespace " + strconv.Quote(e.netns)
		}
		fmt.Fprintf(e.stderr, "nsnet: note: turned on %s in %s (NAT needs it to forward packets)\n", forwardingKey(family), where)
	}
	return err
}

func forwardingKey(family uint8) string {
	if family == nft.FamilyIP6 {
		return "net.ipv6.conf.all.forwarding"
	}
	return "net.ipv4.ip_forward"
}

// ensureForwarding turns on forwarding where NAT needs it: without it the
// namespace drops what it should route. It reports whether it changed
// anything, which changeNAT announces once the rules are in.
func (e *env) ensureForwarding(h *ns.Handle, family uint8) (bool, error) {
	key := forwardingKey(family)
	v, err := ns.Sysctl(h, key)
	if err != nil || v != "0" {
		return false, err
	}
	if err := ns.SetSysctl(h, key, "1"); err != nil {
		return false, err
	}
	return true, nil
}

func natShow(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("nat show: unexpected %q", args[0])
	}
	c, err := e.dialNft()
	if err != nil {
		return err
	}
	defer c.Close()
	out := []map[string]any{}
	for _, fam := range []uint8{nft.FamilyIP, nft.FamilyIP6} {
		rules, err := c.Rules(fam, nft.Table)
		if err != nil {
			return err
		}
		for _, r := range rules {
			if e.json {
				out = append(out, map[string]any{"family": nft.FamilyName(fam), "table": r.Table, "chain": r.Chain,
					"handle": r.Handle, "comment": r.Comment, "rule": r.String(), "expr": exprsJSON(r.Exprs)})
				continue
			}
			fmt.Fprintf(e.stdout, "%s %s %s: %s  # %s (handle %d)\n", nft.FamilyName(fam), r.Table, r.Chain, r.String(), r.Comment, r.Handle)
		}
	}
	if e.json {
		return e.printJSON(out)
	}
	return nil
}

func exprsJSON(xs []nft.Expr) []map[string]any {
	out := []map[string]any{}
	for _, x := range xs {
		out = append(out, map[string]any{x.Name(): x})
	}
	return out
}

func natFlush(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("nat flush: unexpected %q", args[0])
	}
	c, err := e.dialNft()
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Flush()
	return err
}

// dialNft opens an nfnetlink socket in the -n namespace.
func (e *env) dialNft() (*nft.Conn, error) {
	h, err := e.openNetns()
	if err != nil {
		return nil, err
	}
	defer h.Close()
	return nft.Dial(h, e.nlConfig())
}
