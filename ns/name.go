package ns

import (
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"
)

// NameError is an unusable namespace name: a mistake of the caller, found
// before anything is touched.
type NameError struct {
	Name   string
	Reason string
}

func (e *NameError) Error() string {
	return fmt.Sprintf("invalid namespace name %q: %s", e.Name, e.Reason)
}

// maxName is NAME_MAX: the name is a file name in the netns directory.
const maxName = 255

// ValidName checks a namespace name. The name becomes a file in the netns
// directory, so it must be a single path element.
func ValidName(name string) error {
	switch {
	case name == "":
		return &NameError{name, "empty"}
	case name == "." || name == "..":
		return &NameError{name, "not a file name"}
	case strings.IndexByte(name, '/') >= 0:
		return &NameError{name, "contains '/'"}
	case strings.IndexByte(name, 0) >= 0:
		return &NameError{name, "contains a NUL byte"}
	case len(name) > maxName:
		return &NameError{name, fmt.Sprintf("longer than %d bytes", maxName)}
	}
	return nil
}
