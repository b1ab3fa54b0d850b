package nl

import (
	"errors"

	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"
)

// Outcome is what the kernel said about one request of a Batch or
// Transaction.
type Outcome struct {
	Err   error // the kernel refused the request (an *Error)
	Acked bool  // an acknowledgement (error 0) arrived for it
}

// ErrAcksLost reports that the socket's receive buffer overflowed
// (ENOBUFS) while acknowledgements were being collected. The requests were
// all sent and the kernel processed them; what is unknown is which of them
// it refused, because some of its answers were dropped.
var ErrAcksLost = errors.New("nl: receive buffer overflowed while collecting acknowledgements; outcome of some requests unknown")

// batchWrite bounds the bytes of one write of Batch. The kernel answers
// every refused request with an NLMSG_ERROR of its own; keeping writes
// moderate keeps a burst of refusals within the receive buffer.
const batchWrite = 64 * 1024

// Batch sends reqs, many to a write, and returns one error per request
// (nil: applied). Only the last request of each write asks for an
// acknowledgement: the kernel processes a write's messages in order and
// answers each refusal anyway, so that one ACK proves the whole write was
// processed. This is what makes bulk changes fast.
//
// If the answers overflow the receive buffer, the error is ErrAcksLost and
// the per-request errors hold only the refusals that did arrive.
func (c *Conn) Batch(reqs []Message) ([]error, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	errs := make([]error, len(reqs))
	var lost error
	for start := 0; start < len(reqs); {
		end, size := start, 0
		for end < len(reqs) && (end == start || size+headerLen+len(reqs[end].Data) <= batchWrite) {
			size += align(headerLen + len(reqs[end].Data))
			end++
		}
		chunk := append(c.chunk[:0], reqs[start:end]...)
		c.chunk = chunk
		for i := range chunk {
			chunk[i].Header.Flags |= unix.NLM_F_REQUEST
			chunk[i].Header.Flags &^= unix.NLM_F_ACK
			chunk[i].Header.Sequence = c.nextSeq()
		}
		chunk[len(chunk)-1].Header.Flags |= unix.NLM_F_ACK
		if err := c.send(chunk); err != nil {
			return errs, fmt.Errorf("%w (%d of %d requests sent)", err, start, len(reqs))
		}
		out := append(c.outcomes[:0], make([]Outcome, len(chunk))...)
		c.outcomes = out
		err := c.collect(chunk, out, chunk[len(chunk)-1].Header.Sequence)
		clear(chunk) // not to keep the caller's requests alive
		if errors.Is(err, ErrAcksLost) {
			lost = err
		} else if err != nil {
			return errs, err
		}
		for i, o := range out {
			errs[start+i] = o.Err
		}
		start = end
	}
	return errs, lost
}

// Transaction sends msgs in a single write, with the flags the caller set
// (NLM_F_REQUEST is added), and reports what the kernel answered to each.
// It is made for nfnetlink batches (BATCH_BEGIN ... BATCH_END), where an
// ACK for an inner message does not prove a commit and a failed batch may
// leave some messages unanswered: after the write, Transaction sends a
// NLMSG_NOOP asking for an ACK, which the kernel answers only after it has
// finished with the batch, and stops reading there.
func (c *Conn) Transaction(msgs []Message) ([]Outcome, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	msgs = append([]Message(nil), msgs...)
	for i := range msgs {
		msgs[i].Header.Flags |= unix.NLM_F_REQUEST
		msgs[i].Header.Sequence = c.nextSeq()
	}
	out := make([]Outcome, len(msgs))
	if err := c.send(msgs); err != nil {
		return out, err
	}
	// The kernel's netlink_rcv_skb acknowledges any message whose type is
	// below NLMSG_MIN_TYPE without handing it to the family: a barrier.
	barrier := Message{Header: Header{Type: unix.NLMSG_NOOP, Flags: unix.NLM_F_REQUEST | unix.NLM_F_ACK, Sequence: c.nextSeq()}}
	if err := c.send([]Message{barrier}); err != nil {
		return out, err
	}
	return out, c.collect(msgs, out, barrier.Header.Sequence)
}

// collect reads answers to reqs (numbered consecutively) into out until the
// answer to the message numbered last. On ENOBUFS it reads what is queued,
// then sends a barrier to learn when the kernel is done, and returns
// ErrAcksLost.
func (c *Conn) collect(reqs []Message, out []Outcome, last uint32) error {
	first := reqs[0].Header.Sequence
	var lost error
	wait := true
	for {
		msgs, err := c.receiveMaybeWait(wait)
		switch {
		case errors.Is(err, unix.ENOBUFS) && lost == nil:
			// The answer to last may be among the dropped. Drain the queue
			// first: the kernel drops everything (silently, after one
			// ENOBUFS) until the receive queue is empty again.
			lost, wait = ErrAcksLost, false
			continue
		case err == errWouldBlock:
			// Drained: now a barrier, answered after everything before it.
			b := Message{Header: Header{Type: unix.NLMSG_NOOP, Flags: unix.NLM_F_REQUEST | unix.NLM_F_ACK, Sequence: c.nextSeq()}}
			if err := c.send([]Message{b}); err != nil {
				return err
			}
			last, wait = b.Header.Sequence, true
			continue
		case err != nil:
			return err
		}
		for _, m := range msgs {
			if m.Header.PortID != c.port || m.Header.Type != unix.NLMSG_ERROR {
				continue
			}
			seq := m.Header.Sequence
			if i := int(seq - first); seq-first < uint32(len(reqs)) {
				out[i].Err = c.kernelError(m, &reqs[i])
				out[i].Acked = out[i].Err == nil
			}
			if seq == last && wait {
				return lost
			}
		}
	}
}
