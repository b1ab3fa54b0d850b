package main

import (
	"bufio"
	"io"
	"os"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"

	"github.com/nsnet/nsnet/rtnl"
)

// runBatch runs one command per line of file ("-" is standard input), as
// ip -batch does: # starts a comment, a line ending in \ continues on the
// next, words may be quoted with ' or " (no escapes inside), and any line
// length is fine. A line may start with its own global options (-n NS),
// which ip does not allow. The first failing line stops the batch, and
// the error names the file and line.
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
	// Lines share one socket per namespace; e is copied per line, the maps
	// are shared.
	e.conns, e.indexes = map[string]*rtnl.Conn{}, map[string]int32{}
	defer e.forgetConns()
	br := bufio.NewReader(r)
	for n := 1; ; {
		line, lines, err := readBatchLine(br)
		if err != nil && err != io.EOF {
			return fmt.Errorf("%s:%d: read: %w", file, n, err)
		}
		if werr := e.batchLine(line); werr != nil {
			return fmt.Errorf("%s:%d: %w", file, n, werr)
		}
		if err == io.EOF {
			return nil
		}
		n += lines
	}
}

// batchLine runs one logical line of a batch.
func (e *env) batchLine(line string) error {
	sub, args, err := e.parseBatchLine(line)
	if err != nil || len(args) == 0 {
		return err
	}
	err = sub.dispatch(args)
	if matches(args[0], "link") || matches(args[0], "netns") {
		clear(e.indexes) // links may have been renamed, moved or deleted
	}
	if matches(args[0], "netns") {
		// A name may now stand for another namespace (deleted and added
		// again): its old socket would reach the orphaned one.
		e.forgetConns()
	}
	return err
}

// parseBatchLine reads one logical line: the env it runs with (e with the
// line's own options) and the command words, never empty unless the line
// is (a blank or comment line: nothing to run, no error).
func (e *env) parseBatchLine(line string) (*env, []string, error) {
	words, err := splitBatchLine(line)
	if err != nil || len(words) == 0 {
		return nil, nil, err
	}
	sub := *e
	sub.batch = ""
	args, err := sub.parseOptions(words)
	switch {
	case err != nil:
		return nil, nil, err
	case sub.batch != "":
		return nil, nil, usagef("-batch inside a batch")
	case len(args) == 0:
		return nil, nil, usagef("options but no command")
	}
	return &sub, args, nil
}

func (e *env) forgetConns() {
	for k, c := range e.conns {
		c.Close()
		delete(e.conns, k)
	}
}

// readBatchLine reads one logical line: physical lines joined where one
// ends in a backslash, comments cut. It returns how many physical lines it
// read.
func readBatchLine(br *bufio.Reader) (string, int, error) {
	var b strings.Builder
	for n := 1; ; n++ {
		s, err := br.ReadString('\n')
		s = strings.TrimRight(s, "\r\n")
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		cont := strings.HasSuffix(s, "\\")
		b.WriteString(strings.TrimSuffix(s, "\\"))
		if !cont || err != nil {
			return b.String(), n, err
		}
		b.WriteByte(' ')
	}
}

// splitBatchLine splits a line into words as ip's makeargs does: blanks
// separate words, and a word that starts with ' or " runs to the same
// quote.
func splitBatchLine(line string) ([]string, error) {
	var words []string
	for {
		line = strings.TrimLeft(line, " \t")
		if line == "" {
			return words, nil
		}
		if q := line[0]; q == '\'' || q == '"' {
			end := strings.IndexByte(line[1:], q)
			if end < 0 {
				return nil, usagef("unterminated quoted string")
			}
			words = append(words, line[1:1+end])
			line = line[2+end:]
			continue
		}
		end := strings.IndexAny(line, " \t")
		if end < 0 {
			end = len(line)
		}
		words = append(words, line[:end])
		line = line[end:]
	}
}
