package ns_test

import (
	"fmt"
	"log"
	"net"

	"github.com/nsnet/nsnet/ns"
)

// Create a named namespace, as `ip netns add blue`, and list the names.
func ExampleAdd() {
	blue, err := ns.Add(ns.DefaultDir, "blue")
	if err != nil {
		log.Fatal(err) // ns.ErrExist if the name is taken
	}
	defer blue.Close()
	names, err := ns.List(ns.DefaultDir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(names)
}

// Open a socket inside a namespace, then use it from anywhere: a socket
// stays in the namespace it was made in. Do runs the function on a locked
// thread switched into the namespace and back.
func ExampleDo() {
	blue, err := ns.Open(ns.DefaultDir, "blue")
	if err != nil {
		log.Fatal(err)
	}
	defer blue.Close()
	var ln net.Listener
	err = ns.Do(blue, func() (err error) {
		ln, err = net.Listen("tcp", "127.0.0.1:0") // blue's own loopback
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	fmt.Println("listening in blue on", ln.Addr())
}

// Run a command inside a namespace, as `ip netns exec blue ip link`:
// with blue's /sys and /etc/netns/blue files.
func ExampleExec() {
	blue, err := ns.Open(ns.DefaultDir, "blue")
	if err != nil {
		log.Fatal(err)
	}
	defer blue.Close()
	code, err := ns.Exec(blue, "blue", []string{"ls", "/sys/class/net"}, ns.ExecOptions{})
	if err != nil {
		log.Fatal(err) // the command could not start: *ns.ExecError, Code 127 or 126
	}
	fmt.Println("exit status", code)
}

// Read and set a per-namespace sysctl, as `ip netns exec blue sysctl -w`.
func ExampleSetSysctl() {
	blue, err := ns.Open(ns.DefaultDir, "blue")
	if err != nil {
		log.Fatal(err)
	}
	defer blue.Close()
	if err := ns.SetSysctl(blue, "net.ipv4.ip_forward", "1"); err != nil {
		log.Fatal(err)
	}
	v, err := ns.Sysctl(blue, "net.ipv4.ip_forward")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("ip_forward in blue:", v)
}
