package nft

import (
	"github.com/nsnet/nsnet/nl"
	"golang.org/x/sys/unix"
)

// attrNames name the top-level attributes of nsnet's requests, so that an
// error pointing at one (NLMSGERR_ATTR_OFFS) says which.
var attrNames = [][]string{ // by NFT_MSG_*, then by attribute type
	unix.NFT_MSG_NEWTABLE: {unix.NFTA_TABLE_NAME: "NFTA_TABLE_NAME", unix.NFTA_TABLE_FLAGS: "NFTA_TABLE_FLAGS"},
	unix.NFT_MSG_DELTABLE: {unix.NFTA_TABLE_NAME: "NFTA_TABLE_NAME"},
	unix.NFT_MSG_NEWCHAIN: {unix.NFTA_CHAIN_TABLE: "NFTA_CHAIN_TABLE", unix.NFTA_CHAIN_NAME: "NFTA_CHAIN_NAME",
		unix.NFTA_CHAIN_HOOK: "NFTA_CHAIN_HOOK", unix.NFTA_CHAIN_POLICY: "NFTA_CHAIN_POLICY", unix.NFTA_CHAIN_TYPE: "NFTA_CHAIN_TYPE"},
	unix.NFT_MSG_NEWRULE: {unix.NFTA_RULE_TABLE: "NFTA_RULE_TABLE", unix.NFTA_RULE_CHAIN: "NFTA_RULE_CHAIN",
		unix.NFTA_RULE_EXPRESSIONS: "NFTA_RULE_EXPRESSIONS", unix.NFTA_RULE_USERDATA: "NFTA_RULE_USERDATA"},
	unix.NFT_MSG_DELRULE: {unix.NFTA_RULE_TABLE: "NFTA_RULE_TABLE", unix.NFTA_RULE_CHAIN: "NFTA_RULE_CHAIN",
		unix.NFTA_RULE_HANDLE: "NFTA_RULE_HANDLE"},
}

// attrName is the nl.Config.AttrName hook: the top-level attribute of a
// request (after its 4-byte nfgenmsg) that holds byte off.
func attrName(msgType uint16, payload []byte, off int) string {
	if msgType>>8 != unix.NFNL_SUBSYS_NFTABLES {
		return ""
	}
	var names []string
	if t := int(msgType & 0xff); t < len(attrNames) {
		names = attrNames[t]
	}
	if off < 4 || len(payload) < 4 {
		return ""
	}
	typ, _, _, ok := nl.AttrAt(payload[4:], off-4)
	if !ok {
		return ""
	}
	return nl.AttrLabel(names, typ)
}
