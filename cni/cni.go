// Package cni is nsnet as a CNI plugin (the Container Network Interface,
// spec 1.1.0): what containerd, CRI-O, Podman and Kubernetes run to give a
// container its network. In one process it does what the reference
// plugins bridge + host-local + portmap do: a bridge on the host, a veth
// pair into the container's namespace, addresses from a pool kept in
// host-local's own files, routes, and masquerade and port mappings as
// nftables rules in nsnet's table.
//
// The runtime runs the plugin with CNI_COMMAND (ADD, DEL, CHECK, VERSION,
// STATUS, GC) and the container's CNI_CONTAINERID, CNI_NETNS and
// CNI_IFNAME in the environment, the network's configuration as JSON on
// stdin; the result (or an error object) comes back as JSON on stdout.
package cni

import (
	"cmp"
	"io"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/internal/sysfile"
)

// The spec's error codes, and nsnet's own (100 and up).
const (
	CodeVersion     = 1   // incompatible CNI version
	CodeField       = 2   // unsupported field in the network configuration
	CodeUnknown     = 3   // container unknown or does not exist
	CodeEnv         = 4   // a necessary environment variable missing or invalid
	CodeIO          = 5   // I/O failure
	CodeDecode      = 6   // the configuration is not JSON of the right shape
	CodeConfig      = 7   // the configuration is invalid
	CodeRetry       = 11  // try again later
	CodeUnavailable = 50  // STATUS: the plugin cannot add containers now
	CodeExists      = 100 // ADD: the interface exists in the container already
	CodeKernel      = 101 // the kernel refused a change
)

// Error is what the plugin prints when it fails: {cniVersion, code, msg, details}.
type Error struct {
	Code    int
	Msg     string
	Details string
}

func (e *Error) Error() string {
	if e.Details != "" {
		return e.Msg + ": " + e.Details
	}
	return e.Msg
}

//go:noinline
func errorf(code int, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// Versions are the spec versions nsnet speaks, oldest first.
var Versions = []string{"0.4.0", "1.0.0", "1.1.0"}

// Env is what the runtime passes in the environment.
type Env struct {
	Command     string // CNI_COMMAND
	ContainerID string // CNI_CONTAINERID
	Netns       string // CNI_NETNS: the path of the container's network namespace
	IfName      string // CNI_IFNAME: the interface to make in it
	Args        string // CNI_ARGS: "K=V;K=V"
	Path        string // CNI_PATH: where delegated plugins are
}

// EnvFrom reads Env with getenv.
func EnvFrom(getenv func(string) string) Env {
	return Env{getenv("CNI_COMMAND"), getenv("CNI_CONTAINERID"), getenv("CNI_NETNS"),
		getenv("CNI_IFNAME"), getenv("CNI_ARGS"), getenv("CNI_PATH")}
}

// Main runs one command as the spec says: the configuration from stdin,
// the result or the error on stdout. It returns the exit status.
func Main(env Env, stdin io.Reader, stdout io.Writer) int {
	version := Versions[len(Versions)-1]
	out, err := run(env, stdin, &version)
	if err != nil {
		e, ok := err.(*Error)
		if !ok {
			e = &Error{Code: CodeKernel, Msg: err.Error()}
		}
		o := ipfmt.Object{{Key: "cniVersion", Value: version}, {Key: "code", Value: e.Code}, {Key: "msg", Value: e.Msg}}
		if e.Details != "" {
			o = append(o, ipfmt.Field{Key: "details", Value: e.Details})
		}
		ipfmt.WriteJSON(stdout, o)
		return 1
	}
	if out != nil {
		if err := ipfmt.WriteJSON(stdout, out); err != nil {
			return 1
		}
	}
	return 0
}

// run reads the configuration and does the command; *version is set to
// the configuration's, for the error object.
func run(env Env, stdin io.Reader, version *string) (ipfmt.Object, error) {
	b, err := sysfile.ReadAll(stdin)
	if err != nil {
		return nil, &Error{Code: CodeIO, Msg: "read the configuration from stdin", Details: err.Error()}
	}
	if env.Command == "VERSION" {
		return versionInfo(b, version), nil
	}
	c, err := parseConfig(b, env.Args)
	if err != nil {
		return nil, err
	}
	*version = c.Version
	switch env.Command {
	case "ADD":
		if err := cmp.Or(env.need("CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME"), c.unsupported); err != nil {
			return nil, err
		}
		return add(c, env)
	case "DEL":
		if err := env.need("CNI_CONTAINERID", "CNI_IFNAME"); err != nil {
			return nil, err
		}
		return nil, del(c, env)
	case "CHECK":
		if err := env.need("CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME"); err != nil {
			return nil, err
		}
		return nil, check(c, env)
	case "STATUS":
		return nil, status(c, env)
	case "GC":
		return nil, gc(c)
	case "":
		return nil, errorf(CodeEnv, "CNI_COMMAND is not set")
	}
	return nil, errorf(CodeEnv, "unknown CNI_COMMAND %q", env.Command)
}

// need checks that the variables a command cannot do without are set.
func (env Env) need(names ...string) error {
	vals := map[string]string{"CNI_CONTAINERID": env.ContainerID, "CNI_NETNS": env.Netns, "CNI_IFNAME": env.IfName}
	for _, n := range names {
		if vals[n] == "" {
			return errorf(CodeEnv, "%s is not set", n)
		}
	}
	return nil
}

// versionInfo answers VERSION: the versions nsnet speaks, in the version
// asked for ({"cniVersion": "1.0.0"} on stdin) or the newest.
func versionInfo(b []byte, version *string) ipfmt.Object {
	if v, err := ipfmt.ParseJSON(b); err == nil {
		if o, ok := v.(ipfmt.Object); ok {
			if s, ok := o.Get("cniVersion").(string); ok && s != "" {
				*version = s
			}
		}
	}
	return ipfmt.Object{{Key: "cniVersion", Value: *version}, {Key: "supportedVersions", Value: Versions}}
}
