#!/bin/sh
# Run in the vmtest guest after the suite: with module autoloading off and
# a module removed, nsnet must name the module it lacks, not just say
# "operation not supported".
set -u
echo /bin/false > /proc/sys/kernel/modprobe
fail=0
expect() { # expect WORDS-IN-STDERR -- COMMAND...
	want=$1; shift 2
	out=$(unshare --net "$@" 2>&1) && { echo "FAIL: $* succeeded"; fail=1; return; }
	case $out in
	*"$want"*) echo "ok: $* -> $out" ;;
	*) echo "FAIL: $*: $out (want $want)"; fail=1 ;;
	esac
}
rmmod vxlan && expect "module vxlan" -- nsnet link add vx0 type vxlan id 5 dstport 4789
rmmod nft_masq && expect "module nft_masq" -- nsnet nat masquerade add 10.0.0.0/8
rmmod nft_chain_nat && expect "module nft_chain_nat" -- nsnet nat masquerade add 10.0.0.0/8
exit $fail
