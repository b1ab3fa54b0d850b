package ipfmt

import "strings"

// record is one object being printed, as iproute2's print_* calls with
// PRINT_ANY make it: each item is given once, with its text and its JSON
// key and value, and the record keeps what the output wants. One place
// says how an item looks in both forms.
type record struct {
	json bool
	text strings.Builder
	obj  Object
}

func (p *Printer) newRecord() *record { return &record{json: p.JSON} }

// any is an item of both forms: text, or key and value.
//
//go:noinline
func (r *record) any(key, text string, value any) {
	if r.json {
		r.obj.Set(key, value)
		return
	}
	r.text.WriteString(text)
}

// fp is text only (PRINT_FP): words and separators.
//
//go:noinline
func (r *record) fp(text ...string) {
	if !r.json {
		for _, t := range text {
			r.text.WriteString(t)
		}
	}
}

// js is JSON only (PRINT_JSON).
func (r *record) js(key string, value any) {
	if r.json {
		r.obj.Set(key, value)
	}
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
