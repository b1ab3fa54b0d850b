package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// manPage is docs/nsnet.8, made from nsnet's own help texts (nsnet help
// and nsnet OBJECT help), so that the page and --help cannot disagree.
func manPage(t *testing.T) string {
	var b strings.Builder
	esc := func(s string) string {
		s = strings.ReplaceAll(s, `\`, `\e`)
		var out []string
		for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
			if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
				l = `\&` + l
			}
			out = append(out, l)
		}
		return strings.Join(out, "\n") + "\n"
	}
	help := mustCLI(t, "help")
	usage, rest, _ := strings.Cut(help, "\n\nObjects:\n")
	objs, opts, _ := strings.Cut(rest, "\nOptions:\n")
	b.WriteString(`.\" Made by TestManPage from nsnet's help texts: NSNET_UPDATE_MAN=1 go test -run TestManPage ./cmd/nsnet
.TH NSNET 8 "" nsnet "System Administration"
.SH NAME
nsnet \- network namespaces, links, addresses, routes, neighbours and NAT over netlink
.SH SYNOPSIS
.nf
` + esc(trimLines(strings.TrimPrefix(usage, "Usage: "))) + `.fi
.SH DESCRIPTION
nsnet does what ip netns, ip link, ip addr, ip route, ip rule, ip neigh, ip monitor,
nsenter and unshare, and the NAT half of nft do, by speaking netlink to the
kernel itself: one static binary, no libc, no iproute2, no libnftnl.
Its grammar and output are iproute2's. OBJECT may be abbreviated as in ip.
.SH OBJECTS
.nf
` + esc(objs) + `.fi
.SH OPTIONS
.nf
` + esc(strings.TrimSpace(strings.Split(opts, "\n'nsnet OBJECT help'")[0])) + `.fi
.SH COMMANDS
`)
	for _, o := range objectTable() {
		if o.help == "" || o.name == "help" {
			continue
		}
		out, _, code := cli(t, o.name, "help")
		if code != 0 || !strings.HasPrefix(out, "Usage: ") {
			t.Fatalf("nsnet %s help: exit %d, %q", o.name, code, out)
		}
		if again, _, code := cli(t, o.name, "--help"); code != 0 || again != out {
			t.Errorf("nsnet %s --help: exit %d, not what nsnet %s help prints", o.name, code, o.name)
		}
		b.WriteString(".SS " + o.name + "\n.nf\n" + esc(out) + ".fi\n")
	}
	b.WriteString(`.SH EXIT STATUS
0 when the command did what was asked, 1 when it failed (the message says
what was being done, to which object, and why, with the kernel's own words
when it sends them), 2 for a mistake in the command line.
.SH EXAMPLES
.nf
nsnet netns add red
nsnet link add veth0 type veth peer name veth1 netns red
nsnet -n red addr add 10.0.0.2/24 dev veth1
nsnet -trace link set veth0 up
nsnet lab sh docs/demo.sh
.fi
.SH SEE ALSO
ip(8), ip-netns(8), nft(8), unshare(1), tshark(1), netlink(7), rtnetlink(7)
`)
	return b.String()
}

// trimLines drops the blanks that start each line of s.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = strings.TrimLeft(lines[i], " ")
	}
	return strings.Join(lines, "\n")
}

// docs/nsnet.8 is what nsnet's help says, and man renders it cleanly.
func TestManPage(t *testing.T) {
	want := manPage(t)
	const file = "../../docs/nsnet.8"
	if os.Getenv("NSNET_UPDATE_MAN") == "1" {
		os.WriteFile(file, []byte(want), 0o644)
	}
	got, err := os.ReadFile(file)
	if err != nil || string(got) != want {
		t.Fatalf("docs/nsnet.8 is not what nsnet's help texts make (%v): NSNET_UPDATE_MAN=1 go test -run TestManPage ./cmd/nsnet", err)
	}
	if _, err := exec.LookPath("groff"); err != nil {
		t.Skip("no groff to render the page")
	}
	out, err := exec.Command("groff", "-man", "-Tutf8", "-ww", "-z", file).CombinedOutput()
	if err != nil || len(out) != 0 {
		t.Errorf("groff warns about docs/nsnet.8: %v\n%s", err, out)
	}
}
