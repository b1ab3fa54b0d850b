package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nsnet/nsnet/internal/testns"
)

// monitorProc runs `nsnet -n NS -j monitor ARGS...` as a process of its
// own (this test binary acting as nsnet) and delivers its output lines;
// it is killed when t ends. stderr collects what it says on the way.
func monitorProc(t *testing.T, netns string, args ...string) (lines <-chan string, stderr *syncBuffer) {
	t.Helper()
	cmd := exec.Command("/proc/self/exe", append([]string{"-n", netns, "-j", "monitor"}, args...)...)
	cmd.Env = append(os.Environ(), cliEnv+"=1")
	stderr = &syncBuffer{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	ch := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			ch <- sc.Text()
		}
		close(ch)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	waitSubscribed(t, netns, 1)
	return ch, stderr
}

// syncBuffer is a bytes.Buffer safe to write from a process's copier
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitLine reads lines until one contains all of want, or fails t.
func waitLine(t *testing.T, lines <-chan string, want ...string) (seen int) {
	t.Helper()
	timeout := time.After(60 * time.Second) // a liveness bound, not a timing claim
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("monitor ended after %d lines without %q", seen, want)
			}
			seen++
			match := true
			for _, w := range want {
				match = match && strings.Contains(l, w)
			}
			if match {
				return seen
			}
		case <-timeout:
			t.Fatalf("no line with %q after %d lines", want, seen)
		}
	}
}

// namespaceWithVeth makes namespace name holding veth dev (peer dev+"p"),
// up, for a monitor to watch.
func namespaceWithVeth(t *testing.T, name, dev string) {
	testns.Require(t)
	cleanupNetns(t, name)
	mustCLI(t, "netns", "add", name)
	mustCLI(t, "-n", name, "link", "add", dev, "type", "veth", "peer", "name", dev+"p")
	mustCLI(t, "-n", name, "link", "set", dev, "up")
}

func TestMonitorSeesAddressAndRoute(t *testing.T) {
	namespaceWithVeth(t, "mon", "m0")
	lines, _ := monitorProc(t, "mon", "address", "route")
	mustCLI(t, "-n", "mon", "addr", "add", "10.42.0.1/32", "dev", "m0")
	mustCLI(t, "-n", "mon", "route", "add", "10.43.0.0/16", "dev", "m0")
	waitLine(t, lines, `"event":"newaddr"`, `"local":"10.42.0.1"`, `"ifname":"m0"`)
	// The route added, not the kernel's own local route for the address.
	waitLine(t, lines, `"event":"newroute"`, `"dst":"10.43.0.0/16"`, `"dev":"m0"`)
}

// A flood of 40,000 routes does not kill the monitor: it keeps up, or
// says that events were lost and carries on, and still names links.
func TestMonitorSurvivesRouteFlood(t *testing.T) {
	namespaceWithVeth(t, "flood", "f0")
	lines, stderr := monitorProc(t, "flood", "route")
	file := filepath.Join(t.TempDir(), "flood")
	must(t, os.WriteFile(file, []byte(floodRoutes(40000)), 0o644))
	mustCLI(t, "-n", "flood", "-batch", file)
	// Events that arrive while the buffer is full are lost, so the sign of
	// life is a route added and deleted again and again (each a new event;
	// replacing a route with itself is none) until the monitor prints it.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				cli(t, "-n", "flood", "route", []string{"add", "del"}[i%2], "10.250.0.0/16", "dev", "f0")
			}
		}
	}()
	seen := waitLine(t, lines, `"dst":"10.250.0.0/16"`, `"dev":"f0"`)
	t.Logf("monitor printed %d lines up to the first sign of life; stderr: %q", seen, stderr.String())
	if seen < 40001 && !strings.Contains(stderr.String(), "events lost") {
		t.Fatalf("%d of 40,000 flood events printed, and no word of loss: %q", seen-1, stderr.String())
	}
}

// floodRoutes is a batch adding n /24 routes.
func floodRoutes(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "route add 11.%d.%d.0/24 dev f0\n", i/256, i%256)
	}
	return b.String()
}

func TestMonitorSeesLinkAndNSID(t *testing.T) {
	testns.Require(t)
	cleanupNetns(t, "mon2", "peer2")
	mustCLI(t, "netns", "add", "mon2")
	mustCLI(t, "netns", "add", "peer2")
	for _, c := range []struct {
		object string
		want   []string
		act    []string
	}{
		{"link", []string{`"event":"newlink"`, `"ifname":"br9"`}, []string{"-n", "mon2", "link", "add", "br9", "type", "bridge"}},
		{"nsid", []string{`"event":"newnsid"`, `"nsid":9`}, []string{"-n", "mon2", "netns", "set", "peer2", "9"}},
	} {
		done := make(chan string, 1)
		go func() {
			out, errs, _ := cli(t, "-n", "mon2", "-j", "monitor", c.object, "count", "1")
			done <- out + errs
		}()
		waitSubscribed(t, "mon2", 1)
		mustCLI(t, c.act...)
		select {
		case out := <-done:
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("monitor %s printed %q, want %s", c.object, out, w)
				}
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("monitor %s saw nothing in 5s", c.object)
		}
	}
}

// asctime agrees with the time package (UTC) over the range of a u32.
func TestAsctime(t *testing.T) {
	for _, s := range []uint32{0, 59, 86399, 86400, 951782400, 951868800, 1709164800, 1764041460, 4102444800 - 1, 1<<32 - 1} {
		want := time.Unix(int64(s), 0).UTC().Format("Mon Jan _2 15:04:05 2006")
		if got := asctime(s); got != want {
			t.Errorf("asctime(%d) = %q, want %q", s, got, want)
		}
	}
	for s := uint64(0); s < 1<<32; s += 7919 * 3607 {
		want := time.Unix(int64(s), 0).UTC().Format("Mon Jan _2 15:04:05 2006")
		if got := asctime(uint32(s)); got != want {
			t.Fatalf("asctime(%d) = %q, want %q", s, got, want)
		}
	}
}
