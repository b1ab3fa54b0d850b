package nft_test

import (
	"fmt"
	"log"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/nft"
)

// Rules are lists of expressions; the Match builders write them the way
// nft does for the same words, and String renders them back in nft's
// syntax.
func ExampleRule_String() {
	x := nft.MatchSaddr(netaddr.MustParsePrefix("10.0.0.0/24"))
	x = append(x, nft.MatchOifname("eth0")...)
	x = append(x, &nft.Masq{})
	r := nft.Rule{Family: nft.FamilyIP, Table: "demo", Chain: "postrouting", Exprs: x}
	fmt.Println(r.String())
	// Output: ip saddr 10.0.0.0/24 oifname "eth0" masquerade
}

// One transaction: a table, a NAT chain and a rule, applied whole or not
// at all, as `nft -f` with
//
//	table ip demo { chain postrouting { type nat hook postrouting priority srcnat; tcp dport 8080 masquerade } }
//
// As root.
func ExampleConn_Commit() {
	c, err := nft.Dial(nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	b := &nft.Batch{}
	b.AddTable(nft.FamilyIP, "demo")
	b.AddChain(nft.FamilyIP, "demo", nft.Chain{Name: "postrouting", Type: "nat", Hook: unix.NF_INET_POST_ROUTING, Priority: 100})
	x := append(nft.MatchDport(unix.IPPROTO_TCP, 8080), &nft.Masq{})
	b.AddRule(&nft.Rule{Family: nft.FamilyIP, Table: "demo", Chain: "postrouting", Exprs: x})
	if err := c.Commit(b); err != nil {
		log.Fatal(err) // the first refused message, named, with the kernel's reason
	}
}
