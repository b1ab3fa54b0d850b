package main

import (
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/sysfile"
	"github.com/nsnet/nsnet/internal/trace"
	"github.com/nsnet/nsnet/nl"
)

const decodeHelp = `Usage: nsnet [-trace=brief|full|json] decode [route|netfilter|generic] [FILE|-]

Shows netlink messages as -trace does, from FILE or standard input: a pcap
of link type NETLINK (-pcap's, or nlmon's), or text with a datagram a line
in hex - digit pairs after an optional OFFSET:, or strace -xx's "\x14\x00..."
escapes; a line starting with < came from the kernel. Text is of protocol
route unless one is given. Nothing is sent to the kernel.

Example: nsnet -pcap br.pcap link add br0 type bridge; nsnet -trace=full decode br.pcap
`

var netlinkProtocols = []struct {
	name  string
	proto int
}{{"route", unix.NETLINK_ROUTE}, {"netfilter", unix.NETLINK_NETFILTER}, {"generic", unix.NETLINK_GENERIC}}

func runDecode(e *env, args []string) error {
	proto, file := unix.NETLINK_ROUTE, "-"
	if len(args) > 0 && args[0] == "help" {
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
	switch len(args) {
	case 0:
	case 1:
		file = args[0]
	default:
		return usagef("decode: want [PROTOCOL] [FILE], got %q", strings.Join(args, " "))
	}
	var b []byte
	var err error
	if file == "-" {
		b, err = sysfile.ReadAll(e.stdin)
	} else {
		b, err = sysfile.ReadFile(file)
	}
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
		for _, m := range [...]struct {
			mark string
			dir  nl.Direction
		}{{"<", nl.Received}, {"←", nl.Received}, {">", nl.Sent}, {"→", nl.Sent}} {
			if rest, ok := strings.CutPrefix(line, m.mark); ok {
				line, dir = rest, m.dir
				break
			}
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
	if strings.Contains(line, `\x`) {
		var inside []byte
		quoted := false
		for i := 0; i < len(line); i++ {
			switch c := line[i]; {
			case c == '"':
				quoted = !quoted
			case quoted && strings.HasPrefix(line[i:], `\x`):
				i++
			case quoted:
				inside = append(inside, c)
			}
		}
		line = string(inside)
	} else if i := strings.IndexByte(line, ':'); i >= 0 && i < 10 && strings.IndexByte(line[:i], ' ') < 0 && strings.IndexByte(line[:i], '\t') < 0 {
		line = line[i+1:] // an offset
	}
	var b []byte
	digits := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		v := strings.IndexByte("0123456789abcdef", c|0x20) // ASCII lower case
		switch {
		case c == ' ' || c == '\t' || c == ':':
			continue
		case v < 0 || c > 'f':
			return nil, fmt.Errorf("%q is not a hex digit", line[i:i+1])
		case digits%2 == 0:
			b = append(b, byte(v)<<4)
		default:
			b[len(b)-1] |= byte(v)
		}
		digits++
	}
	if digits%2 != 0 {
		return nil, fmt.Errorf("an odd number of hex digits (%d)", digits)
	}
	return b, nil
}
