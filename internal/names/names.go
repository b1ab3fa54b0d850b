// Package names holds the kernel's names for the numbers netlink speaks
// in: message types, each numbering of attributes (a space: IFLA_*,
// RTA_*, NFTA_RULE_*…) and errnos, generated from x/sys's constants. A
// trace names every attribute with them, and an error names the one the
// kernel's extended ACK points at.
package names

import (
	"strconv"
	"strings"
)

//go:generate go run ./gen

// Space is one numbering of attributes or message types.
type Space uint8

// Name is the constant's name for number n in space sp ("IFLA_MTU"), or
// "" when the headers x/sys was generated from had none.
func Name(sp Space, n int) string {
	if int(sp) >= len(spaceNames) || n < 0 {
		return ""
	}
	s := spaceNames[sp]
	if w, ok := Nth(s, n+1); ok && w != "-" {
		return s[:PrefixLen(sp)] + w
	}
	return ""
}

// Label is Name, or n in decimal when it has none.
func Label(sp Space, n int) string {
	if s := Name(sp, n); s != "" {
		return s
	}
	return strconv.Itoa(n)
}

// PrefixLen is the length of the prefix sp's names share ("IFLA_"), 0
// for a space it does not know.
func PrefixLen(sp Space) int {
	if int(sp) >= len(spaceNames) {
		return 0
	}
	return strings.IndexByte(spaceNames[sp], ' ')
}

// Nth is word n (from 0) of the blank-separated words of s.
//
//go:noinline
func Nth(s string, n int) (string, bool) {
	for ; n > 0; n-- {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return "", false
		}
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, ' '); i >= 0 {
		s = s[:i]
	}
	return s, s != ""
}
