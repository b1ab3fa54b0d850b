package nl

import (
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	got := Describe(goldenBridgeAdd)
	for _, want := range []string{"len=56 type=16 flags=0x605 seq=1", "  0010  00 00", "  0030  62 72 69 64 67 65 00 00"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if !strings.Contains(Describe([]byte{1, 2}), "malformed") {
		t.Error("short message not described as malformed")
	}
}
