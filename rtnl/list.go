package rtnl

import (
	"errors"
	"iter"

	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

// Every listing has two forms, one shape: Links(f) returns a slice, and
// restarts a dump the kernel flags as interrupted (the set changed while
// it was read) until it gets a consistent one; AllLinks(f) streams the
// objects one at a time as they are decoded, in constant memory, and ends
// with nl.ErrDumpInterrupted as its error if the set changed meanwhile.
// The object an iterator yields is overwritten by the next one (as
// bufio.Scanner's bytes are): copy it to keep it.
// While an iterator runs, the Conn is busy: use another for requests in
// the loop.

// LinkFilter selects links: `ip link show [master BR] [type KIND]`, both
// filtered by the kernel.
type LinkFilter struct {
	Master int32  // ports of this bridge only
	Kind   string // links of this kind only ("veth")
	// Family asks for a family's own view of the links (AF_INET6: what
	// ip -6 addr lists, without qdisc or group), from the family's dump
	// handler; Master and Kind are then not sent (with strict checking
	// the handler refuses any attribute).
	Family uint8
}

// AddrFilter selects addresses: `ip [-4|-6] addr show [dev DEV]`.
type AddrFilter struct {
	Family uint8 // AF_INET or AF_INET6; 0: both
	Index  int32 // of this link only; 0: all
}

// RouteFilter selects routes: `ip [-4|-6] route show [table T]`.
type RouteFilter struct {
	Family uint8  // AF_INET or AF_INET6; 0: both
	Table  uint32 // of this table only; 0: every table
	// Cloned asks for the route cache instead (RTM_F_CLONED): the
	// exceptions the kernel learnt, a path MTU or a redirect, each a
	// route of its own: `ip route show cached`.
	Cloned bool
}

// NeighFilter selects neighbours: `ip neigh show [dev DEV] [proxy]`.
type NeighFilter struct {
	Family uint8 // AF_INET or AF_INET6; 0: both
	Index  int32 // on this link only; 0: all
	Proxy  bool  // proxy entries instead of the neighbour table
	// Master: on the ports of this link only (NDA_MASTER, which the
	// kernel filters by); -1: on links that are no port; 0: all.
	Master int32
}

// Links lists links: `ip link show`.
func (c *Conn) Links(f LinkFilter) (out []Link, err error) {
	err = c.collect("links", linkDump(f), func() { out = out[:0] }, func(b []byte) error {
		l, err := DecodeLink(b)
		if err == nil {
			out = append(out, *l)
		}
		return err
	})
	return out, err
}

// AllLinks streams links (see above).
func (c *Conn) AllLinks(f LinkFilter) iter.Seq2[*Link, error] {
	return stream(c, "links", linkDump(f), func() *Link { return new(Link) }, into(DecodeLink), func(*Link) bool { return true })
}

func linkDump(f LinkFilter) nl.Message {
	if f.Family != 0 {
		b := ifinfomsg(&Link{})
		b[0] = f.Family
		return nl.Message{Header: nl.Header{Type: unix.RTM_GETLINK}, Data: b}
	}
	req := &Link{Master: f.Master}
	if f.Kind != "" {
		req.Info = &GenericInfo{KindName: f.Kind}
	}
	return linkGetRequest(req, rtextFilterVF)
}

// Addrs lists addresses: `ip addr show`.
func (c *Conn) Addrs(f AddrFilter) (out []Addr, err error) {
	err = c.collect("addresses", addrDump(f), func() { out = out[:0] }, func(b []byte) error {
		a, err := DecodeAddr(b)
		if err == nil && f.keep(a) {
			out = append(out, *a)
		}
		return err
	})
	return out, err
}

// AllAddrs streams addresses (see above).
func (c *Conn) AllAddrs(f AddrFilter) iter.Seq2[*Addr, error] {
	return stream(c, "addresses", addrDump(f), func() *Addr { return new(Addr) }, into(DecodeAddr), f.keep)
}

// addrDump asks for f's addresses; strict checking makes the kernel honour
// ifa_index itself.
func addrDump(f AddrFilter) nl.Message {
	return nl.Message{Header: nl.Header{Type: unix.RTM_GETADDR}, Data: ifaddrmsg(f.Family, 0, 0, 0, f.Index)}
}

// keep filters again here: kernels without strict checking send all.
func (f AddrFilter) keep(a *Addr) bool { return f.Index == 0 || a.Index == f.Index }

// Routes lists routes: `ip route show table all`.
func (c *Conn) Routes(f RouteFilter) (out []Route, err error) {
	err = c.collect("routes", routeDump(f), func() { out = out[:0] }, func(b []byte) error {
		r, err := DecodeRoute(b)
		if err == nil && f.keep(r) {
			out = append(out, *r)
		}
		return err
	})
	return out, err
}

// AllRoutes streams routes (see above).
func (c *Conn) AllRoutes(f RouteFilter) iter.Seq2[*Route, error] {
	return stream(c, "routes", routeDump(f), func() *Route { return new(Route) }, decodeRoute, f.keep)
}

func routeDump(f RouteFilter) nl.Message {
	r := &Route{Family: f.Family, Table: f.Table}
	if f.Cloned {
		r.Flags = unix.RTM_F_CLONED
	}
	b, _ := encodeRoute(r) // maybe RTA_TABLE: cannot fail
	b[0] = f.Family        // 0 is AF_UNSPEC here: both families
	return nl.Message{Header: nl.Header{Type: unix.RTM_GETROUTE}, Data: b}
}

func (f RouteFilter) keep(r *Route) bool { return f.Table == 0 || r.Table == f.Table }

// Neighs lists neighbours: `ip neigh show`.
func (c *Conn) Neighs(f NeighFilter) (out []Neigh, err error) {
	err = c.collect("neighbours", neighDump(f), func() { out = out[:0] }, func(b []byte) error {
		n, err := DecodeNeigh(b)
		if err == nil && f.keep(n) {
			out = append(out, *n)
		}
		return err
	})
	return out, err
}

// AllNeighs streams neighbours (see above).
func (c *Conn) AllNeighs(f NeighFilter) iter.Seq2[*Neigh, error] {
	return stream(c, "neighbours", neighDump(f), func() *Neigh { return new(Neigh) }, into(DecodeNeigh), f.keep)
}

// neighDump asks for f's neighbours. Strict checking wants ndm_ifindex
// zero in a dump and the link in NDA_IFINDEX instead.
func neighDump(f NeighFilter) nl.Message {
	var flags uint8
	if f.Proxy {
		flags = unix.NTF_PROXY
	}
	e := nl.NewEncoder(ndmsg(f.Family, 0, 0, flags, 0))
	if f.Index != 0 {
		e.Uint32(unix.NDA_IFINDEX, uint32(f.Index))
	}
	if f.Master != 0 {
		e.Uint32(unix.NDA_MASTER, uint32(f.Master))
	}
	b, _ := e.Encode() // fixed-size attributes: cannot fail
	return nl.Message{Header: nl.Header{Type: unix.RTM_GETNEIGH}, Data: b}
}

func (f NeighFilter) keep(n *Neigh) bool { return f.Index == 0 || n.Index == f.Index }

// collect runs a dump to the end, restarting it while interrupted, and
// hands each message to add, which decodes it and appends what it keeps
// to its list; reset empties the list when the dump starts again. Not
// generic: stamped out for each type of object it cost 5 KB of a binary
// at its budget.
func (c *Conn) collect(what string, req nl.Message, reset func(), add func(b []byte) error) error {
	err := c.nl.DumpConsistent(req, reset, func(m nl.Message) error { return add(m.Data) })
	if err != nil {
		return fmt.Errorf("rtnl: list %s: %w", what, err)
	}
	return nil
}

// into adapts a decoder that returns a new object to stream.
func into[T any](decode func([]byte) (*T, error)) func(*T, []byte) error {
	return func(v *T, b []byte) error {
		x, err := decode(b)
		if x != nil {
			*v = *x
		}
		return err
	}
}

// errStop ends a dump whose consumer stopped iterating.
var errStop = errors.New("stopped")

// stream yields the objects of one dump as they are decoded, each into
// the same value (made by newV): a listing of any length allocates
// nothing per object. P is a pointer, so that one instance of stream
// serves every kind of object (Go shares the code of pointer-shaped
// type arguments) when it is not inlined into each listing.
//
//go:noinline
func stream[P any](c *Conn, what string, req nl.Message, newV func() P, decode func(P, []byte) error, keep func(P) bool) iter.Seq2[P, error] {
	return func(yield func(P, error) bool) {
		v := newV()
		err := c.nl.Dump(req, func(m nl.Message) error {
			if err := decode(v, m.Data); err != nil {
				return err
			}
			if keep(v) && !yield(v, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			var none P
			yield(none, listError(what, err))
		}
	}
}

// listError says which listing failed. Not inlined: each listing has it.
//
//go:noinline
func listError(what string, err error) error {
	if err != nil {
		err = fmt.Errorf("rtnl: list %s: %w", what, err)
	}
	return err
}

// RouteMessages calls fn with each route f selects and the message the
// kernel sent it in (valid during the call): what `ip route save` writes.
func (c *Conn) RouteMessages(f RouteFilter, fn func(*Route, nl.Message) error) error {
	var r Route
	return listError("routes", c.nl.Dump(routeDump(f), func(m nl.Message) error {
		if err := decodeRoute(&r, m.Data); err != nil || !f.keep(&r) {
			return err
		}
		return fn(&r, m)
	}))
}

// AddrMessages is RouteMessages for addresses (`ip addr save`).
func (c *Conn) AddrMessages(f AddrFilter, fn func(*Addr, nl.Message) error) error {
	return listError("addresses", c.nl.Dump(addrDump(f), func(m nl.Message) error {
		a, err := DecodeAddr(m.Data)
		if err != nil || !f.keep(a) {
			return err
		}
		return fn(a, m)
	}))
}
