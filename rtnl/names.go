package rtnl

import (
	"github.com/nsnet/nsnet/nl"
	"golang.org/x/sys/unix"
)

// attrTables name the top-level attributes of each request type, for
// error messages that point at an attribute (NLMSGERR_ATTR_OFFS).
var attrTables = []struct {
	types     []uint16
	headerLen int
	names     []string // indexed by attribute type
}{
	{[]uint16{unix.RTM_NEWLINK, unix.RTM_SETLINK, unix.RTM_DELLINK, unix.RTM_GETLINK}, unix.SizeofIfInfomsg, []string{
		unix.IFLA_ADDRESS: "IFLA_ADDRESS", unix.IFLA_BROADCAST: "IFLA_BROADCAST", unix.IFLA_IFNAME: "IFLA_IFNAME",
		unix.IFLA_MTU: "IFLA_MTU", unix.IFLA_LINK: "IFLA_LINK", unix.IFLA_MASTER: "IFLA_MASTER",
		unix.IFLA_TXQLEN: "IFLA_TXQLEN", unix.IFLA_LINKINFO: "IFLA_LINKINFO", unix.IFLA_NET_NS_PID: "IFLA_NET_NS_PID",
		unix.IFLA_IFALIAS: "IFLA_IFALIAS", unix.IFLA_NET_NS_FD: "IFLA_NET_NS_FD", unix.IFLA_EXT_MASK: "IFLA_EXT_MASK",
		unix.IFLA_GROUP: "IFLA_GROUP", unix.IFLA_NUM_TX_QUEUES: "IFLA_NUM_TX_QUEUES",
		unix.IFLA_NUM_RX_QUEUES: "IFLA_NUM_RX_QUEUES", unix.IFLA_GSO_MAX_SIZE: "IFLA_GSO_MAX_SIZE",
		unix.IFLA_GSO_MAX_SEGS: "IFLA_GSO_MAX_SEGS", unix.IFLA_GRO_MAX_SIZE: "IFLA_GRO_MAX_SIZE",
		unix.IFLA_PROTO_DOWN: "IFLA_PROTO_DOWN", unix.IFLA_PROTO_DOWN_REASON: "IFLA_PROTO_DOWN_REASON",
	}},
	{[]uint16{unix.RTM_NEWADDR, unix.RTM_DELADDR, unix.RTM_GETADDR}, unix.SizeofIfAddrmsg, []string{
		unix.IFA_ADDRESS: "IFA_ADDRESS", unix.IFA_LOCAL: "IFA_LOCAL", unix.IFA_LABEL: "IFA_LABEL",
		unix.IFA_BROADCAST: "IFA_BROADCAST", unix.IFA_CACHEINFO: "IFA_CACHEINFO", unix.IFA_FLAGS: "IFA_FLAGS",
	}},
	{[]uint16{unix.RTM_NEWROUTE, unix.RTM_DELROUTE, unix.RTM_GETROUTE}, unix.SizeofRtMsg, []string{
		unix.RTA_DST: "RTA_DST", unix.RTA_SRC: "RTA_SRC", unix.RTA_OIF: "RTA_OIF", unix.RTA_GATEWAY: "RTA_GATEWAY",
		unix.RTA_PRIORITY: "RTA_PRIORITY", unix.RTA_PREFSRC: "RTA_PREFSRC", unix.RTA_MULTIPATH: "RTA_MULTIPATH",
		unix.RTA_TABLE: "RTA_TABLE", rtaNHID: "RTA_NH_ID",
	}},
	{[]uint16{unix.RTM_NEWNEIGH, unix.RTM_DELNEIGH, unix.RTM_GETNEIGH}, unix.SizeofNdMsg, []string{
		unix.NDA_DST: "NDA_DST", unix.NDA_LLADDR: "NDA_LLADDR", unix.NDA_IFINDEX: "NDA_IFINDEX",
	}},
	{[]uint16{unix.RTM_NEWNSID, unix.RTM_GETNSID}, 4, []string{
		unix.NETNSA_NSID: "NETNSA_NSID", unix.NETNSA_PID: "NETNSA_PID", unix.NETNSA_FD: "NETNSA_FD",
	}},
}

// linkInfoNames name what IFLA_LINKINFO holds, where a wrong kind is
// reported.
var linkInfoNames = []string{unix.IFLA_INFO_KIND: "IFLA_INFO_KIND", unix.IFLA_INFO_DATA: "IFLA_INFO_DATA",
	unix.IFLA_INFO_SLAVE_KIND: "IFLA_INFO_SLAVE_KIND", unix.IFLA_INFO_SLAVE_DATA: "IFLA_INFO_SLAVE_DATA"}

// attrName names the attribute of a request payload that contains byte
// off (counted from the payload's start): "IFLA_MTU", or
// "IFLA_LINKINFO/IFLA_INFO_KIND" one level down.
func attrName(msgType uint16, payload []byte, off int) string {
	for _, t := range attrTables {
		for _, typ := range t.types {
			if typ == msgType {
				if off < t.headerLen || t.headerLen > len(payload) {
					return ""
				}
				return walkName(payload[t.headerLen:], off-t.headerLen, t.names)
			}
		}
	}
	return ""
}

func walkName(b []byte, off int, names []string) string {
	typ, payload, inner, ok := nl.AttrAt(b, off)
	if !ok {
		return ""
	}
	name := nl.AttrLabel(names, typ)
	if name == "IFLA_LINKINFO" && inner >= 0 {
		if in := walkName(payload, inner, linkInfoNames); in != "" {
			name += "/" + in
		}
	}
	return name
}
