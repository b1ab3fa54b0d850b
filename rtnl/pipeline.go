package rtnl

import (
	"cmp"
	"errors"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/nl"
)

// A Pipeline queues additions of routes, addresses and neighbours and
// sends them many to a write (nl.Conn.Batch), where the plain methods wait
// for each answer in turn: what makes `nsnet -batch` of 20,000 routes run
// at the kernel's speed.
//
// Only additions are queued, because each has an exact inverse: delete
// what was added. The kernel goes on with the next message of a write
// after refusing one, so when request i is refused, the requests after it
// that the kernel applied are deleted again, newest first, and the result
// is what sending them one by one and stopping at i would have left. With
// Force, nothing is undone and every refusal is reported (ip -force).
//
// Requests are sent in parts of Part requests while more are queued: the
// kernel applies a route inside the sendmsg call that carries it, on the
// sender's thread, so parts go to a goroutine that sends them one after
// the other, and the caller goes on preparing the next on another CPU.
// Two parts at most are handed over, so the sender never waits for the
// caller to wake up; after a refusal (without Force) it sends nothing
// more.
type Pipeline struct {
	c     *Conn
	Force bool
	Part  int // requests sent ahead at a time; 0 is about one 64 KB write of routes
	queue []queued

	parts   chan []queued // to the sender
	results chan sentPart // from it, one per part
	handed  int           // parts handed over, results not read yet
	sending int           // requests in them
	refused []*PipelineError
	stopped bool         // a part was refused without Force: nothing more is sent
	spare   [][]queued   // parts the sender is done with, emptied for reuse
	reqs    []nl.Message // send's, kept for the next part
}

// sentPart is what became of a part q: these requests refused.
type sentPart struct {
	q    []queued
	errs []*PipelineError
}

type queued struct {
	req nl.Message
	obj any // the *Route, *Addr or *Neigh, for the error the plain method would return
	tag any
}

// PipelineError is a refused request: Tag is what the caller queued it
// with (nsnet uses the batch line).
type PipelineError struct {
	Tag any
	Err error
}

func (e *PipelineError) Error() string { return e.Err.Error() }
func (e *PipelineError) Unwrap() error { return e.Err }

// NewPipeline starts a pipeline on c.
//
//go:noinline
func (c *Conn) NewPipeline() *Pipeline { return &Pipeline{c: c} }

// Conn is the connection the pipeline sends on.
func (p *Pipeline) Conn() *Conn { return p.c }

// Len is the number of requests queued and not yet answered.
func (p *Pipeline) Len() int { return len(p.queue) + p.sending }

// RouteAdd queues c.RouteAdd(r). The error is for what fails before
// anything is sent (a route nsnet cannot encode).
func (p *Pipeline) RouteAdd(r *Route, tag any) error {
	m, err := routeMessage(unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_EXCL, r)
	return p.push(m, err, r, tag)
}

// AddrAdd queues c.AddrAdd(a).
func (p *Pipeline) AddrAdd(a *Addr, tag any) error {
	m, err := addrMessage(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_EXCL, a)
	return p.push(m, err, a, tag)
}

// NeighAdd queues c.NeighAdd(n).
func (p *Pipeline) NeighAdd(n *Neigh, tag any) error {
	m, err := neighMessage(unix.RTM_NEWNEIGH, unix.NLM_F_CREATE|unix.NLM_F_EXCL, n)
	return p.push(m, err, n, tag)
}

func (p *Pipeline) push(m nl.Message, err error, obj, tag any) error {
	if err != nil {
		return addError(obj, err)
	}
	part := cmp.Or(p.Part, 1024)
	if p.queue == nil {
		if len(p.spare) > 0 {
			p.queue, p.spare = p.spare[len(p.spare)-1], p.spare[:len(p.spare)-1]
		} else {
			p.queue = make([]queued, 0, part)
		}
	}
	p.queue = append(p.queue, queued{req: m, obj: obj, tag: tag})
	if len(p.queue) >= part {
		p.handOver()
	}
	return nil
}

// handOver gives the queue to the sender as a part, starting the sender
// if need be, after reading results until fewer than two parts are out.
func (p *Pipeline) handOver() {
	for p.handed >= 2 {
		p.result()
	}
	q := p.queue
	p.queue = nil
	if p.stopped || len(q) == 0 {
		return // after a refusal: never sent
	}
	if p.parts == nil {
		p.parts, p.results = make(chan []queued, 2), make(chan sentPart, 2)
		go p.sender(p.parts, p.results)
	}
	p.parts <- q
	p.handed, p.sending = p.handed+1, p.sending+len(q)
}

// sender sends the parts handed over, in order, until the channel closes.
func (p *Pipeline) sender(parts <-chan []queued, results chan<- sentPart) {
	stopped := false
	for q := range parts {
		var errs []*PipelineError
		if !stopped {
			errs = p.send(q)
			stopped = len(errs) > 0 && !p.Force
		}
		results <- sentPart{q, errs}
	}
}

// result waits for the oldest part handed over and keeps its refusals.
//
//go:noinline
func (p *Pipeline) result() {
	r := <-p.results
	p.handed, p.sending = p.handed-1, p.sending-len(r.q)
	clear(r.q)
	p.spare = append(p.spare, r.q[:0])
	p.refused = append(p.refused, r.errs...)
	p.stopped = p.stopped || len(r.errs) > 0 && !p.Force
}

// addError is the error c.RouteAdd, AddrAdd or NeighAdd would return.
func addError(obj any, err error) error {
	switch o := obj.(type) {
	case *Route:
		return routeError(o, "add", err)
	case *Addr:
		return addrError(o, "add", err)
	case *Neigh:
		return neighError(o, "add", err)
	}
	return err
}

// Flush sends what is queued and empties the queue. It returns the
// refusals as *PipelineError: without Force at most one, the first, with
// everything queued after it not applied; with Force, each of them.
func (p *Pipeline) Flush() []*PipelineError {
	if p.parts == nil { // a short queue: sent from here, no goroutine woken
		if !p.stopped {
			p.refused = append(p.refused, p.send(p.queue)...)
		}
		p.queue = nil
	} else {
		p.handOver()
		for p.handed > 0 {
			p.result()
		}
		close(p.parts) // the sender returns
		p.parts = nil
	}
	out := p.refused
	p.refused, p.stopped = nil, false
	return out
}

// send sends q, many requests to a write, and undoes (without Force) what
// the kernel applied after a refusal.
func (p *Pipeline) send(q []queued) []*PipelineError {
	if len(q) == 0 {
		return nil
	}
	// One goroutine sends at a time (the sender, or Flush when there is
	// none), so p.reqs is never shared.
	reqs := p.reqs[:0]
	for i := range q {
		reqs = append(reqs, q[i].req)
	}
	errs, err := p.c.nl.Batch(reqs)
	clear(reqs)
	p.reqs = reqs
	if err != nil {
		// Not one refusal but the socket failing (or the answers lost):
		// which requests took effect is unknown, so say so on the first.
		return []*PipelineError{{Tag: q[0].tag, Err: fmt.Errorf("rtnl: %d requests sent in a batch: %w", len(q), err)}}
	}
	var out []*PipelineError
	for i, e := range errs {
		if e == nil {
			continue
		}
		out = append(out, &PipelineError{Tag: q[i].tag, Err: addError(q[i].obj, e)})
		if !p.Force {
			if uerr := p.undo(q[i+1:], errs[i+1:]); uerr != nil {
				out[0].Err = fmt.Errorf("%w; undoing the requests sent after it failed: %w", out[0].Err, uerr)
			}
			return out
		}
	}
	return out
}

// undo deletes, newest first, what the requests in q that were applied
// (errs[i] == nil) added: the same object sent as RTM_DEL*, which the
// kernel matches field by field. rtnetlink numbers each object's types
// NEW, DEL, GET, SET: the deletion is the addition's type plus one.
func (p *Pipeline) undo(q []queued, errs []error) error {
	var reqs []nl.Message
	for i := len(q) - 1; i >= 0; i-- {
		if errs[i] == nil {
			reqs = append(reqs, nl.Message{Header: nl.Header{Type: q[i].req.Header.Type + 1}, Data: q[i].req.Data})
		}
	}
	if len(reqs) == 0 {
		return nil
	}
	uerrs, err := p.c.nl.Batch(reqs)
	if err != nil {
		return err
	}
	return errors.Join(uerrs...)
}
