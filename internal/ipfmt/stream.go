package ipfmt

import (
	"bufio"

	"github.com/nsnet/nsnet/rtnl"
)

// Stream prints records one at a time, as the kernel's dump hands them
// over: nothing is collected, so memory stays flat at any table size, and
// the output goes through one buffer, written out when it fills and at
// End. With -j, the records form one JSON array, as ip's.
type Stream struct {
	p   *Printer
	bw  *bufio.Writer
	j   *jsonWriter
	rec record // reused for every record
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
	rec := &s.rec
	rec.reset()
	if s.j != nil {
		rec.j = s.j
		s.j.begin('{')
		s.p.route(rec, r, names, nl)
		s.j.end('}')
		return
	}
	s.p.route(rec, r, names, nl)
	rec.line = append(rec.line, '\n')
	s.bw.Write(rec.line)
}

// End closes the listing and writes out what is buffered.
func (s *Stream) End() error {
	if s.j != nil {
		s.j.endArray()
		s.bw.WriteByte('\n')
	}
	return s.bw.Flush()
}
