package rtnl

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// fuzzCodec checks a decoder never panics, and that what it decodes
// re-encodes to bytes that decode and re-encode to the same bytes.
func fuzzCodec[T any](f *testing.F, decode func([]byte) (*T, error), encode func(*T) ([]byte, error)) {
	for _, g := range goldens {
		b, _ := hex.DecodeString(g.hex)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := decode(b)
		if err != nil {
			return
		}
		b1, err := encode(v)
		if err != nil {
			return // decodable but not a valid request (a dump-only field)
		}
		v2, err := decode(b1)
		if err != nil {
			t.Fatalf("re-encoded value does not decode: %v\n% x", err, b1)
		}
		b2, err := encode(v2)
		if err != nil || !bytes.Equal(b1, b2) {
			t.Fatalf("decode→encode→decode unstable (%v):\n% x\n% x", err, b1, b2)
		}
	})
}

func FuzzLink(f *testing.F) { fuzzCodec(f, DecodeLink, encodeLink) }
func FuzzAddr(f *testing.F) { fuzzCodec(f, DecodeAddr, encodeAddr) }
func FuzzRoute(f *testing.F) {
	// A route with RTA_METRICS (mtu locked, advmss), nested as ip sends it.
	if b, err := encodeRoute(&Route{Family: 2, Table: 254, Type: 1, Metrics: []Metric{{2, 1400}, {8, 1360}}, Locked: 1 << 2}); err == nil {
		f.Add(b)
	}
	fuzzCodec(f, DecodeRoute, encodeRoute)
}
func FuzzNeigh(f *testing.F) { fuzzCodec(f, DecodeNeigh, encodeNeigh) }
