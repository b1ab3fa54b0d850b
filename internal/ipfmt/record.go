package ipfmt

import (
	"strconv"
	"strings"

	"github.com/nsnet/nsnet/netaddr"
)

// record is one object being printed, as iproute2's print_* calls with
// PRINT_ANY make it: each item is given once, with its text and its JSON
// key and value, and the record keeps what the output wants. One place
// says how an item looks in both forms.
//
// Most items are `WORD VALUE ` in text and "key": VALUE in JSON; the typed
// methods (str, addr, prefix, num) append the text in place, with no
// string made or boxed per item, which is what lets route show print
// 100,000 routes in the time the kernel takes to dump them. A Stream
// reuses one record for every object.
type record struct {
	json bool
	line []byte      // text
	obj  Object      // JSON
	j    *jsonWriter // JSON written as it comes instead of into obj (a Stream's)
	// With ip -c: the palette, and the color of the next item's value
	// (hue); wordToo paints its word as well (ip's "from %s ").
	pal     uint8 // Printer.Color
	hue     colorAttr
	wordToo bool
}

//go:noinline
func (p *Printer) newRecord() *record {
	r := &record{json: p.JSON}
	r.paints(p)
	return r
}

// paints gives r p's palette, if p paints.
func (r *record) paints(p *Printer) {
	if !p.JSON {
		r.pal = p.Color
	}
}

// color paints the next item's value in a (and its word, with wordToo).
func (r *record) color(a colorAttr, wordToo bool) { r.hue, r.wordToo = a, wordToo }

// value starts an item's text: its word, and the color that was asked
// for; end closes it with the blank after the value.
//
//go:noinline
func (r *record) value(word string) {
	if r.hue != 0 && r.pal != 0 && r.wordToo {
		r.line = append(r.line, escape(r.pal, r.hue)...)
	}
	r.word(word)
	if r.hue != 0 && r.pal != 0 && !r.wordToo {
		r.line = append(r.line, escape(r.pal, r.hue)...)
	}
}

// paint is s in a's color, if r paints.
//
//go:noinline
func (r *record) paint(a colorAttr, s string) string {
	if r.pal == 0 {
		return s
	}
	return escape(r.pal, a) + s + colorOff
}

//go:noinline
func (r *record) end() {
	r.line = append(r.line, ' ')
	if r.hue != 0 && r.pal != 0 {
		r.line = append(r.line, colorOff...)
	}
	r.hue = 0
}

// set is obj.Set, or the key and value written out at once.
func (r *record) set(key string, v any) {
	if r.j != nil {
		r.j.name(key)
		r.j.value(v)
		return
	}
	r.obj.Set(key, v)
}

// reset empties r for the next object, keeping its memory.
func (r *record) reset() {
	r.line, r.obj = r.line[:0], r.obj[:0]
}

// text is the record's text.
func (r *record) text() string { return string(r.line) }

// word starts an item's text: "WORD " or nothing.
func (r *record) word(w string) {
	if w != "" {
		r.line = append(r.line, w...)
		r.line = append(r.line, ' ')
	}
}

// str is the item `WORD VALUE ` / "key": "VALUE".
//
//go:noinline
func (r *record) str(key, word, value string) {
	if r.j != nil {
		r.j.name(key)
		r.j.eor()
		r.j.str(value)
		return
	}
	if r.json {
		r.obj.Set(key, value)
		return
	}
	r.value(word)
	r.line = append(r.line, value...)
	r.end()
}

// addr is str for an address.
//
//go:noinline
func (r *record) addr(key, word string, a netaddr.Addr) {
	if r.j != nil {
		r.line = a.AppendTo(r.line[:0])
		r.j.name(key)
		r.j.quoted(r.line)
		return
	}
	if r.json {
		r.obj.Set(key, a.String())
		return
	}
	r.value(word)
	r.line = a.AppendTo(r.line)
	r.end()
}

// prefix is str for a prefix in ip's form: a host prefix is a bare
// address.
//
//go:noinline
func (r *record) prefix(key, word string, p netaddr.Prefix) {
	if r.j != nil {
		r.line = appendPrefix(r.line[:0], p)
		r.j.name(key)
		r.j.quoted(r.line)
		return
	}
	if r.json {
		r.obj.Set(key, prefixString(p))
		return
	}
	r.value(word)
	r.line = appendPrefix(r.line, p)
	r.end()
}

// num is the item `WORD N ` / "key": N.
//
//go:noinline
func (r *record) num(key, word string, n uint32) {
	if r.j != nil {
		r.j.name(key)
		r.j.eor()
		r.j.w.Write(strconv.AppendUint(r.line[:0], uint64(n), 10))
		return
	}
	if r.json {
		r.obj.Set(key, n)
		return
	}
	r.word(word)
	r.line = strconv.AppendUint(r.line, uint64(n), 10)
	r.line = append(r.line, ' ')
}

// secs is the item `KEY Nsec ` / "key": N of a time the kernel gives in
// hundredths of a second (USER_HZ).
func (r *record) secs(key string, cs uint32) {
	r.num(key, key, cs/100)
	if !r.json {
		r.line = append(r.line[:len(r.line)-1], "sec "...)
	}
}

// lead is the item ` WORD VALUE` (the blank before, as ip's rule and
// mroute lines have it) / "key": "VALUE".
//
//go:noinline
func (r *record) lead(key, lead, value string) {
	if r.json {
		r.set(key, value)
		return
	}
	r.line = append(append(r.line, lead...), value...)
}

// leadNum is lead for a number: ` WORD N` / "key": N.
//
//go:noinline
func (r *record) leadNum(key, lead string, n uint64) {
	if r.json {
		r.set(key, n)
		return
	}
	r.line = strconv.AppendUint(append(r.line, lead...), n, 10)
}

// any is an item of both forms: text, or key and value.
//
//go:noinline
func (r *record) any(key, text string, value any) {
	if r.json {
		r.set(key, value)
		return
	}
	r.line = append(r.line, text...)
}

// fp is text only (PRINT_FP): words and separators.
//
//go:noinline
func (r *record) fp(text ...string) {
	if !r.json {
		for _, t := range text {
			r.line = append(r.line, t...)
		}
	}
}

// js is JSON only (PRINT_JSON).
//
//go:noinline
func (r *record) js(key string, value any) {
	if r.json {
		r.set(key, value)
	}
}

// prefixString is ip's form of a prefix: a host prefix as a bare address.
func prefixString(p netaddr.Prefix) string { return string(appendPrefix(nil, p)) }

func appendPrefix(b []byte, p netaddr.Prefix) []byte {
	b = p.Addr().AppendTo(b)
	if p.Bits() == p.Addr().BitLen() || p.Bits() == 0 && p.Addr().IsUnspecified() {
		return b
	}
	b = append(b, '/')
	return strconv.AppendInt(b, int64(p.Bits()), 10)
}

// text builds a record's line. put is not inlined: the printers call it
// a few hundred times, and each inlined copy of strings.Builder's append
// costs about a hundred bytes of binary.
type text struct{ *strings.Builder }

//go:noinline
func (t text) put(parts ...string) {
	for _, s := range parts {
		t.WriteString(s)
	}
}
