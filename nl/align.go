package nl

// align rounds n up to a multiple of 4: NLMSG_ALIGN and NLA_ALIGN in
// linux/netlink.h are both ((len) + 3) & ~3.
func align(n int) int { return (n + 3) &^ 3 }

const (
	headerLen     = 16 // NLMSG_HDRLEN: sizeof(struct nlmsghdr), already aligned
	attrHeaderLen = 4  // NLA_HDRLEN: sizeof(struct nlattr)
)
