package ns_test

import (
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
	. "github.com/nsnet/nsnet/ns"
)

// The Examples run here, inside the sandbox, and their effect is checked:
// they cannot rot.
func TestExamplesRun(t *testing.T) {
	testns.DefaultNetnsDir(t)
	ExampleAdd()
	defer Delete(DefaultDir, "blue")
	ExampleDo()
	ExampleExec()
	ExampleSetSysctl()
	blue, err := Open(DefaultDir, "blue")
	if err != nil {
		t.Fatal(err)
	}
	defer blue.Close()
	if v, err := Sysctl(blue, "net.ipv4.ip_forward"); err != nil || v != "1" {
		t.Fatalf("after ExampleSetSysctl: %q %v", v, err)
	}
	if v, err := Sysctl(nil, "net.ipv4.ip_forward"); err != nil || v != "0" {
		t.Fatalf("ExampleSetSysctl changed the sandbox's own namespace: %q %v", v, err)
	}
}
