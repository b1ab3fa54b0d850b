//go:build cni

package main

import (
	"github.com/nsnet/nsnet/cni"
	"github.com/nsnet/nsnet/internal/rawos"
)

// cniPlugin is nsnet as a CNI plugin, built in with -tags cni (make
// build-cni): it costs the binary about 150 KB, which the budget of the
// initramfs build has not got.
var cniPlugin = func() int { return cni.Main(cni.EnvFrom(rawos.Getenv), rawos.Stdin, rawos.Stdout) }
