package main

import "testing"

// The label filter's patterns match as glibc's fnmatch(pattern, s, 0)
// does: the expectations are what glibc answered for each pair.
func TestFnmatchAsGlibc(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{`*`, `anything`, true}, {`*`, ``, true}, {`eth*`, `eth0`, true}, {`eth*`, `veth0`, false},
		{`e?h0`, `eth0`, true}, {`e?h0`, `eh0`, false}, {`[ab]c`, `ac`, true}, {`[ab]c`, `cc`, false},
		{`[!ab]c`, `cc`, true}, {`[^ab]c`, `ac`, false}, {`[a-c]x`, `bx`, true}, {`[a-c]x`, `dx`, false},
		{`[]a]`, `]`, true}, {`[!]a]`, `b`, true}, {`[`, `[`, true}, {`[ab`, `[ab`, true}, {`[ab`, `a`, false},
		{`a\*`, `a*`, true}, {`a\*`, `ab`, false}, {`\`, `\`, false}, {`a*b*c`, `aXbYc`, true},
		{`a*b*c`, `aXbY`, false}, {`dev:*`, `dev:a/b`, true}, {`*0`, `eth0:1`, false}, {`[a-]`, `-`, true},
		{`[a-]`, `b`, false}, {`[\]]`, `]`, true}, {`**`, `x`, true}, {`x:[0-9]`, `x:5`, true},
		{`*[`, `a[`, true}, {`[z-a]`, `m`, false}, {`?`, ``, false},
	} {
		if got := fnmatch(c.pattern, c.s); got != c.want {
			t.Errorf("fnmatch(%q, %q) = %v, glibc says %v", c.pattern, c.s, got, c.want)
		}
	}
}
