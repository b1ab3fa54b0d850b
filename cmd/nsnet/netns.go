package main

import (
	"errors"
	"strconv"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/internal/sysfile"
	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/ns"
	"github.com/nsnet/nsnet/rtnl"
)

const netnsHelp = `Usage: nsnet netns list [--all]
       nsnet netns add NAME
       nsnet netns attach NAME PID
       nsnet [-all] netns del [NAME]
       nsnet [-all] netns exec [NAME] CMD ...
       nsnet netns identify [PID]
       nsnet netns pids NAME
       nsnet netns set NAME NETNSID|auto
       nsnet netns list-id
`

// netnsCommands are matched by prefix in this order, like ip's.
var netnsCommands = []command{
	{"list", netnsList}, {"show", netnsList}, {"add", netnsAdd}, {"attach", netnsAttach},
	{"delete", netnsDel}, {"exec", netnsExec}, {"identify", netnsIdentify}, {"pids", netnsPids},
	{"set", netnsSet}, {"list-id", netnsListID},
}

func runNetns(e *env, args []string) error {
	return dispatchCommand(e, "netns", netnsCommands, netnsHelp, args)
}

// nameErr turns a bad namespace name into a usage error (exit 2).
func nameErr(err error) error {
	if ne, ok := errors.AsType[*ns.NameError](err); ok {
		return &usageError{ne.Error()}
	}
	return err
}

// oneName checks that args is exactly one namespace name.
func oneName(args []string, what string) (string, error) {
	if len(args) != 1 {
		return "", usagef("netns %s: want one namespace name", what)
	}
	return args[0], nameErr(ns.ValidName(args[0]))
}

func netnsAdd(e *env, args []string) error {
	name, err := oneName(args, "add")
	if err != nil {
		return err
	}
	h, err := ns.Add(e.netnsDir, name)
	h.Close()
	return err
}

func netnsAttach(e *env, args []string) error {
	if len(args) != 2 {
		return usagef("netns attach: want NAME PID")
	}
	pid, ok := num.Uint(args[1], 10, 31)
	if !ok || pid == 0 {
		return usagef("netns attach: %q is not a pid", args[1])
	}
	if err := nameErr(ns.ValidName(args[0])); err != nil {
		return err
	}
	return ns.Attach(e.netnsDir, args[0], int(pid))
}

func netnsDel(e *env, args []string) error {
	if e.all && len(args) == 0 {
		names, err := ns.List(e.netnsDir)
		if err != nil {
			return err
		}
		for _, n := range names {
			if err := ns.Delete(e.netnsDir, n); err != nil {
				return err
			}
		}
		return nil
	}
	name, err := oneName(args, "del")
	if err != nil {
		return err
	}
	return ns.Delete(e.netnsDir, name)
}

// isFD tells whether x is the process's file descriptor n: an *os.File
// or *rawos.File of it.
//
//go:noinline
func isFD(x any, n uintptr) bool {
	f, ok := x.(interface{ Fd() uintptr })
	return ok && f.Fd() == n
}

func netnsExec(e *env, args []string) error {
	if e.all {
		if len(args) == 0 {
			return usagef("netns exec: no command")
		}
		names, err := ns.List(e.netnsDir)
		if err != nil {
			return err
		}
		worst := 0
		for _, n := range names {
			fmt.Fprintf(e.stdout, "\nnetns: %s\n", n)
			code, err := execIn(e, n, args, false)
			if err != nil {
				return err
			}
			worst = max(worst, code)
		}
		return exitCode(worst)
	}
	if len(args) < 2 {
		return usagef("netns exec: want NAME CMD ...")
	}
	if err := nameErr(ns.ValidName(args[0])); err != nil {
		return err
	}
	// Like ip, the command replaces nsnet, unless nsnet has more to do
	// (a batch) or its output is not its own (run as a library, in tests).
	replace := !e.inBatch() && isFD(e.stdin, 0) && isFD(e.stdout, 1) && isFD(e.stderr, 2)
	code, err := execIn(e, args[0], args[1:], replace)
	if err != nil {
		return err
	}
	return exitCode(code)
}

func execIn(e *env, name string, argv []string, replace bool) (int, error) {
	h, err := ns.Open(e.netnsDir, name)
	if err != nil {
		return 0, err
	}
	defer h.Close()
	warn := func(err error) { fmt.Fprintf(e.stderr, "nsnet: netns exec %s: warning: %v\n", name, err) }
	opt := ns.ExecOptions{Stdin: e.stdin, Stdout: e.stdout, Stderr: e.stderr, Warn: warn}
	var code int
	if replace {
		err = ns.Replace(h, name, argv, opt) // returns only on failure
	} else {
		code, err = ns.Exec(h, name, argv, opt)
	}
	if xe, ok := errors.AsType[*ns.ExecError](err); ok { // the shell's 126 or 127
		return 0, &exitError{code: xe.Code, err: err}
	}
	return code, err
}

func exitCode(code int) error {
	if code == 0 {
		return nil
	}
	return &exitError{code: code}
}

func netnsIdentify(e *env, args []string) error {
	pid := unix.Getpid()
	if len(args) > 1 {
		return usagef("netns identify: want at most one PID")
	}
	if len(args) == 1 {
		p, ok := num.Uint(args[0], 10, 31)
		if !ok || p == 0 {
			return usagef("netns identify: %q is not a pid", args[0])
		}
		pid = int(p)
	}
	names, err := ns.Identify(e.netnsDir, pid)
	if err != nil {
		return err
	}
	for _, n := range names {
		fmt.Fprintln(e.stdout, n)
	}
	return nil
}

func netnsPids(e *env, args []string) error {
	name, err := oneName(args, "pids")
	if err != nil {
		return err
	}
	pids, err := ns.PIDs(e.netnsDir, name)
	if err != nil {
		return err
	}
	for _, p := range pids {
		fmt.Fprintln(e.stdout, p)
	}
	return nil
}

func netnsSet(e *env, args []string) error {
	if len(args) != 2 {
		return usagef("netns set: want NAME NETNSID")
	}
	id := int64(-1) // auto: the kernel picks
	if args[1] != "auto" {
		n, ok := num.Uint(args[1], 10, 31)
		if !ok {
			return usagef("netns set: %q is not a namespace id (0 or more, or auto)", args[1])
		}
		id = int64(n)
	}
	if err := nameErr(ns.ValidName(args[0])); err != nil {
		return err
	}
	h, err := ns.Open(e.netnsDir, args[0])
	if err != nil {
		return err
	}
	defer h.Close()
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	if err := c.SetNSID(h.FD(), int32(id)); err != nil {
		return fmt.Errorf("set id of namespace %q: %w", args[0], err)
	}
	return nil
}

// nsidsByName maps each named namespace to its id in the current (-n)
// namespace, when it has one.
func nsidsByName(e *env, c *rtnl.Conn) (map[string]int32, []string, error) {
	names, err := ns.List(e.netnsDir)
	if err != nil {
		return nil, nil, err
	}
	ids := map[string]int32{}
	for _, n := range names {
		h, err := ns.Open(e.netnsDir, n)
		if err != nil {
			continue // a stale file: listed without an id
		}
		if id, err := c.NSID(h.FD()); err == nil && id >= 0 {
			ids[n] = id
		}
		h.Close()
	}
	return ids, names, nil
}

func netnsList(e *env, args []string) error {
	if len(args) == 1 && optionWord(args[0]) == "all" {
		return netnsListAll(e)
	}
	if len(args) != 0 {
		return usagef("netns list: unexpected %q", args[0])
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	ids, names, err := nsidsByName(e, c)
	if err != nil {
		return err
	}
	if e.json {
		out := []ipfmt.Object{}
		for _, n := range names {
			m := ipfmt.Object{{Key: "name", Value: n}}
			if id, ok := ids[n]; ok {
				m.Set("id", id)
			}
			out = append(out, m)
		}
		return e.printer().PrintJSON(out)
	}
	for _, n := range names {
		if id, ok := ids[n]; ok {
			fmt.Fprintf(e.stdout, "%s (id: %d)\n", n, id)
		} else {
			fmt.Fprintln(e.stdout, n)
		}
	}
	return nil
}

func netnsListID(e *env, _ []string) error {
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	ids, err := c.NSIDs()
	if err != nil {
		return err
	}
	byID, _, err := nsidsByName(e, c)
	if err != nil {
		return err
	}
	out := []ipfmt.Object{}
	for _, id := range ids {
		o := ipfmt.Object{{Key: "nsid", Value: id}}
		line := fmt.Sprintf("nsid %d", id)
		for n, nid := range byID {
			if nid == id {
				line += " (iproute2 netns name: " + n + ")"
				o.Set("name", n)
			}
		}
		if !e.json {
			fmt.Fprintln(e.stdout, line)
		}
		out = append(out, o)
	}
	if e.json {
		return e.printer().PrintJSON(out)
	}
	return nil
}

// netnsListAll is `lsns -t net` with the names: every namespace on the
// system, its processes and the files that name it.
func netnsListAll(e *env) error {
	all, err := ns.ListAll(e.netnsDir)
	if err != nil {
		return err
	}
	if e.json {
		out := []ipfmt.Object{}
		for _, n := range all {
			out = append(out, ipfmt.Object{{Key: "ns", Value: n.ID.Ino}, {Key: "nprocs", Value: len(n.PIDs)},
				{Key: "pids", Value: nonNil(n.PIDs)}, {Key: "files", Value: nonNil(n.Files)}})
		}
		return e.printer().PrintJSON(out)
	}
	fmt.Fprintf(e.stdout, "%-12s %6s %8s  %s\n", "NS", "NPROCS", "PID", "FILES / COMMAND")
	for _, n := range all {
		pid, what := "-", strings.Join(n.Files, " ")
		if len(n.PIDs) > 0 {
			pid = strconv.Itoa(n.PIDs[0])
			if what == "" {
				cmd, _ := sysfile.ReadFile(fmt.Sprintf("/proc/%d/comm", n.PIDs[0]))
				what = strings.TrimSpace(string(cmd))
			}
		}
		fmt.Fprintf(e.stdout, "%-12d %6d %8s  %s\n", n.ID.Ino, len(n.PIDs), pid, what)
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
