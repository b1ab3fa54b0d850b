package names

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// names_gen.go is what `go generate` makes from the x/sys in go.mod.
func TestNamesGenerated(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go toolchain here (the 6.1 VM)")
	}
	out := filepath.Join(t.TempDir(), "names.go")
	if b, err := exec.Command("go", "run", "./gen", "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("go run ./gen: %v\n%s", err, b)
	}
	want, _ := os.ReadFile(out)
	got, _ := os.ReadFile("names_gen.go")
	if !bytes.Equal(got, want) {
		t.Fatal("names_gen.go is not what gen makes: run go generate ./internal/names")
	}
}

func TestName(t *testing.T) {
	for _, c := range []struct {
		sp          Space
		n           int
		name, label string
	}{
		{Link, 4, "IFLA_MTU", "IFLA_MTU"},
		{Route, 10, "", "10"}, // RTA_PROTOINFO, gone from the headers
		{LinkInfo, 1, "IFLA_INFO_KIND", "IFLA_INFO_KIND"},
		{Link, 1000, "", "1000"},
		{Link, -1, "", "-1"},
		{Space(200), 1, "", "1"},
	} {
		if got := Name(c.sp, c.n); got != c.name {
			t.Errorf("Name(%d, %d) = %q, want %q", c.sp, c.n, got, c.name)
		}
		if got := Label(c.sp, c.n); got != c.label {
			t.Errorf("Label(%d, %d) = %q, want %q", c.sp, c.n, got, c.label)
		}
	}
}
