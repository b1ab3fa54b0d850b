package nltest_test

import (
	"encoding/binary"
	"errors"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/nl/nltest"
)

func req(typ uint16) nl.Message {
	return nl.Message{Header: nl.Header{Type: typ}, Data: make([]byte, 16)}
}

// Protocol logic without a kernel: what nl.Conn makes of answers that a
// real kernel produces only under load or in races.

// An acknowledgement is matched by sequence number and sender: a reply to
// another request, or one from another process, is not taken for it.
func TestExecuteMatchesTheRightAnswer(t *testing.T) {
	c := nltest.Dial(func(r []nl.Message) []nltest.Reply {
		stale := r[0]
		stale.Header.Sequence--
		return []nltest.Reply{
			{Msgs: []nl.Message{nltest.Ack(stale)}},                              // an old request's answer
			{Msgs: []nl.Message{nltest.Ack(r[0])}, From: 999},                    // a forgery from another port
			{Msgs: []nl.Message{nltest.Error(r[0], unix.EEXIST, "Link exists")}}, // the kernel's
		}
	})
	_, err := c.Execute(req(unix.RTM_NEWLINK))
	var ne *nl.Error
	if !errors.As(err, &ne) || ne.Errno != unix.EEXIST || ne.Msg != "Link exists" {
		t.Fatalf("want the kernel's EEXIST with its message, got %v", err)
	}
}

// A dump whose DONE carries NLM_F_DUMP_INTR is reported, and
// DumpConsistent restarts it until a clean one, bounded.
func TestInterruptedDumps(t *testing.T) {
	dumps := 0
	c := nltest.Dial(func(r []nl.Message) []nltest.Reply {
		dumps++
		flags := uint16(unix.NLM_F_DUMP_INTR)
		if dumps == 3 {
			flags = 0
		}
		return []nltest.Reply{
			{Msgs: []nl.Message{nltest.Object(r[0], unix.RTM_NEWLINK, make([]byte, 16), 0), nltest.Object(r[0], unix.RTM_NEWLINK, make([]byte, 16), flags)}},
			{Msgs: []nl.Message{nltest.Done(r[0], flags)}},
		}
	})
	if err := c.Dump(req(unix.RTM_GETLINK), func(nl.Message) error { return nil }); !errors.Is(err, nl.ErrDumpInterrupted) {
		t.Fatalf("interrupted dump: %v", err)
	}
	n, restarts := 0, 0
	err := c.DumpConsistent(req(unix.RTM_GETLINK), func() { n = 0; restarts++ }, func(nl.Message) error { n++; return nil })
	if err != nil || n != 2 || restarts != 2 {
		t.Fatalf("DumpConsistent: %v, %d objects after %d starts (want 2 after 2)", err, n, restarts)
	}
	always := nltest.Dial(func(r []nl.Message) []nltest.Reply {
		return []nltest.Reply{{Msgs: []nl.Message{nltest.Done(r[0], unix.NLM_F_DUMP_INTR)}}}
	})
	if _, err := always.DumpAll(req(unix.RTM_GETLINK)); !errors.Is(err, nl.ErrDumpInterrupted) {
		t.Fatalf("a dump never clean: %v", err)
	}
}

// A dump that fails says why, with the kernel's errno on DONE.
func TestDumpErrorOnDone(t *testing.T) {
	c := nltest.Dial(func(r []nl.Message) []nltest.Reply {
		done := nltest.Done(r[0], 0)
		errno := -int32(unix.EINVAL) // a dump's DONE carries -errno
		done.Data = binary.NativeEndian.AppendUint32(nil, uint32(errno))
		return []nltest.Reply{{Msgs: []nl.Message{done}}}
	})
	if err := c.Dump(req(unix.RTM_GETLINK), func(nl.Message) error { return nil }); !errors.Is(err, unix.EINVAL) {
		t.Fatalf("want EINVAL from DONE, got %v", err)
	}
}

// An overflow while a Batch collects its acknowledgements is ErrAcksLost,
// never a failure of requests that were applied; the refusals that did
// arrive are still attributed to their requests.
func TestBatchOverflow(t *testing.T) {
	writes := 0
	c := nltest.Dial(func(r []nl.Message) []nltest.Reply {
		writes++
		if writes > 1 { // the barrier Batch sends after an overflow
			return []nltest.Reply{{Msgs: []nl.Message{nltest.Ack(r[len(r)-1])}}}
		}
		return []nltest.Reply{
			{Msgs: []nl.Message{nltest.Error(r[1], unix.EEXIST, "")}},
			{Err: unix.ENOBUFS}, // the rest was dropped
		}
	})
	errs, err := c.Batch([]nl.Message{req(unix.RTM_NEWADDR), req(unix.RTM_NEWADDR), req(unix.RTM_NEWADDR)})
	if !errors.Is(err, nl.ErrAcksLost) || errs[0] != nil || !errors.Is(errs[1], unix.EEXIST) || errs[2] != nil {
		t.Fatalf("Batch: %v, per request %v", err, errs)
	}
}

// A transaction commits when no error came before the barrier's answer,
// whether or not the last message was acknowledged (kernels before 6.10
// never acknowledge nfnetlink's BATCH_END).
func TestTransactionWithoutFinalAck(t *testing.T) {
	c := nltest.Dial(func(r []nl.Message) []nltest.Reply {
		if r[0].Header.Type == unix.NLMSG_NOOP {
			return []nltest.Reply{{Msgs: []nl.Message{nltest.Ack(r[0])}}}
		}
		return nil // as 6.1 does for a whole good batch
	})
	out, err := c.Transaction([]nl.Message{req(0x10), req(0x11), req(0x11)})
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range out {
		if o.Err != nil || o.Acked {
			t.Fatalf("message %d: %+v", i, o)
		}
	}
}
