package ns

// For the external tests only: Do with its switch-back replaceable.
var (
	DoWith  = do
	Restore = restore
)
