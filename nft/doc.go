// Package nft writes and reads nftables rules through nfnetlink
// (NETLINK_NETFILTER), without libnftnl: what `nft` does for NAT.
//
// A rule is a list of expressions run by the kernel's nftables virtual
// machine on each packet: loads into registers (Meta, Payload, Ct, Fib),
// comparisons (Cmp, after an optional Bitwise mask) that stop the rule
// when they fail, and statements (NAT, Masq, Redir, Counter). Values are
// big-endian, as the packet carries them. Every change is one batch
// (NFNL_MSG_BATCH_BEGIN ... NFNL_MSG_BATCH_END) that the kernel applies
// whole or not at all.
//
// nsnet keeps its rules in its own table, named "nsnet", in family ip
// (IPv4) and ip6 (IPv6), and never touches other tables.
package nft
