package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/rtnl"
)

// FuzzBatch reads arbitrary batch files the way -batch does, up to the
// point where a line would be run: no input may panic, and a line that
// parses always has a command (once, a line of options alone panicked).
func FuzzBatch(f *testing.F) {
	for _, s := range []string{
		"link show\n", "-n\n", "-n x\n", "-n x -j\n", "# c\n\n", "link set v0 alias \"a b\" \\\nmtu 1\n",
		"'", "\"unterminated", "\\\n\\\n", "-batch x link\n", "--json=1 l\n", "-n=\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e := &env{}
		br := bufio.NewReader(bytes.NewReader(b))
		for {
			line, _, err := readBatchLine(br)
			_, args, perr := e.parseBatchLine(line)
			if perr == nil && args != nil && len(args) == 0 {
				t.Fatalf("line %q parsed to an empty command", line)
			}
			if err == io.EOF {
				return
			}
		}
	})
}

// FuzzCommandLine runs arbitrary command lines through the global options
// and the grammar of the commands that build kernel requests (links,
// addresses, routes, neighbours, NAT, monitor): no input may panic.
func FuzzCommandLine(f *testing.F) {
	for _, s := range []string{
		"addr add 10.0.0.1/24 dev v0 broadcast + valid_lft 10 preferred_lft 5",
		"route add default via 10.0.0.1 dev v0 metric 5 table 1000 proto static",
		"route add 10.0.0.0/8 nexthop via 10.0.0.1 dev a weight 2 nexthop via 10.0.0.2",
		"neigh add 10.0.0.2 lladdr 02:00:00:00:00:01 dev v0 nud reachable",
		"-n red -j monitor link route count 3", "nat forward add tcp 80 to [fd00::1]:8080 iif eth0",
		"-6 route add fd00::/64 via fe80::1 dev v0", "addr add 10.0.0.1 peer fd00::1 dev x",
		"link add b0 type bond mode 802.3ad arp_ip_target 10.0.0.1,10.0.0.2 ns_ip6_target none primary v0 lacp_active on",
		"link add vx0 type vxlan id 5 srcport 1 2 ttl inherit df set", "link add link v0 name v0.5 type vlan id 5 gvrp on egress 1:2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := &env{}
		args, err := e.parseOptions(strings.Fields(s))
		if err != nil || len(args) < 2 {
			return
		}
		rest := args[2:]
		switch {
		case matches(args[0], "address"):
			parseAddr(&words{args: rest, cmd: "addr"})
		case matches(args[0], "route"):
			parseRoute(&words{args: rest, cmd: "route"})
		case matches(args[0], "neighbour"):
			parseNeigh(&words{args: rest, cmd: "neigh"})
		case matches(args[0], "link") && args[1] == "add":
			if r, err := e.parseLinkAdd(rest); err == nil {
				r.close()
			}
		case matches(args[0], "monitor"):
			parseMonitorArgs(args[1:])
		case matches(args[0], "nat") && len(rest) > 2:
			parsePort(rest[1])
			parseTarget(rest[2], 1)
		}
	})
}

// FuzzSaveFile reads arbitrary files as route and addr restore and
// showdump do, up to the kernel: no input may panic, and a file read whole
// holds only its own kind of message.
func FuzzSaveFile(f *testing.F) {
	magic := func(m uint32) string { return string(binary.NativeEndian.AppendUint32(nil, m)) }
	route := nl.Message{Header: nl.Header{Type: unix.RTM_NEWROUTE}, Data: make([]byte, 12)}
	f.Add([]byte(magic(routeSaveMagic) + string(route.Append(nil))))
	f.Add([]byte(magic(routeSaveMagic) + string(route.Append(nil)) + "\x08\x00\x09\x00\x08\x00\x10\x00"))
	f.Add([]byte(magic(addrSaveMagic) + "\x14\x00\x00\x00\x14\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, file := range []saveFile{routeFile, addrFile} {
			msgs, err := file.read(&env{stdin: bytes.NewReader(b)}, "restore", nil)
			if err != nil {
				continue
			}
			for _, m := range msgs {
				if m.Header.Type != file.typ {
					t.Fatalf("a %s file read with a message of type %d", file.what, m.Header.Type)
				}
				if file.typ == unix.RTM_NEWADDR {
					rtnl.DecodeAddr(m.Data)
				} else if _, err := rtnl.DecodeRoute(m.Data); err == nil {
					clearNexthopState(m.Data)
				}
			}
		}
	})
}
