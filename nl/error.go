package nl

import (
	"encoding/binary"
	"errors"

	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"
)

// Error is a request the kernel refused: the errno of an NLMSG_ERROR (or of
// an NLMSG_DONE that ends a dump), with the extended acknowledgement the
// kernel may add.
type Error struct {
	Errno  unix.Errno // the kernel's -errno, made positive
	Msg    string     // NLMSGERR_ATTR_MSG: the kernel's own explanation, if any
	Offset int        // NLMSGERR_ATTR_OFFS: byte offset in the request of the attribute at fault, or -1
	Attr   string     // the attribute at Offset, named by the family (Config.AttrName), if known
	Seq    uint32     // sequence number of the refused request
}

func (e *Error) Error() string {
	s := e.Errno.Error()
	if e.Msg != "" {
		s += " (kernel: " + e.Msg + ")"
	} else if e.Errno == unix.EPERM {
		s += " (" + permHint + ")"
	}
	if e.Attr != "" {
		s += " [attribute " + e.Attr + "]"
	}
	return s
}

// Unwrap makes errors.Is(err, unix.EEXIST) and errors.Is(err, fs.ErrExist)
// work.
func (e *Error) Unwrap() error { return e.Errno }

// permHint explains EPERM, whose text alone misleads wherever it comes
// from. Hints that depend on what was asked (a missing module for a link
// kind, a gateway off-link) belong to the package that made the request,
// which knows.
const permHint = "needs CAP_NET_ADMIN in the namespace's user namespace"

// ErrDumpInterrupted reports a dump during which the kernel's object set
// changed (NLM_F_DUMP_INTR): the result may be inconsistent.
var ErrDumpInterrupted = errors.New("nl: dump interrupted by concurrent changes")

// DumpInterruptedError carries what a dump collected before giving up on an
// interrupted dump. It matches ErrDumpInterrupted.
type DumpInterruptedError struct {
	Partial []Message
}

func (e *DumpInterruptedError) Error() string {
	return fmt.Sprintf("%v (%d messages, possibly inconsistent)", ErrDumpInterrupted, len(e.Partial))
}

func (e *DumpInterruptedError) Is(target error) bool { return target == ErrDumpInterrupted }

// parseError decodes the payload of an NLMSG_ERROR, or of an NLMSG_DONE
// (the int32, then the TLVs). It returns nil for an acknowledgement
// (error 0). A problem in the extended-ack part never hides the errno.
//
// Layout (struct nlmsgerr): int32 error, then the header of the refused
// request, then its payload unless NLM_F_CAPPED, then, if NLM_F_ACK_TLVS,
// NLMSGERR_ATTR_* attributes.
func parseError(m Message) (*Error, error) {
	if len(m.Data) < 4 {
		return nil, fmt.Errorf("nl: error message: want at least 4 bytes, have %d", len(m.Data))
	}
	errno := -int32(binary.NativeEndian.Uint32(m.Data[:4]))
	if errno == 0 {
		return nil, nil
	}
	e := &Error{Errno: unix.Errno(errno), Offset: -1, Seq: m.Header.Sequence}
	if m.Header.Flags&unix.NLM_F_ACK_TLVS == 0 {
		return e, nil
	}
	tlvs := m.Data[4:]
	if m.Header.Type == unix.NLMSG_ERROR {
		// Skip the echoed request: its header, and its payload unless capped.
		if len(tlvs) < headerLen {
			return e, nil
		}
		skip := headerLen
		if m.Header.Flags&unix.NLM_F_CAPPED == 0 {
			skip = int(binary.NativeEndian.Uint32(tlvs[:4]))
		}
		if skip < headerLen || skip > len(tlvs) {
			return e, nil
		}
		tlvs = tlvs[min(align(skip), len(tlvs)):]
	} // an NLMSG_DONE ending a failed dump has the TLVs right after the errno
	d := NewDecoder(tlvs)
	for d.Next() {
		switch d.Type() {
		case unix.NLMSGERR_ATTR_MSG:
			e.Msg = d.String()
		case unix.NLMSGERR_ATTR_OFFS:
			if len(d.Bytes()) == 4 {
				e.Offset = int(d.Uint32())
			}
		}
	}
	return e, nil
}
