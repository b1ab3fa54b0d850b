// Command nsnet manages Linux network namespaces, links, addresses, routes,
// neighbours and NAT by speaking netlink to the kernel itself. Its grammar
// is iproute2's: `nsnet -n red addr add 10.0.0.1/24 dev veth0`.
package main

import (
	"cmp"
	"errors"
	"io"
	"runtime"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/rawos"
)

func main() {
	args := rawos.Args()[1:]
	// A container runtime runs a CNI plugin with no arguments and
	// CNI_COMMAND set (a link to nsnet in CNI_PATH).
	if len(args) == 0 && rawos.Getenv("CNI_COMMAND") != "" && cniPlugin != nil {
		rawos.Exit(cniPlugin())
	}
	rawos.Exit(run(args, rawos.Stdin, rawos.Stdout, rawos.Stderr))
}

// offMainThread runs fn on another thread than the caller's, which it
// keeps meanwhile: the process's main thread, for a batch. Work inside a
// namespace runs on a fresh goroutine locked to a thread (ns.Do), never
// the main thread: asked from the main thread, it must wake another
// thread, likely on another CPU, and be woken back; asked from any other,
// the fresh goroutine runs on the asker's thread while the asker waits (a
// batch building 100 namespaces: 208 ms to 177). One command alone does
// not gain what starting the extra thread costs.
func offMainThread(fn func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	done := make(chan error)
	go func() { done <- fn() }()
	return <-done
}

// object is one top-level word of the grammar (link, addr, netns, ...).
type object struct {
	name string
	run  func(e *env, args []string) error
	help string
}

// objects are matched by prefix in this order, so that an abbreviation
// picks what it picks in iproute2: `a` is address, `r` route, `n` neigh.
// Set by init, not in its declaration: help lists objects, which makes
// an initialization cycle for the compiler.
var objects []object

func init() { objects = objectTable() }

func objectTable() []object {
	return []object{
		{"address", runAddr, "addresses: add, del, replace, flush, show"},
		{"route", runRoute, "routes: add, del, replace, change, append, prepend, get, flush, show"},
		{"rule", runRule, "policy routing rules: add, del, flush, show"},
		{"neighbour", runNeigh, "neighbours (ARP/NDP): add, del, replace, flush, show"},
		{"neighbor", runNeigh, ""},
		{"link", runLink, "links: add, del, set, show"},
		{"tuntap", runTuntap, "tun and tap devices: add, del, show"},
		{"tap", runTuntap, ""},
		{"monitor", runMonitor, "print kernel events as they happen"},
		{"mroute", runMroute, "multicast routes a routing daemon set: show"},
		{"netns", runNetns, "named network namespaces: add, del, list, exec, ..."},
		{"nexthop", runNexthop, "nexthop objects, for routes by nhid: add, del, replace, get, flush, show"},
		{"nat", runNat, "NAT: masquerade, forward, show, flush"},
		{"probe", runProbe, "check reachability with TCP/UDP (no ping needed)"},
		{"up", runUp, "build the topology a batch file describes, all or nothing"},
		{"down", runDown, "remove what a topology file builds"},
		{"lab", runLab, "a shell in namespaces of its own, where you are root without being root"},
		{"decode", runDecode, "show netlink messages from a pcap file or a hex dump, as -trace does"},
		{"help", runHelp, ""},
	}
}

// usageError is a mistake in the command line: exit status 2, and nothing
// was sent to the kernel.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

// usagef is not inlined: its ~90 callers are all error paths.
//
//go:noinline
func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// noCompare, as a struct's first field, makes the struct incomparable
// and so spares the binary the equality function the compiler would
// write for it: the types that have it are never compared.
type noCompare [0]func()

// exitError carries the exit status of a command nsnet ran (netns exec),
// and why, if it could not be started.
type exitError struct {
	code int
	err  error
}

func (x *exitError) Error() string {
	if x.err != nil {
		return x.err.Error()
	}
	return fmt.Sprintf("exit status %d", x.code)
}

// run is nsnet without the process around it: tests call it directly.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, netnsDir: defaultNetnsDir()}
	err := e.main(args)
	if err == nil {
		return 0
	}
	if xe, ok := errors.AsType[*exitError](err); ok {
		if xe.err != nil {
			fmt.Fprintf(stderr, "nsnet: %v\n", xe.err)
		}
		return xe.code
	}
	if _, ok := errors.AsType[*usageError](err); ok {
		fmt.Fprintf(stderr, "nsnet: %v\nTry 'nsnet help'.\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "nsnet: %v\n", err)
	return 1
}

// version is set at build time (make: -X main.version=$(git describe)).
var version = "devel"

func (e *env) main(args []string) (err error) {
	args, err = e.parseOptions(args)
	if err != nil {
		return err
	}
	if e.version {
		fmt.Fprintf(e.stdout, "nsnet utility, %s\n", version)
		return nil
	}
	done, err := e.startTrace()
	if err != nil {
		return err
	}
	defer func() { err = cmp.Or(err, done()) }()
	if e.batch != "" {
		return offMainThread(func() error { return e.runBatch(e.batch) })
	}
	if len(args) == 0 {
		return runHelp(e, nil)
	}
	return e.dispatch(args)
}

// dispatch runs one command line (after the global options).
func (e *env) dispatch(args []string) error {
	for _, o := range objects {
		if matches(args[0], o.name) {
			rest := args[1:]
			if len(rest) > 0 && (rest[0] == "--help" || rest[0] == "-help" || rest[0] == "-h") {
				rest = []string{"help"} // every object's help: nsnet link --help
			}
			return o.run(e, rest)
		}
	}
	return usagef("object %q is unknown", args[0])
}

// matches reports whether word abbreviates full, as iproute2's matches():
// a non-empty prefix. Not inlined: the grammar calls it at ~40 places.
//
//go:noinline
func matches(word, full string) bool {
	return word != "" && strings.HasPrefix(full, word)
}

func runHelp(e *env, _ []string) error {
	fmt.Fprint(e.stdout, `Usage: nsnet [OPTIONS] OBJECT COMMAND [ARGS]
       nsnet [OPTIONS] -batch FILE
       nsnet up|down FILE

Objects:
`)
	for _, o := range objects {
		if o.help != "" {
			fmt.Fprintf(e.stdout, "  %-10s %s\n", o.name, o.help)
		}
	}
	fmt.Fprint(e.stdout, `
Options:
  -n, -netns NAME     run the command in named network namespace NAME
  -j, -json           JSON output (the keys ip -j uses)
  -p, -pretty         indent JSON output
  -s, -stats          statistics (twice for more)
  -d, -details        details
  -4, -6              IPv4 or IPv6 only
  -br, -brief         brief output
  -o, -oneline        one line per record
  -all                with netns exec/del: every named namespace
  -batch FILE         run commands from FILE (- for stdin); additions of
                      routes, addresses, neighbours and NAT are sent many at once
  -force              in a batch, go on after a failing line (exit 1 at the end)
  -h, -human          statistics in k, M, G... (-iec: powers of 1024)
  -N, -Numeric        numbers instead of protocol, scope, table, type names
  -c, -color[=WHEN]   colors as ip's: always (the default), auto (on a terminal), never
  -V, -Version        print the version
  -netns-dir DIR      where named namespaces live (default /run/netns)
  -trace[=HOW]        print every netlink message sent and received, on stderr:
                      brief (the default: a line each, types, flags and
                      attributes by name), full (every field, with offsets,
                      and where an error points) or json (an object each)
  -pcap FILE          write the same messages to FILE as a netlink capture
                      (Wireshark, tshark -r FILE)

'nsnet OBJECT help' describes an object's commands.
`)
	return nil
}
