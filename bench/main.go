// Command bench measures nsnet against the tools it replaces, each
// workload run for nsnet and its peers alternately, every run in a fresh
// network namespace, and prints medians: wall time, user and system CPU,
// peak RSS, and each as a multiple of the first tool's. `make bench`
// builds nsnet as `make build` does and runs this as root inside a
// private sandbox (new network and mount namespaces, /run on tmpfs), so
// the host is untouched. See docs/performance.md for the latest table.
//
//	bench -nsnet ./nsnet [-cni ./nsnet-cni] [-rounds 5] [-only NAME]
package main

import (
	"cmp"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/ns"
	"github.com/nsnet/nsnet/rtnl"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "raw-routes" { // the reference client, as a process
		n, _ := strconv.Atoi(os.Args[2])
		if err := rawRoutes(n, [4]byte{10, 0, 0, 2}); err != nil {
			fmt.Fprintln(os.Stderr, "raw-routes:", err)
			os.Exit(1)
		}
		return
	}
	nsnet := flag.String("nsnet", "./nsnet", "the nsnet binary")
	rounds := flag.Int("rounds", 5, "runs of each tool per workload")
	flag.StringVar(&only, "only", "", "run only the workloads whose name contains this")
	flag.StringVar(&cniBin, "cni", "", "nsnet built with the CNI plugin (-tags cni), for the CNI workloads")
	flag.StringVar(&other, "compare", "", "another nsnet binary, run alongside (an A/B of two builds)")
	flag.Parse()
	bin, err := filepath.Abs(*nsnet)
	check(err)
	nsnetBin = bin
	self, err := os.Executable()
	check(err)
	dir, err := os.MkdirTemp("", "nsnet-bench-")
	check(err)
	defer os.RemoveAll(dir)

	fmt.Printf("| work | tool | wall (median) | × first | user | sys | peak RSS |\n|---|---|---|---|---|---|---|\n")
	routes := func(n int) {
		file := write(dir, fmt.Sprintf("routes%d", n), func(b *strings.Builder) {
			for i := range n {
				fmt.Fprintf(b, "route add 172.%d.%d.%d/32 via 10.0.0.2\n", 16+i>>16, byte(i>>8), byte(i))
			}
		})
		work(fmt.Sprintf("%d route adds", n), *rounds, once(withVeth), []tool{
			{name: "ip -batch", argv: []string{"ip", "-batch", file}},
			{name: "nsnet -batch", argv: []string{bin, "-batch", file}},
			{name: "raw client", argv: []string{self, "raw-routes", strconv.Itoa(n)}},
		})
	}
	routes(20000)
	routes(100000)

	forwards := write(dir, "forwards", func(b *strings.Builder) {
		for i := range 1000 {
			fmt.Fprintf(b, "nat forward add tcp %d to 10.80.0.2:80\n", 10000+i)
		}
	})
	// nft -f gets exactly the rules nsnet makes, as nft lists them.
	h := withBridge()
	_, err = run(h, []string{bin, "-batch", forwards})
	check(err)
	rules, err := output(h, "nft", "list", "table", "ip", "nsnet")
	check(err)
	h.Close()
	nftFile := write(dir, "forwards.nft", func(b *strings.Builder) { b.WriteString(rules) })
	work("1,000 port forwards", *rounds, once(withBridge), []tool{
		{name: "nft -f", argv: []string{"nft", "-f", nftFile}},
		{name: "nsnet -batch", argv: []string{bin, "-batch", forwards}},
	})

	topo, script := hundredNamespaces(dir)
	work("100 namespaces on a bridge", *rounds, once(withHostBridge), []tool{
		{name: "ip, a shell script", argv: []string{"sh", script}},
		{name: "nsnet -batch", argv: []string{bin, "-batch", topo}},
	})

	// Listing a large table: the routes added once, then each tool in turn.
	big := withVeth()
	_, err = run(big, []string{self, "raw-routes", "100000"})
	check(err)
	shared := func() (*ns.Handle, func()) { return big, func() {} }
	work("route show, 100,000 routes", *rounds, shared, []tool{
		{name: "ip route show", argv: []string{"ip", "route", "show"}},
		{name: "nsnet route show", argv: []string{bin, "route", "show"}},
	})
	work("-j route show, 100,000 routes", *rounds, shared, []tool{
		{name: "ip -j route show", argv: []string{"ip", "-j", "route", "show"}},
		{name: "nsnet -j route show", argv: []string{bin, "-j", "route", "show"}},
	})
	big.Close()

	// Listing many links: 3,000 veth pairs, an address on one end of each.
	manyLinks := write(dir, "links", func(b *strings.Builder) {
		for i := range 3000 {
			fmt.Fprintf(b, "link add a%d type veth peer name b%d\naddr add 10.%d.%d.1/24 dev a%d\n", i, i, 100+i/250, i%250, i)
		}
	})
	links := fresh()
	_, err = run(links, []string{bin, "-batch", manyLinks})
	check(err)
	sharedLinks := func() (*ns.Handle, func()) { return links, func() {} }
	work("link show, 6,000 links", *rounds, sharedLinks, []tool{
		{name: "ip link show", argv: []string{"ip", "link", "show"}},
		{name: "nsnet link show", argv: []string{bin, "link", "show"}},
	})
	work("addr show, 6,000 links", *rounds, sharedLinks, []tool{
		{name: "ip addr show", argv: []string{"ip", "addr", "show"}},
		{name: "nsnet addr show", argv: []string{bin, "addr", "show"}},
	})
	links.Close()

	cniWork(dir, *rounds)

	work("link show lo, one process (×200)", *rounds, once(fresh), []tool{
		{name: "ip", argv: []string{"sh", "-c", "i=0; while [ $i -lt 200 ]; do ip link show lo >/dev/null; i=$((i+1)); done"}},
		{name: "nsnet", argv: []string{"sh", "-c", "i=0; while [ $i -lt 200 ]; do " + bin + " link show lo >/dev/null; i=$((i+1)); done"}},
		{name: "sh alone", argv: []string{"sh", "-c", "i=0; while [ $i -lt 200 ]; do true; i=$((i+1)); done"}},
	})

	fmt.Println()
	for _, b := range []string{bin, "/bin/busybox", "/usr/sbin/ip", "/usr/sbin/nft"} {
		if st, err := os.Stat(b); err == nil {
			fmt.Printf("binary %s: %d bytes\n", b, st.Size())
		}
	}
}

// settle is the pause between runs.
const settle = 300 * time.Millisecond

// only and other are the flags -only and -compare.
var only, other, nsnetBin string

type tool struct {
	name string
	argv []string
	prep []string // run before each measured run, in its namespace, not timed
}

type sample struct {
	wall, user, sys time.Duration
	rss             int64 // KB
}

// work runs each tool rounds times, alternating, each run in a namespace
// setup makes, and prints the medians.
func work(name string, rounds int, setup func() (*ns.Handle, func()), tools []tool) {
	if !strings.Contains(name, only) {
		return
	}
	if other != "" {
		for _, t := range tools {
			if t.argv[0] == nsnetBin { // not the shell loops

				tools = append(tools, tool{name: t.name + " (" + other + ")", argv: append([]string{other}, t.argv[1:]...)})
			}
		}
	}
	samples := make([][]sample, len(tools))
	for range rounds {
		for i, t := range tools {
			h, done := setup()
			var err error
			if t.prep != nil {
				_, err = output(h, t.prep...)
			}
			s, err2 := run(h, t.argv)
			err = cmp.Or(err, err2)
			done()
			// The kernel frees a namespace's routes after the last handle
			// is gone, in a worker thread: let it finish before the next
			// run, which would otherwise share the CPUs with it.
			time.Sleep(settle)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %s: %v\n", name, t.name, err)
				os.Exit(1)
			}
			samples[i] = append(samples[i], s)
		}
	}
	var first time.Duration
	for i, t := range tools {
		m := median(samples[i])
		if i == 0 {
			first = m.wall
		}
		rss := "-"
		if m.rss >= 0 {
			rss = fmt.Sprintf("%.1f MB", float64(m.rss)/1024)
		}
		fmt.Printf("| %s | %s | %s | %.2f | %s | %s | %s |\n", name, t.name, ms(m.wall),
			float64(m.wall)/float64(first), ms(m.user), ms(m.sys), rss)
		name = ""
	}
}

func median(s []sample) sample {
	pick := func(f func(sample) int64) int64 {
		v := make([]int64, len(s))
		for i := range s {
			v[i] = f(s[i])
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return sample{
		wall: time.Duration(pick(func(x sample) int64 { return int64(x.wall) })),
		user: time.Duration(pick(func(x sample) int64 { return int64(x.user) })),
		sys:  time.Duration(pick(func(x sample) int64 { return int64(x.sys) })),
		rss:  pick(func(x sample) int64 { return x.rss }),
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }

// run starts argv inside h (from a thread in h: the child inherits its
// namespace) and measures it. Peak RSS comes from GNU time when it is
// installed: a child Go starts shares the parent's memory until exec
// (vfork), and the kernel counts that in the child's ru_maxrss.
func run(h *ns.Handle, argv []string) (sample, error) {
	var s sample
	timed := argv
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		timed = append([]string{"/usr/bin/time", "-f", "maxrss %M"}, argv...)
	}
	err := ns.Do(h, func() error {
		cmd := exec.Command(timed[0], timed[1:]...)
		var errb strings.Builder
		cmd.Stderr = &errb
		start := time.Now()
		err := cmd.Run()
		s.wall = time.Since(start)
		if err != nil {
			return fmt.Errorf("%v: %s", err, errb.String())
		}
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		s.user, s.sys = time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
		s.rss = -1
		if i := strings.LastIndex(errb.String(), "maxrss "); i >= 0 {
			s.rss, _ = strconv.ParseInt(strings.TrimSpace(errb.String()[i+7:]), 10, 64)
		}
		return nil
	})
	return s, err
}

func output(h *ns.Handle, argv ...string) (string, error) {
	var out []byte
	err := ns.Do(h, func() (err error) {
		out, err = exec.Command(argv[0], argv[1:]...).Output()
		return err
	})
	return string(out), err
}

func fresh() *ns.Handle {
	h, err := ns.New()
	check(err)
	return h
}

// once makes a setup for one run: the namespace made, and its cleanup,
// which closes it (its links go with it) and deletes every named
// namespace the run made.
func once(setup func() *ns.Handle) func() (*ns.Handle, func()) {
	return func() (*ns.Handle, func()) {
		h := setup()
		return h, func() {
			h.Close()
			names, _ := ns.List(ns.DefaultDir)
			for _, n := range names {
				ns.Delete(ns.DefaultDir, n)
			}
		}
	}
}

// withVeth: v0 up with 10.0.0.1/16, so routes via 10.0.0.2 are accepted.
func withVeth() *ns.Handle {
	return withLink(&rtnl.Link{Name: "v0", Info: &rtnl.Veth{Peer: rtnl.Link{Name: "v1"}}}, "10.0.0.1/16")
}

// withBridge: br0 up with 10.80.0.1/24, the servers' subnet for forwards.
func withBridge() *ns.Handle {
	return withLink(&rtnl.Link{Name: "br0", Info: &rtnl.Bridge{}}, "10.80.0.1/24")
}

// withHostBridge: the "host" of the 100 namespaces.
func withHostBridge() *ns.Handle {
	return withLink(&rtnl.Link{Name: "br0", Info: &rtnl.Bridge{}}, "10.9.0.1/16")
}

func withLink(l *rtnl.Link, prefix string) *ns.Handle {
	h := fresh()
	c, err := rtnl.Dial(h, nil)
	check(err)
	defer c.Close()
	made, err := c.LinkAdd(l)
	check(err)
	check(c.AddrAdd(&rtnl.Addr{Prefix: netaddr.MustParsePrefix(prefix), Index: made.Index}))
	check(c.LinkSetUp(made.Index))
	return h
}

// hundredNamespaces writes the same topology as an nsnet batch and as a
// shell script of ip commands: per namespace, a veth into the host's
// bridge, an address, lo up and a default route.
func hundredNamespaces(dir string) (batch, script string) {
	var b, s strings.Builder
	for i := range 100 {
		n, v, a := fmt.Sprintf("n%d", i), fmt.Sprintf("v%d", i), fmt.Sprintf("10.9.1.%d/16", i+1)
		for _, line := range []string{
			"netns add " + n,
			"link add " + v + " type veth peer name eth0 netns " + n,
			"link set " + v + " master br0 up",
			"-n " + n + " link set lo up",
			"-n " + n + " addr add " + a + " dev eth0",
			"-n " + n + " link set eth0 up",
			"-n " + n + " route add default via 10.9.0.1",
		} {
			b.WriteString(line + "\n")
			s.WriteString("ip " + line + "\n")
		}
	}
	return write(dir, "topo100", func(w *strings.Builder) { w.WriteString(b.String()) }),
		write(dir, "topo100.sh", func(w *strings.Builder) { w.WriteString("set -e\n" + s.String()) })
}

func write(dir, name string, fill func(*strings.Builder)) string {
	var b strings.Builder
	fill(&b)
	path := filepath.Join(dir, name)
	check(os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
