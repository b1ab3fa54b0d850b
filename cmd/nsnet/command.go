package main

import "github.com/nsnet/nsnet/internal/fmt"

// command is one verb of an object (add, del, show...).
type command struct {
	name string
	run  func(e *env, args []string) error
}

// dispatchCommand runs the first command that args[0] abbreviates, in
// table order (so `del` and `d` are delete, `s` and `sh` show); `help`
// comes last and prints the object's help text.
func dispatchCommand(e *env, object string, cmds []command, help string, args []string) error {
	if len(args) == 0 {
		args = []string{"show"} // `ip route` is `ip route show`, for every object that lists
	}
	for _, c := range cmds {
		if matches(args[0], c.name) {
			return c.run(e, args[1:])
		}
	}
	if matches(args[0], "help") {
		fmt.Fprint(e.stdout, help)
		return nil
	}
	return usagef("%s: command %q is unknown, try 'nsnet %s help'", object, args[0], object)
}
