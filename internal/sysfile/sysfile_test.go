package sysfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestAccount(t *testing.T) {
	f := filepath.Join(t.TempDir(), "passwd")
	os.WriteFile(f, []byte("root:x:0:0:root:/root:/bin/sh\n#comment\nbad line\nnobody:x:65534:65534::/:/bin/false\nx:x:notanumber:1\n"), 0o644)
	for _, c := range []struct {
		name   string
		id     uint32
		wantN  string
		wantID uint32
		ok     bool
	}{
		{"nobody", 0, "nobody", 65534, true}, {"", 65534, "nobody", 65534, true}, {"", 0, "root", 0, true},
		{"x", 0, "", 0, false}, {"", 7, "", 0, false}, {"ghost", 0, "", 0, false},
	} {
		n, id, ok := Account(f, c.name, c.id)
		if n != c.wantN || id != c.wantID || ok != c.ok {
			t.Errorf("Account(%q, %d) = %q, %d, %v; want %q, %d, %v", c.name, c.id, n, id, ok, c.wantN, c.wantID, c.ok)
		}
	}
	if _, _, ok := Account(filepath.Join(t.TempDir(), "none"), "root", 0); ok {
		t.Error("a missing file found an account")
	}
}
