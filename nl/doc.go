// Package nl speaks netlink: the datagram protocol the Linux kernel uses to
// configure networking (NETLINK_ROUTE), firewalls (NETLINK_NETFILTER) and more.
//
// A netlink message is a 16-byte header (struct nlmsghdr) followed by a
// family-specific fixed header and a list of attributes (struct nlattr: a
// 2-byte length, a 2-byte type, the value). Every message and every
// attribute starts on a 4-byte boundary (NLMSG_ALIGN, NLA_ALIGN); the lengths
// written in the headers count the header and the value but never the
// padding that follows, and the last item of a buffer may come unpadded.
//
// Byte order: the headers, and most attribute values, are in host byte order
// (little-endian on x86). Some families, notably nftables, and some values
// (ports, addresses) are big-endian on the wire. The byte order of every
// value is in the name of the method that reads or writes it: Uint32 is host
// order, Uint32BE is network order.
//
// A Conn sends requests and matches replies by sequence number and port id;
// Execute waits for the kernel's acknowledgement, Dump streams a multi-part
// reply, and Batch packs many requests into one write.
package nl
