package nl_test

import (
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/ns"
)

// The Examples that need a kernel run here, inside the sandbox, so that
// they cannot rot.
func TestExamplesRun(t *testing.T) {
	h := testns.New(t)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ns.Do(h, func() error { ExampleConn_Execute(); return nil }))
	out := testns.Run(t, h, "ip", "-br", "link", "show", "br0")
	if len(out) == 0 {
		t.Fatal("ExampleConn_Execute made no br0")
	}
}
