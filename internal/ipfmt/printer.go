// Package ipfmt prints links, addresses, routes, neighbours and events as
// iproute2's ip prints them, in text (plain, -br, -o, -d, -s) and JSON
// (-j, -p), one object at a time. It does no netlink: the caller passes
// the objects and the link names they refer to. show, monitor and batch
// all print through it.
package ipfmt

import (
	"io"

	"github.com/nsnet/nsnet/internal/fmt"

	"github.com/nsnet/nsnet/rtnl"
)

// Printer writes in one of ip's formats.
type Printer struct {
	W       io.Writer
	JSON    bool // -j: the keys and values ip -j prints
	Pretty  bool // -p
	Stats   int  // -s, counted
	Details bool // -d
	Brief   bool // -br
	Oneline bool // -o
	Family  int  // -4, -6: unix.AF_INET, unix.AF_INET6; 0 for both
	OneDev  bool // the listing is of one device (dev D): ip leaves out "dev"
}

// PrintJSON writes v as ip -j does: one line, or indented with -p.
func (p *Printer) PrintJSON(v any) error {
	if err := writeJSON(p.W, v, p.Pretty); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// LinkNames maps the links' indexes to their names, as every printer wants.
func LinkNames(links []rtnl.Link) map[int32]string {
	m := make(map[int32]string, len(links))
	for _, l := range links {
		m[l.Index] = l.Name
	}
	return m
}
