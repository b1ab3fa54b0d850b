#!/bin/sh
# The seed tutorials' topology, with nsnet alone: built, checked, torn down.
# `make demo` runs this inside fresh network and mount namespaces (unshare),
# so "the host" below is a throwaway namespace and the real host is untouched.
#
#      red (192.168.15.1)   blue (192.168.15.2, :80)
#          veth-red            veth-blue
#             |                    |
#        veth-red-br          veth-blue-br
#             +---- v-net-0 -------+       "host": 192.168.15.5 on the bridge,
#                 (bridge)                  192.168.1.2 on eth0, NAT between
#                                   eth0
#                                    |
#                            lan (192.168.1.3): the outside world

set -eu
N=${NSNET:-nsnet}
step() { printf '\n== %s\n' "$*"; }
run() { echo "+ nsnet $*"; "$N" "$@"; }
# expect_reach NS PROTO ADDR PORT SEEN_AS: a server in the destination
# namespace must see the client as SEEN_AS.
serve() {
	rm -f "$tmp/ready"
	"$N" -n "$1" probe listen tcp "$2" timeout 5 > "$tmp/served" 2> "$tmp/ready" &
	i=0
	while ! grep -q listening "$tmp/ready" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || { echo "FAIL: no listener in $1: $(cat "$tmp/ready")"; exit 1; }
		sleep 0.05
	done
}
check_served() {
	wait
	grep -Eq "from \[?$1\]?:" "$tmp/served" || { echo "FAIL: server saw $(cat "$tmp/served"), want $1"; exit 1; }
	echo "ok: the server saw the client as $1"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run link set lo up

step "1. Two namespaces joined by a veth pair (a cable)"
run netns add red
run netns add blue
run netns list
run link add veth-red type veth peer name veth-blue
run link set veth-red netns red
run link set veth-blue netns blue
run -n red addr add 192.168.15.1/24 dev veth-red
run -n blue addr add 192.168.15.2/24 dev veth-blue
run -n red link set veth-red up
run -n blue link set veth-blue up
serve blue 80
run -n red probe connect tcp 192.168.15.2 80
check_served 192.168.15.1
run -n red neigh show

step "2. A bridge on the host instead of the cable"
run -n red link del veth-red
run link add v-net-0 type bridge
run link set v-net-0 up
run link add veth-red type veth peer name veth-red-br
run link add veth-blue type veth peer name veth-blue-br
run link set veth-red netns red
run link set veth-red-br master v-net-0
run link set veth-blue netns blue
run link set veth-blue-br master v-net-0
run link set veth-red-br up
run link set veth-blue-br up
run -n red addr add 192.168.15.1/24 dev veth-red
run -n blue addr add 192.168.15.2/24 dev veth-blue
run -n red link set veth-red up
run -n blue link set veth-blue up
run addr add 192.168.15.5/24 dev v-net-0
run link show master v-net-0
serve blue 80
run -n red probe connect tcp 192.168.15.2 80
check_served 192.168.15.1
serve red 80
run probe connect tcp 192.168.15.1 80
check_served 192.168.15.5

step "3. The outside world, reached through the host with masquerade"
run netns add lan
run link add eth0 type veth peer name eth0 netns lan
run addr add 192.168.1.2/24 dev eth0
run link set eth0 up
run -n lan addr add 192.168.1.3/24 dev eth0
run -n lan link set eth0 up
run -n blue route add 192.168.1.0/24 via 192.168.15.5
run -n red route add default via 192.168.15.5
run -n red route show
run -n red route get 192.168.1.3
echo "(lan has no route back to 192.168.15.0/24: without NAT, red cannot talk to it)"
run nat masquerade add 192.168.15.0/24 oif eth0
serve lan 9000
run -n red probe connect tcp 192.168.1.3 9000
check_served 192.168.1.2

step "4. The outside reaches blue's service by port forwarding"
run nat forward add tcp 8080 to 192.168.15.2:80
run nat show
serve blue 80
run -n lan probe connect tcp 192.168.1.2 8080
check_served 192.168.1.3
echo "(from the host itself, through the output chain)"
serve blue 80
run probe connect tcp 192.168.1.2 8080
check_served 192.168.1.2
echo "(from red, beside blue on the bridge: hairpin)"
serve blue 80
run -n red probe connect tcp 192.168.1.2 8080
check_served 192.168.15.5

step "5. IPv6 between the namespaces"
run -n red addr add fd00:15::1/64 dev veth-red nodad
run -n blue addr add fd00:15::2/64 dev veth-blue nodad
run -n red -6 addr show dev veth-red
serve blue 80
run -n red probe connect tcp fd00:15::2 80
check_served fd00:15::1

step "6. Statistics, then tear down"
run -n red -s link show veth-red
run nat flush
run netns del red
run netns del blue
run netns del lan
run link del v-net-0
run netns list
echo "demo: all checks passed"
