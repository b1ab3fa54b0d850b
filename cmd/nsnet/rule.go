package main

import (
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/rtnl"
)

const ruleHelp = `Usage: nsnet rule {add|del} SELECTOR ACTION
       nsnet rule {show|flush}
SELECTOR := [not] [from PREFIX|all] [to PREFIX|all] [fwmark MARK[/MASK]] [iif DEV] [oif DEV]
            [pref NUMBER] [uidrange A-B] [ipproto PROTO] [sport N[-M]] [dport N[-M]]
ACTION := [table|lookup TABLE] [suppress_prefixlength N] | goto PREF | nop |
          blackhole | unreachable | prohibit
A rule picks the routing table for the packets it matches; the kernel
tries rules in pref order. Without an action, add looks up table main.
flush removes every rule but pref 0, as ip's does: the main and default
lookups too.
`

func ruleCommands() []command {
	return []command{
		{"add", ruleAdd}, {"delete", ruleDel}, {"show", ruleShow}, {"list", ruleShow}, {"flush", ruleFlush},
		{"help", helpText(ruleHelp)},
	}
}

func runRule(e *env, args []string) error {
	return dispatchCommand(e, "rule", ruleCommands(), args)
}

// parseRule reads iprule_modify's words.
func parseRule(e *env, w *words, add bool) (*rtnl.Rule, error) {
	r := &rtnl.Rule{Family: uint8(e.family)}
	hasTable := false
	prefix := func(kw string) (netip.Prefix, error) {
		s, err := w.value(kw)
		if err != nil || s == "all" {
			return netip.Prefix{}, err
		}
		p, err := parsePrefixOrHost(s)
		if err != nil {
			return p, usagef("%s: %s %q is not a prefix", w.cmd, kw, s)
		}
		return p, nil
	}
	ports := func(kw string) ([2]uint16, error) {
		s, err := w.value(kw)
		if err != nil {
			return [2]uint16{}, err
		}
		lo, hi, isRange := strings.Cut(s, "-")
		if !isRange {
			hi = lo
		}
		a, err1 := strconv.ParseUint(lo, 10, 16)
		b, err2 := strconv.ParseUint(hi, 10, 16)
		if err1 != nil || err2 != nil || a > b {
			return [2]uint16{}, usagef("%s: %s %q is not a port or range", w.cmd, kw, s)
		}
		return [2]uint16{uint16(a), uint16(b)}, nil
	}
	for w.more() {
		var err error
		var n uint64
		switch kw := w.next(); {
		case kw == "not":
			r.Invert = true
		case kw == "from":
			r.Src, err = prefix(kw)
		case kw == "to":
			r.Dst, err = prefix(kw)
		case matches(kw, "fwmark"):
			var s string
			if s, err = w.value(kw); err == nil {
				mark, mask, hasMask := strings.Cut(s, "/")
				n, err = strconv.ParseUint(mark, 0, 32)
				r.Mark = uint32(n)
				if err == nil && hasMask {
					n, err = strconv.ParseUint(mask, 0, 32)
					m := uint32(n)
					r.Mask = &m
				}
				if err != nil {
					err = usagef("%s: fwmark %q is not MARK[/MASK]", w.cmd, s)
				}
			}
		case kw == "iif" || matches(kw, "dev"):
			r.IIF, err = w.ifname(kw)
		case kw == "oif":
			r.OIF, err = w.ifname(kw)
		case matches(kw, "preference") || matches(kw, "priority") || matches(kw, "order"):
			n, err = w.uint(kw, 32)
			r.Priority = uint32(n)
		case matches(kw, "uidrange"):
			var s string
			if s, err = w.value(kw); err == nil {
				lo, hi, _ := strings.Cut(s, "-")
				a, err1 := strconv.ParseUint(lo, 10, 32)
				b, err2 := strconv.ParseUint(hi, 10, 32)
				if err1 != nil || err2 != nil {
					return nil, usagef("%s: uidrange %q is not A-B", w.cmd, s)
				}
				r.UIDRange = &[2]uint32{uint32(a), uint32(b)}
			}
		case matches(kw, "ipproto"):
			var s string
			if s, err = w.value(kw); err == nil {
				var p uint32
				if p, err = ipfmt.IPProtos.Parse(s, 255); err != nil {
					err = usagef("%s: ipproto %v", w.cmd, err)
				}
				r.IPProto = uint8(p)
			}
		case matches(kw, "sport"):
			r.SPort, err = ports(kw)
		case matches(kw, "dport"):
			r.DPort, err = ports(kw)
		case kw == "table" || matches(kw, "lookup"):
			var s string
			if s, err = w.value(kw); err == nil {
				r.Table, err = namedNumber(w, kw, s, ipfmt.Tables, 1<<32-1)
				hasTable = true
			}
		case matches(kw, "suppress_prefixlength"):
			var v int64
			var s string
			if s, err = w.value(kw); err == nil {
				if v, err = strconv.ParseInt(s, 0, 32); err != nil {
					err = usagef("%s: %s %q is not a number", w.cmd, kw, s)
				}
				n32 := int32(v)
				r.SuppressPrefixLen = &n32
			}
		case kw == "goto":
			n, err = w.uint(kw, 32)
			r.Goto, r.Action = uint32(n), unix.FR_ACT_GOTO
		case kw == "nop":
			r.Action = unix.FR_ACT_NOP
		case matches(kw, "protocol"):
			var s string
			if s, err = w.value(kw); err == nil {
				var p uint32
				p, err = namedNumber(w, kw, s, ipfmt.Protocols, 255)
				r.Protocol = uint8(p)
			}
		default:
			if t, ok := ipfmt.RouteTypes.Lookup(kw); ok && (t == unix.RTN_BLACKHOLE || t == unix.RTN_UNREACHABLE || t == unix.RTN_PROHIBIT) {
				r.Action = uint8(t) // FR_ACT_BLACKHOLE... share the route types' numbers
				continue
			}
			return nil, usagef("%s: unexpected %q", w.cmd, kw)
		}
		if err != nil {
			return nil, err
		}
	}
	if add && !hasTable && (r.Action == 0 || r.Action == unix.FR_ACT_TO_TBL) {
		r.Table = unix.RT_TABLE_MAIN // as ip: a rule without an action looks up main
	}
	return r, nil
}

func withRule(e *env, args []string, cmd string, add bool, fn func(*rtnl.Conn, *rtnl.Rule) error) error {
	r, err := parseRule(e, &words{args: args, cmd: cmd}, add)
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

func ruleShow(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("rule show: selectors are not supported yet: %q", args[0])
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	rules, err := c.Rules(ruleFamily(e))
	if err != nil {
		return err
	}
	return e.printer().Rules(rules)
}

func ruleFlush(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("rule flush: selectors are not supported yet: %q", args[0])
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	rules, err := c.Rules(ruleFamily(e))
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
