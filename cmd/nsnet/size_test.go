package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// sizeBudget is the most a static, stripped nsnet may weigh: it has to fit
// an initramfs beside a kernel (2.5 MiB; busybox with every applet is
// about 2 MB).
const sizeBudget = 2621440

// cniBudget is the most nsnet built with the CNI plugin (-tags cni) may
// weigh: it runs on container hosts, not from an initramfs, and carries
// the plugin's 170 KB (docs/cni.md); the bound keeps that from growing.
const cniBudget = sizeBudget + 208<<10

// The budget holds for the binary nsnet ships, as `make build` makes it
// (with Go 1.25's collector: the Makefile says why), and for a plain `go
// build` (what `go install` gives a user), so that growth of nsnet's own
// code fails here whichever way it is built; and the CNI build to its own.
func TestBinarySize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go toolchain here (the 6.1 VM): the host's make test checks the size")
	}
	for _, build := range []struct {
		name, experiment, tags string
		budget                 int64
	}{
		{"go build", "", "", sizeBudget},
		{"make build", "GOEXPERIMENT=nogreenteagc", "", sizeBudget},
		{"go build -tags cni", "", "cni", cniBudget},
	} {
		bin := filepath.Join(t.TempDir(), "nsnet")
		cmd := exec.Command("go", "build", "-tags="+build.tags, "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if build.experiment != "" {
			cmd.Env = append(cmd.Env, build.experiment)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", build.name, err, out)
		}
		st, err := os.Stat(bin)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: static stripped binary of %d bytes (budget %d)", build.name, st.Size(), build.budget)
		if st.Size() > build.budget {
			t.Errorf("%s: the static binary is %d bytes, over its budget of %d by %d", build.name, st.Size(), build.budget, st.Size()-build.budget)
		}
	}
}
