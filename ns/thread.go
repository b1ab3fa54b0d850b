package ns

import (
	"runtime"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/rawos"

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
func switched(enter func() error, fn func() error, restore func(back int, want ID) bool) error {
	var err error
	onThread(func() bool {
		back, id, herr := here()
		if herr != nil {
			err = herr
			return true
		}
		defer unix.Close(back)
		if err = enter(); err != nil {
			return true // nothing changed: setns and unshare fail whole
		}
		err = fn()
		return restore(back, id)
	})
	return err
}

// threadNS is the calling thread's own namespace file: procfs's link,
// which, unlike a name in a netns directory, nobody but root with a mount
// over /proc can make anything else.
const threadNS = "/proc/thread-self/ns/net"

// here opens the namespace the calling thread is in, the way back after
// a switch, and says which namespace it is. No nsfs check: were it
// anything else, the setns back would fail and the thread be destroyed.
func here() (int, ID, error) {
	fd, err := rawos.OpenFD(threadNS, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, ID{}, fmt.Errorf("open this thread's network namespace: %w", procHint(err))
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, ID{}, fmt.Errorf("stat this thread's network namespace: %w", err)
	}
	return fd, ID{Dev: uint64(st.Dev), Ino: st.Ino}, nil
}

// restore switches the thread back to the namespace open as back and
// reports whether it is verified to be the one identified as want.
func restore(back int, want ID) bool {
	if unix.Setns(back, unix.CLONE_NEWNET) != nil {
		return false
	}
	var st unix.Stat_t // stat follows procfs's link to the namespace itself
	return unix.Stat(threadNS, &st) == nil && (ID{Dev: uint64(st.Dev), Ino: st.Ino}) == want
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
