package nl_test

import (
	"testing"

	"github.com/nsnet/nsnet/nl"
)

// 1,000 `ip addr add` requests, one round trip each (what ip -batch does).
func BenchmarkAddrAddOneByOne(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		c := dial(b, nil)
		b.StartTimer()
		for i := range 1000 {
			if _, err := c.Execute(addAddr(i)); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// The same 1,000 requests pipelined: many to a write, one ACK a write.
func BenchmarkAddrAddBatch(b *testing.B) {
	reqs := make([]nl.Message, 1000)
	for i := range reqs {
		reqs[i] = addAddr(i)
	}
	for b.Loop() {
		b.StopTimer()
		c := dial(b, nil)
		b.StartTimer()
		if _, err := c.Batch(reqs); err != nil {
			b.Fatal(err)
		}
	}
}

// Dumping 10,000 addresses.
func BenchmarkDumpAddrs10k(b *testing.B) {
	c := dial(b, nil)
	reqs := make([]nl.Message, 10000)
	for i := range reqs {
		reqs[i] = addAddr(i)
	}
	if _, err := c.Batch(reqs); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		n := 0
		if err := c.Dump(getAddrs(), func(nl.Message) error { n++; return nil }); err != nil || n != 10000 {
			b.Fatal(n, err)
		}
	}
}
