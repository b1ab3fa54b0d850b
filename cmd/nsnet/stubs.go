package main

// Each object's file replaces its line here with the real command.
var (
	runMonitor = notYet("monitor")
)

func notYet(what string) func(*env, []string) error {
	return func(*env, []string) error { return usagef("%s: not implemented yet", what) }
}
