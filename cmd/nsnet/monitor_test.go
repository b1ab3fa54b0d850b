package main

import (
	"strings"
	"testing"
	"time"

	"github.com/nsnet/nsnet/internal/testns"
)

func TestMonitorSeesAddressAndRoute(t *testing.T) {
	testns.Require(t)
	cleanupNetns(t, "mon")
	mustCLI(t, "netns", "add", "mon")
	mustCLI(t, "-n", "mon", "link", "add", "m0", "type", "veth", "peer", "name", "m1")
	mustCLI(t, "-n", "mon", "link", "set", "m0", "up")
	type result struct {
		out, errs string
		code      int
	}
	done := make(chan result, 1)
	go func() {
		out, errs, code := cli(t, "-n", "mon", "-j", "monitor", "address", "route", "count", "2")
		done <- result{out, errs, code}
	}()
	waitSubscribed(t, "mon")
	mustCLI(t, "-n", "mon", "addr", "add", "10.42.0.1/32", "dev", "m0")
	mustCLI(t, "-n", "mon", "route", "add", "10.43.0.0/16", "dev", "m0")
	var r result
	select {
	case r = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("monitor saw fewer than 2 events in 5s")
	}
	if r.code != 0 {
		t.Fatalf("monitor: exit %d %s", r.code, r.errs)
	}
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"event":"newaddr"`) || !strings.Contains(lines[0], `"local":"10.42.0.1"`) {
		t.Fatalf("monitor -j output:\n%s", r.out)
	}
	if !strings.Contains(r.out, `"event":"newroute"`) {
		t.Fatalf("no route event in:\n%s", r.out)
	}
}

func TestMonitorSeesLinkAndNSID(t *testing.T) {
	testns.Require(t)
	cleanupNetns(t, "mon2", "peer2")
	mustCLI(t, "netns", "add", "mon2")
	mustCLI(t, "netns", "add", "peer2")
	for _, c := range []struct {
		object, want string
		act          []string
	}{
		{"link", `"event":"newlink"`, []string{"-n", "mon2", "link", "add", "br9", "type", "bridge"}},
		{"nsid", `"event":"newnsid"`, []string{"-n", "mon2", "netns", "set", "peer2", "9"}},
	} {
		done := make(chan string, 1)
		go func() {
			out, errs, _ := cli(t, "-n", "mon2", "-j", "monitor", c.object, "count", "1")
			done <- out + errs
		}()
		waitSubscribed(t, "mon2")
		mustCLI(t, c.act...)
		select {
		case out := <-done:
			if !strings.Contains(out, c.want) {
				t.Errorf("monitor %s printed %q, want %s", c.object, out, c.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("monitor %s saw nothing in 5s", c.object)
		}
	}
}
