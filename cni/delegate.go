package cni

import (
	"bytes"
	"path"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/internal/rawos"
	"github.com/nsnet/nsnet/ns"
)

// delegate runs the IPAM plugin the configuration names, found in
// CNI_PATH, with the same configuration and environment (CNI_COMMAND
// cmd), as the spec's delegation says; its stdout goes to out.
func delegate(c *Config, env Env, cmd string, out *bytes.Buffer) error {
	if strings.Contains(c.IPAM.Type, "/") {
		return errorf(CodeConfig, "ipam type %q is not a plugin name", c.IPAM.Type)
	}
	var bin string
	for _, dir := range strings.Split(env.Path, ":") {
		p := path.Join(dir, c.IPAM.Type)
		if dir != "" && unix.Access(p, unix.X_OK) == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		return errorf(CodeConfig, "ipam plugin %q is not in CNI_PATH (%s)", c.IPAM.Type, env.Path)
	}
	here, err := ns.Current()
	if err != nil {
		return kernel("open this network namespace", err)
	}
	defer here.Close()
	var stdout bytes.Buffer
	if out == nil {
		out = &stdout
	}
	environ := []string{"CNI_COMMAND=" + cmd}
	for _, kv := range rawos.Environ() {
		if !strings.HasPrefix(kv, "CNI_COMMAND=") {
			environ = append(environ, kv)
		}
	}
	code, err := ns.Exec(here, "", []string{bin}, ns.ExecOptions{Stdin: bytes.NewReader(c.raw), Stdout: out, Env: environ})
	if err != nil {
		return kernel("run ipam plugin "+bin, err)
	}
	if code != 0 {
		e := &Error{Code: CodeKernel, Msg: "ipam plugin " + c.IPAM.Type + " failed"}
		if v, err := ipfmt.ParseJSON(out.Bytes()); err == nil {
			if o, ok := v.(ipfmt.Object); ok {
				var r reader
				e.Msg = c.IPAM.Type + ": " + r.str(o, "msg")
				if n := r.number(o, "code", 1<<31); r.err == nil && n != 0 {
					e.Code = int(n)
				}
				e.Details = r.str(o, "details")
			}
		}
		return e
	}
	return nil
}

// delegateAdd runs the IPAM plugin's ADD and reads its addresses and
// routes; the undo runs its DEL.
func delegateAdd(c *Config, env Env, u *undo) ([]Lease, []Route, error) {
	var out bytes.Buffer
	if err := delegate(c, env, "ADD", &out); err != nil {
		return nil, nil, err
	}
	u.push(func() { delegate(c, env, "DEL", nil) })
	v, err := ipfmt.ParseJSON(out.Bytes())
	o, _ := v.(ipfmt.Object)
	if err != nil || o == nil {
		return nil, nil, &Error{Code: CodeDecode, Msg: "decode the result of ipam plugin " + c.IPAM.Type, Details: out.String()}
	}
	var r reader
	leases, routes := r.result(o)
	if r.err == nil && len(leases) == 0 {
		return nil, nil, errorf(CodeConfig, "ipam plugin %s gave no address", c.IPAM.Type)
	}
	return leases, routes, r.err
}
