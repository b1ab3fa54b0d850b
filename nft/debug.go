package nft

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"
	"golang.org/x/sys/unix"
)

// Each expression's String is what `nft --debug=netlink` prints between
// the brackets: the virtual machine's view of a rule, with registers and
// the data words as the kernel compares them.

// Names in libnftnl's spelling, indexed by the kernel's numbers.
var (
	metaKeys = []string{"len", "protocol", "priority", "mark", "iif", "oif", "iifname", "oifname",
		"iiftype", "oiftype", "skuid", "skgid", "nftrace", "rtclassid", "secmark", "nfproto", "l4proto",
		"bri_iifname", "bri_oifname", "pkttype", "cpu", "iifgroup", "oifgroup", "cgroup", "prandom"}
	ctKeys = []string{"state", "direction", "status", "mark", "secmark", "expiration", "helper",
		"l3protocol", "src", "dst", "protocol", "proto_src", "proto_dst", "label", "packets", "bytes"}
	payloadBases = []string{"link", "network", "transport", "inner"}
	cmpOps       = []string{"eq", "neq", "lt", "lte", "gt", "gte"}
	natTypes     = []string{"snat", "dnat"}
	fibResults   = []string{"unspec", "oif", "oifname", "type"}
	fibKeys      = []string{"saddr", "daddr", "mark", "iif", "oif"} // bit i = NFTA_FIB_F_*
)

// name is table[i], or "unknown" as libnftnl says for a number it lacks.
func name(table []string, i uint32) string {
	if int(i) < len(table) {
		return table[i]
	}
	return "unknown"
}

// words is data as nft prints register contents: 32-bit words in the
// host's byte order, the last one zero-filled.
func words(data []byte) string {
	var b strings.Builder
	for i := 0; i < len(data); i += 4 {
		var w [4]byte
		copy(w[:], data[i:])
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(fmt.Sprintf("0x%08x", binary.NativeEndian.Uint32(w[:])))
	}
	return b.String()
}

//go:noinline
func reg(r uint32) string { return "reg " + strconv.FormatUint(uint64(r), 10) }

// namedReg is a register operand of nat, masq or redir; 0 is none.
type namedReg struct {
	name string
	r    uint32
}

// regs names the registers of a range, skipping those not set.
func regs(rs ...namedReg) string {
	var parts []string
	for _, r := range rs {
		if r.r != 0 {
			parts = append(parts, r.name+" "+reg(r.r))
		}
	}
	return strings.Join(parts, " ")
}

func flags(f uint32) string {
	if f == 0 {
		return ""
	}
	return fmt.Sprintf("flags 0x%x", f)
}

// join is the words that are not empty, separated by spaces.
func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

func (m *Meta) String() string {
	return "meta load " + name(metaKeys, m.Key) + " => " + reg(m.Register)
}

func (p *Payload) String() string {
	return fmt.Sprintf("payload load %db @ %s header + %d => %s", p.Len, name(payloadBases, p.Base), p.Offset, reg(p.Register))
}

func (c *Cmp) String() string {
	return join("cmp", name(cmpOps, c.Op), reg(c.Register), words(c.Data))
}

func (b *Bitwise) String() string {
	return fmt.Sprintf("bitwise %s = ( %s & %s ) ^ %s", reg(b.DReg), reg(b.SReg), words(b.Mask), words(b.Xor))
}

func (i *Immediate) String() string { return join("immediate", reg(i.Register), words(i.Data)) }

func (n *NAT) String() string {
	return join("nat", name(natTypes, n.Type), FamilyName(uint8(n.Family)),
		regs(namedReg{"addr_min", n.RegAddrMin}, namedReg{"addr_max", n.RegAddrMax},
			namedReg{"proto_min", n.RegProtoMin}, namedReg{"proto_max", n.RegProtoMax}),
		flags(n.Flags))
}

func (m *Masq) String() string {
	return join("masq", regs(namedReg{"proto_min", m.RegProtoMin}, namedReg{"proto_max", m.RegProtoMax}), flags(m.Flags))
}

func (r *Redir) String() string {
	return join("redir", regs(namedReg{"proto_min", r.RegProtoMin}, namedReg{"proto_max", r.RegProtoMax}), flags(r.Flags))
}

func (c *Counter) String() string { return fmt.Sprintf("counter pkts %d bytes %d", c.Packets, c.Bytes) }

func (c *Ct) String() string { return "ct load " + name(ctKeys, c.Key) + " => " + reg(c.Register) }

func (f *Fib) String() string {
	var keys []string // what the lookup is keyed on: "saddr . iif"
	for i, n := range fibKeys {
		if f.Flags&(1<<i) != 0 {
			keys = append(keys, n)
		}
	}
	present := ""
	if f.Flags&unix.NFTA_FIB_F_PRESENT != 0 { // the result is only "is there one"
		present = "present"
	}
	return join("fib", strings.Join(keys, " . "), name(fibResults, f.Result), present, "=>", reg(f.Register))
}

func (x *Unknown) String() string {
	return fmt.Sprintf("%s (%d bytes not decoded)", x.Kind, len(x.Data))
}

// Debug is the rule as `nft --debug=netlink` lists it: one line per
// expression, each in brackets.
func (r *Rule) Debug() string {
	var b strings.Builder
	for _, x := range r.Exprs {
		b.WriteString("[ " + x.String() + " ]\n")
	}
	return b.String()
}
