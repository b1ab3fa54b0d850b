//go:build 386 || amd64 || arm || arm64 || riscv64 || loong64 || s390x

package trace

import (
	"syscall"

	"github.com/nsnet/nsnet/internal/names"
)

// errnoName is unix.ErrnoName from the generated table: these
// architectures number errors as the kernel's asm-generic/errno.h, and
// x/sys's own table (names and descriptions, which syscall has too) would
// cost 5 KB of the binary.
func errnoName(e syscall.Errno) string { return name(names.Errno, int(e)) }
