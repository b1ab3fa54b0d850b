package main

import (
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/rtnl"
)

const ruleHelp = `Usage: nsnet rule {add|del} SELECTOR ACTION
       nsnet rule {show|flush} [SELECTOR] [table TABLE] [protocol PROTO (flush)]
SELECTOR := [not] [from PREFIX|all] [to PREFIX|all] [tos TOS] [fwmark MARK[/MASK]]
            [iif DEV] [oif DEV] [pref NUMBER] [uidrange A-B] [ipproto PROTO]
            [sport N[-M]] [dport N[-M]]
ACTION := [table|lookup TABLE] [suppress_prefixlength N] | goto PREF | nop |
          blackhole | unreachable | prohibit
A rule picks the routing table for the packets it matches; the kernel
tries rules in pref order. Without an action, add looks up table main.
show and flush take the rules the selectors match (a prefix matches the
rules whose prefix it covers); flush removes every one but pref 0, as ip's
does: the main and default lookups too, when nothing is selected.
`

var ruleCommands = []command{
	{"add", ruleAdd}, {"delete", ruleDel}, {"show", ruleShow}, {"list", ruleShow}, {"flush", ruleFlush},
}

func runRule(e *env, args []string) error {
	return dispatchCommand(e, "rule", ruleCommands, ruleHelp, args)
}

// ruleFields are the fields a rule show|flush selector gives.
type ruleFields uint16

const (
	rfPref ruleFields = 1 << iota
	rfNot
	rfSrc
	rfDst
	rfTOS
	rfMark
	rfIIF
	rfOIF
	rfUIDs
	rfIPProto
	rfSPort
	rfDPort
	rfTable
	rfProto
)

// parseRule reads iprule_modify's words, or with sel the selectors of
// ip rule show and flush (the same words, and a bare PREFIX is `to`), and
// says which fields were given.
// rulePrefix reads kw's prefix: "all" (and for a selector "default" and
// "any") is every address, no prefix. Not inlined: three keywords take it.
//
//go:noinline
func rulePrefix(w *words, kw string, sel bool) (netaddr.Prefix, error) {
	s, err := w.value(kw)
	if err != nil || s == "all" || sel && (s == "default" || s == "any") {
		return netaddr.Prefix{}, err
	}
	return w.prefix(kw, s)
}

func parseRule(e *env, w *words, add, sel bool) (*rtnl.Rule, ruleFields, error) {
	r := &rtnl.Rule{Family: uint8(e.family)}
	hasTable := false
	var given ruleFields
	for w.more() {
		var err error
		var n uint64
		var s string
		var f ruleFields
		switch kw := w.next(); {
		case kw == "not":
			r.Invert, f = true, rfNot
		case kw == "tos" || kw == "dsfield":
			r.TOS, err = dsfieldWord(w, kw)
			f = rfTOS
		case kw == "from" || sel && matches(kw, "src"):
			r.Src, err = rulePrefix(w, kw, sel)
			f = rfSrc
		case kw == "to" || sel && matches(kw, "dst"):
			r.Dst, err = rulePrefix(w, kw, sel)
			f = rfDst
		case matches(kw, "fwmark"):
			if s, err = w.value(kw); err == nil {
				mark, mask, hasMask := strings.Cut(s, "/")
				n, ok := num.Uint(mark, 0, 32)
				r.Mark = uint32(n)
				if ok && hasMask {
					n, ok = num.Uint(mask, 0, 32)
					m := uint32(n)
					r.Mask = &m
				}
				if !ok {
					err = w.usagef("fwmark %q is not MARK[/MASK]", s)
				}
			}
			f = rfMark
		case kw == "iif" || matches(kw, "dev"):
			r.IIF, err = w.ifname(kw)
			f = rfIIF
		case kw == "oif":
			r.OIF, err = w.ifname(kw)
			f = rfOIF
		case matches(kw, "preference") || matches(kw, "priority") || matches(kw, "order"):
			n, err = w.uint(kw, 32)
			r.Priority, f = uint32(n), rfPref
		case matches(kw, "uidrange"):
			if s, err = w.value(kw); err == nil {
				lo, hi, _ := strings.Cut(s, "-")
				a, ok1 := num.Uint(lo, 10, 32)
				b, ok2 := num.Uint(hi, 10, 32)
				if !ok1 || !ok2 {
					return nil, 0, w.usagef("uidrange %q is not A-B", s)
				}
				r.UIDRange = &[2]uint32{uint32(a), uint32(b)}
			}
			f = rfUIDs
		case matches(kw, "ipproto"):
			r.IPProto, err = ipprotoWord(w, kw)
			f = rfIPProto
		case matches(kw, "sport"):
			r.SPort, err = portRange(w, kw)
			f = rfSPort
		case matches(kw, "dport"):
			r.DPort, err = portRange(w, kw)
			f = rfDPort
		case kw == "table" || matches(kw, "lookup"):
			if s, err = w.value(kw); err == nil {
				r.Table, err = namedNumber(w, kw, s, ipfmt.Tables, 1<<32-1)
				hasTable = true
			}
			f = rfTable
		case matches(kw, "protocol"):
			if s, err = w.value(kw); err == nil && !(sel && s == "all") {
				var p uint32
				p, err = namedNumber(w, kw, s, ipfmt.Protocols, 255)
				r.Protocol, f = uint8(p), rfProto
			}
		case sel: // [to|dst] PREFIX
			w.args = append([]string{kw}, w.args...)
			r.Dst, err = rulePrefix(w, "to", sel)
			f = rfDst
		case matches(kw, "suppress_prefixlength"):
			if s, err = w.value(kw); err == nil {
				v, ok := num.Int(s, 0, 32)
				if !ok {
					err = w.usagef("%s %q is not a number", kw, s)
				}
				n32 := int32(v)
				r.SuppressPrefixLen = &n32
			}
		case kw == "goto":
			n, err = w.uint(kw, 32)
			r.Goto, r.Action = uint32(n), unix.FR_ACT_GOTO
		case kw == "nop":
			r.Action = unix.FR_ACT_NOP
		default:
			if t, ok := ipfmt.RouteTypes.Lookup(kw); ok && (t == unix.RTN_BLACKHOLE || t == unix.RTN_UNREACHABLE || t == unix.RTN_PROHIBIT) {
				r.Action = uint8(t) // FR_ACT_BLACKHOLE... share the route types' numbers
				continue
			}
			return nil, 0, w.usagef("unexpected %q", kw)
		}
		if err != nil {
			return nil, 0, err
		}
		given |= f
	}
	if add && !hasTable && (r.Action == 0 || r.Action == unix.FR_ACT_TO_TBL) {
		r.Table = unix.RT_TABLE_MAIN // as ip: a rule without an action looks up main
	}
	return r, given, nil
}

// ipprotoWord reads the IP protocol after kw, by name or number.
func ipprotoWord(w *words, kw string) (uint8, error) {
	s, err := w.value(kw)
	if err != nil {
		return 0, err
	}
	p, err := ipfmt.IPProtos.Parse(s, 255)
	if err != nil {
		return 0, w.usagef("%s %v", kw, err)
	}
	return uint8(p), nil
}

// ruleMatches is ip's filter_nlmsg: the fields given in t must be r's, a
// prefix must cover r's; as in ip, a mark, mask, protocol or port of 0
// and table 0 select any.
// covers: selector f is not given, or prefix p lies within it.
func covers(f, p netaddr.Prefix) bool {
	return !f.IsValid() || f.Bits() <= max(p.Bits(), 0) && bitsMatch(p.Addr(), f, f.Bits())
}

func ruleMatches(t *rtnl.Rule, given ruleFields, r *rtnl.Rule) bool {
	mask := func(m *uint32) uint32 {
		if m == nil {
			return 0
		}
		return *m
	}
	for _, c := range [...]struct {
		f  ruleFields
		ok bool
	}{
		{rfPref, t.Priority == r.Priority}, {rfNot, r.Invert}, {rfSrc, covers(t.Src, r.Src)}, {rfDst, covers(t.Dst, r.Dst)},
		{rfTOS, t.TOS == r.TOS}, {rfMark, (t.Mark == 0 || t.Mark == r.Mark) && (mask(t.Mask) == 0 || mask(t.Mask) == mask(r.Mask))},
		{rfIIF, t.IIF == r.IIF}, {rfOIF, t.OIF == r.OIF},
		{rfUIDs, r.UIDRange != nil && t.UIDRange != nil && *t.UIDRange == *r.UIDRange}, {rfIPProto, t.IPProto == 0 || t.IPProto == r.IPProto},
		{rfSPort, t.SPort[0] == 0 || t.SPort == r.SPort}, {rfDPort, t.DPort[0] == 0 || t.DPort == r.DPort},
		{rfTable, t.Table == 0 || t.Table == r.Table}, {rfProto, t.Protocol == r.Protocol},
	} {
		if given&c.f != 0 && !c.ok {
			return false
		}
	}
	return true
}

// portRange reads the port or range N[-M] after kw.
func portRange(w *words, kw string) ([2]uint16, error) {
	s, err := w.value(kw)
	if err != nil {
		return [2]uint16{}, err
	}
	lo, hi, isRange := strings.Cut(s, "-")
	if !isRange {
		hi = lo
	}
	a, ok1 := num.Uint(lo, 10, 16)
	b, ok2 := num.Uint(hi, 10, 16)
	if !ok1 || !ok2 || a > b {
		return [2]uint16{}, w.usagef("%s %q is not a port or range", kw, s)
	}
	return [2]uint16{uint16(a), uint16(b)}, nil
}

func withRule(e *env, args []string, cmd string, add bool, fn func(*rtnl.Conn, *rtnl.Rule) error) error {
	r, _, err := parseRule(e, e.words(args, cmd), add, false)
	if err != nil {
		return err
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	return fn(c, r)
}

func ruleAdd(e *env, args []string) error {
	return withRule(e, args, "rule add", true, (*rtnl.Conn).RuleAdd)
}

func ruleDel(e *env, args []string) error {
	return withRule(e, args, "rule del", false, (*rtnl.Conn).RuleDel)
}

// ruleFamily is the family ip rule lists: IPv4 unless -6.
func ruleFamily(e *env) uint8 {
	if e.family == unix.AF_INET6 {
		return unix.AF_INET6
	}
	return unix.AF_INET
}

// selectRules dumps the rules and keeps those the selectors of args pick.
func selectRules(e *env, c *rtnl.Conn, cmd string, args []string) ([]rtnl.Rule, error) {
	t, given, err := parseRule(e, e.words(args, cmd), false, true)
	if err != nil {
		return nil, err
	}
	rules, err := c.Rules(ruleFamily(e))
	if cmd == "rule show" {
		given &^= rfProto // the protocol selects what flush removes only, as in ip
	}
	kept := rules[:0]
	for i := range rules {
		if ruleMatches(t, given, &rules[i]) {
			kept = append(kept, rules[i])
		}
	}
	return kept, err
}

func ruleShow(e *env, args []string) error {
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	rules, err := selectRules(e, c, "rule show", args)
	if err != nil {
		return err
	}
	return e.printer().Rules(rules)
}

func ruleFlush(e *env, args []string) error {
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	rules, err := selectRules(e, c, "rule flush", args)
	if err != nil {
		return err
	}
	for i := range rules {
		if rules[i].Priority != 0 {
			if err := c.RuleDel(&rules[i]); err != nil && !isGone(err) {
				return err
			}
		}
	}
	return nil
}
