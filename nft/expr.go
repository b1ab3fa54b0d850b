package nft

import (
	"encoding/binary"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

// Expr is one nftables expression. The set is closed: Meta, Payload,
// Cmp, Bitwise, Immediate, NAT, Masq, Redir, Counter, Ct, Fib, and Unknown
// for any other kind the kernel holds.
type Expr interface {
	Name() string               // NFTA_EXPR_NAME: "meta", "payload"...
	String() string             // as nft --debug=netlink shows it
	encode(e *nl.Encoder)       // NFTA_EXPR_DATA
	decode(d *nl.Decoder) error // from NFTA_EXPR_DATA
}

// newExpr makes an empty expression of the named kind for decoding.
func newExpr(name string) Expr {
	switch name {
	case "meta":
		return &Meta{}
	case "payload":
		return &Payload{}
	case "cmp":
		return &Cmp{}
	case "bitwise":
		return &Bitwise{}
	case "immediate":
		return &Immediate{}
	case "nat":
		return &NAT{}
	case "masq":
		return &Masq{}
	case "redir":
		return &Redir{}
	case "counter":
		return &Counter{}
	case "ct":
		return &Ct{}
	case "fib":
		return &Fib{}
	}
	return &Unknown{Kind: name}
}

// Unknown is an expression of a kind nsnet does not decode (someone else
// wrote it into table nsnet: `log`, `limit`...). It keeps NFTA_EXPR_DATA as
// the kernel sent it, so listing such a table still works and the rule
// renders as `unknown KIND`; it encodes back to the same bytes.
type Unknown struct {
	Kind string // NFTA_EXPR_NAME
	Data []byte // NFTA_EXPR_DATA, undecoded attributes
}

func (x *Unknown) Name() string { return x.Kind }

func (x *Unknown) encode(e *nl.Encoder) { e.Raw(x.Data) }

func (x *Unknown) decode(d *nl.Decoder) error {
	for d.Next() { // walked only to validate its framing
	}
	return d.Err()
}

// be32 reads a 32-bit big-endian attribute, the width of every nftables
// register number, key and flag. Not inlined: called at every decoder.
//
//go:noinline
func be32(d *nl.Decoder) uint32 { return d.Uint32BE() }

// dataValue writes NFTA_DATA_VALUE nested in attribute typ (struct
// nft_data).
func dataValue(e *nl.Encoder, typ uint16, v []byte) {
	e.Nest(typ | unix.NLA_F_NESTED)
	e.Bytes(unix.NFTA_DATA_VALUE, v)
	e.End()
}

func readData(d *nl.Decoder) []byte {
	var v []byte
	d.Nested(func(nd *nl.Decoder) error {
		for nd.Next() {
			if nd.Type() == unix.NFTA_DATA_VALUE {
				v = append([]byte(nil), nd.Bytes()...)
			}
		}
		return nil
	})
	return v
}

// Meta loads packet metadata into a register.
// nft --debug=netlink: [ meta load l4proto => reg 1 ]
type Meta struct {
	Key      uint32 // NFTA_META_KEY: NFT_META_L4PROTO, NFT_META_OIFNAME...
	Register uint32 // NFTA_META_DREG
}

func (m *Meta) Name() string { return "meta" }
func (m *Meta) encode(e *nl.Encoder) { // in nft's order, for byte-equal goldens
	e.Uint32BE(unix.NFTA_META_KEY, m.Key)
	e.Uint32BE(unix.NFTA_META_DREG, m.Register)
}
func (m *Meta) decode(d *nl.Decoder) error {
	return decodeU32s(d, []*uint32{unix.NFTA_META_DREG: &m.Register, unix.NFTA_META_KEY: &m.Key})
}

// Payload loads bytes of the packet into a register.
// nft --debug=netlink: [ payload load 4b @ network header + 12 => reg 1 ]
type Payload struct {
	Base     uint32 // NFTA_PAYLOAD_BASE: NFT_PAYLOAD_NETWORK_HEADER, _TRANSPORT_HEADER
	Offset   uint32 // NFTA_PAYLOAD_OFFSET
	Len      uint32 // NFTA_PAYLOAD_LEN
	Register uint32 // NFTA_PAYLOAD_DREG
}

func (p *Payload) Name() string { return "payload" }
func (p *Payload) encode(e *nl.Encoder) {
	e.Uint32BE(unix.NFTA_PAYLOAD_DREG, p.Register)
	e.Uint32BE(unix.NFTA_PAYLOAD_BASE, p.Base)
	e.Uint32BE(unix.NFTA_PAYLOAD_OFFSET, p.Offset)
	e.Uint32BE(unix.NFTA_PAYLOAD_LEN, p.Len)
}
func (p *Payload) decode(d *nl.Decoder) error {
	return decodeU32s(d, []*uint32{unix.NFTA_PAYLOAD_DREG: &p.Register, unix.NFTA_PAYLOAD_BASE: &p.Base,
		unix.NFTA_PAYLOAD_OFFSET: &p.Offset, unix.NFTA_PAYLOAD_LEN: &p.Len})
}

// Cmp compares a register with data; the rule stops when it fails.
// nft --debug=netlink: [ cmp eq reg 1 0x00000006 ]
type Cmp struct {
	Op       uint32 // NFTA_CMP_OP: NFT_CMP_EQ (0), NFT_CMP_NEQ (1)...
	Register uint32 // NFTA_CMP_SREG
	Data     []byte // NFTA_CMP_DATA
}

func (c *Cmp) Name() string { return "cmp" }
func (c *Cmp) encode(e *nl.Encoder) {
	e.Uint32BE(unix.NFTA_CMP_SREG, c.Register)
	e.Uint32BE(unix.NFTA_CMP_OP, c.Op)
	dataValue(e, unix.NFTA_CMP_DATA, c.Data)
}
func (c *Cmp) decode(d *nl.Decoder) error {
	for d.Next() {
		switch d.Type() {
		case unix.NFTA_CMP_SREG:
			c.Register = be32(d)
		case unix.NFTA_CMP_OP:
			c.Op = be32(d)
		case unix.NFTA_CMP_DATA:
			c.Data = readData(d)
		}
	}
	return d.Err()
}

// Bitwise masks a register: dreg = (sreg & Mask) ^ Xor.
// nft --debug=netlink: [ bitwise reg 1 = ( reg 1 & 0x00f0ffff ) ^ 0x00000000 ]
type Bitwise struct {
	SReg, DReg uint32 // NFTA_BITWISE_SREG, NFTA_BITWISE_DREG
	Len        uint32 // NFTA_BITWISE_LEN
	Mask, Xor  []byte // NFTA_BITWISE_MASK, NFTA_BITWISE_XOR
}

func (b *Bitwise) Name() string { return "bitwise" }
func (b *Bitwise) encode(e *nl.Encoder) {
	e.Uint32BE(unix.NFTA_BITWISE_SREG, b.SReg)
	e.Uint32BE(unix.NFTA_BITWISE_DREG, b.DReg)
	e.Uint32BE(unix.NFTA_BITWISE_LEN, b.Len)
	dataValue(e, unix.NFTA_BITWISE_MASK, b.Mask)
	dataValue(e, unix.NFTA_BITWISE_XOR, b.Xor)
}
func (b *Bitwise) decode(d *nl.Decoder) error {
	for d.Next() {
		switch d.Type() {
		case unix.NFTA_BITWISE_SREG:
			b.SReg = be32(d)
		case unix.NFTA_BITWISE_DREG:
			b.DReg = be32(d)
		case unix.NFTA_BITWISE_LEN:
			b.Len = be32(d)
		case unix.NFTA_BITWISE_MASK:
			b.Mask = readData(d)
		case unix.NFTA_BITWISE_XOR:
			b.Xor = readData(d)
		}
	}
	return d.Err()
}

// Immediate puts a constant in a register.
// nft --debug=netlink: [ immediate reg 1 0x020fa8c0 ]
type Immediate struct {
	Register uint32 // NFTA_IMMEDIATE_DREG
	Data     []byte // NFTA_IMMEDIATE_DATA
}

func (i *Immediate) Name() string { return "immediate" }
func (i *Immediate) encode(e *nl.Encoder) {
	e.Uint32BE(unix.NFTA_IMMEDIATE_DREG, i.Register)
	dataValue(e, unix.NFTA_IMMEDIATE_DATA, i.Data)
}
func (i *Immediate) decode(d *nl.Decoder) error {
	for d.Next() {
		switch d.Type() {
		case unix.NFTA_IMMEDIATE_DREG:
			i.Register = be32(d)
		case unix.NFTA_IMMEDIATE_DATA:
			i.Data = readData(d)
		}
	}
	return d.Err()
}

// NAT rewrites the source (snat) or destination (dnat) to the address and
// port held in registers.
// nft --debug=netlink: [ nat dnat ip addr_min reg 1 proto_min reg 2 flags 0x2 ]
type NAT struct {
	Type        uint32 // NFTA_NAT_TYPE: NFT_NAT_SNAT (0) or NFT_NAT_DNAT (1)
	Family      uint32 // NFTA_NAT_FAMILY: NFPROTO_IPV4 (2), NFPROTO_IPV6 (10)
	RegAddrMin  uint32 // NFTA_NAT_REG_ADDR_MIN; 0: none
	RegAddrMax  uint32 // NFTA_NAT_REG_ADDR_MAX
	RegProtoMin uint32 // NFTA_NAT_REG_PROTO_MIN
	RegProtoMax uint32 // NFTA_NAT_REG_PROTO_MAX
	Flags       uint32 // NFTA_NAT_FLAGS: NF_NAT_RANGE_*
}

func (n *NAT) Name() string { return "nat" }
func (n *NAT) encode(e *nl.Encoder) {
	e.Uint32BE(unix.NFTA_NAT_TYPE, n.Type)
	e.Uint32BE(unix.NFTA_NAT_FAMILY, n.Family)
	for _, r := range []struct {
		typ uint16
		reg uint32
	}{{unix.NFTA_NAT_REG_ADDR_MIN, n.RegAddrMin}, {unix.NFTA_NAT_REG_ADDR_MAX, n.RegAddrMax},
		{unix.NFTA_NAT_REG_PROTO_MIN, n.RegProtoMin}, {unix.NFTA_NAT_REG_PROTO_MAX, n.RegProtoMax}} {
		if r.reg != 0 {
			e.Uint32BE(r.typ, r.reg)
		}
	}
	if n.Flags != 0 {
		e.Uint32BE(unix.NFTA_NAT_FLAGS, n.Flags)
	}
}
func (n *NAT) decode(d *nl.Decoder) error {
	fields := []*uint32{unix.NFTA_NAT_TYPE: &n.Type, unix.NFTA_NAT_FAMILY: &n.Family,
		unix.NFTA_NAT_REG_ADDR_MIN: &n.RegAddrMin, unix.NFTA_NAT_REG_ADDR_MAX: &n.RegAddrMax,
		unix.NFTA_NAT_REG_PROTO_MIN: &n.RegProtoMin, unix.NFTA_NAT_REG_PROTO_MAX: &n.RegProtoMax,
		unix.NFTA_NAT_FLAGS: &n.Flags}
	return decodeU32s(d, fields)
}

// decodeU32s reads big-endian 32-bit attributes into the fields, indexed
// by attribute type (nil: not one of these).
func decodeU32s(d *nl.Decoder, fields []*uint32) error {
	for d.Next() {
		if t := int(d.Type()); t < len(fields) && fields[t] != nil {
			*fields[t] = be32(d)
		}
	}
	return d.Err()
}

// Masq rewrites the source to the address of the outgoing interface.
// nft --debug=netlink: [ masq ]
type Masq struct {
	Flags       uint32 // NFTA_MASQ_FLAGS
	RegProtoMin uint32 // NFTA_MASQ_REG_PROTO_MIN: a port range, if any
	RegProtoMax uint32 // NFTA_MASQ_REG_PROTO_MAX
}

func (m *Masq) Name() string { return "masq" }
func (m *Masq) encode(e *nl.Encoder) {
	if m.Flags != 0 {
		e.Uint32BE(unix.NFTA_MASQ_FLAGS, m.Flags)
	}
	if m.RegProtoMin != 0 {
		e.Uint32BE(unix.NFTA_MASQ_REG_PROTO_MIN, m.RegProtoMin)
	}
	if m.RegProtoMax != 0 {
		e.Uint32BE(unix.NFTA_MASQ_REG_PROTO_MAX, m.RegProtoMax)
	}
}
func (m *Masq) decode(d *nl.Decoder) error {
	return decodeU32s(d, []*uint32{unix.NFTA_MASQ_FLAGS: &m.Flags,
		unix.NFTA_MASQ_REG_PROTO_MIN: &m.RegProtoMin, unix.NFTA_MASQ_REG_PROTO_MAX: &m.RegProtoMax})
}

// Redir rewrites the destination to the host itself (a local port).
// nft --debug=netlink: [ redir proto_min reg 1 ]
type Redir struct {
	Flags       uint32 // NFTA_REDIR_FLAGS (3)
	RegProtoMin uint32 // NFTA_REDIR_REG_PROTO_MIN (1)
	RegProtoMax uint32 // NFTA_REDIR_REG_PROTO_MAX (2)
}

const (
	nftaRedirRegProtoMin = 1 // NFTA_REDIR_REG_PROTO_MIN, linux/netfilter/nf_tables.h
	nftaRedirRegProtoMax = 2 // NFTA_REDIR_REG_PROTO_MAX
	nftaRedirFlags       = 3 // NFTA_REDIR_FLAGS
)

func (r *Redir) Name() string { return "redir" }
func (r *Redir) encode(e *nl.Encoder) {
	if r.RegProtoMin != 0 {
		e.Uint32BE(nftaRedirRegProtoMin, r.RegProtoMin)
	}
	if r.RegProtoMax != 0 {
		e.Uint32BE(nftaRedirRegProtoMax, r.RegProtoMax)
	}
	if r.Flags != 0 {
		e.Uint32BE(nftaRedirFlags, r.Flags)
	}
}
func (r *Redir) decode(d *nl.Decoder) error {
	return decodeU32s(d, []*uint32{nftaRedirFlags: &r.Flags,
		nftaRedirRegProtoMin: &r.RegProtoMin, nftaRedirRegProtoMax: &r.RegProtoMax})
}

// Counter counts the packets and bytes that reach it.
// nft --debug=netlink: [ counter pkts 0 bytes 0 ]
type Counter struct {
	Bytes   uint64 // NFTA_COUNTER_BYTES
	Packets uint64 // NFTA_COUNTER_PACKETS
}

func (c *Counter) Name() string { return "counter" }
func (c *Counter) encode(e *nl.Encoder) { // a new counter starts at zero: nft sends nothing
	if c.Bytes != 0 || c.Packets != 0 {
		e.Uint64BE(unix.NFTA_COUNTER_BYTES, c.Bytes)
		e.Uint64BE(unix.NFTA_COUNTER_PACKETS, c.Packets)
	}
}
func (c *Counter) decode(d *nl.Decoder) error {
	for d.Next() {
		switch d.Type() {
		case unix.NFTA_COUNTER_BYTES:
			c.Bytes = d.Uint64BE()
		case unix.NFTA_COUNTER_PACKETS:
			c.Packets = d.Uint64BE()
		}
	}
	return d.Err()
}

// Ct loads connection-tracking state into a register.
// nft --debug=netlink: [ ct load status => reg 1 ]
type Ct struct {
	Key      uint32 // NFTA_CT_KEY: NFT_CT_STATE, NFT_CT_STATUS...
	Register uint32 // NFTA_CT_DREG
}

func (c *Ct) Name() string { return "ct" }
func (c *Ct) encode(e *nl.Encoder) { // in nft's order
	e.Uint32BE(unix.NFTA_CT_KEY, c.Key)
	e.Uint32BE(unix.NFTA_CT_DREG, c.Register)
}
func (c *Ct) decode(d *nl.Decoder) error {
	return decodeU32s(d, []*uint32{unix.NFTA_CT_DREG: &c.Register, unix.NFTA_CT_KEY: &c.Key})
}

// Fib looks the packet up in the routing table.
// nft --debug=netlink: [ fib daddr type => reg 1 ]
type Fib struct {
	Register uint32 // NFTA_FIB_DREG
	Result   uint32 // NFTA_FIB_RESULT: NFT_FIB_RESULT_ADDRTYPE...
	Flags    uint32 // NFTA_FIB_FLAGS: NFTA_FIB_F_DADDR...
}

func (f *Fib) Name() string { return "fib" }
func (f *Fib) encode(e *nl.Encoder) { // in nft's order
	e.Uint32BE(unix.NFTA_FIB_FLAGS, f.Flags)
	e.Uint32BE(unix.NFTA_FIB_RESULT, f.Result)
	e.Uint32BE(unix.NFTA_FIB_DREG, f.Register)
}
func (f *Fib) decode(d *nl.Decoder) error {
	return decodeU32s(d, []*uint32{unix.NFTA_FIB_DREG: &f.Register,
		unix.NFTA_FIB_RESULT: &f.Result, unix.NFTA_FIB_FLAGS: &f.Flags})
}

// be16 is a port as the packet carries it.
func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
