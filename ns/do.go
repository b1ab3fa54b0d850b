package ns

// Do runs fn on an OS thread switched into the network namespace h, and
// returns fn's error.
//
// setns(2) changes only the calling thread, and the Go scheduler moves
// goroutines between threads. So Do runs fn on a fresh goroutine locked to
// its thread, switches that thread, and switches it back afterwards. Only
// when the thread is verified back in its original namespace is it unlocked
// and returned to the scheduler; if the switch back fails, the goroutine
// exits still locked, and the runtime destroys the thread rather than let
// another goroutine run in the wrong namespace.
//
// fn must not start goroutines and expect them to be in h: they run on
// other threads. What fn creates (sockets above all) stays in h for its
// whole life, and may be used from anywhere after Do returns.
func Do(h *Handle, fn func() error) error { return do(h, fn, restore) }

// In is Do, or a plain call of fn when h is nil (the caller's namespace):
// the shape of every "open a socket in -n NS, or here" in nsnet.
func In(h *Handle, fn func() error) error {
	if h == nil {
		return fn()
	}
	return Do(h, fn)
}

// Run is In(h, fn): it makes *Handle an nl.Namespace, where sockets are
// opened.
func (h *Handle) Run(fn func() error) error { return In(h, fn) }

// do is Do with the switch back as a parameter, so that a test can make it
// fail.
func do(h *Handle, fn func() error, restore func(int, ID) bool) error {
	return switched(setnsTo(h), fn, restore)
}
