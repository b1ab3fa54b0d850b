package rtnl

import (
	"encoding/binary"

	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"
)

// attrTables name the top-level attributes of each request type, for
// error messages that point at an attribute (NLMSGERR_ATTR_OFFS).
var attrTables = []struct {
	types     []uint16
	headerLen int
	names     map[uint16]string
}{
	{[]uint16{unix.RTM_NEWLINK, unix.RTM_SETLINK, unix.RTM_DELLINK, unix.RTM_GETLINK}, unix.SizeofIfInfomsg, map[uint16]string{
		unix.IFLA_ADDRESS: "IFLA_ADDRESS", unix.IFLA_BROADCAST: "IFLA_BROADCAST", unix.IFLA_IFNAME: "IFLA_IFNAME",
		unix.IFLA_MTU: "IFLA_MTU", unix.IFLA_LINK: "IFLA_LINK", unix.IFLA_MASTER: "IFLA_MASTER",
		unix.IFLA_TXQLEN: "IFLA_TXQLEN", unix.IFLA_LINKINFO: "IFLA_LINKINFO", unix.IFLA_NET_NS_PID: "IFLA_NET_NS_PID",
		unix.IFLA_IFALIAS: "IFLA_IFALIAS", unix.IFLA_NET_NS_FD: "IFLA_NET_NS_FD", unix.IFLA_EXT_MASK: "IFLA_EXT_MASK",
		unix.IFLA_GROUP: "IFLA_GROUP",
	}},
	{[]uint16{unix.RTM_NEWADDR, unix.RTM_DELADDR, unix.RTM_GETADDR}, unix.SizeofIfAddrmsg, map[uint16]string{
		unix.IFA_ADDRESS: "IFA_ADDRESS", unix.IFA_LOCAL: "IFA_LOCAL", unix.IFA_LABEL: "IFA_LABEL",
		unix.IFA_BROADCAST: "IFA_BROADCAST", unix.IFA_CACHEINFO: "IFA_CACHEINFO", unix.IFA_FLAGS: "IFA_FLAGS",
	}},
	{[]uint16{unix.RTM_NEWROUTE, unix.RTM_DELROUTE, unix.RTM_GETROUTE}, unix.SizeofRtMsg, map[uint16]string{
		unix.RTA_DST: "RTA_DST", unix.RTA_SRC: "RTA_SRC", unix.RTA_OIF: "RTA_OIF", unix.RTA_GATEWAY: "RTA_GATEWAY",
		unix.RTA_PRIORITY: "RTA_PRIORITY", unix.RTA_PREFSRC: "RTA_PREFSRC", unix.RTA_MULTIPATH: "RTA_MULTIPATH",
		unix.RTA_TABLE: "RTA_TABLE",
	}},
	{[]uint16{unix.RTM_NEWNEIGH, unix.RTM_DELNEIGH, unix.RTM_GETNEIGH}, unix.SizeofNdMsg, map[uint16]string{
		unix.NDA_DST: "NDA_DST", unix.NDA_LLADDR: "NDA_LLADDR", unix.NDA_IFINDEX: "NDA_IFINDEX",
	}},
	{[]uint16{unix.RTM_NEWNSID, unix.RTM_GETNSID}, 4, map[uint16]string{
		unix.NETNSA_NSID: "NETNSA_NSID", unix.NETNSA_PID: "NETNSA_PID", unix.NETNSA_FD: "NETNSA_FD",
	}},
}

// linkInfoNames name what IFLA_LINKINFO holds, where a wrong kind is
// reported.
var linkInfoNames = map[uint16]string{unix.IFLA_INFO_KIND: "IFLA_INFO_KIND", unix.IFLA_INFO_DATA: "IFLA_INFO_DATA",
	unix.IFLA_INFO_SLAVE_KIND: "IFLA_INFO_SLAVE_KIND", unix.IFLA_INFO_SLAVE_DATA: "IFLA_INFO_SLAVE_DATA"}

// attrName names the attribute of a request payload that contains byte
// off (counted from the payload's start): "IFLA_MTU", or
// "IFLA_LINKINFO/IFLA_INFO_KIND" one level down.
func attrName(msgType uint16, payload []byte, off int) string {
	for _, t := range attrTables {
		for _, typ := range t.types {
			if typ == msgType {
				return walkName(payload, t.headerLen, off, t.names)
			}
		}
	}
	return ""
}

func walkName(b []byte, start, off int, names map[uint16]string) string {
	for pos := start; pos+4 <= len(b); {
		n := int(binary.NativeEndian.Uint16(b[pos:]))
		typ := binary.NativeEndian.Uint16(b[pos+2:]) &^ (unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER)
		if n < 4 || pos+n > len(b) {
			return ""
		}
		if off >= pos && off < pos+n {
			name, ok := names[typ]
			if !ok {
				name = fmt.Sprintf("attribute %d", typ)
			}
			if typ == unix.IFLA_LINKINFO && names[unix.IFLA_LINKINFO] != "" && off >= pos+4 {
				if inner := walkName(b[pos+4:pos+n], 0, off-pos-4, linkInfoNames); inner != "" {
					name += "/" + inner
				}
			}
			return name
		}
		pos += (n + 3) &^ 3
	}
	return ""
}
