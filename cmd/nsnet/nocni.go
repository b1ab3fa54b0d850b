//go:build !cni

package main

// cniPlugin is nil without -tags cni: see cni.go.
var cniPlugin func() int
