package rtnl

import (
	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/names"
	"github.com/nsnet/nsnet/nl"
)

// attrSpaces are the attributes of each request type, and the size of
// the header before them, for error messages that name the attribute the
// kernel points at (NLMSGERR_ATTR_OFFS).
var attrSpaces = []struct {
	first, last uint16 // RTM_NEW… to RTM_GET… (RTM_SETLINK too)
	headerLen   uint8
	space       names.Space
}{
	{unix.RTM_NEWLINK, unix.RTM_SETLINK, unix.SizeofIfInfomsg, names.Link},
	{unix.RTM_NEWADDR, unix.RTM_GETADDR, unix.SizeofIfAddrmsg, names.Addr},
	{unix.RTM_NEWROUTE, unix.RTM_GETROUTE, unix.SizeofRtMsg, names.Route},
	{unix.RTM_NEWNEIGH, unix.RTM_GETNEIGH, unix.SizeofNdMsg, names.Neigh},
	{unix.RTM_NEWRULE, unix.RTM_GETRULE, unix.SizeofRtMsg, names.Rule}, // struct fib_rule_hdr is an rtmsg's size
	{unix.RTM_NEWNSID, unix.RTM_GETNSID, 4, names.NSID},
	{unix.RTM_NEWNEXTHOP, unix.RTM_GETNEXTHOP, 8, names.Nexthop}, // struct nhmsg
}

// attrName names the attribute of a request payload that contains byte
// off (counted from the payload's start): "IFLA_MTU", or
// "IFLA_LINKINFO/IFLA_INFO_KIND" one level down.
func attrName(msgType uint16, payload []byte, off int) string {
	for _, t := range attrSpaces {
		if msgType < t.first || msgType > t.last {
			continue
		}
		h := int(t.headerLen)
		if off < h || h > len(payload) {
			return ""
		}
		typ, inner, in, ok := nl.AttrAt(payload[h:], off-h)
		if !ok {
			return ""
		}
		name := names.Label(t.space, int(typ))
		if t.space == names.Link && typ == unix.IFLA_LINKINFO && in >= 0 {
			if typ, _, _, ok := nl.AttrAt(inner, in); ok {
				name += "/" + names.Label(names.LinkInfo, int(typ))
			}
		}
		return name
	}
	return ""
}
