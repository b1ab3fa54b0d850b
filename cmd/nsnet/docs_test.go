package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
	"golang.org/x/sys/unix"
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
// on $PATH; and there as a learner would run it, without root: in `nsnet
// lab`, as the user nobody.
func TestDocs(t *testing.T) {
	testns.Require(t)
	files, _ := filepath.Glob("../../docs/*.md")
	bin := nobodysDir(t)
	buildNsnet(t, filepath.Join(bin, "nsnet"))
	// Where the kernel allows no lab, the pages run as root, in a network
	// namespace made for each.
	run := func(script string) *exec.Cmd {
		return asNobody(exec.Command(filepath.Join(bin, "nsnet"), "lab", "sh", "-c", script))
	}
	if out, err := run("true").CombinedOutput(); err != nil {
		t.Logf("no lab for nobody here, the pages run as root: %v %s", err, out)
		run = func(script string) *exec.Cmd {
			cmd := exec.Command("sh", "-c", script)
			cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWNET | unix.CLONE_NEWNS}
			return cmd
		}
	}
	total := 0
	for _, file := range files {
		steps := docSteps(t, file)
		if len(steps) == 0 {
			continue
		}
		total += len(steps)
		// One shell for the page: a marker before each command's output.
		// The namespace plays a host, whose loopback is up.
		script := "mount -t tmpfs tmpfs /run && nsnet link set lo up || exit 1\n"
		for _, s := range steps {
			script += "echo '@@step'\n" + s.cmd + " 2>&1\n"
		}
		cmd := run(script)
		cmd.Dir = nobodysDir(t)
		cmd.Env = append(os.Environ(), cliEnv+"=1", "PATH="+bin+":"+os.Getenv("PATH"))
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

// asNobody makes cmd run as the user nobody.
func asNobody(cmd *exec.Cmd) *exec.Cmd {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	return cmd
}

// nobodysDir is a temporary directory nobody can write in and reach.
func nobodysDir(t *testing.T) string {
	dir := t.TempDir()
	for d := dir; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	os.Chmod(dir, 0o777)
	return dir
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
