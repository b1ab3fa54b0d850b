package main

import (
	"encoding/binary"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/ns"
	"github.com/nsnet/nsnet/rtnl"
)

// The mroute socket options (linux/mroute.h, linux/mroute6.h), which
// x/sys lacks: a multicast routing daemon's, the one way to put entries
// into the kernel's multicast forwarding cache.
const (
	mrtInit   = 200 // MRT_INIT, MRT6_INIT
	mrtAddVIF = 202 // MRT_ADD_VIF, MRT6_ADD_MIF
	mrtAddMFC = 204 // MRT_ADD_MFC, MRT6_ADD_MFC
	mrtDelMFC = 205 // MRT_DEL_MFC, MRT6_DEL_MFC
)

// mrouter is a multicast routing daemon in a test namespace: its mroute
// sockets, IPv4 and IPv6, whose entries the kernel drops when they close.
type mrouter struct{ fd4, fd6 int }

func newMrouter(t *testing.T, h *ns.Handle, vifs ...int32) *mrouter {
	m := &mrouter{-1, -1}
	t.Cleanup(func() { unix.Close(m.fd4); unix.Close(m.fd6) })
	must(t, ns.Do(h, func() (err error) {
		if m.fd4, err = unix.Socket(unix.AF_INET, unix.SOCK_RAW, unix.IPPROTO_IGMP); err != nil {
			return err
		}
		if m.fd6, err = unix.Socket(unix.AF_INET6, unix.SOCK_RAW, unix.IPPROTO_ICMPV6); err != nil {
			return err
		}
		return nil
	}))
	must(t, unix.SetsockoptInt(m.fd4, unix.IPPROTO_IP, mrtInit, 1))
	must(t, unix.SetsockoptInt(m.fd6, unix.IPPROTO_IPV6, mrtInit, 1))
	for i, index := range vifs {
		// struct vifctl: vifi, flags VIFF_USE_IFINDEX, threshold 1,
		// rate limit, ifindex, remote address.
		v := binary.NativeEndian.AppendUint16(nil, uint16(i))
		v = append(v, 0x8, 1)
		v = binary.NativeEndian.AppendUint32(v, 0)
		v = binary.NativeEndian.AppendUint32(v, uint32(index))
		v = append(v, 0, 0, 0, 0)
		must(t, unix.SetsockoptString(m.fd4, unix.IPPROTO_IP, mrtAddVIF, string(v)))
		// struct mif6ctl: mifi, flags, threshold, physical ifindex,
		// padding, rate limit.
		v = binary.NativeEndian.AppendUint16(nil, uint16(i))
		v = append(v, 0, 1)
		v = binary.NativeEndian.AppendUint16(v, uint16(index))
		v = append(v, 0, 0, 0, 0, 0, 0)
		must(t, unix.SetsockoptString(m.fd6, unix.IPPROTO_IPV6, mrtAddVIF, string(v)))
	}
	return m
}

// mfc4 adds (op mrtAddMFC) or deletes an IPv4 entry: packets from src to
// group that come in by vif parent go out of the vifs ttls names, each
// when their TTL is above its threshold (struct mfcctl).
func (m *mrouter) mfc4(t *testing.T, op int, src, group string, parent uint16, ttls map[int]byte) {
	v := append(ipBytes(src), ipBytes(group)...)
	v = binary.NativeEndian.AppendUint16(v, parent)
	var t32 [32]byte
	for i, ttl := range ttls {
		t32[i] = ttl
	}
	v = append(append(v, t32[:]...), make([]byte, 2+16)...) // padding, counters, expire
	must(t, unix.SetsockoptString(m.fd4, unix.IPPROTO_IP, op, string(v)))
}

// mfc6 is mfc4 for IPv6 (struct mf6cctl, whose outgoing links are a
// bitmap: IPv6 has no TTL thresholds).
func (m *mrouter) mfc6(t *testing.T, op int, src, group string, parent uint16, out ...int) {
	sa := func(a string) []byte {
		b := binary.NativeEndian.AppendUint16(nil, unix.AF_INET6)
		b = append(b, make([]byte, 6)...)
		b = append(b, ipBytes(a)...)
		return append(b, 0, 0, 0, 0)
	}
	v := append(sa(src), sa(group)...)
	v = binary.NativeEndian.AppendUint16(v, parent)
	v = append(v, 0, 0)
	var set [8]uint32
	for _, i := range out {
		set[i/32] |= 1 << (i % 32)
	}
	for _, w := range set {
		v = binary.NativeEndian.AppendUint32(v, w)
	}
	must(t, unix.SetsockoptString(m.fd6, unix.IPPROTO_IPV6, op, string(v)))
}

// ipBytes is an address's 4 or 16 bytes, as the mroute structs carry them.
func ipBytes(s string) []byte { return netaddr.MustParseAddr(s).AsSlice() }

// TestMrouteEqualsIP: a multicast routing daemon (the test's mroute
// sockets) in namespace mr resolves IPv4 and IPv6 entries between its
// links; ip monitor and nsnet monitor print their coming and going alike,
// and ip mroute and nsnet mroute show them alike.
func TestMrouteEqualsIP(t *testing.T) {
	testns.LookPath(t, "ip")
	namedNetns(t, "mr", "snd") // the router, and a sender on its link up0
	for _, c := range []string{"mr link add up0 type veth peer name up1 netns snd", "mr link add dn0 type veth peer name dn1",
		"mr link set up0 up", "snd link set up1 up", "mr link set dn0 up", "mr link set dn1 up",
		"mr addr add 10.1.0.1/24 dev up0", "mr addr add 10.2.0.1/24 dev dn0", "snd addr add 10.1.0.5/24 dev up1",
		"snd addr add 10.2.0.7/32 dev up1"} {
		if out, err := exec.Command("ip", append([]string{"-n"}, strings.Fields(c)...)...).CombinedOutput(); err != nil {
			t.Fatalf("ip -n %s: %v %s", c, err, out)
		}
	}
	waitSettled(t, "mr")
	h := hostHandle(t, "mr")
	c, err := rtnl.Dial(h, nil)
	must(t, err)
	defer c.Close()
	var vifs []int32
	for _, n := range []string{"up0", "dn0", "dn1"} {
		i, err := c.LinkIndex(n)
		must(t, err)
		vifs = append(vifs, i)
	}
	m := newMrouter(t, h, vifs...)

	variants := []string{"mroute", "label mroute", "-4 monitor mroute", "-6 monitor mroute", "mroute dev up0", "mroute dev dn0", "-s monitor mroute", "all"}
	dir := t.TempDir()
	var outs [][2]string
	for i, v := range variants {
		args := strings.Fields(v)
		if args[0][0] != '-' {
			args = append([]string{"monitor"}, args...)
		}
		outs = append(outs, [2]string{
			startLogged(t, filepath.Join(dir, "ip"+strconv.Itoa(i)), "ip", append([]string{"-n", "mr"}, args...)...),
			startLogged(t, filepath.Join(dir, "nsnet"+strconv.Itoa(i)), "/proc/self/exe", append([]string{"-n", "mr"}, args...)...),
		})
	}
	waitSubscribed(t, "mr", 2*len(variants))
	m.mfc4(t, mrtAddMFC, "10.1.0.5", "239.1.1.1", 0, map[int]byte{1: 1, 2: 3})
	m.mfc4(t, mrtAddMFC, "10.2.0.7", "239.2.2.2", 1, map[int]byte{0: 1})
	m.mfc6(t, mrtAddMFC, "fd00:1::5", "ff0e::1:1", 0, 1, 2)
	m.mfc4(t, mrtAddMFC, "10.1.0.9", "239.9.9.9", 0, map[int]byte{1: 1})
	m.mfc4(t, mrtDelMFC, "10.1.0.9", "239.9.9.9", 0, nil)
	m.mfc6(t, mrtAddMFC, "fd00:1::9", "ff0e::9:9", 0, 1)
	m.mfc6(t, mrtDelMFC, "fd00:1::9", "ff0e::9:9", 0)
	m.mfc4(t, mrtAddMFC, "10.2.0.8", "239.8.8.8", 1, map[int]byte{0: 1}) // the mark: after every other
	m.mfc6(t, mrtAddMFC, "fd00:2::8", "ff0e::8:8", 1, 0)
	age := regexp.MustCompile(`(Age |"expires":)[0-9.e+]+`)
	for i, o := range outs {
		mark := "239.8.8.8"
		switch {
		case strings.HasPrefix(variants[i], "-6"):
			mark = "ff0e::8:8"
		case strings.HasSuffix(variants[i], "up0"):
			mark = "Deleted (fd00:1::9,ff0e::9:9)"
		}
		want, got := untilLine(t, o[0], mark, 0), untilLine(t, o[1], mark, 0)
		w, g := age.ReplaceAllString(strings.Join(want, "\n"), "${1}N"), age.ReplaceAllString(strings.Join(got, "\n"), "${1}N")
		if w != g {
			t.Errorf("monitor %q differs from ip's:\n%s", variants[i], lineDiff(strings.Split(w, "\n"), strings.Split(g, "\n")))
		}
		if !strings.Contains(w, "Deleted") && !strings.Contains(variants[i], "dev dn0") {
			t.Errorf("monitor %q: ip printed no deleted entry:\n%s", variants[i], w)
		}
	}

	// Traffic, for the counts -s shows: two packets to 239.1.1.1 from its
	// source, and one to 239.2.2.2 from its source but by the wrong link.
	must(t, ns.Do(hostHandle(t, "snd"), func() error {
		up1, err := indexHere("up1")
		if err != nil {
			return err
		}
		for _, p := range []struct{ src, group string }{{"10.1.0.5", "239.1.1.1"}, {"10.1.0.5", "239.1.1.1"}, {"10.2.0.7", "239.2.2.2"}} {
			fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
			if err != nil {
				return err
			}
			defer unix.Close(fd)
			for _, err := range []error{
				unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte(ipBytes(p.src))}),
				unix.SetsockoptIPMreqn(fd, unix.IPPROTO_IP, unix.IP_MULTICAST_IF, &unix.IPMreqn{Ifindex: up1}),
				unix.SetsockoptInt(fd, unix.IPPROTO_IP, unix.IP_MULTICAST_TTL, 8),
				unix.Sendto(fd, []byte("mroute"), 0, &unix.SockaddrInet4{Port: 9, Addr: [4]byte(ipBytes(p.group))}),
			} {
				if err != nil {
					return err
				}
			}
		}
		return nil
	}))
	// Counted when the router's softirq has taken them in.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if out, _ := exec.Command("ip", "-n", "mr", "-s", "mroute").Output(); strings.Contains(string(out), "arrived on wrong iif") {
			break
		}
	}

	// The entries shown. Their age (the time since a packet used one)
	// counts between the two tools' reads: masked.
	cmds := []string{"mroute", "mroute show", "mroute lst", "-4 mroute", "-6 mroute", "-s mroute", "-s -6 mroute",
		"-j mroute", "-j -p mroute", "-j -s mroute", "-j -6 -s mroute", "-c mroute", "-o -s mroute", "-d mroute",
		"mroute show table all", "-d mroute show table all", "-6 mroute show table all", "-d -6 mroute", "mroute show table default",
		"mroute show table main", "mroute show table 253", "mroute show table 5", "mroute show iif up0", "mroute show iif dn0",
		"-6 mroute show iif dn0", "mroute show iif nosuch", "-j mroute show iif dn1"}
	same := 0
	for _, cmd := range cmds {
		args := append([]string{"-n", "mr"}, strings.Fields(cmd)...)
		want, err := exec.Command("ip", args...).Output()
		got, errs, code := cli(t, args...)
		w, g := age.ReplaceAllString(string(want), "${1}N"), age.ReplaceAllString(got, "${1}N")
		if g != w || (code == 0) != (err == nil) {
			t.Errorf("%s: nsnet exit %d %s, ip %v:\n%s", cmd, code, errs, err, lineDiff(strings.Split(w, "\n"), strings.Split(g, "\n")))
		} else {
			same++
		}
	}
	if out := mustCLI(t, "-n", "mr", "-s", "mroute"); !strings.Contains(out, "(10.1.0.5,239.1.1.1)") || !strings.Contains(out, "Oifs: dn0 dn1(ttl 3)  State: resolved") ||
		!regexp.MustCompile(`239\.1\.1\.1\).*\n  [1-9][0-9]* packets, [1-9]`).MatchString(out) ||
		!strings.Contains(out, "(10.2.0.7,239.2.2.2)             Iif: dn0        Oifs: up0  State: resolved\n  1 packets, 34 bytes, 1 arrived on wrong iif.") {
		t.Errorf("nsnet -s mroute: not the entries made:\n%s", out)
	}
	t.Logf("mroute: %d of %d commands print what ip prints", same, len(cmds))
}
