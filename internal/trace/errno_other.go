//go:build !(386 || amd64 || arm || arm64 || riscv64 || loong64 || s390x)

package trace

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// errnoName: these architectures number some errors their own way.
func errnoName(e syscall.Errno) string { return unix.ErrnoName(e) }
