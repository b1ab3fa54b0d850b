package nl

import (
	"errors"

	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"
)

// Dump sends a dump request (NLM_F_DUMP is added) and calls fn for each
// message of the reply, in order, as datagrams arrive. m.Data is valid only
// during the call. An error from fn stops the dump (the rest of the reply is
// drained) and is returned. If the kernel flagged the dump NLM_F_DUMP_INTR,
// Dump returns ErrDumpInterrupted after the last message.
func (c *Conn) Dump(req Message, fn func(Message) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dump(req, fn)
}

func (c *Conn) dump(req Message, fn func(Message) error) error {
	req.Header.Flags |= unix.NLM_F_REQUEST | unix.NLM_F_DUMP
	req.Header.Sequence = c.nextSeq()
	if err := c.send([]Message{req}); err != nil {
		return err
	}
	var fnErr error
	intr := false
	var ahead *readAhead
	defer func() {
		if ahead != nil {
			ahead.wait()
		}
	}()
	for n := 0; ; n++ {
		if n == 2 {
			// A dump of more than two datagrams, not over yet: read the
			// rest ahead, while this goroutine decodes.
			ahead = c.readAhead(req.Header.Sequence)
		}
		var msgs []Message
		var err error
		if ahead != nil {
			msgs, err = ahead.receive(c)
		} else {
			msgs, err = c.receive()
		}
		if err != nil {
			return err
		}

		for _, m := range msgs {
			if !c.ours(m, req.Header.Sequence) {
				continue
			}
			intr = intr || m.Header.Flags&unix.NLM_F_DUMP_INTR != 0
			switch m.Header.Type {
			case unix.NLMSG_DONE, unix.NLMSG_ERROR:
				// A dump ends with DONE; DONE may carry an errno (and a
				// failed dump request gets an ERROR instead).
				if err := c.kernelError(m, &req); err != nil {
					return err
				}
				if fnErr != nil {
					return fnErr
				}
				if intr {
					return ErrDumpInterrupted
				}
				return nil
			case unix.NLMSG_NOOP, unix.NLMSG_OVERRUN:
				continue
			}
			if fnErr == nil {
				fnErr = fn(m)
			}
		}
	}
}

// dumpRetries bounds how often an interrupted dump is restarted. A dump
// is interrupted only when the object set changed while it was being
// read, so a retry usually succeeds; the bound stops a livelock under a
// flood of changes.
const dumpRetries = 10

// DumpConsistent runs a dump like Dump and restarts it while the kernel
// flags it NLM_F_DUMP_INTR (the set changed while it was read), a bounded
// number of times. restart is called before every attempt, the first
// included, so the caller can discard what an interrupted attempt gave
// it. If no attempt completes cleanly, the error is ErrDumpInterrupted and
// the caller holds the last attempt's possibly inconsistent result.
func (c *Conn) DumpConsistent(req Message, restart func(), fn func(Message) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for range dumpRetries {
		restart()
		if err := c.dump(req, fn); err != ErrDumpInterrupted {
			return err
		}
	}
	return fmt.Errorf("%w (%d attempts)", ErrDumpInterrupted, dumpRetries)
}

// DumpAll runs a dump and returns copies of all its messages. An
// interrupted dump is restarted (DumpConsistent); if it never completes
// cleanly, the error is a *DumpInterruptedError carrying the last result.
func (c *Conn) DumpAll(req Message) ([]Message, error) {
	var out []Message
	err := c.DumpConsistent(req, func() { out = out[:0] }, func(m Message) error {
		out = append(out, cloneMessages([]Message{m})...)
		return nil
	})
	if errors.Is(err, ErrDumpInterrupted) {
		return out, &DumpInterruptedError{Partial: out}
	}
	return out, err
}

// readAhead receives a dump's datagrams on a goroutine of its own while
// the caller decodes the ones before. The kernel builds the next part of a
// dump inside the recvmsg that drains the last, on the receiving thread:
// so on two CPUs, listing 100,000 routes takes the kernel's time, not the
// kernel's plus nsnet's. A few buffers go round, so memory stays flat.
type readAhead struct {
	full chan received
	free chan []byte
	done chan struct{}
	last []byte // the buffer the caller holds, given back at the next receive
}

type received struct {
	b   []byte
	err error
}

const aheadBuffers = 4

func (c *Conn) readAhead(seq uint32) *readAhead {
	r := &readAhead{full: make(chan received, aheadBuffers), free: make(chan []byte, aheadBuffers), done: make(chan struct{})}
	for range aheadBuffers {
		r.free <- nil
	}
	go func() {
		defer close(r.done)
		for {
			b, from, err := c.t.Receive(true)
			if err == nil && from != 0 {
				continue // not from the kernel
			}
			buf := append(<-r.free, b...)
			r.full <- received{buf[:len(b)], err}
			if err != nil || ends(b, seq, c.port) {
				return
			}
		}
	}()
	return r
}

// receive is Conn.receive from the datagrams read ahead.
func (r *readAhead) receive(c *Conn) ([]Message, error) {
	if r.last != nil {
		r.free <- r.last[:0]
	}
	d := <-r.full
	r.last = d.b
	if d.err != nil {
		return nil, c.receiveError(d.err)
	}
	return c.parse(d.b)
}

// wait returns once the reading goroutine has, so that nothing but the
// caller uses the socket after the dump.
func (r *readAhead) wait() { <-r.done }

// ends reports whether datagram b holds the last message of the dump
// numbered seq: its DONE, or the ERROR that refuses it.
func ends(b []byte, seq, port uint32) bool {
	for len(b) > 0 {
		m, rest, err := parseMessage(b)
		if err != nil {
			return true // the caller fails on it too: nothing more to read
		}
		if m.Header.Sequence == seq && m.Header.PortID == port &&
			(m.Header.Type == unix.NLMSG_DONE || m.Header.Type == unix.NLMSG_ERROR) {
			return true
		}
		b = rest
	}
	return false
}
