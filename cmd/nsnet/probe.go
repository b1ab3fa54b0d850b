package main

import (
	"cmp"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/nsnet/nsnet/ns"
)

// runProbe checks reachability with TCP or UDP, for systems without ping
// (an initramfs, a container image): a listener that reports who connected,
// and a client that reports the address it connected from. Run with -n,
// the socket is opened inside that namespace.
//
//	nsnet -n blue probe listen tcp 8080 [count N] [timeout SECS]
//	nsnet -n red probe connect tcp 192.168.15.2 8080 [timeout SECS]
func runProbe(e *env, args []string) error {
	if len(args) == 0 || matches(args[0], "help") {
		fmt.Fprint(e.stdout, "Usage: nsnet [-n NS] probe listen tcp|udp PORT [count N] [timeout SECS]\n"+
			"       nsnet [-n NS] probe connect tcp|udp ADDR PORT [timeout SECS]\n")
		return nil
	}
	p, err := parseProbe(args)
	if err != nil {
		return err
	}
	h, err := e.openNetns()
	if err != nil {
		return err
	}
	defer h.Close()
	if p.listen {
		return e.probeListen(h, p)
	}
	return e.probeConnect(h, p)
}

type probe struct {
	listen  bool
	proto   string // "tcp" or "udp"
	addr    netip.Addr
	port    uint16
	count   int
	timeout time.Duration
}

func parseProbe(args []string) (probe, error) {
	p := probe{count: 1, timeout: 5 * time.Second}
	switch {
	case matches(args[0], "listen"):
		p.listen = true
	case matches(args[0], "connect"):
	default:
		return p, usagef("probe: %q is not listen or connect", args[0])
	}
	args = args[1:]
	need := 2 // proto, port
	if !p.listen {
		need = 3 // proto, addr, port
	}
	if len(args) < need {
		return p, usagef("probe: missing arguments (try 'nsnet probe help')")
	}
	p.proto = args[0]
	if p.proto != "tcp" && p.proto != "udp" {
		return p, usagef("probe: protocol %q is not tcp or udp", p.proto)
	}
	if !p.listen {
		a, err := netip.ParseAddr(args[1])
		if err != nil {
			return p, usagef("probe: %q is not an IP address", args[1])
		}
		p.addr = a
	}
	port, err := strconv.ParseUint(args[need-1], 10, 16)
	if err != nil || port == 0 {
		return p, usagef("probe: %q is not a port (1-65535)", args[need-1])
	}
	p.port = uint16(port)
	for rest := args[need:]; len(rest) > 0; rest = rest[2:] {
		if len(rest) < 2 {
			return p, usagef("probe: %q needs a value", rest[0])
		}
		n, err := strconv.Atoi(rest[1])
		if err != nil || n <= 0 {
			return p, usagef("probe: %s %q is not a positive number", rest[0], rest[1])
		}
		switch rest[0] {
		case "count":
			p.count = n
		case "timeout":
			p.timeout = time.Duration(n) * time.Second
		default:
			return p, usagef("probe: unknown option %q", rest[0])
		}
	}
	return p, nil
}

func (e *env) probeListen(h *ns.Handle, p probe) error {
	// One socket per family: Go decides once per process whether
	// dual-stack sockets work, and that answer need not hold in another
	// namespace.
	var closers []io.Closer
	var accepts []func() (net.Addr, error)
	err := ns.In(h, func() error {
		var firstErr error
		for _, fam := range []string{"4", "6"} {
			c, accept, err := listenOne(p, fam)
			if err != nil {
				firstErr = cmp.Or(firstErr, err)
				continue
			}
			closers, accepts = append(closers, c), append(accepts, accept)
		}
		if len(accepts) == 0 {
			return firstErr
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("probe: listen on %s port %d: %w", p.proto, p.port, err)
	}
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	// On stderr, so that a script can wait for it and the report stays clean.
	fmt.Fprintf(e.stderr, "listening on %s port %d\n", p.proto, p.port)
	type result struct {
		from net.Addr
		err  error
	}
	results := make(chan result, 2*p.count)
	for _, accept := range accepts {
		go func() {
			for {
				from, err := accept()
				results <- result{from, err}
				if err != nil {
					return
				}
			}
		}()
	}
	timeout := time.After(p.timeout)
	for range p.count {
		select {
		case r := <-results:
			if r.err != nil {
				return fmt.Errorf("probe: wait on %s port %d: %w", p.proto, p.port, r.err)
			}
			fmt.Fprintf(e.stdout, "%s from %s\n", p.proto, r.from)
		case <-timeout:
			return fmt.Errorf("probe: nothing reached %s port %d within %v", p.proto, p.port, p.timeout)
		}
	}
	return nil
}

// listenOne opens a socket of one family ("4" or "6") and returns a
// function that waits for the next client, answers it with the address it
// was seen as, and returns that address.
func listenOne(p probe, fam string) (io.Closer, func() (net.Addr, error), error) {
	addr := net.JoinHostPort(map[string]string{"4": "0.0.0.0", "6": "::"}[fam], strconv.Itoa(int(p.port)))
	if p.proto == "tcp" {
		ln, err := net.Listen("tcp"+fam, addr)
		if err != nil {
			return nil, nil, err
		}
		return ln, func() (net.Addr, error) {
			c, err := ln.Accept()
			if err != nil {
				return nil, err
			}
			defer c.Close()
			c.Write([]byte(c.RemoteAddr().String() + "\n")) // tell the client how it was seen
			return c.RemoteAddr(), nil
		}, nil
	}
	pc, err := net.ListenPacket("udp"+fam, addr)
	if err != nil {
		return nil, nil, err
	}
	return pc, func() (net.Addr, error) {
		buf := make([]byte, 64)
		_, src, err := pc.ReadFrom(buf)
		if err != nil {
			return nil, err
		}
		pc.WriteTo([]byte(src.String()+"\n"), src)
		return src, nil
	}, nil
}

func (e *env) probeConnect(h *ns.Handle, p probe) error {
	target := netip.AddrPortFrom(p.addr, p.port).String()
	var c net.Conn
	err := ns.In(h, func() (err error) {
		c, err = net.DialTimeout(p.proto, target, p.timeout)
		return err
	})
	if err != nil {
		return fmt.Errorf("probe: connect to %s %s: %w", p.proto, target, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(p.timeout))
	if p.proto == "udp" {
		if _, err := c.Write([]byte("nsnet probe\n")); err != nil {
			return fmt.Errorf("probe: send to udp %s: %w", target, err)
		}
	}
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil {
		return fmt.Errorf("probe: no answer from %s %s: %w", p.proto, target, err)
	}
	fmt.Fprintf(e.stdout, "%s %s reached from %s; seen as %s", p.proto, target, c.LocalAddr(), buf[:n])
	return nil
}
