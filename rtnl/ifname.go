package rtnl

import (
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"
)

// ValidLinkName checks an interface name before anything is sent, as the
// kernel's dev_valid_name would, and a little more: at most IFNAMSIZ-1
// (15) bytes, not "." or "..", no '/', ':' or whitespace. '%' is refused
// too: the kernel would expand "br%d" into the first free "br0", "br1"...,
// which is never what a script that names its links means. LinkAdd and
// LinkSet check the names they send with it.
func ValidLinkName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("interface name is empty")
	case len(name) > 15:
		return fmt.Errorf("interface name %q is longer than 15 bytes", name)
	case name == "." || name == "..":
		return fmt.Errorf("interface name %q is not allowed", name)
	case strings.IndexByte(name, '/') >= 0 || strings.IndexByte(name, ':') >= 0 || strings.IndexByte(name, '%') >= 0:
		return fmt.Errorf("interface name %q may not contain '/', ':' or '%%'", name)
	case hasSpace(name):
		return fmt.Errorf("interface name %q may not contain whitespace", name)
	}
	return nil
}

// hasSpace is the kernel's isspace over the bytes of s: tab to carriage
// return, blank, and 0xa0 (so a name holding "à", 0xc3 0xa0, is refused
// as the kernel would).
func hasSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ' ' || c >= '\t' && c <= '\r' || c == 0xa0 {
			return true
		}
	}
	return false
}
