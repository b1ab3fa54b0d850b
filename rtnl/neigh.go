package rtnl

import (
	"encoding/binary"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/netaddr"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

// Neigh is a neighbour (ARP or NDP) table entry: struct ndmsg and NDA_*.
type Neigh struct {
	IP     netaddr.Addr // NDA_DST
	LLAddr HardwareAddr // NDA_LLADDR
	Index  int32        // ndm_ifindex
	State  uint16       // ndm_state: NUD_*
	Flags  uint8        // ndm_flags: NTF_PROXY...
	Type   uint8        // ndm_type
	// Protocol is NDA_PROTOCOL: who made the entry (RTPROT_*), as a
	// routing daemon says for its routes; 0: not said.
	Protocol uint8
	Cache    *NeighCache // NDA_CACHEINFO and NDA_PROBES (decoded only; a proxy entry has none)
}

// NeighCache is an entry's age and use (struct nda_cacheinfo, times in
// USER_HZ: hundredths of a second) and the probes sent to confirm it.
type NeighCache struct {
	Confirmed, Used, Updated uint32 // since the entry was last confirmed, used, updated
	RefCnt                   uint32
	Probes                   uint32 // NDA_PROBES
}

func ndmsg(fam uint8, index int32, state uint16, flags, typ uint8) []byte {
	b := []byte{fam, 0, 0, 0}
	b = binary.NativeEndian.AppendUint32(b, uint32(index))
	b = binary.NativeEndian.AppendUint16(b, state)
	return append(b, flags, typ)
}

func encodeNeigh(n *Neigh) ([]byte, error) {
	e := nl.NewEncoder(ndmsg(family(n.IP), n.Index, n.State, n.Flags, n.Type))
	e.Addr(unix.NDA_DST, n.IP)
	if n.LLAddr != nil {
		e.Bytes(unix.NDA_LLADDR, n.LLAddr)
	}
	if n.Protocol != 0 {
		e.Uint8(ndaProtocol, n.Protocol)
	}
	return e.Encode()
}

// ndaProtocol is NDA_PROTOCOL (linux/neighbour.h), which x/sys/unix lacks.
const ndaProtocol = 12

// DecodeNeigh decodes the payload of an RTM_NEWNEIGH message.
func DecodeNeigh(b []byte) (*Neigh, error) {
	if len(b) < unix.SizeofNdMsg {
		return nil, lengthError("neighbour message", len(b))
	}
	fam := b[0]
	n := &Neigh{Index: int32(binary.NativeEndian.Uint32(b[4:8])), State: binary.NativeEndian.Uint16(b[8:10]), Flags: b[10], Type: b[11]}
	d := nl.NewDecoder(b[unix.SizeofNdMsg:])
	for d.Next() {
		switch d.Type() {
		case unix.NDA_DST:
			var err error
			n.IP, err = addrFrom(d.Bytes(), fam)
			d.Fail(err)
		case unix.NDA_LLADDR:
			n.LLAddr = HardwareAddr(append([]byte(nil), d.Bytes()...))
		case ndaProtocol:
			n.Protocol = d.Uint8()
		case unix.NDA_CACHEINFO:
			if b := d.Bytes(); len(b) >= 16 {
				n.cache().Confirmed = binary.NativeEndian.Uint32(b)
				n.cache().Used = binary.NativeEndian.Uint32(b[4:])
				n.cache().Updated = binary.NativeEndian.Uint32(b[8:])
				n.cache().RefCnt = binary.NativeEndian.Uint32(b[12:])
			}
		case unix.NDA_PROBES:
			n.cache().Probes = d.Uint32()
		}
	}
	return n, d.Err()
}

//go:noinline
func (n *Neigh) cache() *NeighCache {
	if n.Cache == nil {
		n.Cache = &NeighCache{}
	}
	return n.Cache
}

func (c *Conn) neighRequest(typ, flags uint16, n *Neigh, what string) error {
	m, err := neighMessage(typ, flags, n)
	if err == nil {
		_, err = c.nl.Execute(m)
	}
	return neighError(n, what, err)
}

func neighMessage(typ, flags uint16, n *Neigh) (nl.Message, error) {
	b, err := encodeNeigh(n)
	return nl.Message{Header: nl.Header{Type: typ, Flags: flags}, Data: b}, err
}

// neighError says which neighbour a request that failed was about. Not
// inlined: every neighbour request returns through it.
//
//go:noinline
func neighError(n *Neigh, what string, err error) error {
	if err == nil {
		return nil
	}
	return &OpError{Op: what + " neighbour", Object: n.IP.String(), Err: err}
}

// NeighAdd is `ip neigh add ADDR lladdr MAC dev DEV nud STATE`.
func (c *Conn) NeighAdd(n *Neigh) error {
	return c.neighRequest(unix.RTM_NEWNEIGH, unix.NLM_F_CREATE|unix.NLM_F_EXCL, n, "add")
}

// NeighReplace is `ip neigh replace ...`.
func (c *Conn) NeighReplace(n *Neigh) error {
	return c.neighRequest(unix.RTM_NEWNEIGH, unix.NLM_F_CREATE|unix.NLM_F_REPLACE, n, "replace")
}

// NeighDel is `ip neigh del ADDR dev DEV`.
func (c *Conn) NeighDel(n *Neigh) error {
	return c.neighRequest(unix.RTM_DELNEIGH, 0, n, "delete")
}

// NeighGet asks the kernel for one entry: `ip neigh get ADDR dev DEV`.
func (c *Conn) NeighGet(n *Neigh) (*Neigh, error) {
	b, err := encodeNeigh(&Neigh{IP: n.IP, Index: n.Index, Flags: n.Flags})
	if err != nil {
		return nil, err
	}
	msgs, err := c.nl.Execute(nl.Message{Header: nl.Header{Type: unix.RTM_GETNEIGH}, Data: b})
	if err != nil {
		return nil, fmt.Errorf("rtnl: get neighbour %s: %w", n.IP, err)
	}
	for _, m := range msgs {
		if m.Header.Type == unix.RTM_NEWNEIGH {
			return DecodeNeigh(m.Data)
		}
	}
	return nil, fmt.Errorf("rtnl: get neighbour %s: no reply", n.IP)
}
