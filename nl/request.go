package nl

import "golang.org/x/sys/unix"

// Get sends a request for one object (an RTM_GET* without NLM_F_DUMP)
// and returns a copy of the kernel's reply. It asks for no
// acknowledgement: the reply itself, or an NLMSG_ERROR, ends the
// exchange, which saves a datagram per lookup.
func (c *Conn) Get(req Message) (Message, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	req.Header.Flags |= unix.NLM_F_REQUEST
	req.Header.Flags &^= unix.NLM_F_ACK
	req.Header.Sequence = c.nextSeq()
	if err := c.send([]Message{req}); err != nil {
		return Message{}, err
	}
	for {
		msgs, err := c.receive()
		if err != nil {
			return Message{}, err
		}
		for _, m := range msgs {
			if !c.ours(m, req.Header.Sequence) {
				continue
			}
			if m.Header.Type == unix.NLMSG_ERROR {
				if err := c.kernelError(m, &req); err != nil {
					return Message{}, err
				}
				continue
			}
			return cloneMessages([]Message{m})[0], nil
		}
	}
}

// Execute sends one request, asking for an acknowledgement, and returns the
// replies the kernel sent before it (copies; most requests have none, a
// get or NLM_F_ECHO has one). A refusal is an *Error.
func (c *Conn) Execute(req Message) ([]Message, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	req.Header.Flags |= unix.NLM_F_REQUEST | unix.NLM_F_ACK
	req.Header.Sequence = c.nextSeq()
	if err := c.send([]Message{req}); err != nil {
		return nil, err
	}
	var replies []Message
	for {
		msgs, err := c.receive()
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			if !c.ours(m, req.Header.Sequence) {
				continue
			}
			if m.Header.Type == unix.NLMSG_ERROR {
				return replies, c.kernelError(m, &req)
			}
			replies = append(replies, cloneMessages([]Message{m})...)
		}
	}
}
