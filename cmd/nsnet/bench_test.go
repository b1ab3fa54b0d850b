package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
)

// 2,000 `route add` lines through -batch, as `ip -batch` takes them.
func BenchmarkBatchRouteAdd2000(b *testing.B) {
	var lines strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&lines, "route add 10.%d.%d.0/24 dev v0\n", i/250, i%250)
	}
	file := filepath.Join(b.TempDir(), "routes")
	os.WriteFile(file, []byte(lines.String()), 0o644)
	for b.Loop() {
		b.StopTimer()
		h := testns.New(b)
		n := nsArg(h)
		mustCLI(b, "-n", n, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
		mustCLI(b, "-n", n, "link", "set", "v0", "up")
		b.StartTimer()
		mustCLI(b, "-n", n, "-batch", file)
	}
}
