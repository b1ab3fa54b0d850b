package main

import (
	"errors"
	"net"
	"strconv"

	"golang.org/x/sys/unix"
)

// words walks the arguments of a command, iproute2 style: a keyword,
// often followed by its value.
type words struct {
	args []string
	cmd  string // for error messages: "link add"
}

func (w *words) more() bool { return len(w.args) > 0 }

func (w *words) next() string {
	s := w.args[0]
	w.args = w.args[1:]
	return s
}

// value returns the word after keyword kw, or a usage error.
func (w *words) value(kw string) (string, error) {
	if !w.more() {
		return "", usagef("%s: %q needs a value", w.cmd, kw)
	}
	return w.next(), nil
}

func (w *words) uint(kw string, bits int) (uint64, error) {
	s, err := w.value(kw)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(s, 0, bits)
	if err != nil {
		return 0, usagef("%s: %s %q is not a number that fits %d bits", w.cmd, kw, s, bits)
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

func (w *words) mac(kw string) (net.HardwareAddr, error) {
	s, err := w.value(kw)
	if err != nil {
		return nil, err
	}
	hw, err := net.ParseMAC(s)
	if err != nil {
		return nil, usagef("%s: %s %q is not a link-layer address", w.cmd, kw, s)
	}
	return hw, nil
}

func parseUint(s string, bits int) (uint64, error) { return strconv.ParseUint(s, 0, bits) }

// isGone reports an error saying the object is already absent, which a
// flush may meet when the kernel removed it first.
func isGone(err error) bool {
	return errors.Is(err, unix.EADDRNOTAVAIL) || errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ESRCH)
}
