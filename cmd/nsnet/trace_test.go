package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
	"golang.org/x/sys/unix"
)

// traceBatch is link, address, route, neighbour, rule and NAT changes,
// listings, and a refusal with an extended ack (an MTU over the maximum).
const traceBatch = `link add br0 type bridge
link add v0 type veth peer name v1
link set v0 master br0 up
link set br0 up
addr add 10.7.0.1/24 dev br0
addr add fd07::1/64 dev br0 nodad
route add 10.8.0.0/16 via 10.7.0.2 metric 5
route add fd08::/64 via fd07::2
neigh add 10.7.0.9 lladdr 02:00:00:00:00:09 dev br0
rule add from 10.7.0.0/24 table 100
link show
route show
nat masquerade add 10.7.0.0/24
nat forward add tcp 8080 to 10.7.0.9:80
`

// The pcap that -pcap writes is read by tshark (the independent oracle)
// as netlink: every message the trace printed, in order, and nothing
// malformed.
func TestPcapReadByTshark(t *testing.T) {
	testns.LookPath(t, "tshark")
	h := testns.New(t)
	dir := t.TempDir()
	batch, pcap := filepath.Join(dir, "batch"), filepath.Join(dir, "trace.pcap")
	os.WriteFile(batch, []byte(traceBatch+"link set br0 mtu 70000\n"), 0o644)
	_, errs, code := cli(t, "-n", nsArg(h), "-trace=json", "-pcap", pcap, "-batch", batch)
	if code != 1 || !strings.Contains(errs, "mtu greater than device maximum") {
		t.Fatalf("want the last line refused with the kernel's message, got exit %d:\n%s", code, tail(errs))
	}
	// Each datagram's messages, by sequence number (an answer carries its
	// request's, and tshark lists the request's header it echoes too:
	// each number once a datagram).
	var traced, protos []string
	var dirs []byte
	for _, line := range strings.Split(errs, "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var m struct {
			Seq, Datagram, Protocol int
			Dir                     string
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("a -trace=json line is not JSON: %v\n%s", err, line)
		}
		for len(traced) < m.Datagram {
			traced, protos = append(traced, ""), append(protos, fmt.Sprintf("0x%04x", m.Protocol))
			dirs = append(dirs, map[string]byte{"sent": unix.PACKET_USER, "received": unix.PACKET_KERNEL}[m.Dir])
		}
		traced[m.Datagram-1] = once(traced[m.Datagram-1], strconv.Itoa(m.Seq))
	}
	out, err := exec.Command("tshark", "-r", pcap, "-T", "fields", "-e", "netlink.family", "-e", "netlink.hdr_seq", "-e", "_ws.malformed", "-e", "_ws.expert.severity").Output()
	if err != nil {
		t.Fatalf("tshark: %v\n%s", err, out)
	}
	var seen, families []string
	multi := 0
	for i, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 4 || f[2]+f[3] != "" {
			t.Errorf("tshark finds frame %d malformed or worth a warning: %q", i+1, line)
			continue
		}
		families = append(families, f[0])
		d := ""
		for _, s := range strings.Split(f[1], ",") {
			d = once(d, s)
		}
		seen = append(seen, d)
		if strings.Contains(d, " ") {
			multi++
		}
	}
	if strings.Join(seen, "\n") != strings.Join(traced, "\n") {
		t.Errorf("tshark's datagrams differ from the trace's (sequence numbers of each):\ntshark: %q\ntrace:  %q", seen, traced)
	}
	if strings.Join(families, " ") != strings.Join(protos, " ") {
		t.Errorf("tshark's netlink protocols differ from the trace's:\ntshark: %v\ntrace:  %v", families, protos)
	}
	if len(seen) < 20 || multi < 2 { // the two NAT transactions
		t.Errorf("%d datagrams, %d of several messages: expected more of both", len(seen), multi)
	}
	// Who sent each datagram, in the cooked header's packet type as nlmon
	// writes it (tshark does not show it for netlink): read here.
	if got := pcapPacketTypes(t, pcap); string(got) != string(dirs) {
		t.Errorf("packet types %v, want %v (%d user, %d kernel)", got, dirs, unix.PACKET_USER, unix.PACKET_KERNEL)
	}
	// tshark names the refusal's errno as the kernel sent it.
	out, _ = exec.Command("tshark", "-r", pcap, "-T", "fields", "-e", "netlink.error").Output()
	if !strings.Contains(string(out), "-22") {
		t.Errorf("tshark does not see the EINVAL the kernel answered:\n%s", out)
	}
}

// -trace names what it shows: message types, flags and attributes by the
// kernel's names, values typed, nftables expressions as nft shows them,
// and the attribute an error points at.
func TestTraceNamesEverything(t *testing.T) {
	h := testns.New(t)
	batch := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(batch, []byte(traceBatch), 0o644)
	_, errs, code := cli(t, "-n", nsArg(h), "-trace", "-batch", batch)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, tail(errs))
	}
	for _, want := range []string{
		"→ RTM_NEWLINK seq=", " REQUEST|ACK|ECHO|EXCL|CREATE ifname=br0 linkinfo{kind=bridge}",
		"linkinfo{kind=veth data{peer{ifname=v1}}}",
		"→ RTM_NEWADDR seq=", "family=AF_INET prefixlen=24", "local=10.7.0.1 address=10.7.0.1",
		"flags=IFA_F_NODAD", "address=fd07::1",
		"→ RTM_NEWROUTE seq=", "table=RT_TABLE_MAIN protocol=RTPROT_BOOT type=RTN_UNICAST dst=10.8.0.0 gateway=10.7.0.2 priority=5",
		"lladdr=02:00:00:00:00:09", "state=NUD_PERMANENT",
		"→ RTM_NEWRULE seq=",
		"→ RTM_GETLINK seq=", "REQUEST|ROOT|MATCH", "← DONE seq=",
		"← ACK seq=",
		"→ datagram of ", "→ NFNL_MSG_BATCH_BEGIN seq=",
		"[ payload load 3b @ network header + 12 => reg 1 ]", "[ masq ]",
		`userdata="nsnet masquerade 10.7.0.0/24"`,
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("the trace lacks %q", want)
		}
	}
	if strings.Contains(errs, "MALFORMED") {
		t.Errorf("the trace finds a message malformed:\n%s", tail(errs))
	}
	// An error: errno by name, the kernel's text, the attribute it means.
	_, errs, _ = cli(t, "-n", nsArg(h), "-trace=full", "link", "set", "br0", "mtu", "70000")
	for _, want := range []string{
		"← ERROR seq=", "error -22 EINVAL: invalid argument",
		`NLMSGERR_ATTR_MSG len=36 "mtu greater than device maximum"`,
		"0020 IFLA_MTU len=8 70000",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("the full trace of a refusal lacks %q:\n%s", want, errs)
		}
	}
}

// pcapPacketTypes reads the packet type of each record of a pcap file of
// LINKTYPE_NETLINK: the first two bytes (big-endian) of its cooked header.
func pcapPacketTypes(t *testing.T, file string) []byte {
	b, err := os.ReadFile(file)
	if err != nil || len(b) < 24 || binary.LittleEndian.Uint32(b[20:]) != 253 {
		t.Fatalf("%s: not a pcap file of link type 253: %v", file, err)
	}
	var types []byte
	for b = b[24:]; len(b) >= 16; {
		n := int(binary.LittleEndian.Uint32(b[8:]))
		if n < 16 || 16+n > len(b) {
			t.Fatalf("%s: a record of %d bytes runs past the file", file, n)
		}
		types = append(types, byte(binary.BigEndian.Uint16(b[16:])))
		b = b[16+n:]
	}
	return types
}

// traceLines keeps the lines of a trace from what nsnet printed on stderr
// (its notes and errors besides).
func traceLines(s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if strings.HasPrefix(l, "→") || strings.HasPrefix(l, "←") || strings.HasPrefix(l, " ") || strings.HasPrefix(l, "{") {
			b.WriteString(l)
		}
	}
	return b.String()
}

// once appends word to the space-separated list s unless it is there.
func once(s, word string) string {
	if s == "" {
		return word
	}
	if strings.Contains(" "+s+" ", " "+word+" ") {
		return s
	}
	return s + " " + word
}

// tail is the end of a long output, enough to see what went wrong.
func tail(s string) string {
	if len(s) > 3000 {
		return "…" + s[len(s)-3000:]
	}
	return s
}

// Every attribute nsnet sends has a name in the trace: the trace of every
// write command of the compatibility test (every kind, setting, metric,
// selector...), and of NAT and nsid requests, holds no unnamed attribute
// in a message nsnet sent.
func TestTraceNamesEveryAttributeSent(t *testing.T) {
	type attr struct {
		Name  string
		Type  int
		Attrs []attr
	}
	var unnamed []string
	var walk func(where string, as []attr)
	walk = func(where string, as []attr) {
		for _, a := range as {
			if a.Name == "" {
				unnamed = append(unnamed, fmt.Sprintf("%s attribute %d", where, a.Type))
			}
			walk(where+" "+a.Name, a.Attrs)
		}
	}
	runs := append(slices.Clone(compatWrites),
		[]string{"nat masquerade add 10.1.0.0/24 out v0", "nat forward add tcp 8080 to 10.1.0.9:80", "nat forward add udp 53 to 10.1.0.9 in v0", "nat flush"},
		[]string{"netns set self 5"}, []string{"addr add 10.9.0.1/24 dev v0 proto 99 metric 7"})
	dir := t.TempDir()
	checked := 0
	for i, lines := range runs {
		h := testns.New(t)
		batch := filepath.Join(dir, fmt.Sprint(i))
		os.WriteFile(batch, []byte(strings.Join(append(slices.Clone(compatBase), lines...), "\n")+"\n"), 0o644)
		_, errs, _ := cli(t, "-n", nsArg(h), "-force", "-trace=json", "-batch", batch)
		for _, line := range strings.Split(errs, "\n") {
			var m struct {
				Dir, Type string
				Attrs     []attr
			}
			if !strings.HasPrefix(line, "{") || json.Unmarshal([]byte(line), &m) != nil || m.Dir != "sent" {
				continue
			}
			checked++
			walk(strings.Join(lines, "; ")+": "+m.Type, m.Attrs)
		}
		h.Close()
	}
	if checked < 500 {
		t.Errorf("only %d sent messages traced", checked)
	}
	for _, u := range unnamed {
		t.Errorf("unnamed in the trace: %s", u)
	}
}

// decode shows a pcap that -pcap wrote as -trace showed the traffic (the
// times aside, which the file keeps in microseconds), and reads hex dumps.
func TestDecode(t *testing.T) {
	dir := t.TempDir()
	batch, pcap := filepath.Join(dir, "batch"), filepath.Join(dir, "trace.pcap")
	os.WriteFile(batch, []byte(traceBatch), 0o644)
	for _, mode := range []string{"-trace", "-trace=full", "-trace=json"} {
		h2 := testns.New(t)
		_, live, code := cli(t, "-n", nsArg(h2), mode, "-pcap", pcap, "-batch", batch)
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, tail(live))
		}
		decoded, errs, code := cli(t, mode, "decode", pcap)
		if code != 0 {
			t.Fatalf("decode: exit %d: %s", code, errs)
		}
		times := regexp.MustCompile(`[0-9]+\.[0-9] ms|"us":[0-9]+`)
		live, decoded = times.ReplaceAllString(live, "T"), times.ReplaceAllString(decoded, "T")
		if live, decoded = traceLines(live), traceLines(decoded); live != decoded || len(live) < 1000 {
			t.Errorf("%s: decode of the pcap differs from the live trace:\nlive:\n%s\ndecoded:\n%s", mode, tail(live), tail(decoded))
		}
		h2.Close()
	}
	// A hex dump: RTM_GETLINK, dump flags, as plain pairs and as strace -xx
	// prints a buffer; then the kernel's answer, marked with <.
	dump := `20 00 00 00 12 00 01 03 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
sendmsg(3, {iov_base="\x10\x00\x00\x00\x12\x00\x01\x03\x02\x00\x00\x00\x00\x00\x00\x00", iov_len=16}
< 0000: 14 00 00 00 03 00 02 00 01 00 00 00 39 30 00 00 00 00 00 00
`
	out, errs, code := cliIn(t, dump, "decode")
	want := "→ RTM_GETLINK seq=1 REQUEST|ROOT|MATCH\n" +
		"→ RTM_GETLINK seq=2 REQUEST|ROOT|MATCH MALFORMED: ifinfomsg needs 16 bytes, the message has 0\n" +
		"← DONE seq=1\n"
	if code != 0 || out != want {
		t.Errorf("decode of a hex dump: exit %d %s\n%s\nwant\n%s", code, errs, out, want)
	}
	if _, errs, code := cliIn(t, "20 00 0", "decode"); code != 1 || !strings.Contains(errs, "odd number of hex digits") {
		t.Errorf("a bad dump: exit %d: %s", code, errs)
	}
}

// Showing one link asks the kernel for it alone, as ip does, not for a
// dump of every link: `link show DEV` and `addr show dev DEV`. And every
// attribute of the kernel's answer has its name.
func TestOneDeviceAskedAlone(t *testing.T) {
	h := testns.New(t)
	for _, c := range [][]string{{"link", "show", "lo"}, {"addr", "show", "dev", "lo"}, {"-br", "addr", "show", "dev", "lo"}} {
		out, errs, code := cli(t, append([]string{"-n", nsArg(h), "-trace"}, c...)...)
		if code != 0 || !strings.Contains(out, "lo") {
			t.Fatalf("%q: exit %d %q %s", c, code, out, tail(errs))
		}
		for line := range strings.Lines(errs) {
			if strings.HasPrefix(line, "→ RTM_GETLINK") && strings.Contains(line, "ROOT") {
				t.Errorf("%q dumps every link: %s", c, line)
			}
		}
		if strings.Contains(errs, "#") {
			t.Errorf("%q: the trace has an attribute without a name:\n%s", c, errs)
		}
	}
}
