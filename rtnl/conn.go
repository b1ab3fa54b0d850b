package rtnl

import (
	"fmt"

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
// life, whichever goroutine uses it.
func Dial(h *ns.Handle, cfg *nl.Config) (*Conn, error) {
	var c nl.Config
	if cfg != nil {
		c = *cfg
	}
	if c.AttrName == nil {
		c.AttrName = attrName
	}
	var conn *nl.Conn
	dial := func() (err error) {
		conn, err = nl.Dial(unix.NETLINK_ROUTE, &c)
		return err
	}
	if err := ns.In(h, dial); err != nil {
		return nil, fmt.Errorf("rtnl: open rtnetlink socket: %w", err)
	}
	return &Conn{nl: conn}, nil
}

// Close closes the socket.
func (c *Conn) Close() error { return c.nl.Close() }

// NL is the underlying netlink connection, for requests this package does
// not wrap.
func (c *Conn) NL() *nl.Conn { return c.nl }
