package nft_test

import (
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/ns"
)

// The Examples that need a kernel run here, inside the sandbox, and nft
// checks what they did: they cannot rot.
func TestExamplesRun(t *testing.T) {
	testns.LookPath(t, "nft")
	h := testns.New(t)
	if err := ns.Do(h, func() error { ExampleConn_Commit(); return nil }); err != nil {
		t.Fatal(err)
	}
	if out := testns.Run(t, h, "nft", "list", "table", "ip", "demo"); !strings.Contains(out, "tcp dport 8080 masquerade") {
		t.Fatalf("ExampleConn_Commit left:\n%s", out)
	}
}
