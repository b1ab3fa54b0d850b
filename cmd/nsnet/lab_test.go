package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The seed tutorial, run by an unprivileged user (nobody) in nsnet lab:
// namespaces, veths, a bridge, NAT and traffic, all without root, and
// nothing of it left on the host.
func TestLabRunsDemoUnprivileged(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to become nobody")
	}
	// This test binary acts as nsnet; nobody must be able to run it.
	dir := nobodysDir(t)
	bin, demo := filepath.Join(dir, "nsnet"), filepath.Join(dir, "demo.sh")
	script, err := os.ReadFile("../../docs/demo.sh")
	if err != nil {
		t.Fatal(err)
	}
	buildNsnet(t, bin)
	os.WriteFile(demo, script, 0o644)
	// Each topology of examples/ too: up, up again (nothing to do), down.
	// First: a namespace deleted is destroyed by the kernel a little later,
	// and with it the veth peers it held, so names reused at once after
	// the demo's teardown could still be taken.
	examples, _ := filepath.Glob("../../examples/*.topo")
	topo := ""
	for _, ex := range examples {
		b, _ := os.ReadFile(ex)
		f := filepath.Join(dir, filepath.Base(ex))
		os.WriteFile(f, b, 0o644)
		topo += fmt.Sprintf("nsnet up %[1]s && nsnet up %[1]s && nsnet down %[1]s && echo 'example ok: %[1]s' && ", f)
	}
	if len(examples) < 2 {
		t.Fatalf("examples/: %d topology files", len(examples))
	}
	cmd := asNobody(exec.Command(bin, "lab", "sh", "-c", "PATH="+dir+":$PATH; "+topo+"NSNET="+bin+" sh "+demo))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), cliEnv+"=1")
	out, err := cmd.CombinedOutput()
	if strings.Contains(string(out), "unprivileged user namespaces are off") {
		t.Skipf("this kernel forbids unprivileged user namespaces: %s", out)
	}
	if err != nil || !strings.Contains(string(out), "demo: all checks passed") || strings.Count(string(out), "example ok: ") != len(examples) {
		t.Fatalf("the demo in a lab as nobody: %v\n%s", err, tail(string(out)))
	}
	if _, err := os.Stat("/run/netns/red"); err == nil {
		t.Error("the lab's namespace red shows on the host")
	}
}

// buildNsnet puts an nsnet at bin, for tests that run it a hundred times:
// built where a toolchain can (this test binary may be built with -race:
// half a second a start), else (the 6.1 VM) this test binary, acting as
// nsnet when cliEnv is set.
func buildNsnet(t *testing.T, bin string) {
	t.Helper()
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		if _, lerr := exec.LookPath("go"); lerr == nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		self, _ := os.ReadFile("/proc/self/exe")
		os.WriteFile(bin, self, 0o755)
	}
	os.Chmod(bin, 0o755)
}

// An exit status of the command run in the lab is nsnet lab's.
func TestLabExitStatus(t *testing.T) {
	cmd := exec.Command("/proc/self/exe", "lab", "sh", "-c", "test \"$NSNET_LAB\" = 1 && exit 7")
	cmd.Env = append(os.Environ(), cliEnv+"=1")
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 7 {
		t.Fatalf("lab exit: %v, want status 7", err)
	}
}

// When the kernel refuses user namespaces, the error names the setting.
func TestLabErrorNamesSetting(t *testing.T) {
	files := map[string]string{"/proc/sys/user/max_user_namespaces": "0\n"}
	read := func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, fs.ErrNotExist
	}
	err := labError(unix.ENOSPC, read)
	if !strings.Contains(err.Error(), "user.max_user_namespaces is 0") || !strings.Contains(err.Error(), "sysctl -w user.max_user_namespaces=") {
		t.Errorf("%v", err)
	}
	files = map[string]string{"/proc/sys/kernel/unprivileged_userns_clone": "0"}
	if err := labError(unix.EPERM, read); !strings.Contains(err.Error(), "kernel.unprivileged_userns_clone=1") {
		t.Errorf("%v", err)
	}
	if err := labError(unix.EPERM, func(string) ([]byte, error) { return nil, fs.ErrNotExist }); !strings.Contains(err.Error(), "operation not permitted") {
		t.Errorf("%v", err)
	}
}
