package main

import (
	"cmp"
	"io"
	"strings"
	"time"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/rawos"
	"github.com/nsnet/nsnet/internal/trace"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/nl"
	"github.com/nsnet/nsnet/ns"
	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

// env is the state of one nsnet invocation: the global options and where
// output goes.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	netns    string // -n: named namespace (or path) to work in; "" is the current one
	netnsDir string // -netns-dir
	json     bool   // -j
	pretty   bool   // -p
	stats    int    // -s, counted
	human    bool   // -h: statistics in k, M, G...
	iec      bool   // -iec: ...powers of 1024
	numeric  bool   // -N: numbers instead of names
	color    uint8  // -c: the palette (ipfmt.LightBackground...), 0: no colors
	version  bool   // -V
	details  bool   // -d
	family   int    // -4, -6: unix.AF_INET, unix.AF_INET6; 0 for both
	brief    bool   // -br
	oneline  bool   // -o
	all      bool   // -all
	batch    string // -batch FILE
	force    bool   // -force: a batch goes on after a failing line
	trace    string // -trace[=full|json]: "brief", "full", "json"; "" for none
	pcap     string // -pcap FILE
	tracer   *trace.Tracer

	conns   map[string]*rtnl.Conn // in a batch: the open rtnetlink socket of each -n namespace
	pending *pending              // in a batch: additions queued, not yet sent
	indexes map[linkKey]int32     // in a batch: ifindex by namespace and name, as ip caches them
}

// inBatch tells whether e runs a line of a batch.
func (e *env) inBatch() bool { return e.conns != nil }

// defaultNetnsDir is iproute2's: -netns-dir changes it. Nothing is read
// from the environment.
func defaultNetnsDir() string { return ns.DefaultDir }

// option is one global option: its full name (abbreviations accepted, as
// in ip), and what it does; takesArg options consume the next word.
type option struct {
	name     string
	takesArg bool // a value after it, or after "="
	eqArg    bool // a value after "=" only, if any (-color=auto)
	set      func(e *env, arg string) error
}

var options = []option{
	{"netns", true, false, func(e *env, a string) error {
		if a == "" {
			// Else `-n "$NS"` with NS unset would act on this namespace.
			return usagef("option -n: empty namespace name")
		}
		e.netns = a
		return nil
	}},
	{"json", false, false, func(e *env, _ string) error { e.json = true; return nil }},
	{"pretty", false, false, func(e *env, _ string) error { e.pretty = true; return nil }},
	{"stats", false, false, func(e *env, _ string) error { e.stats++; return nil }},
	{"statistics", false, false, func(e *env, _ string) error { e.stats++; return nil }},
	{"details", false, false, func(e *env, _ string) error { e.details = true; return nil }},
	{"brief", false, false, func(e *env, _ string) error { e.brief = true; return nil }},
	{"oneline", false, false, func(e *env, _ string) error { e.oneline = true; return nil }},
	{"all", false, false, func(e *env, _ string) error { e.all = true; return nil }},
	{"batch", true, false, func(e *env, a string) error { e.batch = a; return nil }},
	{"force", false, false, func(e *env, _ string) error { e.force = true; return nil }},
	{"human", false, false, func(e *env, _ string) error { e.human = true; return nil }},
	{"human-readable", false, false, func(e *env, _ string) error { e.human = true; return nil }},
	{"iec", false, false, func(e *env, _ string) error { e.iec = true; return nil }},
	{"Numeric", false, false, func(e *env, _ string) error { e.numeric = true; return nil }},
	{"Version", false, false, func(e *env, _ string) error { e.version = true; return nil }},
	{"color", false, true, setColor},
	{"netns-dir", true, false, func(e *env, a string) error {
		if a == "" {
			return usagef("option -netns-dir: empty directory name")
		}
		e.netnsDir = a
		return nil
	}},
	{"trace", false, true, func(e *env, a string) error {
		switch a {
		case "":
			a = "brief"
		case "brief", "full", "json":
		default:
			return usagef("option -trace=%s: want brief, full or json", a)
		}
		e.trace = a
		return nil
	}},
	{"pcap", true, false, func(e *env, a string) error {
		if a == "" {
			return usagef("option -pcap: empty file name")
		}
		e.pcap = a
		return nil
	}},
	{"4", false, false, func(e *env, _ string) error { e.family = afInet; return nil }},
	{"6", false, false, func(e *env, _ string) error { e.family = afInet6; return nil }},
}

const (
	afInet  = 2  // AF_INET
	afInet6 = 10 // AF_INET6
)

// setColor is ip's -color[=always|auto|never]: auto paints when stdout is
// a terminal. $COLORFGBG ("15;0": light on dark) says whether the
// background is dark, as rxvt and others set it: then the colors are bold.
func setColor(e *env, mode string) error {
	switch mode {
	case "", "always":
	case "auto":
		if _, err := unix.IoctlGetTermios(1, unix.TCGETS); err != nil {
			return nil
		}
	case "never":
		e.color = 0
		return nil
	default:
		return usagef("option -color=%s: want always, auto or never", mode)
	}
	e.color = ipfmt.LightBackground
	bg := rawos.Getenv("COLORFGBG")
	if i := strings.LastIndexByte(bg, ';'); i >= 0 && len(bg) == i+2 && strings.IndexByte("01234568", bg[i+1]) >= 0 {
		e.color = ipfmt.DarkBackground
	}
	return nil
}

// optionWord is an option without its dash, or its two: -x and --x are
// one.
func optionWord(s string) string {
	s, _ = strings.CutPrefix(s, "-")
	s, _ = strings.CutPrefix(s, "-")
	return s
}

// parseOptions consumes leading options ("-x" or "--x") and returns the
// rest of the command line.
func (e *env) parseOptions(args []string) ([]string, error) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		word, value, hasValue := strings.Cut(optionWord(args[0]), "=")
		args = args[1:]
		if word == "help" {
			args = []string{"help"}
			break
		}
		o, err := lookupOption(word)
		if err != nil {
			return nil, err
		}
		arg := value
		if hasValue && !o.takesArg && !o.eqArg {
			return nil, usagef("option -%s takes no value", o.name)
		}
		if o.takesArg && !hasValue {
			if len(args) == 0 {
				return nil, usagef("option -%s needs an argument", o.name)
			}
			arg, args = args[0], args[1:]
		}
		if err := o.set(e, arg); err != nil {
			return nil, err
		}
	}
	return args, nil
}

// lookupOption finds an option by exact name, by the short forms ip has
// (-n, -j, -s, -d, -br, -o, -p) or by an unambiguous prefix.
func lookupOption(word string) (option, error) {
	// ip's one-letter forms; -h is -human, as in ip (-help is help).
	switch word {
	case "n":
		word = "netns"
	case "j":
		word = "json"
	case "s":
		word = "stats"
	case "d":
		word = "details"
	case "br":
		word = "brief"
	case "o":
		word = "oneline"
	case "p":
		word = "pretty"
	case "a":
		word = "all"
	case "b":
		word = "batch"
	case "h":
		word = "human"
	case "N":
		word = "Numeric"
	case "V":
		word = "Version"
	case "c":
		word = "color"
	}
	var found []option
	for _, o := range options {
		if o.name == word {
			return o, nil
		}
		if strings.HasPrefix(o.name, word) {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		return option{}, usagef("option -%s is unknown or ambiguous", word)
	}
	return found[0], nil
}

// inNetns runs fn in the namespace -n names, or here.
func (e *env) inNetns(fn func() error) error {
	h, err := e.openNetns()
	if err != nil {
		return err
	}
	defer h.Close()
	return ns.In(h, fn)
}

// openNetns opens the namespace named by -n (a name in the netns directory,
// or a path), or returns nil for the current namespace.
func (e *env) openNetns() (*ns.Handle, error) {
	if e.netns == "" {
		return nil, nil
	}
	if strings.Contains(e.netns, "/") {
		return ns.OpenPath(e.netns)
	}
	if err := ns.ValidName(e.netns); err != nil {
		return nil, nameErr(err)
	}
	return ns.Open(e.netnsDir, e.netns)
}

// nlConfig is the netlink configuration every command uses.
//
//go:noinline
func (e *env) nlConfig() *nl.Config {
	cfg := &nl.Config{Timeout: 30 * time.Second}
	if e.tracer != nil {
		cfg.Trace = e.tracer.Datagram
	}
	return cfg
}

// traceMode is the trace.Mode -trace asked for.
func (e *env) traceMode() trace.Mode {
	switch e.trace {
	case "full":
		return trace.Full
	case "json":
		return trace.JSON
	}
	return trace.Brief
}

// startTrace sets up -trace and -pcap: every netlink datagram nsnet sends
// or receives, decoded on stderr, and written to the pcap file. The
// returned function closes the file.
func (e *env) startTrace() (func() error, error) {
	if e.trace == "" && e.pcap == "" {
		return func() error { return nil }, nil
	}
	var w io.Writer
	if e.trace != "" {
		w = e.stderr
	}
	var p *trace.Pcap
	done := func() error { return nil }
	if e.pcap != "" {
		f, err := rawos.Create(e.pcap)
		if err != nil {
			return nil, fmt.Errorf("-pcap: %w", err)
		}
		p = trace.NewPcap(f)
		done = func() error {
			if err := cmp.Or(p.Err(), f.Close()); err != nil {
				return fmt.Errorf("-pcap %s: %w", e.pcap, err)
			}
			return nil
		}
	}
	e.tracer = trace.New(w, e.traceMode(), p)
	return done, nil
}

// linkKey names a link in a batch: its namespace (-n) and name.
type linkKey struct{ netns, name string }

// linkIndex is c.LinkIndex, remembered for the rest of a batch: a
// lookup costs the kernel a whole link message, and most batch lines name
// the same few links. A command that may delete, rename or move links
// makes the batch forget them all (runLine).
func (e *env) linkIndex(c *rtnl.Conn, name string) (int32, error) {
	key := linkKey{e.netns, name}
	if i, ok := e.indexes[key]; ok {
		return i, nil
	}
	i, err := c.LinkIndex(name)
	if err == nil && e.indexes != nil {
		e.indexes[key] = i
	}
	return i, err
}

// withLink opens an rtnetlink socket in the -n namespace, finds the
// ifindex of link dev there, and runs fn with both.
func (e *env) withLink(dev string, fn func(c *rtnl.Conn, index int32) error) error {
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	index, err := e.linkIndex(c, dev)
	if err != nil {
		return err
	}
	return fn(c, index)
}

// dialRoute opens an rtnetlink socket in the -n namespace, or, in a
// batch, reuses the one already open there: one socket per namespace for
// the whole batch, as ip -batch keeps one.
func (e *env) dialRoute() (*rtnl.Conn, error) {
	if c := e.conns[e.netns]; c != nil {
		return c, nil
	}
	h, err := e.openNetns()
	if err != nil {
		return nil, err
	}
	defer h.Close()
	c, err := rtnl.Dial(h, e.nlConfig())
	if err == nil && e.conns != nil {
		e.conns[e.netns] = c
	}
	return c, err
}

// release closes a connection from dialRoute unless a batch keeps it.
// Not inlined: twenty commands defer it.
//
//go:noinline
func (e *env) release(c *rtnl.Conn) {
	if e.conns[e.netns] != c {
		c.Close()
	}
}

// printer prints in the format the options chose. Not inlined: each of
// its callers would copy its eleven fields (2 KB of the binary).
//
//go:noinline
func (e *env) printer() *ipfmt.Printer {
	return &ipfmt.Printer{W: e.stdout, JSON: e.json, Pretty: e.pretty, Stats: e.stats, Details: e.details,
		Brief: e.brief, Oneline: e.oneline, Family: e.family, Numeric: e.numeric, Human: e.human, IEC: e.iec, Color: e.color}
}
