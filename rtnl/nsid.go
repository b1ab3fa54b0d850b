package rtnl

import (
	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

// An nsid is how one namespace refers to another in netlink messages
// (IFLA_LINK_NETNSID: "the peer of this veth lives in namespace 3"). Each
// namespace numbers the others it knows independently.

// rtgenmsg is struct rtgenmsg: one byte of family, padded to 4 by
// NLMSG_ALIGN.
var rtgenmsg = []byte{unix.AF_UNSPEC, 0, 0, 0}

// SetNSID assigns id to the namespace open as fd, as seen from this
// connection's namespace: `ip netns set NAME ID`.
func (c *Conn) SetNSID(fd int, id int32) error {
	b, err := encodeSetNSID(fd, id)
	if err != nil {
		return err
	}
	if _, err := c.nl.Execute(nl.Message{Header: nl.Header{Type: unix.RTM_NEWNSID}, Data: b}); err != nil {
		return fmt.Errorf("rtnl: set nsid %d: %w", id, err)
	}
	return nil
}

func encodeSetNSID(fd int, id int32) ([]byte, error) {
	e := nl.NewEncoder(append([]byte(nil), rtgenmsg...))
	e.Uint32(unix.NETNSA_FD, uint32(fd))
	e.Int32(unix.NETNSA_NSID, id)
	return e.Encode()
}

// NSID returns the id this connection's namespace has for the namespace
// open as fd, or -1 (NETNSA_NSID_NOT_ASSIGNED) when it has none.
func (c *Conn) NSID(fd int) (int32, error) {
	e := nl.NewEncoder(append([]byte(nil), rtgenmsg...))
	e.Uint32(unix.NETNSA_FD, uint32(fd))
	b, err := e.Encode()
	if err != nil {
		return 0, err
	}
	msgs, err := c.nl.Execute(nl.Message{Header: nl.Header{Type: unix.RTM_GETNSID}, Data: b})
	if err != nil {
		return 0, fmt.Errorf("rtnl: get nsid: %w", err)
	}
	for _, m := range msgs {
		if id, ok, err := decodeNSID(m.Data); err != nil {
			return 0, err
		} else if ok {
			return id, nil
		}
	}
	return unix.NETNSA_NSID_NOT_ASSIGNED, nil
}

// NSIDs lists the ids assigned in this connection's namespace:
// `ip netns list-id`.
func (c *Conn) NSIDs() ([]int32, error) {
	var ids []int32
	err := c.nl.DumpConsistent(nl.Message{Header: nl.Header{Type: unix.RTM_GETNSID}, Data: append([]byte(nil), rtgenmsg...)}, func() { ids = ids[:0] }, func(m nl.Message) error {
		id, ok, err := decodeNSID(m.Data)
		if ok {
			ids = append(ids, id)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("rtnl: list nsids: %w", err)
	}
	return ids, nil
}

// decodeNSID reads NETNSA_NSID from an RTM_NEWNSID payload.
func decodeNSID(b []byte) (id int32, ok bool, err error) {
	if len(b) < len(rtgenmsg) {
		return 0, false, lengthError("nsid message", len(b))
	}
	d := nl.NewDecoder(b[len(rtgenmsg):])
	for d.Next() {
		if d.Type() == unix.NETNSA_NSID {
			id, ok = d.Int32(), true
		}
	}
	return id, ok, d.Err()
}
