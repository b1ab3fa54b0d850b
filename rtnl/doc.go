// Package rtnl configures links, addresses, routes and neighbours through
// rtnetlink (NETLINK_ROUTE), the kernel interface behind `ip link`, `ip
// addr`, `ip route` and `ip neigh`.
//
// Each kernel object is a plain struct (Link, Addr, Route, Neigh) with an
// encode/decode pair; a zero field means "attribute omitted". A Conn is
// opened in a network namespace with Dial and used from any goroutine.
package rtnl
