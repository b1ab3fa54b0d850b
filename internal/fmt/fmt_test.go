package fmt_test

import (
	"errors"
	stdfmt "fmt"
	"io/fs"
	"testing"
	"time"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/netaddr"
)

type state uint8
type name string
type pt struct {
	A int
	B string
	C []byte
}

type nilStringer struct{ s string }

func (n *nilStringer) String() string { return n.s }

// Every directive nsnet's code uses is compared with the standard fmt.
func TestSameAsStandard(t *testing.T) {
	var np *nilStringer
	cases := []struct {
		format string
		args   []any
	}{
		{"plain", nil},
		{"%s and %q", []any{"x y", "a\"b\n"}},
		{"%d %d %d %d %d", []any{-5, uint8(200), int64(-1 << 40), uint64(1 << 63), uintptr(7)}},
		{"%v %v %s", []any{state(3), name("n"), name("m")}},
		{"%04x 0x%x %x %#x", []any{42, uint32(0xdead), []byte{1, 0xab}, 255}},
		{"% x|%x", []any{[]byte{1, 2, 0xff}, "AB"}},
		{"%-16s|%14s|%-12d|%6d|%8s", []any{"veth0@if2", "UP", int64(4026531840), 3, "-"}},
		{" %*s %*d", []any{7, "RX:", 9, 12345}},
		{"%v %s %d", []any{netaddr.MustParseAddr("10.0.0.1"), 2 * time.Second, -0}},
		{"%v|%s|%v", []any{errors.New("boom"), fs.ErrNotExist, nil}},
		{"%v %t", []any{true, false}},
		{"%v %s", []any{np, np}},
		{"100%% %d", []any{1}},
		{"%q", []any{"é\x00"}},
		{"%q|%q", []any{"\a\b\t\n\v\f\r\x1b\x7f\xff\xc3 \\ \"q\" ünï €", ""}},
		{"%+d % d", []any{5, 5}},
	}
	for _, c := range cases {
		want := stdfmt.Sprintf(c.format, c.args...)
		if got := fmt.Sprintf(c.format, c.args...); got != want {
			t.Errorf("Sprintf(%q) = %q, want %q", c.format, got, want)
		}
	}
	for _, args := range [][]any{{"a", 1, 2, "b", state(1)}, {1, "x"}, {}, {errors.New("e"), 3}} {
		if got, want := fmt.Sprint(args...), stdfmt.Sprint(args...); got != want {
			t.Errorf("Sprint(%v) = %q, want %q", args, got, want)
		}
	}
}

// Quote writes a rune strconv calls unprintable as it is (see its doc).
func TestQuoteKeepsRunes(t *testing.T) {
	if got := fmt.Quote("a\u200bb"); got != "\"a\u200bb\"" {
		t.Errorf("Quote = %q", got)
	}
}

// What is not supported shows in the output instead of passing silently.
func TestUnsupportedShows(t *testing.T) {
	if got := fmt.Sprintf("%f %e %d %v", 1.5, 2, "s", pt{A: 1}); got != "%!f(?) %!e(int) %!d(string=s) %!v(?)" {
		t.Errorf("got %q", got)
	}
}

func TestErrorfWraps(t *testing.T) {
	inner := fs.ErrPermission
	err := fmt.Errorf("open %q: %w", "x", inner)
	if err.Error() != `open "x": permission denied` || !errors.Is(err, fs.ErrPermission) {
		t.Errorf("one %%w: %q, Is=%v", err, errors.Is(err, fs.ErrPermission))
	}
	two := fmt.Errorf("%w and %w", inner, fs.ErrExist)
	if !errors.Is(two, fs.ErrExist) || !errors.Is(two, fs.ErrPermission) {
		t.Errorf("two %%w: %v", two)
	}
	if plain := fmt.Errorf("no wrap %v", inner); errors.Is(plain, inner) {
		t.Error("a plain operand was wrapped")
	}
	if got := fmt.Sprintf("%d %d", 1); got != "1 %!d(MISSING)" {
		t.Errorf("missing operand: %q", got)
	}
}
