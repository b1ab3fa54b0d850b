package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/testns"
)

// docStep is one `$ COMMAND` of a console block in docs/, and the lines
// shown after it: each must appear in what the command prints (stdout and
// stderr, in order), where … stands for anything.
type docStep struct {
	file, cmd string
	line      int
	want      []string
}

// docSteps reads the console blocks of a markdown file.
func docSteps(t *testing.T, file string) []docStep {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var steps []docStep
	in := false
	for i, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			in = line == "```console"
		case in && strings.HasPrefix(line, "$ "):
			steps = append(steps, docStep{file: file, line: i + 1, cmd: line[2:]})
		case in && len(steps) > 0:
			steps[len(steps)-1].want = append(steps[len(steps)-1].want, line)
		}
	}
	return steps
}

// Every command shown in docs/ runs, in the order shown, and prints what
// the page says it prints: the pages cannot rot. Each page runs in a shell
// of its own, in a fresh network namespace with its own /run, with nsnet
// on $PATH.
func TestDocs(t *testing.T) {
	testns.Require(t)
	files, _ := filepath.Glob("../../docs/*.md")
	bin := t.TempDir()
	buildNsnet(t, filepath.Join(bin, "nsnet"))
	total := 0
	for _, file := range files {
		steps := docSteps(t, file)
		if len(steps) == 0 {
			continue
		}
		total += len(steps)
		// One shell for the page: a marker before each command's output.
		script := "mount -t tmpfs tmpfs /run || exit 1\n"
		for _, s := range steps {
			script += "echo '@@step'\n" + s.cmd + " 2>&1\n"
		}
		cmd := exec.Command("sh", "-c", script)
		cmd.Dir = t.TempDir()
		cmd.Env = append(os.Environ(), cliEnv+"=1", "PATH="+bin+":"+os.Getenv("PATH"))
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWNET | unix.CLONE_NEWNS}
		out, _ := cmd.CombinedOutput()
		outs := strings.Split(string(out), "@@step\n")[1:]
		if len(outs) != len(steps) {
			t.Errorf("%s: %d commands, %d ran:\n%s", file, len(steps), len(outs), out)
			continue
		}
		for i, s := range steps {
			if missing := notShown(s.want, outs[i]); missing != "" {
				t.Errorf("%s:%d: $ %s\nthe page shows %q, nsnet printed:\n%s", s.file, s.line, s.cmd, missing, outs[i])
			}
		}
	}
	if total < 10 {
		t.Errorf("only %d commands in docs/ console blocks", total)
	}
}

// notShown is the first line of want (… matching anything) not found in
// out after the lines before it, or "".
func notShown(want []string, out string) string {
	lines := strings.Split(out, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ") // ip's lines end in a blank the page need not show
	}
	at := 0
	for _, w := range want {
		if w = strings.TrimRight(w, " "); w == "" {
			continue
		}
		parts := strings.Split(w, "…")
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		re := regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
		for at < len(lines) && !re.MatchString(lines[at]) {
			at++
		}
		if at == len(lines) {
			return w
		}
		at++
	}
	return ""
}
