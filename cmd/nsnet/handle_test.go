package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nsnet/nsnet/ns"
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
		if joined >= n {
			return
		}
	}
	t.Fatalf("fewer than %d rtnetlink sockets in %s joined a group within 60s", n, name)
}
