// Package ns handles Linux network namespaces: opening them (Handle),
// creating anonymous ones (New) and named ones (Add, iproute2-compatible
// files under /run/netns), and running code or commands inside them (Do,
// Exec).
//
// The thread rule. A namespace belongs to a thread, not to a process:
// setns(2) and unshare(2) change only the calling thread, and Go moves
// goroutines between threads at will. So nsnet switches namespaces only
// on a goroutine locked to its thread (runtime.LockOSThread), switches the
// thread back before unlocking, and verifies that it is back. If it cannot
// be put back, the goroutine exits still locked, which makes the runtime
// destroy the thread instead of handing it to an unsuspecting goroutine.
// Code run by Do must not start goroutines and expect them inside the
// namespace: they run on other threads.
//
// Most work needs no switching at all beyond one moment: a socket belongs
// to the namespace it was created in, for its whole life. So the way to
// work in a namespace is to create the socket there (Do, or In) and then
// use it from any goroutine. Only exec, sysctls under /proc/sys/net and
// the creation of sockets need a thread inside the namespace.
package ns
