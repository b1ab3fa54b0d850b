package ns

import (
	"runtime"

	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"
)

// onThread runs body on a fresh goroutine locked to an OS thread, and
// waits for it. body reports whether the thread is as it found it; if
// not, the goroutine exits still locked and the Go runtime destroys the
// thread instead of handing it to another goroutine.
//
// body never runs on the process's main thread. The runtime cannot end
// that thread, so it parks it forever instead; and the kernel resolves
// /proc/self through it, so /proc/self/mountinfo and /proc/self/net would
// then describe whatever body left behind. If the fresh goroutine lands
// on the main thread, it holds it while body runs on another one.
func onThread(body func() (clean bool)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			inner := make(chan struct{})
			go func() { // cannot run here: this thread is locked and busy
				defer close(inner)
				runtime.LockOSThread()
				if body() {
					runtime.UnlockOSThread()
				}
			}()
			<-inner
			runtime.UnlockOSThread()
			return
		}
		if body() {
			runtime.UnlockOSThread()
		}
	}()
	<-done
}

// switched is the one sequence by which nsnet works inside a network
// namespace: on a locked thread (onThread), remember where the thread is,
// enter (setns, or unshare for a new namespace), run fn, switch back, and
// give the thread back only when it is verified back where it was.
func switched(enter func() error, fn func() error, restore func(*Handle, ID) bool) error {
	var err error
	onThread(func() bool {
		orig, oerr := Current()
		if oerr != nil {
			err = oerr
			return true
		}
		defer orig.Close()
		origID, oerr := orig.ID()
		if oerr != nil {
			err = oerr
			return true
		}
		if err = enter(); err != nil {
			return true // nothing changed: setns and unshare fail whole
		}
		err = fn()
		return restore(orig, origID)
	})
	return err
}

// setnsTo enters h.
func setnsTo(h *Handle) func() error {
	return func() error {
		if err := unix.Setns(h.FD(), unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("enter network namespace %q: %w", h.Path(), err)
		}
		return nil
	}
}

// unshareNet enters a new, empty network namespace.
func unshareNet() error {
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("create network namespace: %w", err)
	}
	return nil
}
