package main

import (
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/rtnl"
)

const nexthopHelp = `Usage: nsnet nexthop {add|replace} id ID NH [protocol PROTO]
       nsnet nexthop {get|del} id ID
       nsnet nexthop {show|flush} [id ID] [dev DEV] [master DEV] [groups] [fdb]
                                  [protocol PROTO]
       nsnet nexthop bucket show [id ID] [nhid ID] [dev DEV] [master DEV]
       nsnet nexthop bucket get id ID index INDEX
NH := blackhole | [via ADDRESS] [dev DEV] [onlink] |
      group ID[,WEIGHT][/ID[,WEIGHT]...] [fdb] [type {mpath | resilient
            [buckets N] [idle_timer SECONDS] [unbalanced_timer SECONDS]}]
A nexthop object is a path (a gateway and device, or a blackhole), or a
group of them, kept by the kernel under an id that routes use instead of
paths of their own (route add PREFIX nhid ID): replacing the object moves
every such route at once. Deleting it deletes those routes. A group
spreads flows over its members by weight (1 to 256); a resilient one keeps
each flow on its member while members come and go: it hashes a flow to
one of its buckets, and the bucket to a member (nexthop bucket show).
`

var nexthopCommands = []command{
	{"add", nexthopAdd}, {"replace", nexthopReplace}, {"delete", nexthopDel}, {"list", nexthopShow},
	{"show", nexthopShow}, {"lst", nexthopShow}, {"get", nexthopGet}, {"flush", nexthopFlush},
	{"bucket", func(e *env, args []string) error {
		return dispatchCommand(e, "nexthop bucket", bucketCommands, nexthopHelp, args)
	}},
}

var bucketCommands = []command{
	{"list", bucketShow}, {"show", bucketShow}, {"lst", bucketShow}, {"get", bucketGet},
}

func runNexthop(e *env, args []string) error {
	return dispatchCommand(e, "nexthop", nexthopCommands, nexthopHelp, args)
}

// nexthopID reads the id after kw (on add, 0 lets the kernel pick one).
//
//go:noinline
func nexthopID(w *words, kw string) (uint32, error) {
	n, err := w.uint(kw, 32)
	return uint32(n), err
}

// parseNexthopObject reads ipnh_modify's words.
func parseNexthopObject(e *env, c *rtnl.Conn, w *words) (*rtnl.NexthopObject, error) {
	n := &rtnl.NexthopObject{Family: uint8(e.family)}
	for w.more() {
		var err error
		var s string
		switch kw := w.next(); {
		case kw == "id":
			n.ID, err = nexthopID(w, kw)
		case kw == "dev":
			if s, err = w.ifname(kw); err == nil {
				n.OIF, err = e.linkIndex(c, s)
			}
		case kw == "via":
			asked := w.family
			if len(w.args) > 1 && (w.args[0] == "inet" || w.args[0] == "inet6") {
				w.family = afInet // the address's family, said
				if w.next() == "inet6" {
					w.family = afInet6
				}
			}
			n.Gateway, err = addrWord(w, kw)
			w.family = asked
		case kw == "blackhole":
			n.Blackhole = true
		case kw == "fdb":
			n.FDB = true
		case kw == "onlink":
			n.Flags |= unix.RTNH_F_ONLINK
		case kw == "group":
			if s, err = w.value(kw); err == nil {
				n.Group, err = parseNexthopGroup(w, s)
			}
		case kw == "type":
			if s, err = w.value(kw); err == nil {
				err = parseGroupType(w, s, n)
			}
		case matches(kw, "protocol"):
			if s, err = w.value(kw); err == nil {
				var p uint32
				p, err = namedNumber(w, kw, s, ipfmt.Protocols, 255)
				n.Protocol = uint8(p)
			}
		default:
			return nil, w.usagef("unexpected %q", kw)
		}
		if err != nil {
			return nil, err
		}
	}
	return n, nil
}

// parseNexthopGroup reads GROUP: ID[,WEIGHT] joined by /.
func parseNexthopGroup(w *words, s string) ([]rtnl.NexthopGroupMember, error) {
	var g []rtnl.NexthopGroupMember
	for _, m := range strings.Split(s, "/") {
		id, weight, hasWeight := strings.Cut(m, ",")
		i, ok := num.Uint(id, 0, 32)
		wt := uint64(1)
		if ok && hasWeight {
			wt, ok = num.Uint(weight, 0, 16)
		}
		if !ok || i == 0 || wt == 0 || wt > 256 {
			return nil, w.usagef("group %q is not ID[,WEIGHT]/...: ids from 1, weights 1 to 256", s)
		}
		g = append(g, rtnl.NexthopGroupMember{ID: uint32(i), Weight: uint16(wt)})
	}
	return g, nil
}

// parseGroupType reads `type mpath|resilient [RESILIENT_ARGS]`; the
// timers are given in seconds and sent in hundredths.
func parseGroupType(w *words, s string, n *rtnl.NexthopObject) error {
	switch s {
	case "mpath":
		n.GroupType = rtnl.NexthopGroupMpath
		return nil
	case "resilient":
		n.GroupType = rtnl.NexthopGroupResilient
	default:
		return w.usagef("type %q: mpath or resilient", s)
	}
	r := &rtnl.ResilientGroup{IdleTimer: 120 * 100, UnbalancedTimer: 0} // the kernel's defaults
	n.Resilient = r
	for w.more() {
		var v uint64
		var err error
		switch kw := w.args[0]; kw {
		case "buckets":
			w.next()
			v, err = w.uint(kw, 16)
			r.Buckets = uint16(v)
		case "idle_timer", "unbalanced_timer":
			w.next()
			if v, err = w.uint(kw, 32); err == nil && v >= 1<<32/100 {
				err = w.usagef("%s %d: at most %d seconds", kw, v, 1<<32/100-1)
			}
			if kw == "idle_timer" {
				r.IdleTimer = uint32(v * 100)
			} else {
				r.UnbalancedTimer = uint32(v * 100)
			}
		default:
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func nexthopAdd(e *env, args []string) error { return nexthopModify(e, args, "nexthop add") }

func nexthopReplace(e *env, args []string) error {
	return nexthopModify(e, args, "nexthop replace")
}

func nexthopModify(e *env, args []string, cmd string) error {
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	n, err := parseNexthopObject(e, c, e.words(args, cmd))
	if err != nil {
		return err
	}
	if cmd == "nexthop add" {
		return c.NexthopAdd(n)
	}
	return c.NexthopReplace(n)
}

// idArg reads `id ID`, the one argument of get and del.
func idArg(cmd string, args []string) (uint32, error) {
	w := &words{args: args, cmd: cmd}
	if !w.more() || w.next() != "id" {
		return 0, w.usagef("which nexthop? id ID")
	}
	id, err := nexthopID(w, "id")
	if err == nil && w.more() {
		err = w.usagef("unexpected %q", w.args[0])
	}
	return id, err
}

func nexthopDel(e *env, args []string) error {
	id, err := idArg("nexthop del", args)
	if err != nil {
		return err
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	return c.NexthopDel(id)
}

func nexthopGet(e *env, args []string) error {
	id, err := idArg("nexthop get", args)
	if err != nil {
		return err
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	q := &nexthopSel{id: id, hasID: true}
	return q.print(e, c)
}

// nexthopSel is ipnh_list_flush's selectors: the kernel filters all but
// the protocol; an id selects the one nexthop.
type nexthopSel struct {
	_         noCompare
	f         rtnl.NexthopFilter
	id, proto uint32
	nhid      uint32 // bucket show: the buckets of this member
	hasID     bool
	all       bool // no selector: flush removes groups first
}

// parseNexthopSel reads the selectors of show and flush, or with buckets
// those of bucket show: the same but for groups, fdb and protocol, and
// with nhid.
func parseNexthopSel(e *env, c *rtnl.Conn, cmd string, args []string, buckets bool) (*nexthopSel, error) {
	q := &nexthopSel{f: rtnl.NexthopFilter{Family: uint8(e.family)}, all: len(args) == 0}
	w := e.words(args, cmd)
	for w.more() {
		var err error
		var s string
		switch kw := w.next(); {
		case matches(kw, "dev"), matches(kw, "master"):
			index := &q.f.Master
			if matches(kw, "dev") {
				index = &q.f.OIF
			}
			if s, err = w.ifname(kw); err == nil {
				*index, err = e.linkIndex(c, s)
			}
		case matches(kw, "groups") && !buckets:
			q.f.Groups = true
		case matches(kw, "fdb") && !buckets:
			q.f.FDB = true
		case kw == "id":
			q.id, err = nexthopID(w, kw)
			q.hasID = true
		case kw == "nhid" && buckets:
			q.nhid, err = nexthopID(w, kw)
		case matches(kw, "protocol") && !buckets:
			if s, err = w.value(kw); err == nil {
				q.proto, err = namedNumber(w, kw, s, ipfmt.Protocols, 255)
			}
		case matches(kw, "vrf"):
			return nil, w.usagef("vrf NAME: not taken by nsnet yet; master NAME selects the same nexthops")
		default:
			return nil, w.usagef("unexpected %q", kw)
		}
		if err != nil {
			return nil, err
		}
	}
	return q, nil
}

// list dumps the nexthops q selects; with an id, as ip, the one
// nexthop, whatever the other selectors say.
func (q *nexthopSel) list(c *rtnl.Conn) ([]rtnl.NexthopObject, error) {
	if q.hasID {
		n, err := c.NexthopGet(q.id)
		if err != nil {
			return nil, err
		}
		return []rtnl.NexthopObject{*n}, nil
	}
	nhs, err := c.Nexthops(q.f)
	kept := nhs[:0]
	for _, n := range nhs {
		if q.proto == 0 || uint32(n.Protocol) == q.proto {
			kept = append(kept, n)
		}
	}
	return kept, err
}

func nexthopShow(e *env, args []string) error {
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	q, err := parseNexthopSel(e, c, "nexthop show", args, false)
	if err != nil {
		return err
	}
	return q.print(e, c)
}

// print lists the nexthops q selects as ip does.
func (q *nexthopSel) print(e *env, c *rtnl.Conn) error {
	nhs, err := q.list(c)
	if err != nil {
		return err
	}
	names, err := linkNames(c)
	if err != nil {
		return err
	}
	return e.printer().Nexthops(nhs, names)
}

// bucketShow lists the buckets of resilient groups; an id here is a
// filter, as ip's, not a get.
func bucketShow(e *env, args []string) error {
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	q, err := parseNexthopSel(e, c, "nexthop bucket show", args, true)
	if err != nil {
		return err
	}
	ks, err := c.NexthopBuckets(rtnl.NexthopBucketFilter{Family: q.f.Family, ID: q.id, NexthopID: q.nhid, OIF: q.f.OIF, Master: q.f.Master})
	if err != nil {
		return err
	}
	return e.printer().NexthopBuckets(ks)
}

// bucketGet is `bucket get id ID index INDEX`, both needed.
func bucketGet(e *env, args []string) error {
	w := e.words(args, "nexthop bucket get")
	var id uint32 // 0: not given (ip refuses id 0 too)
	var index uint64
	var err error
	hasIndex := false
	for w.more() && err == nil {
		switch kw := w.next(); kw {
		case "id":
			id, err = nexthopID(w, kw)
		case "index":
			index, err = w.uint(kw, 16)
			hasIndex = true
		default:
			err = w.usagef("unexpected %q", kw)
		}
	}
	if err == nil && (id == 0 || !hasIndex) {
		err = w.usagef("which bucket? id ID index INDEX")
	}
	if err != nil {
		return err
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	k, err := c.NexthopBucketGet(id, uint16(index))
	if err != nil {
		return err
	}
	return e.printer().NexthopBuckets([]rtnl.NexthopBucket{*k})
}

// nexthopFlush deletes what show would list and says how many, as ip
// does; with no selector, groups go first, then the rest.
func nexthopFlush(e *env, args []string) error {
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	q, err := parseNexthopSel(e, c, "nexthop flush", args, false)
	if err != nil {
		return err
	}
	if q.hasID { // as ip: deleted without being looked up
		return c.NexthopDel(q.id)
	}
	flushed, passes := 0, []bool{q.f.Groups}
	if q.all {
		passes = []bool{true, false} // members of a group can go only after it
	}
	for _, groups := range passes {
		q.f.Groups = groups
		nhs, err := q.list(c)
		if err != nil {
			return err
		}
		for _, n := range nhs {
			if err := c.NexthopDel(n.ID); err == nil {
				flushed++
			} else if !isGone(err) {
				return err
			}
		}
	}
	if flushed == 0 {
		fmt.Fprintln(e.stdout, "Nothing to flush")
	} else {
		fmt.Fprintf(e.stdout, "Flushed %d nexthops\n", flushed)
	}
	return nil
}

// nexthopObjects are what -d prints under the routes that use them (ip's
// nh_info), read before the routes: the socket cannot ask during their
// dump. Without -d, or on a kernel without nexthop objects, none.
func nexthopObjects(e *env, c *rtnl.Conn) map[uint32]*rtnl.NexthopObject {
	if !e.details {
		return nil
	}
	nhs, _ := c.Nexthops(rtnl.NexthopFilter{})
	m := make(map[uint32]*rtnl.NexthopObject, len(nhs))
	for i := range nhs {
		m[nhs[i].ID] = &nhs[i]
	}
	return m
}
