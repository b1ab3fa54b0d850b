package rtnl

import (
	"strings"
	"unicode"

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
	case strings.ContainsAny(name, "/:%"):
		return fmt.Errorf("interface name %q may not contain '/', ':' or '%%'", name)
	case strings.IndexFunc(name, unicode.IsSpace) >= 0:
		return fmt.Errorf("interface name %q may not contain whitespace", name)
	}
	return nil
}
