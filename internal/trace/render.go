package trace

import (
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/nl"
)

// put appends s to b. Not inlined: the trace writes at a hundred places,
// and Builder.WriteString inlined carries its growth code to each.
//
//go:noinline
func put(b *strings.Builder, s string) { b.WriteString(s) }

// itoa is strconv.Itoa called, not inlined at each of the trace's many
// numbers (each inlined copy carries its small-number fast path).
//
//go:noinline
func itoa(n int) string { return strconv.Itoa(n) }

// title is what a message is, in a word: its type, or for the control
// messages what they mean (ACK is an NLMSG_ERROR with error 0).
func (m *msg) title() string {
	switch {
	case m.hdr.typ == unix.NLMSG_ERROR && m.ctrl != nil && m.ctrl.errno == 0:
		return "ACK"
	case m.hdr.typ == unix.NLMSG_ERROR:
		return "ERROR"
	case m.hdr.typ == unix.NLMSG_DONE:
		return "DONE"
	}
	return m.typeName
}

// brief is the message on one line: `RTM_NEWLINK seq=3
// REQUEST|ACK|EXCL|CREATE ifname=br0 linkinfo{kind=bridge}`.
func (m *msg) brief(proto int, req *request) string {
	var b strings.Builder
	put(&b, m.title()+" seq="+strconv.FormatUint(uint64(m.hdr.seq), 10))
	if m.flags != "" && m.ctrl == nil {
		put(&b, " "+m.flags)
	}
	if c := m.ctrl; c != nil && c.errno != 0 {
		put(&b, " "+errText(c.errno))
	}
	for _, f := range m.fixed {
		if !f.zero {
			put(&b, " "+f.name+"="+f.value)
		}
	}
	if m.ctrl != nil {
		for _, n := range m.attrs {
			switch n.typ {
			case unix.NLMSGERR_ATTR_MSG:
				put(&b, " kernel: "+quote(n.value))
			case unix.NLMSGERR_ATTR_OFFS:
				if at := pointedAt(proto, req, m.ctrl, n.value); at != nil {
					put(&b, " (at "+at.name+")")
				}
			}
		}
	} else if len(m.attrs) > 0 {
		put(&b, " ")
		briefAttrs(&b, m.attrs)
	}
	if m.bad != "" {
		put(&b, " MALFORMED: "+m.bad)
	}
	return b.String()
}

func briefAttrs(b *strings.Builder, nodes []node) {
	for i, n := range nodes {
		if i > 0 {
			put(b, " ")
		}
		switch {
		case n.bad != "":
			put(b, "MALFORMED: "+n.bad)
		case strings.HasPrefix(n.value, "["): // an nftables expression
			put(b, n.value)
		case len(n.kids) > 0:
			put(b, n.short()+"{")
			briefAttrs(b, n.kids)
			put(b, "}")
		case n.value == "" && n.vt != vString:
			put(b, n.short())
		case n.vt == vHex:
			put(b, n.short()+"=<"+itoa(n.length-unix.NLA_HDRLEN)+" bytes>")
		case n.vt == vString && needsQuotes(n.value):
			put(b, n.short()+"="+quote(n.value))
		default:
			put(b, n.short()+"="+n.value)
		}
	}
}

// short is the attribute's name without its space's prefix, in lower
// case: ifname for IFLA_IFNAME; #N when it has no name.
func (n *node) short() string {
	if n.name == "" {
		return "#" + itoa(int(n.typ))
	}
	s := n.name
	if n.prefixLen > 0 && n.prefixLen < len(s) {
		s = s[n.prefixLen:]
	}
	out := []byte(s)
	for i, c := range out {
		if 'A' <= c && c <= 'Z' {
			out[i] = c + 'a' - 'A'
		}
	}
	return string(out)
}

// shown is the value as the full trace shows it: strings in quotes.
func (n *node) shown() string {
	if n.vt == vString {
		return quote(n.value)
	}
	return n.value
}

// needsQuotes reports whether s holds a byte that brief's key=value
// would make ambiguous: a blank, a quote, a backslash or a brace.
func needsQuotes(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '"', '\\', '{', '}':
			return true
		}
	}
	return false
}

// quote puts a printable string in double quotes, escaping them.
//
//go:noinline
func quote(s string) string {
	var b strings.Builder
	put(&b, `"`)
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	put(&b, `"`)
	return b.String()
}

// repeat is n times c.
//
//go:noinline
func repeat(c byte, n int) string {
	b := make([]byte, max(n, 0))
	for i := range b {
		b[i] = c
	}
	return string(b)
}

// full writes every field of the message, one per line, with offsets.
func (m *msg) full(b *strings.Builder, indent, arrow string, proto int, req *request, ms string) {
	put(b, indent+arrow+" "+m.title()+" seq="+strconv.FormatUint(uint64(m.hdr.seq), 10))
	if m.flags != "" {
		put(b, " "+m.flags)
	}
	put(b, ms+"\n")
	indent += "  "
	put(b, indent+"0000 nlmsghdr "+headerText(proto, m.hdr)+"\n")
	if m.fixedName != "" {
		put(b, indent+hex4(unix.NLMSG_HDRLEN)+" "+m.fixedName+" "+fieldsText(m.fixed)+"\n")
	}
	if c := m.ctrl; c != nil {
		put(b, indent+hex4(unix.NLMSG_HDRLEN)+" error "+itoa(int(c.errno)))
		if c.errno != 0 {
			put(b, " "+errText(c.errno))
		}
		put(b, "\n")
		if c.req != nil {
			put(b, indent+hex4(unix.NLMSG_HDRLEN+4)+" request's nlmsghdr "+headerText(proto, *c.req))
			switch {
			case c.capped:
				put(b, " (capped: no payload)")
			case c.payload != nil:
				put(b, " (its payload echoed: "+itoa(len(c.payload))+" bytes)")
			}
			put(b, "\n")
		}
	}
	fullAttrs(b, indent, m.attrs, 0, -1)
	if m.ctrl != nil {
		for _, n := range m.attrs {
			if n.typ != unix.NLMSGERR_ATTR_OFFS {
				continue
			}
			if r := decodeRequest(proto, req, m.ctrl); r != nil {
				off, _ := num.Int(n.value, 10, 32)
				put(b, indent+"     the request, the kernel pointing at offset "+n.value+":\n")
				fullAttrs(b, indent+"     ", r.attrs, 0, int(off))
			}
		}
	}
	if m.bad != "" {
		put(b, indent+"MALFORMED: "+m.bad+"\n")
	}
}

// fullAttrs writes attributes one per line, nested ones indented; a caret
// line goes under the innermost attribute holding byte mark of the
// message (-1: none).
func fullAttrs(b *strings.Builder, indent string, nodes []node, depth, mark int) {
	for _, n := range nodes {
		line := indent + hex4(n.off) + " " + repeat(' ', 2*depth)
		col := len(line)
		name := n.name
		if name == "" {
			name = "attribute " + itoa(int(n.typ))
		}
		line += name
		if n.length > 0 {
			line += " len=" + itoa(n.length)
		}
		if n.pad > 0 {
			line += " pad=" + itoa(n.pad)
		}
		if n.flagBits != "" {
			line += " " + n.flagBits
		}
		if n.value != "" || n.vt == vString {
			line += " " + n.shown()
		}
		if n.bad != "" {
			line += " MALFORMED: " + n.bad
		}
		put(b, line+"\n")
		inside := mark >= n.off && mark < n.off+max(n.length, 1)
		innermost := inside && !anyHolds(n.kids, mark)
		if innermost {
			put(b, repeat(' ', col)+repeat('^', len(name))+" here\n")
		}
		fullAttrs(b, indent, n.kids, depth+1, mark)
	}
}

func anyHolds(nodes []node, mark int) bool {
	for _, n := range nodes {
		if mark >= n.off && mark < n.off+max(n.length, 1) {
			return true
		}
	}
	return false
}

//go:noinline
func hex4(n int) string {
	s := strconv.FormatInt(int64(n), 16)
	return repeat('0', 4-len(s)) + s
}

func headerText(proto int, h header) string {
	return "len=" + itoa(int(h.len)) + " type=" + typeName(proto, h.typ) + " flags=" + orZero(flagNames(typeName(proto, h.typ), h.flags)) +
		" seq=" + strconv.FormatUint(uint64(h.seq), 10) + " pid=" + strconv.FormatUint(uint64(h.pid), 10)
}

// decodeRequest is the request an NLMSG_ERROR answers: as the tracer
// saw it sent, or as the kernel echoed it.
func decodeRequest(proto int, req *request, c *control) *msg {
	var b []byte
	switch {
	case req != nil:
		b = req.msg
	case c.req != nil && c.payload != nil:
		h := nl.Header{Type: c.req.typ, Flags: c.req.flags, Sequence: c.req.seq, PortID: c.req.pid}
		b = nl.Message{Header: h, Data: c.payload}.Append(nil)
	default:
		return nil
	}
	ms := decode(proto, b)
	if len(ms) != 1 {
		return nil
	}
	return &ms[0]
}

// pointedAt is the attribute of the request that NLMSGERR_ATTR_OFFS
// (value offs) points at.
func pointedAt(proto int, req *request, c *control, offs string) *node {
	o, ok := num.Int(offs, 10, 32)
	off := int(o)
	if !ok {
		return nil
	}
	r := decodeRequest(proto, req, c)
	if r == nil {
		return nil
	}
	var found *node
	nodes := r.attrs
	for {
		var next *node
		for i := range nodes {
			if off >= nodes[i].off && off < nodes[i].off+max(nodes[i].length, 1) {
				next = &nodes[i]
			}
		}
		if next == nil {
			return found
		}
		found, nodes = next, next.kids
	}
}

// json writes the message as one JSON object and a newline.
func (m *msg) json(b *strings.Builder, dir nl.Direction, proto int, req *request, us int64, datagram int) {
	o := ipfmt.Object{{Key: "dir", Value: "sent"}}
	if dir == nl.Received {
		o.Set("dir", "received")
	}
	o.Set("datagram", datagram)
	o.Set("protocol", proto)
	o.Set("len", int(m.hdr.len))
	o.Set("type", m.typeName)
	o.Set("flags", strings.Split(m.flags, "|"))
	if m.flags == "" {
		o.Set("flags", []string{})
	}
	o.Set("seq", int(m.hdr.seq))
	o.Set("pid", int(m.hdr.pid))
	if m.fixedName != "" {
		h := ipfmt.Object{{Key: "struct", Value: m.fixedName}}
		for _, f := range m.fixed {
			h.Set(f.name, jsonValue(f.value, true))
		}
		o.Set("header", h)
	}
	if c := m.ctrl; c != nil {
		e := ipfmt.Object{{Key: "errno", Value: int(c.errno)}}
		if c.errno != 0 {
			name, text, _ := strings.Cut(errText(c.errno), ": ")
			e.Set("name", name)
			e.Set("text", text)
		}
		for _, n := range m.attrs {
			if n.typ == unix.NLMSGERR_ATTR_OFFS {
				if at := pointedAt(proto, req, c, n.value); at != nil {
					e.Set("points_at", at.name)
				}
			}
		}
		o.Set("error", e)
	}
	if len(m.attrs) > 0 {
		o.Set("attrs", jsonAttrs(m.attrs))
	}
	if req != nil && m.ctrl != nil && !req.at.IsZero() {
		o.Set("us", int(us))
	}
	if m.bad != "" {
		o.Set("malformed", m.bad)
	}
	var sb strings.Builder
	ipfmt.WriteJSON(&sb, o)
	put(b, sb.String())
}

func jsonAttrs(nodes []node) []ipfmt.Object {
	out := make([]ipfmt.Object, 0, len(nodes))
	for _, n := range nodes {
		a := ipfmt.Object{{Key: "name", Value: n.name}, {Key: "type", Value: int(n.typ)},
			{Key: "offset", Value: n.off}, {Key: "len", Value: n.length}}
		if n.pad > 0 {
			a.Set("pad", n.pad)
		}
		if n.flagBits != "" {
			a.Set("nla_flags", strings.Split(n.flagBits, "|"))
		}
		if n.value != "" || n.vt == vString {
			a.Set("value", jsonValue(n.value, n.vt == vNumber))
		}
		if len(n.kids) > 0 {
			a.Set("attrs", jsonAttrs(n.kids))
		}
		if n.bad != "" {
			a.Set("malformed", n.bad)
		}
		out = append(out, a)
	}
	return out
}

// jsonValue: a number where v is one, else the string.
func jsonValue(v string, number bool) any {
	if number {
		if i, ok := num.Int(v, 10, 64); ok {
			return int(i)
		}
		if u, ok := num.Uint(v, 10, 64); ok {
			return u
		}
	}
	return v
}
