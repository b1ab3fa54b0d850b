package rtnl

import "errors"

// HardwareAddr is a link-layer address: 6 bytes for Ethernet, other
// lengths for other link types (IPoIB has 20, a tunnel 4 or 16). It is
// its own type rather than net.HardwareAddr so that the library does not
// pull the net package (resolver and all) into a small static binary.
type HardwareAddr []byte

const hexDigits = "0123456789abcdef"

// String is the address as ip prints it: lower-case hex bytes joined by
// colons.
//
// Not inlined: the printers call it in eight places.
//
//go:noinline
func (a HardwareAddr) String() string {
	if len(a) == 0 {
		return ""
	}
	b := make([]byte, 0, 3*len(a))
	for i, c := range a {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return string(b)
}

// ParseHardwareAddr reads what ip's lladdr accepts: bytes of one or two
// hex digits separated by colons, any number of them ("2:0:0:0:0:9" is
// 02:00:00:00:00:09).
func ParseHardwareAddr(s string) (HardwareAddr, error) {
	var a HardwareAddr
	for len(s) > 0 {
		n := 0
		var v byte
		for n < len(s) && n < 3 && s[n] != ':' {
			d, ok := hexValue(s[n])
			if !ok {
				return nil, errors.New("not a hex digit: " + s[n:n+1])
			}
			v = v<<4 | d
			n++
		}
		if n == 0 || n > 2 {
			return nil, errors.New("each byte is one or two hex digits")
		}
		a = append(a, v)
		s = s[n:]
		if len(s) > 0 { // s[0] is ':'
			s = s[1:]
			if s == "" {
				return nil, errors.New("ends with ':'")
			}
		}
	}
	if len(a) == 0 {
		return nil, errors.New("empty address")
	}
	return a, nil
}

func hexValue(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
