package main

import (
	"bufio"
	"encoding/binary"
	"errors"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/internal/sysfile"
	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/rtnl"
)

// The files `ip route save` and `ip addr save` write, which nsnet reads
// and writes alike: a magic number (in the host's byte order), then the
// netlink messages of a dump exactly as the kernel sent them. Restoring
// sends each message back as a request to create what it describes, so a
// file restores only in a namespace with the same links (by index).
const (
	routeSaveMagic = 0x45311224
	addrSaveMagic  = 0x47361222
)

// saveFile is one kind of save file: its magic number and the message
// type it holds.
type saveFile struct {
	what     string // "route", "addr"
	magic    uint32
	typ      uint16
	typeName string
}

var (
	routeFile = saveFile{"route", routeSaveMagic, unix.RTM_NEWROUTE, "RTM_NEWROUTE"}
	addrFile  = saveFile{"addr", addrSaveMagic, unix.RTM_NEWADDR, "RTM_NEWADDR"}
)

// save writes a save file to stdout: dump calls its argument with each
// message to keep. Like ip, never to a terminal.
func (f saveFile) save(e *env, dump func(keep func(nl.Message) error) error) error {
	if _, err := unix.IoctlGetTermios(1, unix.TCGETS); err == nil {
		return fmt.Errorf("%s save: not writing a binary stream to a terminal (redirect it to a file)", f.what)
	}
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	w.Write(binary.NativeEndian.AppendUint32(nil, f.magic))
	var buf []byte
	err := dump(func(m nl.Message) error {
		buf = m.Append(buf[:0])
		_, err := w.Write(buf)
		return err
	})
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return fmt.Errorf("%s save: %w", f.what, err)
	}
	return nil
}

// read reads a save file from stdin (cmd takes no arguments): its
// messages, each checked to be of the file's type (ip sends whatever a
// file holds; a file may come from anywhere).
func (f saveFile) read(e *env, cmd string, args []string) ([]nl.Message, error) {
	if len(args) > 0 {
		return nil, usagef("%s %s: takes no arguments (the file comes on stdin)", f.what, cmd)
	}
	b, err := sysfile.ReadAll(e.stdin)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read stdin: %w", f.what, cmd, err)
	}
	if len(b) < 4 || binary.NativeEndian.Uint32(b) != f.magic {
		return nil, fmt.Errorf("%s %s: stdin is not a file '%s save' wrote (no magic number %#x)", f.what, cmd, f.what, f.magic)
	}
	msgs, err := nl.ParseMessages(b[4:])
	if err != nil { // after the messages that parsed
		return nil, f.inMessage(cmd, len(msgs), err)
	}
	for i, m := range msgs {
		if m.Header.Type != f.typ {
			return nil, f.inMessage(cmd, i, fmt.Errorf("it is of type %d, not %s", m.Header.Type, f.typeName))
		}
	}
	return msgs, nil
}

// inMessage is err about message i (from 0) of a file.
//
//go:noinline
func (f saveFile) inMessage(cmd string, i int, err error) error {
	return fmt.Errorf("%s %s: message %d of the file: %w", f.what, cmd, i+1, err)
}

// restore sends each message back with CREATE, in the order of passes
// (pass says in which a message goes), as ip does: what exists already
// is no error, any other refusal ends the restore.
func (f saveFile) restore(e *env, args []string, passes int, pass func(nl.Message) (int, error)) error {
	msgs, err := f.read(e, "restore", args)
	if err != nil {
		return err
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	order := make([]int, len(msgs))
	for i, m := range msgs { // all checked before anything is sent
		if order[i], err = pass(m); err != nil {
			return f.inMessage("restore", i, err)
		}
	}
	for p := range passes {
		for i, m := range msgs {
			if order[i] != p {
				continue
			}
			m.Header.Flags |= unix.NLM_F_CREATE
			if _, err := c.NL().Execute(m); err != nil && !errors.Is(err, unix.EEXIST) {
				return f.inMessage("restore", i, err)
			}
		}
	}
	return nil
}

func routeSave(e *env, args []string) error {
	q, err := parseRouteSel(e, e.words(args, "route save"))
	if err != nil {
		return err
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	rf, keep, err := routeQuery(e, c, q)
	if err != nil {
		return err
	}
	return routeFile.save(e, func(write func(nl.Message) error) error {
		err := c.RouteMessages(rf, func(r *rtnl.Route, m nl.Message) error {
			if keep(r) {
				return write(m)
			}
			return nil
		})
		if q.noMainTable(err) {
			return nil
		}
		return err
	})
}

// routeRestore restores routes in ip's order: routes to local addresses
// first, then to local networks, then through gateways, so that each
// finds the routes it depends on.
func routeRestore(e *env, args []string) error {
	return routeFile.restore(e, args, 3, func(m nl.Message) (int, error) {
		r, err := rtnl.DecodeRoute(m.Data)
		switch {
		case err != nil:
			return 0, err
		case !clearNexthopState(m.Data):
			return 0, errors.New("malformed rtmsg")
		case r.Gateway.IsValid():
			return 2, nil
		case r.PrefSrc.IsValid() && (!r.Dst.IsValid() || r.PrefSrc != r.Dst.Addr()):
			return 1, nil
		}
		return 0, nil
	})
}

// clearNexthopState makes a dumped route a request the kernel takes. A
// dump reports whether a nexthop is dead or its link down (RTNH_F_DEAD,
// RTNH_F_LINKDOWN) in the route's flags and in each nexthop's of a
// multipath route; a request may not carry them ("can not contain DEAD
// or LINKDOWN"), so ip's restore of a route whose link was down fails.
// It reports whether b's layout allowed it.
func clearNexthopState(b []byte) bool {
	const state = unix.RTNH_F_DEAD | unix.RTNH_F_LINKDOWN
	if len(b) < unix.SizeofRtMsg {
		return false
	}
	binary.NativeEndian.PutUint32(b[8:], binary.NativeEndian.Uint32(b[8:])&^state) // rtm_flags
	d := nl.NewDecoder(b[unix.SizeofRtMsg:])
	for d.Next() {
		if d.Type() != unix.RTA_MULTIPATH {
			continue
		}
		for nh := d.Bytes(); len(nh) >= unix.SizeofRtNexthop; { // struct rtnexthop, attributes
			n := int(binary.NativeEndian.Uint16(nh))
			if n < unix.SizeofRtNexthop {
				return false
			}
			nh[2] &^= state // rtnh_flags
			nh = nh[min((n+3)&^3, len(nh)):]
		}
	}
	return d.Err() == nil
}

// showdump prints a save file with show, which decodes a message and
// prints it.
func (f saveFile) showdump(e *env, args []string, within string, show func(*ipfmt.Stream, nl.Message) error) error {
	msgs, err := f.read(e, "showdump", args)
	if err != nil {
		return err
	}
	s := e.printer().Begin()
	if within != "" {
		s.Within(within)
	}
	for i, m := range msgs {
		if err := show(s, m); err != nil {
			s.End()
			return f.inMessage("showdump", i, err)
		}
	}
	return s.End()
}

// routeShowdump prints a save file as route show prints routes.
func routeShowdump(e *env, args []string) error {
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	names, err := linkNames(c)
	e.release(c)
	if err != nil {
		return err
	}
	return routeFile.showdump(e, args, "", func(s *ipfmt.Stream, m nl.Message) error {
		r, err := rtnl.DecodeRoute(m.Data)
		if err == nil {
			s.Route(r, names)
		}
		return err
	})
}

func addrSave(e *env, args []string) error {
	q, err := parseAddrSel(e.words(args, "addr save"))
	if err != nil {
		return err
	}
	c, f, names, err := q.open(e, "addr save")
	if err != nil {
		return err
	}
	defer e.release(c)
	return addrFile.save(e, func(write func(nl.Message) error) error {
		return c.AddrMessages(f, func(a *rtnl.Addr, m nl.Message) error {
			if q.keep(a, names[a.Index]) {
				return write(m)
			}
			return nil
		})
	})
}

func addrRestore(e *env, args []string) error {
	return addrFile.restore(e, args, 1, func(nl.Message) (int, error) { return 0, nil })
}

// addrShowdump prints a save file as ip addr showdump does: each address
// under the index of its link; with -j, one object holding them all.
func addrShowdump(e *env, args []string) error {
	return addrFile.showdump(e, args, "addr_info", func(s *ipfmt.Stream, m nl.Message) error {
		a, err := rtnl.DecodeAddr(m.Data)
		if err == nil {
			s.SavedAddr(a)
		}
		return err
	})
}

// linkNames are the names of the links in c's namespace, by index.
func linkNames(c *rtnl.Conn) (map[int32]string, error) {
	links, err := c.Links(rtnl.LinkFilter{})
	if err != nil {
		return nil, err
	}
	return ipfmt.LinkNames(links), nil
}
