// Package ipfmt prints links, addresses, routes, neighbours and events as
// iproute2's ip prints them, in text (plain, -br, -o, -d, -s) and JSON
// (-j, -p), one object at a time. It does no netlink: the caller passes
// the objects and the link names they refer to. show, monitor and batch
// all print through it.
package ipfmt

import (
	"io"
	"strconv"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"

	"github.com/nsnet/nsnet/rtnl"
)

// Printer writes in one of ip's formats.
type Printer struct {
	W        io.Writer
	JSON     bool // -j: the keys and values ip -j prints
	Pretty   bool // -p
	Stats    int  // -s, counted
	Details  bool // -d
	Brief    bool // -br
	Oneline  bool // -o
	Family   int  // -4, -6: unix.AF_INET, unix.AF_INET6; 0 for both
	OneDev   bool // the listing is of one device (dev D): ip leaves out "dev"
	OneTable bool // the listing is of one routing table: ip leaves out "table"
	// Route listings selected by a field leave it out: proto, scope,
	// metric, tos, realms when both were given, and via or src when a
	// whole address was given.
	OneProto, OneScope, OneMetric, OneVia, OneSrc, OneRealms, OneTOS bool

	NoLinks bool  // ip addr: the addresses without their links' lines
	Labels  bool  // ip monitor label: each event after its kind, [LINK], [ADDR]...
	AllNSID bool  // ip monitor all-nsid: each event after where it happened, [nsid 5] or [nsid current]
	Numeric bool  // -N: numbers, not names, for protocols, scopes, tables, groups
	Color   uint8 // -c: 0, or the palette: LightBackground, DarkBackground
	Human   bool  // -h: statistics in k, M, G... (powers of 1000, of 1024 with IEC)
	IEC     bool

	// NetnsNames names the namespaces links point into (nsid: name), so
	// that text says link-netns NAME as ip does; JSON keeps the number.
	NetnsNames map[int32]string
	// NexthopObjects are the nexthop objects routes name by nhid: with
	// -d, ip prints each under its route (nh_info).
	NexthopObjects map[uint32]*rtnl.NexthopObject

	// addrs: the links are printed by ip addr, which leaves out their
	// mode, their statistics, and (without -d) their alias.
	addrs bool
	// monitor: the object is an event, printed as ip monitor does.
	monitor bool
}

// named is n's name in t, or with -N the number, as ip's rtnl_*_n2a.
func (p *Printer) named(t *FileNames, n uint32) string {
	if p.Numeric {
		return utoa(uint64(n))
	}
	return t.Name(n)
}

// oneline is a record as ip -o prints it: its lines joined by a
// backslash, when -o is on.
//
//go:noinline
func (p *Printer) oneline(text string) string {
	if !p.Oneline {
		return text
	}
	b := []byte(strings.TrimSuffix(text, "\n"))
	for i, c := range b {
		if c == '\n' {
			b[i] = '\\'
		}
	}
	return string(append(b, '\n'))
}

// PrintJSON writes v as ip -j does: one line, or indented with -p.
func (p *Printer) PrintJSON(v any) error {
	if err := writeJSON(p.W, v, p.Pretty); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// printAll prints n records, rec(i) each: in one JSON array, or their
// texts in one write.
func (p *Printer) printAll(n int, rec func(i int) *record) error {
	if p.JSON {
		out := []Object{}
		for i := range n {
			out = append(out, rec(i).obj)
		}
		return p.PrintJSON(out)
	}
	var b strings.Builder
	for i := range n {
		b.WriteString(rec(i).text())
	}
	_, err := io.WriteString(p.W, b.String())
	return err
}

// LinkNames maps the links' indexes to their names, as every printer wants.
//
//go:noinline
func LinkNames(links []rtnl.Link) map[int32]string {
	m := make(map[int32]string, len(links))
	for _, l := range links {
		m[l.Index] = l.Name
	}
	return m
}

// utoa and itoa are strconv's, not inlined: the printers call them a
// hundred times, and each inlined copy costs about a hundred bytes of a
// binary that must fit an initramfs.
//
//go:noinline
func utoa(n uint64) string { return strconv.FormatUint(n, 10) }

//go:noinline
func itoa(n int) string { return strconv.Itoa(n) }
