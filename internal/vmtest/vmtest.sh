#!/bin/sh
# make vmtest: the whole Go test suite and the demo on Debian's LTS kernel,
# booted under QEMU with an initramfs that holds only what the run needs.
#
#   internal/vmtest/vmtest.sh            kernel package linux-image-cloud-amd64 (6.1 on Debian 12)
#   VMTEST_KERNEL_PKG=... VMTEST_CACHE=... VMTEST_TIMEOUT=seconds
#
# Host needs: go, qemu-system-x86, busybox-static, kmod, cpio, apt-get, and
# ip, rtmon + nft (the tests' oracles, copied in with their libraries). Runs as root
# (mknod for /dev/console). The kernel is never installed: the package is
# unpacked into the cache. The guest's exit status is this script's.
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
pkg=${VMTEST_KERNEL_PKG:-linux-image-cloud-amd64}
cache=${VMTEST_CACHE:-$top/.vmtest}
timeout=${VMTEST_TIMEOUT:-2400}
GO=${GO:-go}
say() { printf 'vmtest: %s\n' "$*" >&2; }

# The kernel: the meta package names the real image package.
mkdir -p "$cache"
if [ ! -d "$cache/kernel/boot" ]; then
	say "fetching $pkg"
	image=$(apt-cache depends "$pkg" | awk '/Depends: linux-image-/ {print $2; exit}')
	[ -n "$image" ] || { say "cannot resolve $pkg to a kernel image package (apt-get update?)"; exit 1; }
	rm -rf "$cache/dl" "$cache/kernel.tmp"; mkdir -p "$cache/dl"
	(cd "$cache/dl" && apt-get download "$image" 2>/dev/null)
	dpkg-deb -x "$cache"/dl/*.deb "$cache/kernel.tmp"
	mv "$cache/kernel.tmp" "$cache/kernel"
fi
kver=$(ls "$cache/kernel/lib/modules" | head -1)
vmlinuz="$cache/kernel/boot/vmlinuz-$kver"
# The package ships no modules.dep; modprobe --show-depends then lists each
# module's dependencies and soft dependencies (nf_tables needs crc32c) in
# load order.
depmod -b "$cache/kernel" "$kver"
# The kinds the host's kernel lacks too (8021q, vrf, ipvlan, ipvtap): the
# guest names them in NSNET_KINDS, and their tests must find them.
modules="veth bridge macvlan macvtap vxlan tun ifb nf_tables nft_chain_nat nft_nat nft_masq nft_redir nft_ct nft_fib_inet nft_fib_ipv4 nft_fib_ipv6 8021q vrf ipvlan ipvtap bonding"

root=$(mktemp -d)
chmod 755 "$root" # the guest's /: mktemp's 0700 would keep everyone but root out (the lab test runs as nobody)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/dev" "$root/proc" \
	"$root/sys" "$root/tmp" "$root/run" "$root/etc" "$root/tests" "$root/src" "$root/lib/modules/$kver"
cp /bin/busybox "$root/bin/busybox"
cp internal/vmtest/init "$root/init"
chmod 755 "$root/init"
mknod -m 600 "$root/dev/console" c 5 1

modprobe -d "$cache/kernel" -S "$kver" --show-depends -a $modules |
	awk '$1 == "insmod" && !seen[$2]++ {print $2}' > "$root/modules.list.host"
while read -r m; do
	rel=${m#"$cache/kernel"}
	mkdir -p "$root$(dirname "$rel")"
	cp "$m" "$root$rel"
	echo "$rel" >> "$root/modules.list"
done < "$root/modules.list.host"
rm "$root/modules.list.host"
cp "$cache/kernel/lib/modules/$kver"/modules.* "$root/lib/modules/$kver/"
depmod -b "$root" "$kver"

# The oracles, with the libraries and files they read.
for tool in ip nft rtmon; do
	path=$(command -v "$tool") || { say "$tool not found: the tests use it as an oracle"; exit 1; }
	cp "$path" "$root/usr/sbin/$tool"
	for lib in $(ldd "$path" | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
for f in /etc/iproute2 /usr/share/iproute2 /usr/lib/iproute2 /etc/protocols /etc/services /etc/nftables.conf; do
	[ -e "$f" ] && mkdir -p "$root$(dirname "$f")" && cp -a "$f" "$root$f"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"

# nsnet, the test binaries (static: no cgo, so no -race here) and the
# sources the tests read (testdata, docs/demo.sh), each test run from its
# package's directory as go test does.
say "building nsnet and the test binaries"
CGO_ENABLED=0 $GO build -trimpath -o "$root/bin/nsnet" ./cmd/nsnet
git ls-files -z --cached --others --exclude-standard 2>/dev/null | tar --null -T - -cf - | tar -xf - -C "$root/src" ||
	tar --exclude=.git --exclude=.vmtest -cf - . | tar -xf - -C "$root/src"
for p in $($GO list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.Dir}}{{end}}' ./...); do
	rel=${p#"$top"/}
	name=$(echo "$rel" | tr / _)
	CGO_ENABLED=0 $GO test -c -o "$root/tests/$name.test" "./$rel"
	echo "$name.test $rel" >> "$root/tests/list"
done

say "packing the initramfs"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$cache/initramfs.gz"

say "booting $kver under QEMU (TCG), at most ${timeout}s"
log="$cache/console.log"
accel="-accel tcg,thread=multi"
rm -f "$cache/qemu.status"
{
	# set -e would end this group at qemu's failure: keep its status.
	if timeout --foreground -k 10 "$timeout" qemu-system-x86_64 $accel -cpu max -smp 2 -m 3072 \
		-nodefaults -nographic -no-reboot -serial stdio -net none \
		-kernel "$vmlinuz" -initrd "$cache/initramfs.gz" \
		-append "console=ttyS0 panic=-1 quiet rdinit=/init ${VMTEST_ARGS:-}" </dev/null; then
		echo 0 > "$cache/qemu.status"
	else
		echo $? > "$cache/qemu.status"
	fi
} | tee "$log"
status=$(cat "$cache/qemu.status")
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
	say "the guest did not finish within ${timeout}s: FAIL"
	exit 1
fi
result=$(tr -d '\r' < "$log" | sed -n 's/^nsnet-vmtest-status: //p' | tail -1)
if [ -z "$result" ]; then
	say "the guest ended without reporting a status (qemu exit $status): FAIL"
	exit 1
fi
say "kernel $kver: exit status $result"
exit "$result"
