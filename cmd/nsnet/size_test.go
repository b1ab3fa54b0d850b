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

// The budget holds for a plain `go build` (what `go install` gives a
// user), which carries Go 1.26's new collector (48 KB more of runtime than
// any program had), and so for the binary nsnet ships, `make build`, which
// uses the old one (the Makefile says why). The CNI build has its own.
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
		size := buildSize(t, ".", build.tags, build.experiment)
		t.Logf("%s: static stripped binary of %d bytes (budget %d)", build.name, size, build.budget)
		if size > build.budget {
			t.Errorf("%s: the static binary is %d bytes, over its budget of %d by %d", build.name, size, build.budget, size-build.budget)
		}
	}
}

// buildSize builds pkg static and stripped, as make build does, and
// returns the binary's size.
func buildSize(t *testing.T, pkg, tags, experiment string) int64 {
	bin := filepath.Join(t.TempDir(), "bin")
	cmd := exec.Command("go", "build", "-tags="+tags, "-trimpath", "-ldflags=-s -w", "-o", bin, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if experiment != "" {
		cmd.Env = append(cmd.Env, experiment)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s %s: %v\n%s", pkg, experiment, err, out)
	}
	st, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}
