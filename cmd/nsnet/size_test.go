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

// The binary is built exactly as `make build` builds it.
func TestBinarySize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go toolchain here (the 6.1 VM): the host's make test checks the size")
	}
	bin := filepath.Join(t.TempDir(), "nsnet")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOEXPERIMENT=nogreenteagc") // as the Makefile says why
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	st, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("static stripped binary: %d bytes (budget %d)", st.Size(), sizeBudget)
	if st.Size() > sizeBudget {
		t.Errorf("the static binary is %d bytes, over the budget of %d (2.5 MiB) by %d", st.Size(), sizeBudget, st.Size()-sizeBudget)
	}
}
