package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nsnet/nsnet/ns"
	"golang.org/x/sys/unix"
)

// hostHandle opens a named namespace in /run/netns for an oracle command.
func hostHandle(t *testing.T, name string) *ns.Handle {
	t.Helper()
	h, err := ns.Open(ns.DefaultDir, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// waitListening waits until a TCP socket listens on port in the named
// namespace: /proc/thread-self/net/tcp{,6} show the sockets of the
// reading thread's namespace, and state 0A is LISTEN.
func waitListening(t *testing.T, name string, port int) {
	t.Helper()
	h := hostHandle(t, name)
	want := fmt.Sprintf(":%04X 00000000", port)
	want6 := fmt.Sprintf(":%04X 00000000000000000000000000000000", port)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		listening := false
		must(t, ns.Do(h, func() error {
			for _, f := range []string{"/proc/thread-self/net/tcp", "/proc/thread-self/net/tcp6"} {
				b, _ := os.ReadFile(f)
				for _, line := range strings.Split(string(b), "\n") {
					if (strings.Contains(line, want) || strings.Contains(line, want6)) && strings.Contains(line, " 0A ") {
						listening = true
					}
				}
			}
			return nil
		}))
		if listening {
			return
		}
	}
	t.Fatalf("nothing listens on tcp port %d in %s after 10s", port, name)
}

// waitSubscribed waits until n rtnetlink sockets in the named namespace
// have joined a multicast group: /proc/thread-self/net/netlink lists each
// netlink socket with its protocol (0: NETLINK_ROUTE) and group mask.
func waitSubscribed(t *testing.T, name string, n int) {
	t.Helper()
	h := hostHandle(t, name)
	// A liveness bound, not a timing claim: under QEMU's TCG a dozen
	// processes take seconds to start.
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		joined := 0
		must(t, ns.Do(h, func() error {
			b, _ := os.ReadFile("/proc/thread-self/net/netlink")
			for _, line := range strings.Split(string(b), "\n")[1:] {
				if f := strings.Fields(line); len(f) > 3 && f[1] == "0" && strings.Trim(f[3], "0") != "" {
					joined++
				}
			}
			return nil
		}))
		if joined >= n && ipListening(t, h) {
			return
		}
	}
	t.Fatalf("fewer than %d rtnetlink sockets in %s joined a group, or ip was not yet listening, within 60s", n, name)
}

// ipListening says whether every ip (and rtmon) in h's namespace sleeps
// in recvmsg, in its listen loop. ip joins its groups when it opens its
// socket but then dumps the links on that same socket, dropping every
// event that comes meanwhile (ll_init_map, rtnl_dump_filter's skip_it);
// a dump's recvmsg finds its answer queued and never sleeps, so a sleep
// there is the listen loop. /proc/PID/syscall shows the call only of a
// task that sleeps; stat's state S rules out a sleep on a lock.
func ipListening(t *testing.T, h *ns.Handle) bool {
	var netns string
	must(t, ns.Do(h, func() (err error) {
		netns, err = os.Readlink("/proc/thread-self/ns/net")
		return err
	}))
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		dir := "/proc/" + p.Name()
		comm, _ := os.ReadFile(dir + "/comm")
		if c := strings.TrimSpace(string(comm)); c != "ip" && c != "rtmon" {
			continue
		}
		if l, _ := os.Readlink(dir + "/ns/net"); l != netns {
			continue
		}
		call, _ := os.ReadFile(dir + "/syscall")
		stat, _ := os.ReadFile(dir + "/stat")
		_, state, _ := strings.Cut(string(stat), ") ")
		if !strings.HasPrefix(string(call), fmt.Sprint(unix.SYS_RECVMSG)+" ") || !strings.HasPrefix(state, "S") {
			return false
		}
	}
	return true
}
