package nft

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestAttrName(t *testing.T) {
	// nfgenmsg 4, NFTA_TABLE_NAME "nat" (4..12), NFTA_TABLE_FLAGS (12..20),
	// an attribute of type 99 (20..24).
	b := []byte{unix.NFPROTO_INET, 0, 0, 0, 8, 0, unix.NFTA_TABLE_NAME, 0, 'n', 'a', 't', 0,
		8, 0, unix.NFTA_TABLE_FLAGS, 0, 0, 0, 0, 0, 4, 0, 99, 0}
	newTable := uint16(unix.NFNL_SUBSYS_NFTABLES<<8 | unix.NFT_MSG_NEWTABLE)
	cases := []struct {
		msgType uint16
		off     int
		want    string
	}{
		{newTable, 9, "NFTA_TABLE_NAME"},
		{newTable, 16, "NFTA_TABLE_FLAGS"},
		{newTable, 20, "99"},
		{newTable, 2, ""},
		{newTable, 40, ""},
		{unix.NFNL_SUBSYS_NFTABLES<<8 | unix.NFT_MSG_NEWCHAIN, 9, "NFTA_CHAIN_TABLE"},
		{unix.NFNL_SUBSYS_NFTABLES<<8 | unix.NFT_MSG_NEWSET, 9, ""},
		{unix.RTM_NEWLINK, 9, ""},
	}
	for _, c := range cases {
		if got := attrName(c.msgType, b, c.off); got != c.want {
			t.Errorf("message %#x, offset %d: got %q, want %q", c.msgType, c.off, got, c.want)
		}
	}
}
