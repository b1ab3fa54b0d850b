package num

import (
	"strconv"
	"testing"
)

// Numbers in the forms C's strtoul and Go's ParseUint agree on read the
// same; those ip refuses are refused.
func TestUintAsStrtoul(t *testing.T) {
	for _, c := range []struct {
		s          string
		base, bits int
		want       uint64
		ok         bool
	}{
		{"0", 0, 32, 0, true}, {"00", 0, 32, 0, true}, {"010", 0, 32, 8, true}, {"0x1F", 0, 32, 31, true},
		{"0XfF", 0, 8, 255, true}, {"0x100", 0, 8, 0, false}, {"4294967295", 0, 32, 1<<32 - 1, true},
		{"4294967296", 0, 32, 0, false}, {"18446744073709551615", 10, 64, 1<<64 - 1, true},
		{"18446744073709551616", 10, 64, 0, false}, {"", 0, 32, 0, false}, {"0x", 0, 32, 0, false},
		{"08", 0, 32, 0, false}, {"0b1", 0, 32, 0, false}, {"0o7", 0, 32, 0, false}, {"1_000", 0, 32, 0, false},
		{"+1", 0, 32, 0, false}, {"-1", 0, 32, 0, false}, {" 1", 0, 32, 0, false}, {"1 ", 0, 32, 0, false},
		{"ff", 16, 8, 255, true}, {"010", 10, 16, 10, true}, {"1a", 10, 32, 0, false},
	} {
		if got, ok := Uint(c.s, c.base, c.bits); got != c.want || ok != c.ok {
			t.Errorf("Uint(%q, %d, %d) = %d, %v; want %d, %v", c.s, c.base, c.bits, got, ok, c.want, c.ok)
		}
	}
}

func TestIntAsParseInt(t *testing.T) {
	for _, s := range []string{"0", "-0", "5", "-5", "127", "128", "-128", "-129", "x", "-", "--1", "9223372036854775807",
		"-9223372036854775808", "9223372036854775808", "-9223372036854775809"} {
		for _, bits := range []int{8, 64} {
			want, err := strconv.ParseInt(s, 10, bits)
			if err != nil {
				want = 0
			}
			if got, ok := Int(s, 10, bits); got != want || ok != (err == nil) {
				t.Errorf("Int(%q, 10, %d) = %d, %v; ParseInt says %d, %v", s, bits, got, ok, want, err)
			}
		}
	}
}

func FuzzUint(f *testing.F) {
	f.Add("0x1f", 32)
	f.Fuzz(func(t *testing.T, s string, bits int) {
		bits = 1 + (bits&63+64)%64
		got, ok := Uint(s, 10, bits)
		want, err := strconv.ParseUint(s, 10, bits)
		if s != "" && (s[0] == '+' || s[0] == '_' || s[len(s)-1] == '_') || len(s) > 1 && s[0] == '0' {
			return // forms the two read differently, by design
		}
		if ok != (err == nil) || ok && got != want {
			t.Errorf("Uint(%q, 10, %d) = %d, %v; ParseUint: %d, %v", s, bits, got, ok, want, err)
		}
	})
}
