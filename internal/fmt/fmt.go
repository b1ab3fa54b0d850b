// Package fmt is the part of the standard fmt that nsnet uses: Printf-style
// formatting of strings, integers, byte slices, errors and Stringers, and
// Errorf with %w. The standard package formats any value by reflection and
// carries floating point, scanning and the rest with it: about 190 KB of a
// static binary that must fit an initramfs. This one is a few hundred
// lines, and formats by a type switch; reflection is used only to see
// through named integer and string types, the cheap part of it.
//
// Verbs: %s %v %d %q %x %t %w %%, flags '-' '0' ' ' '+' '#', a width (digits
// or *). Structs, maps, slices other than bytes and floats are not
// supported (reflecting on them would cost more than the rest together).
// Anything else prints %!VERB(?) so that a mistake shows in the output.
//
// The entry points are marked go:noinline: they are small enough for the
// compiler to copy into each of their ~200 callers, mostly on error paths,
// which cost 20 KB of binary and saved nothing worth having.
package fmt

import (
	"errors"
	"io"
	"reflect"
	"strconv"
	"unicode/utf8"
)

// Stringer is implemented by values that print themselves with %s and %v.
type Stringer interface{ String() string }

// Sprintf formats according to a format specifier.
//
//go:noinline
func Sprintf(format string, a ...any) string {
	var p printer
	p.printf(format, a)
	return string(p.buf)
}

// Fprintf formats to w.
//
//go:noinline
func Fprintf(w io.Writer, format string, a ...any) (int, error) {
	var p printer
	p.printf(format, a)
	return w.Write(p.buf)
}

// Sprint formats its operands with %v, with a space between two operands
// when neither is a string.
//
//go:noinline
func Sprint(a ...any) string {
	var p printer
	p.print(a, false)
	return string(p.buf)
}

// Fprint is Sprint to w.
//
//go:noinline
func Fprint(w io.Writer, a ...any) (int, error) {
	var p printer
	p.print(a, false)
	return w.Write(p.buf)
}

// Fprintln formats its operands with %v, spaces between, and a newline.
//
//go:noinline
func Fprintln(w io.Writer, a ...any) (int, error) {
	var p printer
	p.print(a, true)
	return w.Write(p.buf)
}

// Errorf formats an error message; each %w operand is also wrapped, for
// errors.Is and errors.As.
//
//go:noinline
func Errorf(format string, a ...any) error {
	var p printer
	p.printf(format, a)
	switch len(p.wrapped) {
	case 0:
		return errors.New(string(p.buf))
	case 1:
		return &wrapError{string(p.buf), p.wrapped[0]}
	}
	return &wrapErrors{string(p.buf), p.wrapped}
}

type wrapError struct {
	msg string
	err error
}

func (e *wrapError) Error() string { return e.msg }
func (e *wrapError) Unwrap() error { return e.err }

type wrapErrors struct {
	msg  string
	errs []error
}

func (e *wrapErrors) Error() string   { return e.msg }
func (e *wrapErrors) Unwrap() []error { return e.errs }

type printer struct {
	buf     []byte
	wrapped []error
	// the directive being formatted
	minus, zero, space, plus, sharp bool
	width                           int
}

func (p *printer) print(a []any, ln bool) {
	for i, v := range a {
		_, isStr := v.(string)
		if i > 0 && (ln || !isStr && !prevString(a[i-1])) {
			p.buf = append(p.buf, ' ')
		}
		p.verb(v, 'v')
	}
	if ln {
		p.buf = append(p.buf, '\n')
	}
}

func prevString(v any) bool { _, ok := v.(string); return ok }

func (p *printer) printf(format string, a []any) {
	arg := 0
	next := func() (any, bool) {
		if arg >= len(a) {
			return nil, false
		}
		arg++
		return a[arg-1], true
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			p.buf = append(p.buf, c)
			continue
		}
		p.minus, p.zero, p.space, p.plus, p.sharp, p.width = false, false, false, false, false, 0
	flags:
		for i++; i < len(format); i++ {
			switch format[i] {
			case '-':
				p.minus = true
			case '0':
				p.zero = true
			case ' ':
				p.space = true
			case '+':
				p.plus = true
			case '#':
				p.sharp = true
			default:
				break flags
			}
		}
		if i < len(format) && format[i] == '*' {
			v, _ := next()
			if n, ok := v.(int); ok {
				p.width = n
			}
			i++
		}
		for ; i < len(format) && '0' <= format[i] && format[i] <= '9'; i++ {
			p.width = p.width*10 + int(format[i]-'0')
		}
		if i >= len(format) {
			p.buf = append(p.buf, "%!(NOVERB)"...)
			break
		}
		verb, size := utf8.DecodeRuneInString(format[i:])
		i += size - 1
		if verb == '%' {
			p.buf = append(p.buf, '%')
			continue
		}
		v, ok := next()
		if !ok {
			p.buf = append(p.buf, "%!"+string(verb)+"(MISSING)"...)
			continue
		}
		if verb == 'w' {
			if err, ok := v.(error); ok {
				p.wrapped = append(p.wrapped, err)
			}
			verb = 'v'
		}
		p.verb(v, verb)
	}
	if arg < len(a) {
		p.buf = append(p.buf, "%!(EXTRA)"...)
	}
}

// verb formats one operand.
func (p *printer) verb(v any, verb rune) {
	switch x := v.(type) {
	case nil:
		p.pad("<nil>")
		return
	case []byte:
		if verb == 'x' {
			p.hexBytes(x)
			return
		}
		if verb == 's' || verb == 'q' {
			p.str(string(x), verb)
			return
		}
	case error:
		p.str(call(x.Error), verb)
		return
	case Stringer:
		p.str(call(x.String), verb)
		return
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.String:
		p.str(rv.String(), verb)
	case rv.Kind() == reflect.Bool && (verb == 'v' || verb == 't'):
		p.pad(strconv.FormatBool(rv.Bool()))
	case rv.CanInt():
		p.integer(uint64(rv.Int()), rv.Int() < 0, verb)
	case rv.CanUint():
		p.integer(rv.Uint(), false, verb)
	default:
		p.buf = append(p.buf, "%!"+string(verb)+"(?)"...)
	}
}

// call is a String or Error method, which prints <nil> for a nil
// pointer whose method cannot take one, as the standard package does.
func call(method func() string) (s string) {
	defer func() {
		if recover() != nil {
			s = "<nil>"
		}
	}()
	return method()
}

func (p *printer) str(s string, verb rune) {
	switch verb {
	case 's', 'v':
		p.pad(s)
	case 'q':
		p.pad(Quote(s))
	case 'x':
		p.hexBytes([]byte(s))
	default:
		p.buf = append(p.buf, "%!"+string(verb)+"(string="+s+")"...)
	}
}

func (p *printer) integer(u uint64, neg bool, verb rune) {
	base := 10
	switch verb {
	case 'd', 'v':
	case 'x':
		base = 16
	default:
		p.buf = append(p.buf, "%!"+string(verb)+"(int)"...)
		return
	}
	var digits string
	if neg {
		digits = strconv.FormatUint(-u, base)
	} else {
		digits = strconv.FormatUint(u, base)
	}
	sign := ""
	switch {
	case neg:
		sign = "-"
	case p.plus:
		sign = "+"
	case p.space:
		sign = " "
	}
	if p.sharp && base == 16 {
		sign += "0x"
	}
	for p.zero && !p.minus && len(sign)+len(digits) < p.width {
		digits = "0" + digits
	}
	p.pad(sign + digits)
}

// hexBytes is %x of bytes; with the space flag, bytes are separated by
// spaces (% x).
func (p *printer) hexBytes(b []byte) {
	const hex = "0123456789abcdef"
	var out []byte
	for i, c := range b {
		if p.space && i > 0 {
			out = append(out, ' ')
		}
		out = append(out, hex[c>>4], hex[c&0xf])
	}
	p.pad(string(out))
}

// pad writes s within the directive's width: right-aligned, or left with
// '-'. Width counts runes, as the standard package does.
//
//go:noinline
func (p *printer) pad(s string) {
	n := p.width - utf8.RuneCountInString(s)
	if p.minus {
		p.buf = append(p.buf, s...)
	}
	for ; n > 0; n-- {
		p.buf = append(p.buf, ' ')
	}
	if !p.minus {
		p.buf = append(p.buf, s...)
	}
}

// Quote is %q: s between double quotes, with Go's escapes for quotes,
// backslashes, control characters and bytes that are not UTF-8, as
// strconv.Quote writes it; but a valid non-ASCII rune is written as it
// is, where strconv escapes those Unicode calls unprintable: its tables
// of them weigh 4 KB, and what nsnet quotes is a name or a word a user
// typed, for an error message.
//
//go:noinline
func Quote(s string) string {
	const hex = "0123456789abcdef"
	b := append(make([]byte, 0, len(s)+2), '"')
	for i := 0; i < len(s); {
		c, n := s[i], 1
		if c >= utf8.RuneSelf {
			_, n = utf8.DecodeRuneInString(s[i:])
		}
		switch esc := "abtnvfr"; {
		case n > 1: // a rune that is UTF-8
			b = append(b, s[i:i+n]...)
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c >= '\a' && c <= '\r':
			b = append(b, '\\', esc[c-'\a'])
		case c < ' ' || c >= 0x7f:
			b = append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
		i += n
	}
	return string(append(b, '"'))
}
