package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/nsnet/nsnet/rtnl"
)

// runBatch runs one command per line of file ("-" is standard input).
// Blank lines and # comments are skipped; a line may start with its own
// global options (-n NS), which ip does not allow. The first failing line
// stops the batch, and the error names the file and line.
func (e *env) runBatch(file string) error {
	r := e.stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return fmt.Errorf("open batch file: %w", err)
		}
		defer f.Close()
		r = f
	}
	// Lines share one socket per namespace; e is copied per line, the map
	// is shared.
	e.conns, e.indexes = map[string]*rtnl.Conn{}, map[string]int32{}
	defer func() {
		for _, c := range e.conns {
			c.Close()
		}
	}()
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		words := strings.Fields(line)
		if len(words) == 0 {
			continue
		}
		sub := *e
		sub.batch = ""
		args, err := sub.parseOptions(words)
		if err == nil {
			err = sub.dispatch(args)
		}
		if len(args) > 0 && (matches(args[0], "link") || matches(args[0], "netns")) {
			clear(e.indexes)
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", file, n, err)
		}
	}
	return sc.Err()
}
