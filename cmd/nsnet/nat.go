package main

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/netaddr"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/nat"
	"github.com/nsnet/nsnet/nft"
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

var natCommands = []command{
	{"masquerade", natMasquerade}, {"forward", natForward}, {"show", natShow}, {"list", natShow},
	{"flush", natFlush},
}

func runNat(e *env, args []string) error {
	return dispatchCommand(e, "nat", natCommands, natHelp, args)
}

// addOrDel reads the add|del word.
func addOrDel(w *words) (bool, error) {
	if !w.more() {
		return false, w.usagef("add or del?")
	}
	switch kw := w.next(); {
	case matches(kw, "add"):
		return true, nil
	case matches(kw, "delete"):
		return false, nil
	default:
		return false, w.usagef("%q is not add or del", kw)
	}
}

func natMasquerade(e *env, args []string) error {
	w := e.words(args, "nat masquerade")
	add, err := addOrDel(w)
	if err != nil {
		return err
	}
	if !w.more() {
		return usagef("nat masquerade: which PREFIX?")
	}
	s := w.next()
	p, err := netaddr.ParsePrefix(s)
	if err != nil {
		return usagef("nat masquerade: %q is not a prefix (like 192.168.15.0/24)", s)
	}
	m := nat.Masquerade{Prefix: p.Masked()}
	for w.more() {
		if kw := w.next(); kw != "oif" {
			return usagef("nat masquerade: unexpected %q", kw)
		}
		if m.OIF, err = w.ifname("oif"); err != nil {
			return err
		}
	}
	return e.changeNAT(add, m)
}

func natForward(e *env, args []string) error {
	w := e.words(args, "nat forward")
	add, err := addOrDel(w)
	if err != nil {
		return err
	}
	if len(w.args) < 4 || w.args[2] != "to" {
		return usagef("nat forward: want {tcp|udp} PORT to ADDR[:PORT]")
	}
	f := nat.Forward{}
	switch proto := w.next(); proto {
	case "tcp":
		f.Proto = nat.TCP
	case "udp":
		f.Proto = nat.UDP
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
	return e.changeNAT(add, f)
}

func parsePort(s string) (uint16, error) {
	n, ok := num.Uint(s, 10, 16)
	if !ok || n == 0 {
		return 0, usagef("nat forward: %q is not a port (1-65535)", s)
	}
	return uint16(n), nil
}

// parseTarget reads ADDR, ADDR:PORT, [V6ADDR]:PORT or a bare V6ADDR.
func parseTarget(s string, port uint16) (netaddr.AddrPort, error) {
	if ap, err := netaddr.ParseAddrPort(s); err == nil {
		if ap.Port() == 0 {
			return ap, usagef("nat forward: port 0 in %q", s)
		}
		return ap, nil
	}
	bare, _ := strings.CutPrefix(s, "[")
	bare, _ = strings.CutSuffix(bare, "]")
	a, err := netaddr.ParseAddr(bare)
	if err != nil {
		return netaddr.AddrPort{}, usagef("nat forward: %q is not ADDR or ADDR:PORT", s)
	}
	return netaddr.AddrPortFrom(a, port), nil
}

// changeNAT adds or deletes a NAT in the -n namespace, and says when
// adding turned on forwarding there.
func (e *env) changeNAT(add bool, n nat.NAT) error {
	h, err := e.openNetns()
	if err != nil {
		return err
	}
	if add && e.pending != nil {
		e.pending.queueNAT(h, e.nlConfig(), n) // h is the queue's now
		return nil
	}
	defer h.Close()
	if !add {
		err := nat.Delete(h, n, e.nlConfig())
		if errors.Is(err, fs.ErrNotExist) {
			return &stateError{fmt.Sprintf("delete NAT %q: no such rule in table nsnet", strings.TrimPrefix(n.Comment(), "nsnet ")), fs.ErrNotExist}
		}
		return err
	}
	res, err := nat.Add(h, n, e.nlConfig())
	e.forwardingNote(e.netns, []string{res.Forwarding})
	return natAddError(n, err)
}

func natAddError(n nat.NAT, err error) error {
	if errors.Is(err, fs.ErrExist) {
		return &stateError{fmt.Sprintf("add NAT %q: it already exists", strings.TrimPrefix(n.Comment(), "nsnet ")), fs.ErrExist}
	}
	return err
}

// stateError is a refusal because an object is there already, or not
// there: it matches fs.ErrExist or fs.ErrNotExist (see isGone, exists).
type stateError struct {
	msg string
	is  error
}

func (e *stateError) Error() string        { return e.msg }
func (e *stateError) Is(target error) bool { return target == e.is }

// forwardingNote says which forwarding sysctls NAT turned on.
func (e *env) forwardingNote(netns string, keys []string) {
	where := "this namespace"
	if netns != "" {
		where = "namespace " + fmt.Quote(netns)
	}
	for _, key := range keys {
		if key != "" {
			fmt.Fprintf(e.stderr, "nsnet: note: turned on %s in %s (NAT needs it to forward packets)\n", key, where)
		}
	}
}

func natShow(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("nat show: unexpected %q", args[0])
	}
	h, err := e.openNetns()
	if err != nil {
		return err
	}
	defer h.Close()
	rules, err := nat.List(h, e.nlConfig())
	if err != nil {
		return err
	}
	out := []ipfmt.Object{}
	for _, r := range rules {
		fam := nft.FamilyName(r.Family)
		if e.json {
			out = append(out, ipfmt.Object{{Key: "family", Value: fam}, {Key: "table", Value: r.Table}, {Key: "chain", Value: r.Chain},
				{Key: "handle", Value: r.Handle}, {Key: "comment", Value: r.Comment}, {Key: "rule", Value: r.String()}, {Key: "expr", Value: exprsJSON(r.Exprs)}})
			continue
		}
		fmt.Fprintf(e.stdout, "%s %s %s: %s  # %s (handle %d)\n", fam, r.Table, r.Chain, r.String(), r.Comment, r.Handle)
	}
	if e.json {
		return e.printer().PrintJSON(out)
	}
	return nil
}

// exprsJSON is each expression as {"NAME": "operands"}, the operands as
// nft --debug=netlink shows them: {"payload": "load 4b @ network header + 12 => reg 1"}.
func exprsJSON(xs []nft.Expr) []ipfmt.Object {
	out := []ipfmt.Object{}
	for _, x := range xs {
		out = append(out, ipfmt.Object{{Key: x.Name(), Value: strings.TrimSpace(strings.TrimPrefix(x.String(), x.Name()))}})
	}
	return out
}

func natFlush(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("nat flush: unexpected %q", args[0])
	}
	h, err := e.openNetns()
	if err != nil {
		return err
	}
	defer h.Close()
	return nat.Flush(h, e.nlConfig())
}
