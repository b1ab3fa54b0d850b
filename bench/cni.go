package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/ns"
)

// cniBin is the flag -cni: nsnet built with the CNI plugin (-tags cni).
var cniBin string

// cniWork measures what a container runtime waits for: cnitool's ADD and
// DEL of one container with a port mapping, through the reference chain
// (bridge + host-local + portmap) and through nsnet, given the same
// network. Every run has a fresh "host" namespace, a fresh pod namespace
// and an empty /var/lib/cni (a tmpfs of the sandbox's: leases and
// libcni's cache); a DEL's ADD is made by the same plugins before it, not
// timed.
func cniWork(dir string, rounds int) {
	plugins := "/opt/cni/bin"
	_, err := exec.LookPath("cnitool")
	if err == nil {
		_, err = os.Stat(filepath.Join(plugins, "portmap"))
	}
	if err == nil && cniBin == "" {
		err = fmt.Errorf("no -cni binary")
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: CNI ADD and DEL not measured: %v (needs cnitool, the reference plugins in %s and -cni)\n", err, plugins)
		return
	}
	check(unix.Mount("tmpfs", "/var/lib", "tmpfs", 0, "mode=0755"))
	defer unix.Unmount("/var/lib", unix.MNT_DETACH)
	path, conf := filepath.Join(dir, "cni-bin"), filepath.Join(dir, "cni-conf")
	check(os.MkdirAll(path, 0o755))
	check(os.MkdirAll(conf, 0o755))
	bin, err := filepath.Abs(cniBin)
	check(err)
	check(os.Symlink(bin, filepath.Join(path, "nsnet")))
	keys := `"bridge":"cni0","isGateway":true,"isDefaultGateway":true,"ipMasq":true,"hairpinMode":true,
		"ipam":{"type":"host-local","subnet":"10.22.0.0/16"}`
	for name, plugins := range map[string]string{
		"reference": `{"type":"bridge",` + keys + `},{"type":"portmap","capabilities":{"portMappings":true}}`,
		"nsnet":     `{"type":"nsnet",` + keys + `,"capabilities":{"portMappings":true}}`,
	} {
		write(conf, name+".conflist", func(b *strings.Builder) {
			b.WriteString(`{"cniVersion":"1.1.0","name":"` + name + `","plugins":[` + plugins + `]}`)
		})
	}
	cnitool := func(cmd, network string) []string {
		return []string{"env", "CNI_PATH=" + path + ":" + plugins, "NETCONFPATH=" + conf,
			`CAP_ARGS={"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}`,
			"cnitool", cmd, network, "/run/netns/pod"}
	}
	setup := func() (*ns.Handle, func()) {
		h, done := once(fresh)()
		pod, err := ns.Add(ns.DefaultDir, "pod")
		check(err)
		pod.Close()
		return h, func() {
			done()
			entries, _ := os.ReadDir("/var/lib")
			for _, e := range entries {
				os.RemoveAll(filepath.Join("/var/lib", e.Name()))
			}
		}
	}
	work("CNI ADD, a container with a port", rounds, setup, []tool{
		{name: "bridge + host-local + portmap", argv: cnitool("add", "reference")},
		{name: "nsnet", argv: cnitool("add", "nsnet")},
	})
	work("CNI DEL, a container with a port", rounds, setup, []tool{
		{name: "bridge + host-local + portmap", argv: cnitool("del", "reference"), prep: cnitool("add", "reference")},
		{name: "nsnet", argv: cnitool("del", "nsnet"), prep: cnitool("add", "nsnet")},
	})
}
