package rtnl

// OpError is a request the kernel refused: what was asked of which object
// (Op), the kernel's answer (Err, an *nl.Error carrying the errno and any
// extended-ack text), and, where the request itself tells the likely
// cause, a Hint. It unwraps to Err, so errors.Is(err, unix.EEXIST) works.
//
// Object is what the library knew the object by; a caller that knows a
// better name (the link's name where only its index was sent) may set it.
type OpError struct {
	Op     string // "add link", "set link", "add route"
	Object string // `"v0"`, "index 4", "10.0.0.0/24"
	Err    error
	Hint   string
}

func (e *OpError) Error() string {
	s := "rtnl: " + e.Op + " " + e.Object + ": " + e.Err.Error()
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

func (e *OpError) Unwrap() error { return e.Err }
