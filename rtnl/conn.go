package rtnl

import (
	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/ns"
)

// Conn is an rtnetlink socket in one network namespace.
type Conn struct {
	nl *nl.Conn
}

// Dial opens an rtnetlink socket in namespace h, or in the calling thread's
// namespace when h is nil. The socket stays in that namespace for its whole
// life, whichever goroutine uses it. cfg may be nil.
func Dial(h *ns.Handle, cfg *nl.Config) (*Conn, error) {
	c, err := nl.Dial(unix.NETLINK_ROUTE, config(h, cfg))
	if err != nil {
		return nil, fmt.Errorf("rtnl: %w", err)
	}
	return &Conn{nl: c}, nil
}

// config is cfg for a socket in h, naming rtnetlink's attributes in errors.
func config(h *ns.Handle, cfg *nl.Config) *nl.Config {
	var netns nl.Namespace
	if h != nil { // not a typed nil in the interface
		netns = h
	}
	return cfg.For(netns, attrName)
}

// Close closes the socket.
func (c *Conn) Close() error { return c.nl.Close() }

// NL is the underlying netlink connection, for requests this package does
// not wrap.
func (c *Conn) NL() *nl.Conn { return c.nl }
