package main

import (
	"bufio"
	"cmp"
	"io"
	"slices"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/rawos"
	"github.com/nsnet/nsnet/nat"
	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/ns"

	"github.com/nsnet/nsnet/rtnl"
)

// runBatch runs one command per line of file ("-" is standard input), as
// ip -batch does: # starts a comment, a line ending in \ continues on the
// next, words may be quoted with ' or " (no escapes inside), and any line
// length is fine. A line may start with its own global options (-n NS),
// which ip does not allow. The first failing line stops the batch, and
// the error names the file and line; with -force every failing line is
// reported and the batch goes on, then exits 1.
//
// Consecutive additions of routes, addresses and neighbours are sent many
// to a write (rtnl.Pipeline) and still end the way ip's one-by-one
// batches end: up to the failing line and no further.
func (e *env) runBatch(file string) error {
	r := e.stdin
	if file != "-" {
		f, err := rawos.Open(file)
		if err != nil {
			return fmt.Errorf("open batch file: %w", err)
		}
		defer f.Close()
		r = f
	}
	// Lines share one socket per namespace; e is copied per line, the maps
	// and the queue are shared.
	e.conns, e.indexes, e.pending = map[string]*rtnl.Conn{}, map[linkKey]int32{}, &pending{}
	defer e.forgetConns(true)
	b := &batchRun{e: e, file: file}
	br := bufio.NewReader(r)
	for n := 1; ; {
		line, lines, err := readBatchLine(br)
		if err != nil && err != io.EOF {
			return cmp.Or(b.flush(), fmt.Errorf("%s:%d: read: %w", file, n, err))
		}
		if werr := e.batchLine(line, n, b.flush); werr != nil {
			if f, ok := werr.(flushed); ok {
				return f.error
			}
			// The lines queued before this one come first, as they would
			// have run first.
			if ferr := b.flush(); ferr != nil {
				return ferr
			}
			if ferr := b.fail(n, werr); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			break
		}
		n += lines
	}
	if err := b.flush(); err != nil {
		return err
	}
	if b.failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%s: %d lines failed", file, b.failed)}
	}
	return nil
}

// batchRun is what a batch's lines share: where they come from, and how
// many failed under -force.
type batchRun struct {
	e      *env
	file   string
	failed int
}

// fail reports line's error: it ends the batch, or under -force is
// printed and counted.
func (b *batchRun) fail(line int, err error) error {
	err = fmt.Errorf("%s:%d: %w", b.file, line, err)
	if !b.e.force {
		return err
	}
	fmt.Fprintf(b.e.stderr, "nsnet: %v\n", err)
	b.failed++
	return nil
}

// flush sends what is queued; its errors belong to the lines queued.
func (b *batchRun) flush() error {
	for _, pe := range b.e.pending.flush(b.e) {
		if err := b.fail(pe.Tag.(int), pe.Err); err != nil {
			return err
		}
	}
	return nil
}

// flushed is an error of an earlier line, met when sending its queue.
type flushed struct{ error }

// batchLine runs one logical line of a batch, number n. An addition that
// can be queued is; any other line first sends the queue.
func (e *env) batchLine(line string, n int, flush func() error) error {
	sub := &e.pending.lineEnv
	if e.pending.words == nil {
		e.pending.words = make([]string, 0, 32) // a longer line allocates its own
	}
	args, err := e.parseBatchLineInto(line, sub, e.pending.words[:0])
	if err != nil || len(args) == 0 {
		return err
	}
	q := e.pending
	kind := queueable(args)
	if kind == "" || q.len() > 0 && (q.kind != kind || q.netns != sub.netns) || q.len() >= maxQueued {
		if err := flush(); err != nil {
			return flushed{err}
		}
	}
	q.line, q.netns, q.kind = n, sub.netns, kind
	return e.runLine(sub, args)
}

// runLine runs a command of a batch or topology file with sub, the
// line's own env, and forgets what it may have made stale.
func (e *env) runLine(sub *env, args []string) error {
	err := sub.dispatch(args)
	switch objectName(args[0]) {
	case "link":
		if renames(args[1:]) {
			clear(e.indexes)
		}
	case "netns":
		// Deleting a namespace deletes its links, and the veth peers of
		// its links elsewhere. A name may now stand for another namespace
		// (deleted and added again): its old socket would reach the
		// orphaned one. nsnet's own namespace ("") has no name to lose.
		clear(e.indexes)
		e.forgetConns(false)
	}
	return err
}

// renames says whether a link command may change the link a name stands
// for: delete (a veth takes its peer along), and set with a new name or
// namespace. An add names only links no lookup can have found before.
func renames(args []string) bool {
	switch {
	case len(args) == 0:
		return false
	case matches(args[0], "add"):
		return false
	case matches(args[0], "set"): // before show: `link s` is set
		return slices.Contains(args, "name") || slices.Contains(args, "netns")
	case matches(args[0], "show"), matches(args[0], "list"), matches(args[0], "lst"):
		return false
	}
	return true
}

// maxQueued bounds the queue, so that a batch of any length runs in
// bounded memory.
const maxQueued = 4096

// queueable tells whether a batch line is an addition that is queued,
// and where: "rtnl" for `route add`, `address add`, `neighbour add` (see
// rtnl.Pipeline), "nat" for `nat masquerade add` and `nat forward add`
// (one nftables transaction: nat.AddAll). Abbreviations work: add comes
// first among each object's commands.
func queueable(args []string) string {
	if len(args) >= 3 && matches(args[0], "nat") && matches(args[2], "add") &&
		(matches(args[1], "masquerade") || matches(args[1], "forward")) {
		return "nat"
	}
	if len(args) < 2 || !matches(args[1], "add") {
		return ""
	}
	switch objectName(args[0]) {
	case "route", "address", "neighbour", "neighbor":
		return "rtnl"
	}
	return ""
}

// pending is a batch's queue of additions of one kind, in one namespace.
type pending struct {
	lineEnv env      // the env of the line being run, reused line after line
	words   []string // and its words

	kind  string // what queueable said of the lines queued
	netns string // their -n
	line  int    // the line being run: the tag of what it queues

	pipe *rtnl.Pipeline // kind "rtnl"

	natNS    *ns.Handle // kind "nat": where, with what socket config
	natCfg   *nl.Config
	nats     []nat.NAT
	natLines []int
}

func (q *pending) len() int {
	if q.pipe != nil {
		return q.pipe.Len()
	}
	return len(q.nats)
}

func (q *pending) queueNAT(h *ns.Handle, cfg *nl.Config, n nat.NAT) {
	if len(q.nats) == 0 {
		q.natNS, q.natCfg = h, cfg // nil: nsnet's own namespace
	} else {
		h.Close() // the same namespace as the queue's (see batchLine)
	}
	q.nats, q.natLines = append(q.nats, n), append(q.natLines, q.line)
}

// flush sends what is queued and empties the queue.
func (q *pending) flush(e *env) []*rtnl.PipelineError {
	if p := q.pipe; p != nil {
		q.pipe = nil
		return p.Flush()
	}
	if len(q.nats) == 0 {
		return nil
	}
	h, nats, lines := q.natNS, q.nats, q.natLines
	q.natNS, q.nats, q.natLines = nil, nil, nil
	defer h.Close()
	on, errs := nat.AddAll(h, nats, e.force, q.natCfg)
	e.forwardingNote(q.netns, on)
	var out []*rtnl.PipelineError
	for i, err := range errs {
		if err != nil {
			out = append(out, &rtnl.PipelineError{Tag: lines[i], Err: natAddError(nats[i], err)})
		}
	}
	return out
}

// pipeline is where an addition on c goes: the batch's queue, or nil
// outside a batch (send it now).
//
//go:noinline
func (e *env) pipeline(c *rtnl.Conn) *rtnl.Pipeline {
	q := e.pending
	if q == nil {
		return nil
	}
	if q.pipe == nil {
		q.pipe = c.NewPipeline()
		q.pipe.Force = e.force
	}
	return q.pipe
}

// parseBatchLine reads one logical line: the env it runs with (e with the
// line's own options) and the command words, never empty unless the line
// is (a blank or comment line: nothing to run, no error).
func (e *env) parseBatchLine(line string) (*env, []string, error) {
	sub := new(env)
	args, err := e.parseBatchLineInto(line, sub, nil)
	if err != nil || len(args) == 0 {
		return nil, nil, err
	}
	return sub, args, nil
}

// parseBatchLineInto is parseBatchLine into an env and a slice of words
// the caller owns: a batch reuses both for every line, nothing keeping a
// line's env or words after it ran.
func (e *env) parseBatchLineInto(line string, sub *env, buf []string) ([]string, error) {
	words, err := splitBatchLine(buf, line)
	if err != nil || len(words) == 0 {
		return nil, err
	}
	*sub = *e
	sub.batch = ""
	args, err := sub.parseOptions(words)
	switch {
	case err != nil:
		return nil, err
	case sub.batch != "":
		return nil, usagef("-batch inside a batch")
	case len(args) == 0:
		return nil, usagef("options but no command")
	}
	return args, nil
}

// forgetConns closes the batch's sockets: those in named namespaces, and
// with own the one in nsnet's own namespace too.
func (e *env) forgetConns(own bool) {
	for k, c := range e.conns {
		if k != "" || own {
			c.Close()
			delete(e.conns, k)
		}
	}
}

// readBatchLine reads one logical line: physical lines joined where one
// ends in a backslash, comments cut. It returns how many physical lines it
// read.
func readBatchLine(br *bufio.Reader) (string, int, error) {
	var b strings.Builder
	for n := 1; ; n++ {
		s, err := br.ReadString('\n')
		s = strings.TrimSuffix(s, "\n")
		s = strings.TrimSuffix(s, "\r")
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		cont := strings.HasSuffix(s, "\\")
		if n == 1 && (!cont || err != nil) {
			return strings.TrimSuffix(s, "\\"), n, err // the usual line: no copy
		}
		b.WriteString(strings.TrimSuffix(s, "\\"))
		if !cont || err != nil {
			return b.String(), n, err
		}
		b.WriteByte(' ')
	}
}

// splitBatchLine appends the words of line to dst, split as ip's makeargs
// does: blanks separate words, and a word that starts with ' or " runs to
// the same quote.
func splitBatchLine(dst []string, line string) ([]string, error) {
	for i := 0; ; {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) {
			return dst, nil
		}
		if q := line[i]; q == '\'' || q == '"' {
			end := strings.IndexByte(line[i+1:], q)
			if end < 0 {
				return nil, usagef("unterminated quoted string")
			}
			dst = append(dst, line[i+1:i+1+end])
			i += end + 2
			continue
		}
		start := i
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			i++
		}
		dst = append(dst, line[start:i])
	}
}
