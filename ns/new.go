package ns

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// New creates an anonymous network namespace and returns a handle to it.
// The namespace disappears when the handle and everything in it (sockets,
// processes) are gone. Equivalent to `unshare --net` without running
// anything inside.
//
// unshare(CLONE_NEWNET) moves the calling thread, so New does it on a
// locked thread of its own and switches that thread back, under the same
// rules as Do.
func New() (*Handle, error) {
	type result struct {
		h   *Handle
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := Current()
		if err != nil {
			runtime.UnlockOSThread()
			done <- result{nil, err}
			return
		}
		defer orig.Close()
		origID, err := orig.ID()
		if err != nil {
			runtime.UnlockOSThread()
			done <- result{nil, err}
			return
		}
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			done <- result{nil, fmt.Errorf("create network namespace: %w", err)}
			return
		}
		h, err := Current()
		if restore(orig, origID) {
			runtime.UnlockOSThread()
		}
		done <- result{h, err}
	}()
	r := <-done
	return r.h, r.err
}
