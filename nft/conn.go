package nft

import (
	"encoding/binary"
	"errors"
	"slices"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/ns"
)

// Conn is an nfnetlink socket in one network namespace.
type Conn struct {
	nl *nl.Conn
}

// Dial opens an nfnetlink socket in namespace h (nil: the caller's); cfg
// may be nil.
func Dial(h *ns.Handle, cfg *nl.Config) (*Conn, error) {
	var netns nl.Namespace
	if h != nil { // not a typed nil in the interface
		netns = h
	}
	conn, err := nl.Dial(unix.NETLINK_NETFILTER, cfg.For(netns, attrName))
	if errors.Is(err, unix.EPROTONOSUPPORT) {
		err = fmt.Errorf("%w (this kernel has no nfnetlink: module nfnetlink and nf_tables not loaded, or not built)", err)
	}
	if err != nil {
		return nil, fmt.Errorf("nft: %w", err)
	}
	return &Conn{nl: conn}, nil
}

// Close closes the socket.
//
//go:noinline
func (c *Conn) Close() error { return c.nl.Close() }

// msgType is the nfnetlink message type of an nftables message:
// subsystem in the high byte, NFT_MSG_* in the low one.
func msgType(m uint16) uint16 { return unix.NFNL_SUBSYS_NFTABLES<<8 | m }

// nfgenmsg is struct nfgenmsg: family, version NFNETLINK_V0, and res_id,
// big-endian (the subsystem, for batch messages).
//
//go:noinline
func nfgenmsg(family uint8, resID uint16) []byte {
	return binary.BigEndian.AppendUint16([]byte{family, unix.NFNETLINK_V0}, resID)
}

// Family values are NFPROTO_* (linux/netfilter.h), as `nft` spells them.
const (
	FamilyIP   = unix.NFPROTO_IPV4 // nft "ip"
	FamilyIP6  = unix.NFPROTO_IPV6 // nft "ip6"
	FamilyInet = unix.NFPROTO_INET // nft "inet"
)

// FamilyName is the word nft uses for a family.
//
//go:noinline
func FamilyName(f uint8) string {
	switch f {
	case FamilyIP:
		return "ip"
	case FamilyIP6:
		return "ip6"
	case FamilyInet:
		return "inet"
	}
	return ""
}

// Batch collects changes to apply in one transaction.
type Batch struct {
	msgs   []nl.Message
	what   []string // per message, for errors: "add rule to nsnet/postrouting"
	needs  []string // per message: the kernel modules it needs, for errors
	gen    uint32   // NFNL_BATCH_GENID: the generation the batch was planned against
	hasGen bool
}

func (b *Batch) add(typ uint16, flags uint16, family uint8, what, needs string, build func(e *nl.Encoder)) {
	e := nl.NewEncoder(nfgenmsg(family, 0))
	build(e)
	data, err := e.Encode()
	if err != nil { // names and fixed-size values only: a bug, say so
		data = nil
		what += " (encoding failed: " + err.Error() + ")"
	}
	b.msgs = append(b.msgs, nl.Message{Header: nl.Header{Type: msgType(typ), Flags: flags}, Data: data})
	b.what = append(b.what, what)
	b.needs = append(b.needs, needs)
}

// exprModule is the module that implements an expression outside
// nf_tables itself; the kernel loads it on demand through modprobe, and
// without it refuses the rule with ENOENT.
func exprModule(name string) string {
	switch name {
	case "masq", "nat", "redir", "ct":
		return "nft_" + name
	case "fib":
		return "nft_fib_ipv4/nft_fib_ipv6"
	}
	return ""
}

// ruleNeeds names the modules r's expressions need.
func ruleNeeds(r *Rule) string {
	var mods []string
	for _, x := range r.Exprs {
		if m := exprModule(x.Name()); m != "" && !slices.Contains(mods, m) {
			mods = append(mods, m)
		}
	}
	return strings.Join(mods, ", ")
}

// AddTable adds table name unless it exists: `nft add table FAMILY NAME`.
func (b *Batch) AddTable(family uint8, name string) {
	b.add(unix.NFT_MSG_NEWTABLE, 0, family, "add table "+name, "nf_tables", func(e *nl.Encoder) {
		e.String(unix.NFTA_TABLE_NAME, name)
		e.Uint32BE(unix.NFTA_TABLE_FLAGS, 0)
	})
}

// DelTable deletes a table and all it holds: `nft delete table FAMILY NAME`.
func (b *Batch) DelTable(family uint8, name string) {
	b.add(unix.NFT_MSG_DELTABLE, 0, family, "delete table "+name, "", func(e *nl.Encoder) {
		e.String(unix.NFTA_TABLE_NAME, name)
	})
}

// Chain is a base chain: attached to a netfilter hook.
type Chain struct {
	Name     string // NFTA_CHAIN_NAME
	Type     string // NFTA_CHAIN_TYPE: "nat", "filter"
	Hook     uint32 // NFTA_HOOK_HOOKNUM: NF_INET_PRE_ROUTING...
	Priority int32  // NFTA_HOOK_PRIORITY: dstnat -100, srcnat 100
}

// AddChain adds a base chain unless it exists:
// `nft add chain FAMILY TABLE NAME { type T hook H priority P; }`.
func (b *Batch) AddChain(family uint8, table string, ch Chain) {
	needs := ""
	if ch.Type == "nat" {
		needs = "nft_chain_nat"
	}
	b.add(unix.NFT_MSG_NEWCHAIN, unix.NLM_F_CREATE, family, "add chain "+table+"/"+ch.Name, needs, func(e *nl.Encoder) {
		e.String(unix.NFTA_CHAIN_TABLE, table)
		e.String(unix.NFTA_CHAIN_NAME, ch.Name)
		e.String(unix.NFTA_CHAIN_TYPE, ch.Type)
		e.Uint32BE(unix.NFTA_CHAIN_POLICY, nfAccept)
		e.Nest(unix.NFTA_CHAIN_HOOK | unix.NLA_F_NESTED)
		e.Uint32BE(unix.NFTA_HOOK_HOOKNUM, ch.Hook)
		e.Uint32BE(unix.NFTA_HOOK_PRIORITY, uint32(ch.Priority))
		e.End()
	})
}

// Rule is a rule as the kernel holds it.
type Rule struct {
	Family  uint8
	Table   string // NFTA_RULE_TABLE
	Chain   string // NFTA_RULE_CHAIN
	Handle  uint64 // NFTA_RULE_HANDLE, assigned by the kernel
	Exprs   []Expr // NFTA_RULE_EXPRESSIONS
	Comment string // NFTA_RULE_USERDATA: NFTNL_UDATA_RULE_COMMENT
}

// udataRuleComment is NFTNL_UDATA_RULE_COMMENT (libnftnl's udata.h): rule
// userdata is opaque to the kernel, a list of type-length-value records
// only nft and nsnet read.
const udataRuleComment = 0

// AddRule appends a rule to a chain: `nft add rule ...`.
func (b *Batch) AddRule(r *Rule) {
	b.add(unix.NFT_MSG_NEWRULE, unix.NLM_F_CREATE|unix.NLM_F_APPEND, r.Family, "add rule to "+r.Table+"/"+r.Chain, ruleNeeds(r), func(e *nl.Encoder) {
		e.String(unix.NFTA_RULE_TABLE, r.Table)
		e.String(unix.NFTA_RULE_CHAIN, r.Chain)
		e.Nest(unix.NFTA_RULE_EXPRESSIONS | unix.NLA_F_NESTED)
		for _, x := range r.Exprs {
			e.Nest(unix.NFTA_LIST_ELEM | unix.NLA_F_NESTED)
			e.String(unix.NFTA_EXPR_NAME, x.Name())
			e.Nest(unix.NFTA_EXPR_DATA | unix.NLA_F_NESTED)
			x.encode(e)
			e.End()
			e.End()
		}
		e.End()
		if r.Comment != "" {
			c := append([]byte(r.Comment), 0)
			e.Bytes(unix.NFTA_RULE_USERDATA, append([]byte{udataRuleComment, byte(len(c))}, c...))
		}
	})
}

// DelRule deletes a rule by its handle: `nft delete rule ... handle N`.
func (b *Batch) DelRule(r *Rule) {
	b.add(unix.NFT_MSG_DELRULE, 0, r.Family, fmt.Sprintf("delete rule %d from %s/%s", r.Handle, r.Table, r.Chain), "", func(e *nl.Encoder) {
		e.String(unix.NFTA_RULE_TABLE, r.Table)
		e.String(unix.NFTA_RULE_CHAIN, r.Chain)
		e.Uint64BE(unix.NFTA_RULE_HANDLE, r.Handle)
	})
}

// Len is the number of changes in the batch.
func (b *Batch) Len() int { return len(b.msgs) }

// commitRetries bounds how often Update re-reads and retries when another
// writer changed the ruleset between its read and its commit. Each retry
// means some other transaction committed, so contention ends; the bound
// only stops a livelock.
const commitRetries = 20

// Commit applies the batch as one transaction. The kernel reports every
// message it refused; the error names the first one and carries the
// kernel's extended-ack text.
//
// The proof of a commit is that no error for the batch arrived before the
// answer to a barrier sent after it (nl.Conn.Transaction). BATCH_END asks
// for an ACK, but kernels before 6.10 never send one (6.1 LTS, checked
// under make vmtest): it is counted when it comes, never required.
func (c *Conn) Commit(b *Batch) error {
	if b.Len() == 0 {
		return nil
	}
	out, err := c.nl.Transaction(b.wire())
	if err != nil {
		return fmt.Errorf("nft: send batch: %w", err)
	}
	var errs []error
	for i, o := range out {
		if o.Err == nil {
			continue
		}
		what, hint := "batch", ""
		switch {
		case i == 0 && b.hasGen && errors.Is(o.Err, unix.ERESTART):
			what = "batch (the ruleset changed since it was read)"
		case i >= 1 && i <= len(b.what):
			what = b.what[i-1]
			if n := b.needs[i-1]; n != "" && missingModule(o.Err) {
				hint = " (this kernel may lack module " + n + ")"
			}
		}
		errs = append(errs, fmt.Errorf("nft: %s (message %d of the batch): %w%s", what, i, o.Err, hint))
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	// The first refusal is the cause; the rest of an aborted batch often
	// fails because of it (a rule in a chain that was refused).
	return fmt.Errorf("%w (and %d more messages of the batch refused)", errs[0], len(errs)-1)
}

// Update runs a read-then-write transaction safely against concurrent
// writers. It reads the ruleset's generation id, calls plan (which reads
// what it needs and returns the changes), and commits them with
// NFNL_BATCH_GENID: if anyone committed in between, the kernel refuses the
// whole batch with ERESTART and Update starts again from the read. Two
// processes adding the same rule thus install exactly one copy. A plan
// that returns an empty batch or an error ends Update at once.
func (c *Conn) Update(plan func() (*Batch, error)) error {
	for range commitRetries {
		gen, err := c.GenID()
		if err != nil {
			return err
		}
		b, err := plan()
		if err != nil || b == nil || b.Len() == 0 {
			return err
		}
		b.gen, b.hasGen = gen, true
		if err = c.Commit(b); !errors.Is(err, unix.ERESTART) {
			return err
		}
	}
	return fmt.Errorf("nft: the ruleset changed under every one of %d attempts: %w", commitRetries, unix.ERESTART)
}

// GenID is the ruleset's generation id, which every commit changes:
// NFT_MSG_GETGEN, answered with NFTA_GEN_ID.
func (c *Conn) GenID() (uint32, error) {
	msgs, err := c.nl.Execute(nl.Message{Header: nl.Header{Type: msgType(unix.NFT_MSG_GETGEN)}, Data: nfgenmsg(unix.AF_UNSPEC, 0)})
	if err != nil {
		return 0, fmt.Errorf("nft: read the ruleset generation: %w", err)
	}
	for _, m := range msgs {
		if m.Header.Type != msgType(unix.NFT_MSG_NEWGEN) || len(m.Data) < 4 {
			continue
		}
		d := nl.NewDecoder(m.Data[4:])
		for d.Next() {
			if d.Type() == unix.NFTA_GEN_ID {
				id := d.Uint32BE()
				return id, d.Err()
			}
		}
		if err := d.Err(); err != nil {
			return 0, fmt.Errorf("nft: read the ruleset generation: %w", err)
		}
	}
	return 0, fmt.Errorf("nft: read the ruleset generation: the kernel sent no NFTA_GEN_ID")
}

// missingModule tells an error that may mean a module is missing (an
// unknown expression or chain type: ENOENT, EOPNOTSUPP) from a missing
// table or chain, which the kernel points at by attribute.
func missingModule(err error) bool {
	if ne, ok := errors.AsType[*nl.Error](err); ok && (strings.HasSuffix(ne.Attr, "_TABLE") || ne.Attr == "NFTA_RULE_CHAIN" || ne.Attr == "NFTA_CHAIN_NAME") {
		return false
	}
	return errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EOPNOTSUPP)
}

// wire is the batch as sent: BATCH_BEGIN (with the generation id it was
// planned against, if any), the changes, BATCH_END.
func (b *Batch) wire() []nl.Message {
	e := nl.NewEncoder(nfgenmsg(unix.AF_UNSPEC, unix.NFNL_SUBSYS_NFTABLES))
	if b.hasGen {
		e.Uint32BE(unix.NFNL_BATCH_GENID, b.gen)
	}
	head, _ := e.Encode() // one fixed-size attribute: cannot fail
	begin := nl.Message{Header: nl.Header{Type: unix.NFNL_MSG_BATCH_BEGIN}, Data: head}
	// Only BATCH_END asks for an ACK: an ACK for an inner message would not
	// prove anything (a later failure aborts the whole batch), and the
	// kernel reports every refused message anyway.
	end := nl.Message{Header: nl.Header{Type: unix.NFNL_MSG_BATCH_END, Flags: unix.NLM_F_ACK}, Data: nfgenmsg(unix.AF_UNSPEC, unix.NFNL_SUBSYS_NFTABLES)}
	return append(append([]nl.Message{begin}, b.msgs...), end)
}

const nfAccept = 1 // NF_ACCEPT, linux/netfilter.h: the chain's policy
