package main

import (
	"bufio"
	"errors"
	"io"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/rawos"
	"github.com/nsnet/nsnet/rtnl"
)

const topologyHelp = `Usage: nsnet up FILE
       nsnet down FILE
FILE is a batch file (see -batch) that builds a topology. up runs it as a
whole: if a line fails, what the run made is undone, newest first, and
nsnet exits 1 naming the line. What already exists counts as done, so up
of a topology that is up changes nothing. down removes what the file
makes, newest first; what is gone already counts as removed.

Undone and removed are the lines that make something, by their inverse:
  netns add NAME            netns del NAME
  link add NAME ...         link del NAME (a veth's peer goes with it)
  addr add ...              addr del ...
  route add ...             route del ...
  neigh add ...             neigh del ...
  nat masquerade add ...    nat masquerade del ...
  nat forward add ...       nat forward del ...
Other lines (link set, netns exec) are not undone: what they change goes
with the links and namespaces the file made.
`

func runUp(e *env, args []string) error   { return e.topology(args, "up") }
func runDown(e *env, args []string) error { return e.topology(args, "down") }

// step is one line of a topology file.
type step struct {
	n    int
	sub  *env // the env the line runs with (its own -n)
	args []string
}

func (e *env) topology(args []string, verb string) error {
	if len(args) != 1 || matches(args[0], "help") {
		if len(args) == 1 {
			fmt.Fprint(e.stdout, topologyHelp)
			return nil
		}
		return usagef("%s: want FILE", verb)
	}
	file := args[0]
	steps, err := e.readSteps(file)
	if err != nil {
		return err
	}
	// One socket per namespace for the whole file, as in a batch; no
	// queue: each line's outcome decides what happens next.
	e.conns, e.indexes = map[string]*rtnl.Conn{}, map[linkKey]int32{}
	defer e.forgetConns(true)
	if verb == "down" {
		return offMainThread(func() error { return e.down(file, steps) })
	}
	return offMainThread(func() error { return e.up(file, steps) })
}

// readSteps reads the whole file first, so that a line nsnet cannot split
// stops the run before anything is made.
func (e *env) readSteps(file string) ([]step, error) {
	f, err := rawos.Open(file)
	if err != nil {
		return nil, fmt.Errorf("open topology file: %w", err)
	}
	defer f.Close()
	var steps []step
	br := bufio.NewReader(f)
	for n := 1; ; {
		line, lines, rerr := readBatchLine(br)
		if rerr != nil && rerr != io.EOF {
			return nil, fmt.Errorf("%s:%d: read: %w", file, n, rerr)
		}
		sub, args, err := e.parseBatchLine(line)
		if err != nil {
			return nil, usagef("%s:%d: %v", file, n, err)
		}
		if len(args) > 0 {
			steps = append(steps, step{n, sub, args})
		}
		if rerr == io.EOF {
			return steps, nil
		}
		n += lines
	}
}

func (e *env) up(file string, steps []step) error {
	var made []step // the inverses of what this run made, oldest first
	for _, s := range steps {
		undo, ok := e.inverse(s)
		err := e.runLine(s.sub, s.args)
		switch {
		case err == nil:
			if ok {
				made = append(made, undo)
			}
		case ok && exists(err):
			// There already: done, and not this run's to undo.
		default:
			err = fmt.Errorf("%s:%d: %w", file, s.n, err)
			if uerr := e.undo(made); uerr != nil {
				return fmt.Errorf("%w; undoing what lines before it made failed: %w", err, uerr)
			}
			if len(made) > 0 {
				err = fmt.Errorf("%w (what the %d lines before it made is undone)", err, len(made))
			}
			return err
		}
	}
	return nil
}

// undo runs inverses newest first; what is gone already is fine.
func (e *env) undo(made []step) error {
	var errs []error
	for i := len(made) - 1; i >= 0; i-- {
		if err := e.runLine(made[i].sub, made[i].args); err != nil && !isGone(err) {
			errs = append(errs, fmt.Errorf("line %d: %w", made[i].n, err))
		}
	}
	return errors.Join(errs...)
}

func (e *env) down(file string, steps []step) error {
	var undo []step
	for _, s := range steps {
		if inv, ok := e.inverse(s); ok {
			undo = append(undo, inv)
		}
	}
	if err := e.undo(undo); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

// inverse is the line that undoes s, if s makes something (see
// topologyHelp). The verbs are matched as dispatch matches them: add is
// the first command of each object, so any abbreviation of it is add.
func (e *env) inverse(s step) (step, bool) {
	a := s.args
	var undo []string
	switch object := objectName(a[0]); {
	case len(a) < 3:
	case object == "netns" && (matches(a[1], "add") || matches(a[1], "attach")):
		undo = []string{"netns", "delete", a[2]}
	case object == "link" && matches(a[1], "add"):
		r, err := s.sub.parseLinkAdd(a[2:])
		if err != nil {
			return step{}, false // the line itself will say what is wrong
		}
		r.close()
		undo = []string{"link", "delete", r.link.Name}
	case (object == "address" || object == "route" || object == "neighbour" || object == "neighbor") && matches(a[1], "add"):
		undo = append([]string{object, "delete"}, a[2:]...)
	case object == "nat" && len(a) > 3 && matches(a[2], "add") && (matches(a[1], "masquerade") || matches(a[1], "forward")):
		undo = append([]string{"nat", a[1], "delete"}, a[3:]...)
	}
	return step{s.n, s.sub, undo}, undo != nil
}

// objectName is the object a command word abbreviates, as dispatch picks
// it ("" if none).
//
//go:noinline
func objectName(word string) string {
	for _, o := range objects {
		if matches(word, o.name) {
			return o.name
		}
	}
	return ""
}
