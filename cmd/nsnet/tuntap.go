package main

import (
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/internal/sysfile"
	"github.com/nsnet/nsnet/ns"
	"github.com/nsnet/nsnet/rtnl"
)

const tuntapHelp = `Usage: nsnet tuntap {add|del} [dev] NAME mode {tun|tap} [user USER] [group GROUP]
              [one_queue] [pi] [vnet_hdr] [multi_queue]
       nsnet tuntap {show|list} [[dev] NAME]
USER := NAME | NUMBER   GROUP := NAME | NUMBER
A tun device carries IP packets, a tap device Ethernet frames, between the
kernel and a program holding /dev/net/tun open. add makes one that persists
without such a program (only USER or GROUP may attach to it, when given);
del needs the mode and multi_queue it was made with, as ip's does.
`

var tuntapCommands = []command{
	{"add", tuntapAdd}, {"delete", tuntapDel}, {"show", tuntapShow}, {"lst", tuntapShow}, {"list", tuntapShow},
}

func runTuntap(e *env, args []string) error {
	return dispatchCommand(e, "tuntap", tuntapCommands, tuntapHelp, args)
}

// parseTuntap reads ip's parse_args: the flags start as IFF_NO_PI (pi
// clears it), and a word that is no keyword is the name.
func parseTuntap(w *words, add bool) (string, *rtnl.Tun, error) {
	t := &rtnl.Tun{Flags: unix.IFF_NO_PI}
	name := ""
	flagWords := []struct {
		word string
		set  uint16
	}{{"pi", 0}, {"one_queue", unix.IFF_ONE_QUEUE}, {"vnet_hdr", unix.IFF_VNET_HDR}, {"multi_queue", unix.IFF_MULTI_QUEUE}}
	for w.more() {
		kw := w.next()
		var err error
		switch {
		case matches(kw, "mode"):
			var s string
			if s, err = w.value(kw); err != nil {
				return "", nil, err
			}
			var mode uint16
			switch {
			case matches(s, "tun"):
				mode = unix.IFF_TUN
			case matches(s, "tap"):
				mode = unix.IFF_TAP
			default:
				return "", nil, w.usagef("mode %q: want tun or tap", s)
			}
			t.Flags |= mode
		case add && (matches(kw, "user") || matches(kw, "group")):
			file, dst := sysfile.Users, &t.Owner
			if matches(kw, "group") {
				file, dst = sysfile.Groups, &t.Group
			}
			var s string
			if s, err = w.value(kw); err != nil {
				return "", nil, err
			}
			id, ok := num.Uint(s, 10, 32)
			if !ok {
				_, n, ok := sysfile.Account(file, s, 0)
				if !ok {
					return "", nil, w.usagef("%s %q: no such %s in %s", kw, s, kw, file)
				}
				id = uint64(n)
			}
			v := uint32(id)
			*dst = &v
		case matches(kw, "dev") || matches(kw, "name"):
			if name != "" {
				return "", nil, w.usagef("the name is given twice")
			}
			name, err = w.ifname(kw)
		default:
			found := false
			for _, f := range flagWords {
				if matches(kw, f.word) {
					found = true
					t.Flags |= f.set
					if f.set == 0 {
						t.Flags &^= unix.IFF_NO_PI
					}
				}
			}
			if found {
				break
			}
			if name != "" {
				return "", nil, w.usagef("unexpected %q (the name is %q)", kw, name)
			}
			name, err = kw, validIfname(kw)
		}
		if err != nil {
			return "", nil, err
		}
	}
	if t.Flags&(unix.IFF_TUN|unix.IFF_TAP) == 0 {
		return "", nil, w.usagef("which mode? (mode tun or mode tap)")
	}
	return name, t, nil
}

func tuntapAdd(e *env, args []string) error {
	name, t, err := parseTuntap(e.words(args, "tuntap add"), true)
	if err != nil {
		return err
	}
	return e.inNetns(func() error { _, err := rtnl.TunAdd(name, t); return err })
}

func tuntapDel(e *env, args []string) error {
	name, t, err := parseTuntap(e.words(args, "tuntap del"), false)
	if err != nil {
		return err
	}
	return e.inNetns(func() error { return rtnl.TunDel(name, t.Flags) })
}

// tuntapShow lists the links of kind tun with their tun_flags, which only
// sysfs tells (rtnetlink has no one_queue), from a sysfs of the namespace
// itself (ns.OpenSysfs). ip 6.1 lists every device whatever follows show;
// a name here selects one.
func tuntapShow(e *env, args []string) error {
	w := e.words(args, "tuntap show")
	dev := ""
	for w.more() {
		kw := w.next()
		var err error
		if kw == "dev" {
			dev, err = w.ifname(kw)
		} else if dev == "" {
			dev, err = kw, validIfname(kw)
		} else {
			err = usagef("tuntap show: unexpected %q", kw)
		}
		if err != nil {
			return err
		}
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	links, err := c.Links(rtnl.LinkFilter{Kind: "tun"})
	if err != nil {
		return err
	}
	h, err := e.openNetns()
	if err != nil {
		return err
	}
	defer h.Close()
	sys, err := ns.OpenSysfs(h)
	if err != nil {
		return err
	}
	defer sys.Close()
	var devs []ipfmt.TunDev
	for _, l := range links {
		t, ok := l.Info.(*rtnl.Tun)
		if !ok || dev != "" && l.Name != dev {
			continue
		}
		b, err := sys.ReadFile("class/net/" + l.Name + "/tun_flags")
		if err != nil {
			continue // gone since the dump
		}
		flags, ok := num.Uint(strings.TrimSpace(string(b)), 0, 32)
		if !ok {
			continue
		}
		d := ipfmt.TunDev{Name: l.Name, Flags: uint32(flags), Owner: t.Owner, Group: t.Group}
		if e.details {
			d.Procs = tunProcesses(l.Name)
		}
		devs = append(devs, d)
	}
	if dev != "" && len(devs) == 0 {
		return fmt.Errorf("tuntap show: no tun or tap device %q", dev)
	}
	return e.printer().Tuntaps(devs)
}

// tunProcesses are the processes holding /dev/net/tun open on the device
// name (their fdinfo says iff: NAME), as ip's show_processes finds them.
// Other processes' fds may be closed to us: those are skipped.
func tunProcesses(name string) []ipfmt.TunProc {
	var procs []ipfmt.TunProc
	pids, _ := sysfile.ReadDirNames("/proc")
	self := strconv.Itoa(unix.Getpid())
	for _, pid := range pids {
		n, ok := num.Uint(pid, 10, 31)
		if !ok || pid == self {
			continue
		}
		fds, _ := sysfile.ReadDirNames("/proc/" + pid + "/fd")
		for _, fd := range fds {
			if target, err := readlink("/proc/" + pid + "/fd/" + fd); err != nil || target != "/dev/net/tun" {
				continue
			}
			info, _ := sysfile.ReadFile("/proc/" + pid + "/fdinfo/" + fd)
			for _, line := range strings.Split(string(info), "\n") {
				if k, v, ok := strings.Cut(line, ":"); ok && k == "iff" && strings.TrimSpace(v) == name {
					comm, _ := sysfile.ReadFile("/proc/" + pid + "/comm")
					procs = append(procs, ipfmt.TunProc{Name: strings.TrimSpace(string(comm)), PID: int(n)})
				}
			}
		}
	}
	return procs
}

// readlink is os.Readlink for a short link: os.Readlink's growing
// buffer and path handling cost 4 KB of binary.
func readlink(path string) (string, error) {
	b := make([]byte, 256)
	n, err := unix.Readlink(path, b)
	if err != nil {
		return "", err
	}
	return string(b[:n]), nil
}
