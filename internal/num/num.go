// Package num reads numbers as ip reads them, with C's strtoul: base 0
// takes a 0x or 0X prefix as hexadecimal, a leading 0 as octal, anything
// else as decimal. It is not strconv.ParseUint, for two reasons: that
// takes Go's 0b, 0o and 1_000, which ip refuses; and its errors, which
// nsnet never shows (it says what the number was for instead), bring
// 5 KB into a binary that must fit an initramfs.
package num

// Uint reads s, all of it, as an unsigned number of at most bits bits
// in base (0, 8, 10 or 16). No sign, no blanks: ip refuses them.
//
//go:noinline
func Uint(s string, base, bits int) (uint64, bool) {
	if base == 0 {
		base = 10
		switch {
		case len(s) > 2 && s[0] == '0' && s[1]|0x20 == 'x':
			base, s = 16, s[2:]
		case len(s) > 1 && s[0] == '0':
			base, s = 8, s[1:]
		}
	}
	max := uint64(1)<<bits - 1 // all ones for 64: Go's shift makes 0
	var n uint64
	for i := 0; i < len(s); i++ {
		d := uint64(digit(s[i]))
		if d >= uint64(base) || d > max || n > (max-d)/uint64(base) {
			return 0, false
		}
		n = n*uint64(base) + d
	}
	return n, s != ""
}

// Int is Uint with an optional '-' before the number, which must fit in
// bits bits with its sign.
func Int(s string, base, bits int) (int64, bool) {
	neg := s != "" && s[0] == '-'
	if neg {
		s = s[1:]
	}
	n, ok := Uint(s, base, 64)
	least := uint64(1) << (bits - 1) // the size of the most negative
	if !ok || n > least || n == least && !neg {
		return 0, false
	}
	if neg {
		return -int64(n), true
	}
	return int64(n), true
}

// digit is the value of a digit of any base up to 36; 36 for a byte
// that is none.
func digit(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c|0x20 >= 'a' && c|0x20 <= 'z':
		return c | 0x20 - 'a' + 10
	}
	return 36
}
