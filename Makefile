# nsnet: one static binary, no cgo, no dependencies but golang.org/x/sys.
GO      ?= go
BIN     ?= nsnet
PKGS    := ./...

.PHONY: all build build-cni test demo vmtest bench fuzz vet clean

all: build

# GOEXPERIMENT=nogreenteagc: Go 1.26's default collector (Green Tea, built
# for large heaps, with vector scanning kernels) adds 49 KB to a binary
# whose heap stays a few MB; the collector of Go 1.25 is used instead.
# cmd/nsnet/size_test.go holds this build and a plain go build to the
# budget.
build:
	CGO_ENABLED=0 GOEXPERIMENT=nogreenteagc $(GO) build -trimpath -ldflags="-s -w -X main.version=$$(git describe --always --dirty 2>/dev/null || echo devel)" -o $(BIN) ./cmd/nsnet

# The same with the CNI plugin built in (docs/cni.md): it adds 170 KB, more
# than the initramfs budget has room for; this build is held to 2.7 MiB.
build-cni:
	CGO_ENABLED=0 GOEXPERIMENT=nogreenteagc $(GO) build -tags cni -trimpath -ldflags="-s -w -X main.version=$$(git describe --always --dirty 2>/dev/null || echo devel)" -o $(BIN) ./cmd/nsnet

# Every test, kernel tests included (they sandbox themselves in throwaway
# namespaces when run as root). -race needs cgo, in the tests only.
# test/cni is a module of its own (it needs libcni, which nsnet's module
# must not depend on): go's ./... does not reach into it.
test: vet
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 20m $(PKGS)
	cd test/cni && CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 5m ./...

# nsnet is for small machines too: its packages and tests must type-check
# on the architectures whose structs differ (32-bit, MIPS's stat, big
# endian), not only where they run.
CROSS_ARCHS := 386 arm arm64 mips mipsle mips64 ppc64le riscv64 s390x
vet:
	$(GO) vet $(PKGS)
	@for a in $(CROSS_ARCHS); do CGO_ENABLED=0 GOARCH=$$a $(GO) vet $(PKGS) || exit 1; done
	cd test/cni && $(GO) vet ./...
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then \
		echo "gofmt: these files need formatting: $$unformatted" >&2; exit 1; fi

# The seed tutorials' topology, built, checked and torn down inside a
# private sandbox (new network and mount namespaces): the host is untouched.
# A user who is not root gets the sandbox from nsnet lab (user namespaces).
demo: build
	@if [ "$$(id -u)" = 0 ]; then \
		unshare --mount --net --propagation private sh -c 'mount -t tmpfs tmpfs /run && NSNET=./$(BIN) sh docs/demo.sh'; \
	else \
		./$(BIN) lab sh -c 'NSNET=./$(BIN) sh docs/demo.sh'; \
	fi

# The whole suite and the demo again on Debian's LTS kernel (6.1), booted
# under QEMU with an initramfs of nsnet, the test binaries and the modules
# they need. Root; needs qemu-system-x86 busybox-static kmod cpio (and apt).
vmtest:
	GO=$(GO) sh internal/vmtest/vmtest.sh

# nsnet against ip, nft and a raw netlink client, each workload in fresh
# namespaces inside a private sandbox (the host is untouched). Root; needs
# iproute2 and nftables. Prints the table kept in docs/performance.md.
bench: build
	CGO_ENABLED=0 $(GO) build -o bench/bench ./bench
	$(MAKE) build-cni BIN=bench/nsnet-cni
	unshare --mount --net --propagation private sh -c 'mount -t tmpfs tmpfs /run && bench/bench -nsnet ./$(BIN) -cni bench/nsnet-cni'
	$(GO) test -run='^$$' -bench=. -benchmem $(PKGS)

# Short fuzzing of every decoder (FUZZTIME each).
FUZZTIME ?= 20s
fuzz:
	@for t in $$($(GO) test -list 'Fuzz.*' $(PKGS) 2>/dev/null | grep '^Fuzz'); do \
		pkg=$$(grep -rl "func $$t(" --include='*_test.go' . | head -1 | xargs dirname); \
		echo "== $$pkg $$t"; $(GO) test -run='^$$' -fuzz="^$$t$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	done

clean:
	rm -f $(BIN)
