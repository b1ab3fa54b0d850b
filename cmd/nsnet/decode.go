package main

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/rawos"
	"github.com/nsnet/nsnet/internal/sysfile"
	"github.com/nsnet/nsnet/internal/trace"
	"github.com/nsnet/nsnet/nl"
)

const decodeHelp = `Usage: nsnet [-trace=brief|full|json] decode [route|netfilter|NUMBER] [FILE|-]

Shows netlink messages as -trace does, read from FILE (standard input when
it is - or absent): a pcap file of link type NETLINK (what -pcap writes, or
tcpdump -w on an nlmon device), or text with one datagram a line in hex -
digit pairs, spaced or not, after an optional OFFSET: - or as the C string
escapes strace -xx prints ("\x14\x00\x00\x00..."). A text line that starts
with < came from the kernel, any other was sent to it; the protocol of text
is route (NETLINK_ROUTE) unless given. Nothing is sent to the kernel.

Examples:
  nsnet -pcap /tmp/br.pcap link add br0 type bridge
  nsnet -trace=full decode /tmp/br.pcap
  echo '20 00 00 00 12 00 01 03 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00' | nsnet decode
`

var netlinkProtocols = []struct {
	name  string
	proto int
}{{"route", unix.NETLINK_ROUTE}, {"netfilter", unix.NETLINK_NETFILTER}, {"generic", unix.NETLINK_GENERIC}}

func runDecode(e *env, args []string) error {
	proto, file := unix.NETLINK_ROUTE, "-"
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(e.stdout, decodeHelp)
		return nil
	}
	if len(args) > 0 {
		for _, p := range netlinkProtocols {
			if args[0] == p.name {
				proto, args = p.proto, args[1:]
				break
			}
		}
	}
	if len(args) > 0 {
		if n, err := strconv.ParseUint(args[0], 10, 5); err == nil && len(args) == 2 {
			proto, args = int(n), args[1:]
		}
	}
	switch len(args) {
	case 0:
	case 1:
		file = args[0]
	default:
		return usagef("decode: want [PROTOCOL] [FILE], got %q", strings.Join(args, " "))
	}
	in := e.stdin
	if file != "-" {
		f, err := rawos.Open(file)
		if err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		defer f.Close()
		in = f
	}
	b, err := sysfile.ReadAll(in)
	if err != nil {
		return fmt.Errorf("decode %s: %w", file, err)
	}
	tr := trace.New(e.stdout, e.traceMode(), nil)
	if trace.IsPcap(b) {
		err := trace.ReadPcap(b, func(t time.Time, dir nl.Direction, proto int, d []byte) {
			tr.Now = func() time.Time { return t }
			tr.Datagram(dir, proto, d)
		})
		if err != nil {
			return fmt.Errorf("decode %s: %w", file, err)
		}
		return nil
	}
	return decodeText(tr, proto, file, string(b))
}

// decodeText reads datagrams written in hex, one a line.
func decodeText(tr *trace.Tracer, proto int, file, text string) error {
	tr.Now = func() time.Time { return time.Time{} } // text has no times: none shown
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		dir := nl.Sent
		switch {
		case strings.HasPrefix(line, "<"), strings.HasPrefix(line, "←"):
			dir = nl.Received
			line = strings.TrimLeft(line, "<←")
		case strings.HasPrefix(line, ">"), strings.HasPrefix(line, "→"):
			line = strings.TrimLeft(line, ">→")
		}
		line = strings.TrimSpace(line)
		b, err := hexBytes(line)
		if err != nil {
			return fmt.Errorf("decode %s:%d: %w", file, i+1, err)
		}
		tr.Datagram(dir, proto, b)
	}
	return nil
}

// hexBytes reads a line of hex: the \xNN escapes of C strings (only what is
// inside double quotes, as strace prints it), or else digit pairs after an
// optional "OFFSET:", blanks and colons between them ignored.
func hexBytes(line string) ([]byte, error) {
	var digits strings.Builder
	if strings.Contains(line, `\x`) {
		for _, part := range strings.Split(line, `"`)[1:] {
			for _, esc := range strings.Split(part, `\x`)[1:] {
				if len(esc) < 2 {
					return nil, fmt.Errorf("a \\x escape without two hex digits")
				}
				digits.WriteString(esc[:2])
			}
		}
	} else {
		if i := strings.IndexByte(line, ':'); i >= 0 && i < 10 && !strings.ContainsAny(line[:i], " \t") {
			line = line[i+1:] // an offset
		}
		for _, c := range line {
			if c != ' ' && c != '\t' && c != ':' {
				digits.WriteRune(c)
			}
		}
	}
	s := digits.String()
	if len(s)%2 != 0 {
		return nil, fmt.Errorf("an odd number of hex digits (%d)", len(s))
	}
	b := make([]byte, len(s)/2)
	for i := range b {
		v, err := strconv.ParseUint(s[2*i:2*i+2], 16, 8)
		if err != nil {
			return nil, fmt.Errorf("%q is not a hex byte", s[2*i:2*i+2])
		}
		b[i] = byte(v)
	}
	return b, nil
}
