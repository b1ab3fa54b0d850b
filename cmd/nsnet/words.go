package main

import (
	"errors"
	"io/fs"
	"slices"
	"strconv"

	"github.com/nsnet/nsnet/internal/fmt"
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
	n, err := strconv.ParseUint(s, 0, bits)
	if err != nil {
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

func parseUint(s string, bits int) (uint64, error) { return strconv.ParseUint(s, 0, bits) }

// isGone reports an error saying the object is already absent, which a
// flush may meet when the kernel removed it first, and `down` when a part
// of the topology is gone already.
func isGone(err error) bool {
	return errors.Is(err, unix.EADDRNOTAVAIL) || errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ESRCH) ||
		errors.Is(err, unix.ENODEV) || errors.Is(err, fs.ErrNotExist)
}

// exists reports an error saying the object is there already.
func exists(err error) bool { return errors.Is(err, unix.EEXIST) || errors.Is(err, fs.ErrExist) }
