package ipfmt

import (
	"bufio"
	"io"
	"strconv"

	"github.com/nsnet/nsnet/internal/fmt"
)

// Object is a JSON object that keeps its keys in the order they were set:
// ip prints them in the order of its print calls, and -j output is
// compared byte for byte with ip's.
type Object []Field

// Field is one key of an Object.
type Field struct {
	_     [0]func() // incomparable: no equality functions for [N]Field in the binary
	Key   string
	Value any
}

// Set sets key to v, in place if key is there, else at the end. Not
// inlined: its ~40 callers would each carry a copy of append (16 KB).
//
//go:noinline
func (o *Object) Set(key string, v any) {
	for i := range *o {
		if (*o)[i].Key == key {
			(*o)[i].Value = v
			return
		}
	}
	*o = append(*o, Field{Key: key, Value: v})
}

// jsonWriter writes JSON exactly as iproute2's json_writer does: compact,
// or with -p four-space indents, "[ " and " ]" around array values, and
// objects in arrays joined by "},{". It uses no reflection.
type jsonWriter struct {
	_      [0]func() // incomparable: no equality function in the binary
	w      *bufio.Writer
	depth  int
	pretty bool
	sep    byte // ',' once a value was written at this depth
}

func (j *jsonWriter) eol() {
	if j.pretty {
		j.w.WriteByte('\n')
		for range j.depth {
			j.w.WriteString("    ")
		}
	}
}

//go:noinline
func (j *jsonWriter) eor() {
	if j.sep != 0 {
		j.w.WriteByte(j.sep)
	}
	j.sep = ','
}

func (j *jsonWriter) begin(c byte) {
	j.eor()
	j.w.WriteByte(c)
	j.depth++
	j.sep = 0
}

func (j *jsonWriter) end(c byte) {
	j.depth--
	if j.sep != 0 {
		j.eol()
	}
	j.w.WriteByte(c)
	j.sep = ','
}

func (j *jsonWriter) name(k string) {
	j.eor()
	j.eol()
	j.sep = 0
	j.str(k)
	j.w.WriteByte(':')
	if j.pretty {
		j.w.WriteByte(' ')
	}
}

func (j *jsonWriter) startArray() {
	j.begin('[')
	if j.pretty {
		j.w.WriteByte(' ')
	}
}

func (j *jsonWriter) endArray() {
	if j.pretty && j.sep != 0 {
		j.w.WriteByte(' ')
	}
	j.sep = 0
	j.end(']')
}

// str writes a quoted string with json_writer's escapes; runs of bytes
// that need none are written whole.
func (j *jsonWriter) str(s string) {
	j.w.WriteByte('"')
	for {
		i := 0
		for i < len(s) && s[i] >= 0x20 && s[i] != 0x7f && s[i] != '"' && s[i] != '\\' {
			i++
		}
		j.w.WriteString(s[:i])
		if i == len(s) {
			break
		}
		switch c := s[i]; c {
		case '\t':
			j.w.WriteString(`\t`)
		case '\n':
			j.w.WriteString(`\n`)
		case '\r':
			j.w.WriteString(`\r`)
		case '\f':
			j.w.WriteString(`\f`)
		case '\b':
			j.w.WriteString(`\b`)
		case '\\':
			j.w.WriteString(`\\`)
		case '"':
			j.w.WriteString(`\"`)
		default:
			fmt.Fprintf(j.w, `\u%04x`, c)
		}
		s = s[i+1:]
	}
	j.w.WriteByte('"')
}

// quoted writes b, which needs no escapes (an address), as a string.
func (j *jsonWriter) quoted(b []byte) {
	j.eor()
	j.w.WriteByte('"')
	j.w.Write(b)
	j.w.WriteByte('"')
}

// raw writes a scalar already in JSON form.
func (j *jsonWriter) raw(s string) {
	j.eor()
	j.w.WriteString(s)
}

func (j *jsonWriter) value(v any) {
	switch v := v.(type) {
	case Object:
		j.begin('{')
		for _, f := range v {
			j.name(f.Key)
			j.value(f.Value)
		}
		j.end('}')
	case []Object:
		j.startArray()
		for _, x := range v {
			j.value(x)
		}
		j.endArray()
	case []any:
		j.startArray()
		for _, x := range v {
			j.value(x)
		}
		j.endArray()
	case []int:
		j.startArray()
		for _, x := range v {
			j.value(x)
		}
		j.endArray()
	case []string:
		j.startArray()
		for _, x := range v {
			j.eor()
			j.str(x)
		}
		j.endArray()
	case string:
		j.eor()
		j.str(v)
	case jsonRaw:
		j.raw(string(v))
	case Number:
		j.raw(string(v))
	case bool:
		j.raw(strconv.FormatBool(v))
	case nil:
		j.raw("null")
	case int:
		j.raw(itoa(v))
	case int32:
		j.raw(strconv.FormatInt(int64(v), 10))
	case uint8:
		j.raw(utoa(uint64(v)))
	case uint16:
		j.raw(utoa(uint64(v)))
	case uint32:
		j.raw(utoa(uint64(v)))
	case uint64:
		j.raw(utoa(v))
	case fmt.Stringer:
		j.eor()
		j.str(v.String())
	default:
		j.eor()
		j.str(fmt.Sprint(v))
	}
}

// WriteJSON writes v (an Object, []Object, string, integer, bool...) as
// compact JSON and a newline, without reflection.
func WriteJSON(w io.Writer, v any) error { return writeJSON(w, v, false) }

// writeJSON writes v and the newline ip ends its output with.
func writeJSON(w io.Writer, v any, pretty bool) error {
	bw := bufio.NewWriter(w)
	j := &jsonWriter{w: bw, pretty: pretty}
	j.value(v)
	bw.WriteByte('\n')
	return bw.Flush()
}
