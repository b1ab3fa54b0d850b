// Package nat is NAT policy: what makes namespaces reach the outside
// (Masquerade) and the outside reach a service in a namespace (Forward),
// built from nft (the rules), rtnl (finding the server's own subnet) and
// ns (the forwarding sysctl). The command line's `nsnet nat` and any
// other tool (a CNI plugin) use it alike.
//
// Every rule lives in one table that nsnet owns, "nsnet", in family ip or
// ip6; nothing else is ever touched. Each NAT is identified by a comment
// on its rules, so Delete removes exactly what Add made. docs/nat.md
// explains each rule and why it looks as it does.
package nat
