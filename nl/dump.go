package nl

import "golang.org/x/sys/unix"

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
	for {
		msgs, err := c.receive()
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

// dumpRetries bounds how often DumpAll restarts an interrupted dump.
const dumpRetries = 5

// DumpAll runs a dump and returns copies of all its messages. An
// interrupted dump is restarted up to a few times; if it never completes
// cleanly, the error is a *DumpInterruptedError carrying the last result.
func (c *Conn) DumpAll(req Message) ([]Message, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Message
	for range dumpRetries {
		out = out[:0]
		err := c.dump(req, func(m Message) error {
			out = append(out, cloneMessages([]Message{m})...)
			return nil
		})
		if err != ErrDumpInterrupted {
			return out, err
		}
	}
	return out, &DumpInterruptedError{Partial: out}
}
