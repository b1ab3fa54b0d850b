package main

import (
	"testing"

	"github.com/nsnet/nsnet/ns"
)

// hostHandle opens a named namespace in /run/netns for an oracle command.
func hostHandle(t *testing.T, name string) *ns.Handle {
	t.Helper()
	h, err := ns.Open(ns.DefaultDir, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
