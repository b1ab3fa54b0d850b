package ipfmt

import (
	"bufio"
	"strings"

	"github.com/nsnet/nsnet/rtnl"
)

// Stream prints records one at a time, as the kernel's dump hands them
// over: nothing is collected, so memory stays flat at any table size, and
// the output goes through one buffer, written out when it fills and at
// End. With -j, the records form one JSON array, as ip's.
type Stream struct {
	p      *Printer
	bw     *bufio.Writer
	j      *jsonWriter
	rec    record // reused for every record
	within bool
}

// Begin starts a listing.
func (p *Printer) Begin() *Stream {
	s := &Stream{p: p, bw: bufio.NewWriterSize(p.W, 64*1024), rec: record{json: p.JSON}}
	s.rec.paints(p)
	if p.JSON {
		s.j = &jsonWriter{w: s.bw, pretty: p.Pretty}
		s.j.startArray()
	}
	return s
}

// Route prints one route.
func (s *Stream) Route(r *rtnl.Route, names map[int32]string) {
	nl := "\n"
	if s.p.Oneline { // ip -o: the record's lines joined by a backslash
		nl = "\\"
	}
	s.emit(func(rec *record) { s.p.route(rec, r, names, nl) })
}

// Neigh prints one neighbour.
func (s *Stream) Neigh(n *rtnl.Neigh, names map[int32]string) {
	s.emit(func(rec *record) { s.p.neigh(rec, n, names) })
}

// Link prints one link as ip link does, in the chosen layout; M-DOWN is
// the caller's to mark (MarkMasterDown).
func (s *Stream) Link(l *rtnl.Link, names map[int32]string) {
	p := s.p
	switch {
	case s.j != nil && p.Brief:
		s.j.value(briefJSON(l, names, nil, false))
	case s.j != nil:
		s.j.value(p.LinkJSON(l, names))
	case p.Brief:
		line := p.briefHead(l, names)
		if len(l.HardwareAddr) > 0 {
			line += p.paint(cMAC, l.HardwareAddr.String()+" ")
		}
		s.bw.WriteString(line + "<" + strings.Join(flagNames(l.Flags), ",") + "> \n")
	default:
		var b strings.Builder
		p.linkText(&b, l, names)
		s.bw.WriteString(p.oneline(b.String()))
	}
}

// LinkAddrs prints a link and its addresses as ip addr does.
func (s *Stream) LinkAddrs(l *rtnl.Link, addrs []rtnl.Addr, names map[int32]string) {
	if s.j != nil {
		s.j.value(s.p.LinkAddrsJSON(l, addrs, names))
		return
	}
	q := *s.p
	q.W = s.bw
	q.LinkAddrs(l, addrs, names)
}

// emit prints the record fill makes: an object of the JSON array, or a
// line.
func (s *Stream) emit(fill func(*record)) {
	rec := &s.rec
	rec.reset()
	if s.j != nil {
		rec.j = s.j
		s.j.begin('{')
		fill(rec)
		s.j.end('}')
		return
	}
	fill(rec)
	rec.line = append(rec.line, '\n')
	s.bw.Write(rec.line)
}

// Within puts the records that follow, in JSON, into an array under key
// in one object (ip -j addr showdump's "addr_info"), closed by End.
func (s *Stream) Within(key string) {
	if s.j != nil {
		s.j.begin('{')
		s.j.name(key)
		s.j.startArray()
		s.within = true
	}
}

// SavedAddr prints an address of a file `addr save` wrote, as ip addr
// showdump does: the index of its link, then the address as addr show
// prints it; in JSON, the index first.
func (s *Stream) SavedAddr(a *rtnl.Addr) {
	if s.j != nil {
		o := s.p.addrsJSON([]rtnl.Addr{*a})[0]
		s.j.value(append(Object{{Key: "index", Value: int(a.Index)}}, o...))
		return
	}
	w := s.p.W
	s.p.W = s.bw
	s.bw.WriteString("if" + itoa(int(a.Index)) + ":\n")
	s.p.printAddr(&rtnl.Link{}, a)
	s.p.W = w
}

// End closes the listing and writes out what is buffered.
func (s *Stream) End() error {
	if s.within {
		s.j.endArray()
		s.j.end('}')
	}
	if s.j != nil {
		s.j.endArray()
		s.bw.WriteByte('\n')
	}
	return s.bw.Flush()
}
