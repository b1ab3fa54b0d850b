package ipfmt

import (
	"unicode/utf8"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/num"
)

// ParseJSON reads one JSON value (configuration: a CNI plugin's stdin) into
// the values WriteJSON writes: Object (keys in their order), []any,
// string, bool, nil, and numbers as Number, their text kept so that they
// are written back as they came. It refuses what RFC 8259 refuses and
// never panics; nesting is limited to 64 levels.
func ParseJSON(b []byte) (any, error) {
	p := &jsonParser{b: b}
	v := p.value(0)
	p.space()
	if p.err == nil && p.i < len(p.b) {
		p.fail("text after the value")
	}
	if p.err != nil {
		return nil, p.err
	}
	return v, nil
}

// Number is a JSON number as it was written.
type Number string

// Int is the number as an integer, if it is one that fits 64 bits.
func (n Number) Int() (int64, bool) {
	return num.Int(string(n), 10, 64)
}

// Get is the value of key in o, nil if there is none.
func (o Object) Get(key string) any {
	for _, f := range o {
		if f.Key == key {
			return f.Value
		}
	}
	return nil
}

type jsonParser struct {
	b   []byte
	i   int
	err error
}

// fail keeps the first error. Not inlined, nor is lit: the parser calls
// each at a score of places.
//
//go:noinline
func (p *jsonParser) fail(why string) {
	if p.err == nil {
		p.err = fmt.Errorf("JSON: %s at byte %d", why, p.i)
	}
}

func (p *jsonParser) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

// lit consumes word if it is next.
//
//go:noinline
func (p *jsonParser) lit(word string) bool {
	if len(p.b)-p.i >= len(word) && string(p.b[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return true
	}
	return false
}

func (p *jsonParser) value(depth int) any {
	p.space()
	if depth > 64 {
		p.fail("nesting too deep")
	}
	if p.err != nil || p.i >= len(p.b) {
		p.fail("a value expected")
		return nil
	}
	switch c := p.b[p.i]; {
	case c == '{':
		p.i++
		o := Object{}
		for p.space(); p.err == nil; {
			if len(o) == 0 && p.lit("}") {
				return o
			}
			if p.space(); p.i >= len(p.b) || p.b[p.i] != '"' {
				p.fail("a key expected")
				break
			}
			k := p.str()
			if p.space(); !p.lit(":") {
				p.fail("':' expected")
				break
			}
			o = append(o, Field{Key: k, Value: p.value(depth + 1)})
			if p.space(); p.lit("}") {
				return o
			}
			if !p.lit(",") {
				p.fail("',' or '}' expected")
			}
		}
		return nil
	case c == '[':
		p.i++
		a := []any{}
		for p.space(); p.err == nil; {
			if len(a) == 0 && p.lit("]") {
				return a
			}
			a = append(a, p.value(depth+1))
			if p.space(); p.lit("]") {
				return a
			}
			if !p.lit(",") {
				p.fail("',' or ']' expected")
			}
		}
		return nil
	case c == '"':
		return p.str()
	case p.lit("true"):
		return true
	case p.lit("false"):
		return false
	case p.lit("null"):
		return nil
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	}
	p.fail("a value expected")
	return nil
}

// number reads -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonParser) number() Number {
	start := p.i
	p.lit("-")
	digits := func() int {
		n := 0
		for p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.lit("0") {
		if p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
			p.fail("a number with a leading zero")
		}
	} else if digits() == 0 {
		p.fail("digits expected")
	}
	if p.lit(".") && digits() == 0 {
		p.fail("digits expected after '.'")
	}
	if p.lit("e") || p.lit("E") {
		if !p.lit("+") {
			p.lit("-")
		}
		if digits() == 0 {
			p.fail("digits expected in the exponent")
		}
	}
	return Number(p.b[start:p.i])
}

// str reads a string; p.b[p.i] is its opening quote.
func (p *jsonParser) str() string {
	p.i++
	var out []byte
	for p.i < len(p.b) && p.err == nil {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return string(out)
		case c < 0x20:
			p.fail("a control character in a string")
			return ""
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.b) {
			break
		}
		p.i += 2
		switch e := p.b[p.i-1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := p.hex4()
			if 0xd800 <= r && r < 0xdc00 && p.lit(`\u`) { // a surrogate pair?
				if lo := p.hex4(); 0xdc00 <= lo && lo < 0xe000 {
					r = 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00)
				} else if p.err == nil {
					p.i -= 6 // not its pair: read again on its own
				}
			}
			out = utf8.AppendRune(out, r) // a lone surrogate as U+FFFD
		default:
			p.fail("a bad escape")
			return ""
		}
	}
	p.fail("an unterminated string")
	return ""
}

func (p *jsonParser) hex4() rune {
	var r rune
	for range 4 {
		if p.i >= len(p.b) {
			p.fail("a bad escape")
			return 0
		}
		c := p.b[p.i]
		d := rune(-1)
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		}
		if d < 0 {
			p.fail("a bad escape")
			return 0
		}
		r = r<<4 | d
		p.i++
	}
	return r
}
