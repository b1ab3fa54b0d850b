package rtnl

import (
	"encoding/binary"

	"github.com/nsnet/nsnet/nl"
)

// LinkStats is struct rtnl_link_stats64 (IFLA_STATS64), the counters
// `ip -s link` prints. Newer kernels append fields; older ones have fewer.
type LinkStats struct {
	RxPackets, TxPackets, RxBytes, TxBytes      uint64
	RxErrors, TxErrors, RxDropped, TxDropped    uint64
	Multicast, Collisions                       uint64
	RxLengthErrors, RxOverErrors, RxCRCErrors   uint64
	RxFrameErrors, RxFIFOErrors, RxMissedErrors uint64
	TxAbortedErrors, TxCarrierErrors            uint64
	TxFIFOErrors, TxHeartbeatErrors             uint64
	TxWindowErrors, RxCompressed, TxCompressed  uint64
	RxNoHandler, RxOtherhostDropped             uint64
}

// decodeStats64 reads as many counters as the kernel sent, in the order of
// the C struct.
func decodeStats64(d *nl.Decoder) *LinkStats {
	s := &LinkStats{}
	fields := []*uint64{
		&s.RxPackets, &s.TxPackets, &s.RxBytes, &s.TxBytes,
		&s.RxErrors, &s.TxErrors, &s.RxDropped, &s.TxDropped,
		&s.Multicast, &s.Collisions,
		&s.RxLengthErrors, &s.RxOverErrors, &s.RxCRCErrors,
		&s.RxFrameErrors, &s.RxFIFOErrors, &s.RxMissedErrors,
		&s.TxAbortedErrors, &s.TxCarrierErrors,
		&s.TxFIFOErrors, &s.TxHeartbeatErrors,
		&s.TxWindowErrors, &s.RxCompressed, &s.TxCompressed,
		&s.RxNoHandler, &s.RxOtherhostDropped,
	}
	b := d.Bytes()
	for i, f := range fields {
		if len(b) < (i+1)*8 {
			break
		}
		*f = binary.NativeEndian.Uint64(b[i*8:])
	}
	return s
}
