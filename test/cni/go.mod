// A module of its own so that nsnet's module keeps depending on
// golang.org/x/sys alone: this test drives nsnet's CNI plugin through
// libcni, the library containerd and CRI-O call plugins with.
module github.com/nsnet/nsnet/test/cni

go 1.26.0

require (
	github.com/nsnet/nsnet v0.0.0
	golang.org/x/sys v0.50.0
)

require (
	github.com/containernetworking/cni v1.3.1
	go.opentelemetry.io/otel v1.29.0 // indirect
	go.opentelemetry.io/otel/trace v1.29.0 // indirect
)

replace github.com/nsnet/nsnet => ../..
