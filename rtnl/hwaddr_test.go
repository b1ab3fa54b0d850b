package rtnl

import (
	"bytes"
	"testing"
)

func TestHardwareAddr(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []byte
		out  string
	}{
		{"02:00:00:00:00:09", []byte{2, 0, 0, 0, 0, 9}, "02:00:00:00:00:09"},
		{"2:0:0:0:0:9", []byte{2, 0, 0, 0, 0, 9}, "02:00:00:00:00:09"},
		{"AA:bb:0c:d:e:FF", []byte{0xaa, 0xbb, 0xc, 0xd, 0xe, 0xff}, "aa:bb:0c:0d:0e:ff"},
		{"c0:a8:00:01", []byte{0xc0, 0xa8, 0, 1}, "c0:a8:00:01"},
		{"ff", []byte{0xff}, "ff"},
	} {
		got, err := ParseHardwareAddr(tc.in)
		if err != nil || !bytes.Equal(got, tc.want) || got.String() != tc.out {
			t.Errorf("ParseHardwareAddr(%q) = %v (%s), %v; want %v (%s)", tc.in, []byte(got), got, err, tc.want, tc.out)
		}
	}
	for _, bad := range []string{"", ":", "02:", ":02", "02::03", "123:4", "0g:00", "02-00-00-00-00-09", "02 00"} {
		if a, err := ParseHardwareAddr(bad); err == nil {
			t.Errorf("ParseHardwareAddr(%q) = %v, want an error", bad, a)
		}
	}
	if s := HardwareAddr(nil).String(); s != "" {
		t.Errorf("nil address prints %q", s)
	}
}

// ParseHardwareAddr never panics, and what it accepts prints back to a
// form it reads as the same bytes.
func FuzzHardwareAddr(f *testing.F) {
	for _, s := range []string{"02:00:00:00:00:09", "2:0:0:0:0:9", "ff", ":", "0g", "aa:bb:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseHardwareAddr(s)
		if err != nil {
			return
		}
		b, err := ParseHardwareAddr(a.String())
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("%q -> %v -> %q -> %v, %v", s, []byte(a), a.String(), []byte(b), err)
		}
	})
}
