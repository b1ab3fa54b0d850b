package nl

import (
	"bytes"
	"testing"
)

// walk decodes b as attributes, recursing into every value that parses as
// attributes, and re-encodes what it read.
func walk(b []byte, depth int) []byte {
	d := NewDecoder(b)
	e := NewEncoder(nil)
	for d.Next() {
		v := d.Bytes()
		_ = d.String()
		_ = d.Uint32()
		if depth < 4 {
			walk(v, depth+1)
		}
		e.Bytes(d.typ, v)
	}
	out, _ := e.Encode()
	return out
}

func FuzzDecoder(f *testing.F) {
	f.Add(goldenBridgeAdd[headerLen+16:])
	f.Add([]byte{5, 0, 1, 0, 'x'})
	f.Add([]byte{4, 0, 0x80, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		d := NewDecoder(b)
		n := 0
		for d.Next() {
			n++
		}
		// Index sees the same attributes: each type it holds is one of them.
		held := 0
		for _, v := range Index(b, 0xffff) {
			if v != nil {
				held++
			}
		}
		if held > n || n > 0 && held == 0 {
			t.Fatalf("Index holds %d types of %d attributes", held, n)
		}
		if d.Err() != nil {
			walk(b, 0)
			return
		}
		// What decodes cleanly re-encodes to a stable form.
		once := walk(b, 0)
		if twice := walk(once, 0); !bytes.Equal(once, twice) {
			t.Fatalf("decode→encode→decode unstable:\n% x\n% x", once, twice)
		}
	})
}

func FuzzParseMessages(f *testing.F) {
	f.Add(goldenBridgeAdd)
	f.Add(errorMessage(-17, 0x300, goldenBridgeAdd[:16], extAck("x", 20)).Append(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		msgs, err := ParseMessages(b)
		for _, m := range msgs {
			parseError(m)
			walk(m.Data, 0)
		}
		if err != nil {
			return
		}
		var again []byte
		for _, m := range msgs {
			again = m.Append(again)
		}
		msgs2, err := ParseMessages(again)
		if err != nil || len(msgs2) != len(msgs) {
			t.Fatalf("re-encoded messages do not parse: %v", err)
		}
	})
}

// AttrAt never panics, and what it returns lies inside its input.
func FuzzAttrAt(f *testing.F) {
	f.Add(goldenBridgeAdd[headerLen+16:], 9)
	f.Add([]byte{8, 0, 1, 0, 1, 2, 3, 4}, 5)
	f.Fuzz(func(t *testing.T, b []byte, off int) {
		_, payload, inner, ok := AttrAt(b, off)
		if ok && (len(payload) > len(b) || inner > len(payload) || inner < -4) {
			t.Fatalf("AttrAt(% x, %d): payload of %d bytes, offset %d", b, off, len(payload), inner)
		}
	})
}
