package netaddr

// ParseAddr reads "192.168.15.1" or "fd00::1" (or "::ffff:192.168.15.1").
// An IPv4 address is four decimal numbers without leading zeros, as
// netip and inet_pton take it; a zone ("%eth0") is refused.
func ParseAddr(s string) (Addr, error) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return parse6(s)
		}
	}
	a, ok := parse4(s)
	if !ok {
		return Addr{}, &Error{"ParseAddr", s, errAddr}
	}
	return a, nil
}

// MustParseAddr is ParseAddr for constants; it panics on a bad one.
func MustParseAddr(s string) Addr {
	a, err := ParseAddr(s)
	if err != nil {
		panic(err)
	}
	return a
}

func parse4(s string) (Addr, bool) {
	a := Addr{n: 4}
	for i := range 4 {
		if i > 0 {
			if s == "" || s[0] != '.' {
				return Addr{}, false
			}
			s = s[1:]
		}
		v, rest, ok := decimal(s, 255, false)
		if !ok {
			return Addr{}, false
		}
		a.b[i], s = byte(v), rest
	}
	return a, s == ""
}

// decimal reads a number up to max from the front of s: digits, no sign,
// and no leading zero unless zeros (a port's may have them: netip's do).
func decimal(s string, max int, zeros bool) (v int, rest string, ok bool) {
	i := 0
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		if v = v*10 + int(s[i]-'0'); v > max || i == 1 && s[0] == '0' && !zeros {
			return 0, s, false
		}
	}
	return v, s[i:], i > 0
}

func parse6(s string) (Addr, error) {
	in := s
	a := Addr{n: 16}
	ellipsis := -1 // where "::" stands, in bytes
	i := 0
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		ellipsis, s = 0, s[2:]
	}
	for s != "" && i < 16 {
		v, n := 0, 0 // one group of up to four hex digits
		for ; n < len(s) && n < 5; n++ {
			d := hexval(s[n])
			if d < 0 {
				break
			}
			v = v<<4 | d
		}
		if n == 0 || n > 4 {
			return Addr{}, &Error{"ParseAddr", in, errAddr}
		}
		if n < len(s) && s[n] == '.' { // the last 32 bits dotted
			if i > 12 {
				return Addr{}, &Error{"ParseAddr", in, errAddr}
			}
			v4, ok := parse4(s)
			if !ok {
				return Addr{}, &Error{"ParseAddr", in, errAddr}
			}
			copy(a.b[i:], v4.b[:4])
			i, s = i+4, ""
			break
		}
		a.b[i], a.b[i+1] = byte(v>>8), byte(v)
		i, s = i+2, s[n:]
		if s == "" {
			break
		}
		if s[0] != ':' || len(s) == 1 {
			return Addr{}, &Error{"ParseAddr", in, errAddr}
		}
		s = s[1:]
		if s[0] == ':' {
			if ellipsis >= 0 {
				return Addr{}, &Error{"ParseAddr", in, errAddr}
			}
			ellipsis, s = i, s[1:]
		}
	}
	if s != "" || ellipsis < 0 && i != 16 || ellipsis >= 0 && i == 16 {
		return Addr{}, &Error{"ParseAddr", in, errAddr}
	}
	if ellipsis >= 0 { // move what followed "::" to the end
		n := i - ellipsis
		copy(a.b[16-n:], a.b[ellipsis:i])
		clear(a.b[ellipsis : 16-n])
	}
	return a, nil
}

func hexval(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// ParsePrefix reads "192.168.15.1/24" (the address keeps its host bits).
func ParsePrefix(s string) (Prefix, error) {
	i := len(s) - 1
	for i >= 0 && s[i] != '/' {
		i--
	}
	if i < 0 {
		return Prefix{}, &Error{"ParsePrefix", s, errLength}
	}
	a, err := ParseAddr(s[:i])
	if err != nil {
		return Prefix{}, &Error{"ParsePrefix", s, errAddr}
	}
	bits, rest, ok := decimal(s[i+1:], a.BitLen(), false)
	if !ok || rest != "" {
		return Prefix{}, &Error{"ParsePrefix", s, errLength}
	}
	return PrefixFrom(a, bits), nil
}

// MustParsePrefix is ParsePrefix for constants; it panics on a bad one.
func MustParsePrefix(s string) Prefix {
	p, err := ParsePrefix(s)
	if err != nil {
		panic(err)
	}
	return p
}

// ParseAddrPort reads "192.168.15.2:80" or "[fd00::2]:80".
func ParseAddrPort(s string) (AddrPort, error) {
	i := len(s) - 1
	for i >= 0 && s[i] != ':' {
		i--
	}
	if i < 0 {
		return AddrPort{}, &Error{"ParseAddrPort", s, errPort}
	}
	host := s[:i]
	if len(host) >= 2 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
		for j := 0; j < len(host) && host != ""; j++ {
			if host[j] == ':' {
				break
			}
			if j == len(host)-1 {
				host = "" // brackets are for IPv6 only
			}
		}
	} else {
		for j := 0; j < len(host); j++ {
			if host[j] == ':' {
				host = "" // an IPv6 address needs its brackets
			}
		}
	}
	a, err := ParseAddr(host)
	port, rest, ok := decimal(s[i+1:], 65535, true)
	if err != nil || !ok || rest != "" {
		return AddrPort{}, &Error{"ParseAddrPort", s, errPort}
	}
	return AddrPort{a, uint16(port)}, nil
}

// MustParseAddrPort is ParseAddrPort for constants; it panics on a bad one.
func MustParseAddrPort(s string) AddrPort {
	ap, err := ParseAddrPort(s)
	if err != nil {
		panic(err)
	}
	return ap
}

// String is the address as ip prints it; "invalid IP" for the zero Addr.
//
//go:noinline
func (a Addr) String() string {
	if a.n == 0 {
		return "invalid IP"
	}
	return string(a.AppendTo(make([]byte, 0, 39)))
}

// AppendTo appends the address's text to b (nothing for the zero Addr).
//
//go:noinline
func (a Addr) AppendTo(b []byte) []byte {
	switch a.n {
	case 4:
		return append4(b, a.b[:4])
	case 16:
		return a.append6(b)
	}
	return b
}

func append4(b, v []byte) []byte {
	for i, x := range v {
		if i > 0 {
			b = append(b, '.')
		}
		if x >= 100 {
			b = append(b, '0'+x/100)
		}
		if x >= 10 {
			b = append(b, '0'+x/10%10)
		}
		b = append(b, '0'+x%10)
	}
	return b
}

// append6 writes eight groups, the longest run of two or more zero groups
// (the first of equal ones) as "::", as RFC 5952 and inet_ntop do.
func (a Addr) append6(b []byte) []byte {
	best, bestLen := -1, 1
	for i := 0; i < 8; {
		j := i
		for j < 8 && a.b[2*j] == 0 && a.b[2*j+1] == 0 {
			j++
		}
		if j-i > bestLen {
			best, bestLen = i, j-i
		}
		i = j + 1
	}
	// inet_ntop's embedded IPv4: ::a.b.c.d (but not :: or ::1) and ::ffff:a.b.c.d.
	dotted := best == 0 && (bestLen == 6 || bestLen == 5 && a.b[10] == 0xff && a.b[11] == 0xff)
	const hex = "0123456789abcdef"
	for i := 0; i < 8; i++ {
		if i == best {
			b = append(b, ':', ':')
			i += bestLen - 1
			continue
		}
		if i > 0 && i != best+bestLen {
			b = append(b, ':')
		}
		if dotted && i == 6 {
			return append4(b, a.b[12:])
		}
		v := uint16(a.b[2*i])<<8 | uint16(a.b[2*i+1])
		started := false
		for shift := 12; shift >= 0; shift -= 4 {
			if d := v >> shift & 0xf; d != 0 || started || shift == 0 {
				b, started = append(b, hex[d]), true
			}
		}
	}
	return b
}

// String is "ADDR/BITS"; "invalid Prefix" for a prefix that is not valid.
//
//go:noinline
func (p Prefix) String() string {
	if !p.IsValid() {
		return "invalid Prefix"
	}
	b := p.a.AppendTo(make([]byte, 0, 43))
	return string(appendInt(append(b, '/'), p.Bits()))
}

// String is "ADDR:PORT", with the IPv6 address in brackets.
func (ap AddrPort) String() string {
	b := make([]byte, 0, 47)
	if ap.a.n == 16 {
		b = append(ap.a.AppendTo(append(b, '[')), ']')
	} else {
		b = ap.a.AppendTo(b)
	}
	return string(appendInt(append(b, ':'), int(ap.port)))
}

//go:noinline
func appendInt(b []byte, v int) []byte {
	if v >= 10 {
		b = appendInt(b, v/10)
	}
	return append(b, byte('0'+v%10))
}
