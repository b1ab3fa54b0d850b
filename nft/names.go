package nft

import (
	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/names"
	"github.com/nsnet/nsnet/nl"
)

// attrSpaces are the attributes of nsnet's requests by NFT_MSG_*, so that
// an error pointing at one (NLMSGERR_ATTR_OFFS) says which.
var attrSpaces = [...]names.Space{
	unix.NFT_MSG_NEWTABLE: names.Table, unix.NFT_MSG_GETTABLE: names.Table, unix.NFT_MSG_DELTABLE: names.Table,
	unix.NFT_MSG_NEWCHAIN: names.Chain, unix.NFT_MSG_GETCHAIN: names.Chain, unix.NFT_MSG_DELCHAIN: names.Chain,
	unix.NFT_MSG_NEWRULE: names.RuleNFT, unix.NFT_MSG_GETRULE: names.RuleNFT, unix.NFT_MSG_DELRULE: names.RuleNFT,
}

// attrName is the nl.Config.AttrName hook: the top-level attribute of a
// request (after its 4-byte nfgenmsg) that holds byte off.
func attrName(msgType uint16, payload []byte, off int) string {
	t := int(msgType & 0xff)
	if msgType>>8 != unix.NFNL_SUBSYS_NFTABLES || t >= len(attrSpaces) || off < 4 || len(payload) < 4 {
		return ""
	}
	typ, _, _, ok := nl.AttrAt(payload[4:], off-4)
	if !ok {
		return ""
	}
	return names.Label(attrSpaces[t], int(typ))
}
