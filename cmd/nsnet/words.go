package main

import (
	"errors"
	"io/fs"
	"slices"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

// words walks the arguments of a command, iproute2 style: a keyword,
// often followed by its value.
type words struct {
	args []string
	cmd  string // for error messages: "link add"
	// The keywords whose value was read: each at most once, like ip. The
	// first few in an array, so that a usual line allocates nothing.
	seen     [8]string
	nseen    int
	seenMore []string
	// family is what -4 or -6 asked for (afInet, afInet6; 0: either):
	// addresses and prefixes of the other family are refused, as ip
	// refuses them, instead of sent.
	family int
}

// words are the arguments of e's command cmd. Not inlined: its two dozen
// callers would each zero the array.
//
//go:noinline
func (e *env) words(args []string, cmd string) *words {
	return &words{args: args, cmd: cmd, family: e.family}
}

func (w *words) more() bool { return len(w.args) > 0 }

// usagef is a usage error of w's command: "CMD: " and the message. Not
// inlined: it has fifty callers.
//
//go:noinline
func (w *words) usagef(format string, a ...any) error {
	return &usageError{w.cmd + ": " + fmt.Sprintf(format, a...)}
}

//go:noinline
func (w *words) next() string {
	s := w.args[0]
	w.args = w.args[1:]
	return s
}

// value returns the word after keyword kw, or a usage error. A keyword
// given twice is refused, as ip refuses it ("either "mtu" is duplicate, or
// "1300" is a garbage"): which one was meant is anybody's guess.
func (w *words) value(kw string) (string, error) {
	if !w.more() {
		return "", w.usagef("%q needs a value", kw)
	}
	if slices.Contains(w.seen[:w.nseen], kw) || slices.Contains(w.seenMore, kw) {
		return "", w.usagef("%q given twice", kw)
	}
	if w.nseen < len(w.seen) {
		w.seen[w.nseen], w.nseen = kw, w.nseen+1
	} else {
		w.seenMore = append(w.seenMore, kw)
	}
	return w.next(), nil
}

// onOff reads the on|off after keyword kw.
func (w *words) onOff(kw string) (bool, error) {
	s, err := w.value(kw)
	switch {
	case err != nil:
		return false, err
	case s == "on":
		return true, nil
	case s == "off":
		return false, nil
	}
	return false, w.usagef("%s %q: want on or off", kw, s)
}

// scope starts a part of the grammar where keywords may come again: the
// words after `type KIND`, a veth's peer, each nexthop.
//
//go:noinline
func (w *words) scope() { w.nseen, w.seenMore = 0, w.seenMore[:0] }

func (w *words) uint(kw string, bits int) (uint64, error) {
	s, err := w.value(kw)
	if err != nil {
		return 0, err
	}
	return w.uintOf(kw, s, bits)
}

// uintOf is uint for the value s of kw, already read.
func (w *words) uintOf(kw, s string, bits int) (uint64, error) {
	n, ok := num.Uint(s, 0, bits)
	if !ok {
		return 0, w.usagef("%s %q is not a number from 0 to %d", kw, s, uint64(1)<<bits-1)
	}
	return n, nil
}

func (w *words) ifname(kw string) (string, error) {
	s, err := w.value(kw)
	if err != nil {
		return "", err
	}
	return s, validIfname(s)
}

// validIfname is rtnl.ValidLinkName as a usage error: nothing was sent.
func validIfname(name string) error {
	if err := rtnl.ValidLinkName(name); err != nil {
		return usagef("%v", err)
	}
	return nil
}

func (w *words) mac(kw string) (rtnl.HardwareAddr, error) {
	s, err := w.value(kw)
	if err != nil {
		return nil, err
	}
	hw, err := rtnl.ParseHardwareAddr(s)
	if err != nil {
		return nil, w.usagef("%s %q is not a link-layer address", kw, s)
	}
	return hw, nil
}

// addr reads s, the value of keyword kw (or a word of its own when kw is
// ""), as an address of the family asked for.
func (w *words) addr(kw, s string) (netaddr.Addr, error) {
	a, err := netaddr.ParseAddr(s)
	if err != nil || !w.ofFamily(a) {
		return a, w.expected(kw, "address", s)
	}
	return a, nil
}

// prefix reads s as a prefix of the family asked for, or an address as a
// host prefix (/32, /128) as ip does.
func (w *words) prefix(kw, s string) (netaddr.Prefix, error) {
	p, err := parsePrefixOrHost(s)
	if err != nil || !w.ofFamily(p.Addr()) {
		return p, w.expected(kw, "prefix", s)
	}
	return p, nil
}

func (w *words) ofFamily(a netaddr.Addr) bool {
	return w.family == 0 || a.Is4() == (w.family == afInet)
}

// expected is ip's get_addr and get_prefix refusal: `inet6 prefix is
// expected rather than "10.0.0.0/24"`, after the keyword if there is one.
func (w *words) expected(kw, what, s string) error {
	fam := "any valid"
	if w.family != 0 {
		fam = ipfmt.Families.Name(uint32(w.family))
	}
	if kw != "" {
		kw += ": "
	}
	return w.usagef("%s%s %s is expected rather than %q", kw, fam, what, s)
}

// flushed reports a flush of n objects under -s as ip reports its rounds
// (nsnet's flush needs one), or none when there were none.
func (e *env) flushed(n int, what, none string) {
	switch {
	case e.stats == 0:
	case n == 0:
		fmt.Fprintln(e.stdout, none)
	default:
		fmt.Fprintf(e.stdout, "\n*** Round 1, deleting %d %s ***\n*** Flush is complete after 1 round ***\n", n, what)
	}
}

// isGone reports an error saying the object is already absent, which a
// flush may meet when the kernel removed it first, and `down` when a part
// of the topology is gone already.
func isGone(err error) bool {
	return errors.Is(err, unix.EADDRNOTAVAIL) || errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ESRCH) ||
		errors.Is(err, unix.ENODEV) || errors.Is(err, fs.ErrNotExist)
}

// exists reports an error saying the object is there already.
func exists(err error) bool { return errors.Is(err, unix.EEXIST) || errors.Is(err, fs.ErrExist) }
