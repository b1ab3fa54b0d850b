package main

import (
	"strings"
	"testing"
	"time"

	"github.com/nsnet/nsnet/internal/testns"
)

// The probe is nsnet's ping: both protocols and both families, on the
// loopback of a namespace of the test's own.
func TestProbeLoopback(t *testing.T) {
	testns.Require(t)
	cleanupNetns(t, "pr")
	mustCLI(t, "netns", "add", "pr")
	mustCLI(t, "-n", "pr", "link", "set", "lo", "up")
	for _, tc := range []struct{ proto, addr, port, from string }{
		{"udp", "127.0.0.1", "9000", "udp from 127.0.0.1:"},
		{"udp", "::1", "9001", "udp from [::1]:"},
		{"tcp", "::1", "9002", "tcp from [::1]:"},
		{"tcp", "127.0.0.1", "9003", "tcp from 127.0.0.1:"},
	} {
		served := make(chan string, 1)
		go func() {
			out, errs, _ := cli(t, "-n", "pr", "probe", "listen", tc.proto, tc.port, "timeout", "5")
			served <- out + errs
		}()
		var out, errs string
		code := 1
		// A UDP listener cannot be waited for from /proc/net/tcp, and a
		// datagram sent before it binds is lost: try until it answers
		// (for TCP too, whose listener starts in a goroutine of its own).
		// The client's timeout is a liveness bound: under QEMU's TCG, on a
		// busy host, an answer took more than a second to come.
		for range 100 {
			if out, errs, code = cli(t, "-n", "pr", "probe", "connect", tc.proto, tc.addr, tc.port, "timeout", "5"); code == 0 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		got := <-served
		if code != 0 || !strings.Contains(out, " reached from ") || !strings.HasPrefix(got, tc.from) {
			t.Errorf("%s %s: client exit %d %q %q; server %q", tc.proto, tc.addr, code, out, errs, got)
		}
	}
	if _, errs, code := cli(t, "-n", "pr", "probe", "connect", "tcp", "127.0.0.1", "9009", "timeout", "1"); code != 1 || !strings.Contains(errs, "connection refused") {
		t.Errorf("connect to a closed port: exit %d %q", code, errs)
	}
	if _, errs, code := cli(t, "-n", "pr", "probe", "listen", "udp", "9010", "timeout", "1"); code != 1 || !strings.Contains(errs, "nothing reached udp port 9010 within 1s") {
		t.Errorf("listen with nobody coming: exit %d %q", code, errs)
	}
}
