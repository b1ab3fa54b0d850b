package ns

// New creates an anonymous network namespace and returns a handle to it.
// The namespace disappears when the handle and everything in it (sockets,
// processes) are gone. Equivalent to `unshare --net` without running
// anything inside.
//
// unshare(CLONE_NEWNET) moves the calling thread, so New does it on a
// locked thread of its own and switches that thread back, under the same
// rules as Do.
func New() (*Handle, error) {
	var h *Handle
	err := switched(unshareNet, func() (err error) {
		h, err = Current()
		return err
	}, restore)
	return h, err
}
