package main

import (
	"cmp"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/rawos"
	"github.com/nsnet/nsnet/internal/sysfile"
	"github.com/nsnet/nsnet/ns"
)

const labHelp = `Usage: nsnet lab [CMD [ARG...]]

Runs CMD, or a shell, in new user, mount and network namespaces where you
are root without being root: every nsnet command works there, named
namespaces too, and nothing reaches the host's network. The lab ends with
the shell. The kernel must allow unprivileged user namespaces.

Example: nsnet lab sh docs/demo.sh
`

// labInside marks the re-executed nsnet that sets the lab up from inside
// its namespaces before it becomes CMD. A Go process has threads, and
// unshare(CLONE_NEWUSER) refuses a threaded caller: the namespaces are
// made by clone(2) for a child, and the child sets up its mounts itself.
const labInside = "NSNET_LAB_INSIDE"

func runLab(e *env, args []string) error {
	if len(args) > 0 && args[0] == "help" {
		fmt.Fprint(e.stdout, labHelp)
		return nil
	}
	if rawos.Getenv(labInside) == "1" {
		return labEnter(e, args)
	}
	argv := append([]string{"nsnet", "lab"}, args...)
	uid, gid := unix.Getuid(), unix.Getgid()
	attr := &syscall.SysProcAttr{
		Cloneflags:  unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWNET,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: uid, Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: gid, Size: 1}},
	}
	// On a terminal the lab is the foreground job, so that ^C reaches its
	// commands, not nsnet waiting for them (nsnet cannot ignore signals
	// without package os/signal); the shell that started nsnet takes the
	// terminal back when nsnet ends.
	if _, err := unix.IoctlGetTermios(0, unix.TCGETS); err == nil {
		attr.Setpgid, attr.Foreground, attr.Ctty = true, true, 0
	}
	pid, err := syscall.ForkExec("/proc/self/exe", argv, &syscall.ProcAttr{
		Env:   append(rawos.Environ(), labInside+"=1"),
		Files: []uintptr{0, 1, 2},
		Sys:   attr,
	})
	if err != nil {
		return labError(err, sysfile.ReadFile)
	}
	code, err := rawos.Wait(pid)
	if err != nil {
		return fmt.Errorf("lab: wait: %w", err)
	}
	return exitCode(code)
}

// labEnter runs in the lab's namespaces, as its root: mounts made here
// stay here, then CMD (or a shell) takes the process over.
func labEnter(e *env, args []string) error {
	// Private: nothing mounted in the lab shows outside, nor the other way.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("lab: make / private: %w", err)
	}
	// A tmpfs for named namespaces: over the netns directory if it
	// exists, else over its parent (/run), where the lab may not create it.
	dir := e.netnsDir
	var st unix.Stat_t
	if unix.Stat(dir, &st) != nil {
		dir = dir[:max(strings.LastIndexByte(dir, '/'), 1)]
	}
	if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755"); err != nil {
		return fmt.Errorf("lab: mount a tmpfs on %s: %w", dir, err)
	}
	e.dispatch([]string{"link", "set", "lo", "up"}) // as on a host
	argv := args
	if len(argv) == 0 {
		argv = []string{cmp.Or(rawos.Getenv("SHELL"), "/bin/sh")}
	}
	// The marker becomes NSNET_LAB=1, for prompts and scripts to see.
	env := rawos.Environ()
	for i, kv := range env {
		if kv == labInside+"=1" {
			env[i] = "NSNET_LAB=1"
		}
	}
	path, err := ns.LookPath(argv[0])
	if err != nil {
		return &exitError{code: 127, err: fmt.Errorf("lab: %w", err)}
	}
	err = unix.Exec(path, argv, env)
	return &exitError{code: 126, err: fmt.Errorf("lab: exec %s: %w", path, err)}
}

// labError says why the kernel refused the lab's namespaces, naming the
// sysctl that forbids unprivileged user namespaces when one does. read
// reads a file (sysfile.ReadFile; tests give their own).
func labError(err error, read func(string) ([]byte, error)) error {
	for _, s := range []struct{ key, bad, good string }{
		{"kernel.unprivileged_userns_clone", "0", "1"},
		{"user.max_user_namespaces", "0", "15000"},
		{"kernel.apparmor_restrict_unprivileged_userns", "1", "0"}, // Ubuntu's
	} {
		dir, name, _ := strings.Cut(s.key, ".")
		if b, rerr := read("/proc/sys/" + dir + "/" + name); rerr == nil && strings.TrimSpace(string(b)) == s.bad {
			return fmt.Errorf("lab: create a user namespace: %w (%s is %s: unprivileged user namespaces are off; as root: sysctl -w %s=%s)",
				err, s.key, s.bad, s.key, s.good)
		}
	}
	return fmt.Errorf("lab: create user, mount and network namespaces: %w", err)
}
