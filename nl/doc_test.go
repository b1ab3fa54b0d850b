package nl

import (
	"os"
	"regexp"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// docs/netlink.md gives numbers for the types and flags it explains: each
// is checked against x/sys/unix (the kernel's headers), so that the page
// cannot drift from what the kernel means.
func TestNetlinkDocNumbers(t *testing.T) {
	b, err := os.ReadFile("../docs/netlink.md")
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]int{
		"NLM_F_REPLACE": unix.NLM_F_REPLACE, "NLM_F_EXCL": unix.NLM_F_EXCL, "NLM_F_CREATE": unix.NLM_F_CREATE,
		"NLM_F_APPEND": unix.NLM_F_APPEND, "NLM_F_ROOT": unix.NLM_F_ROOT, "NLM_F_MATCH": unix.NLM_F_MATCH,
		"NLM_F_ATOMIC": unix.NLM_F_ATOMIC, "NLM_F_NONREC": unix.NLM_F_NONREC, "NLM_F_BULK": unix.NLM_F_BULK,
		"NLM_F_CAPPED": unix.NLM_F_CAPPED, "NLM_F_ACK_TLVS": unix.NLM_F_ACK_TLVS,
		"NLMSG_NOOP": unix.NLMSG_NOOP, "NLMSG_ERROR": unix.NLMSG_ERROR, "NLMSG_DONE": unix.NLMSG_DONE,
		"NLMSG_OVERRUN": unix.NLMSG_OVERRUN, "NLMSG_MIN_TYPE": unix.NLMSG_MIN_TYPE,
		"RTM_NEWLINK": unix.RTM_NEWLINK, "RTM_DELLINK": unix.RTM_DELLINK, "RTM_GETLINK": unix.RTM_GETLINK,
		"RTM_SETLINK": unix.RTM_SETLINK,
	}
	checked := 0
	check := func(name, num string) {
		want, known := consts[name]
		if !known {
			t.Errorf("docs/netlink.md gives %s a number, and this test does not know it", name)
			return
		}
		n, err := strconv.ParseInt(num, 0, 32)
		if err != nil || int(n) != want {
			t.Errorf("docs/netlink.md: %s is %s; the kernel's is %#x", name, num, want)
		}
		checked++
	}
	// `NAME` (N) or `NAME` N in the text.
	for _, m := range regexp.MustCompile("`([A-Z_]+)` \\(?([0-9]+)\\b").FindAllStringSubmatch(string(b), -1) {
		if _, ok := consts[m[1]]; ok {
			check(m[1], m[2])
		}
	}
	// The flag table: | 0x100 | `NLM_F_REPLACE`: ... | `NLM_F_ROOT` ... |
	for _, row := range regexp.MustCompile("(?m)^\\| (0x[0-9a-f]+) \\|(.*)$").FindAllStringSubmatch(string(b), -1) {
		for _, f := range regexp.MustCompile("`(NLM_F_[A-Z_]+)`").FindAllStringSubmatch(row[2], -1) {
			if f[1] != "NLM_F_DUMP" {
				check(f[1], row[1])
			}
		}
	}
	// The ACK's own flags: `NLM_F_CAPPED` (0x100, ...
	for _, m := range regexp.MustCompile("`(NLM_F_[A-Z_]+)` \\((0x[0-9a-f]+)").FindAllStringSubmatch(string(b), -1) {
		check(m[1], m[2])
	}
	if checked < 20 {
		t.Errorf("only %d numbers of docs/netlink.md checked: has the page lost them?", checked)
	}
}
