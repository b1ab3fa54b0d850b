package rtnl

import (
	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/rawos"
	"github.com/nsnet/nsnet/nl"
)

// Tun is a tun device (IP packets, IFF_TUN) or tap device (Ethernet
// frames, IFF_TAP): a link whose other end is a file a program reads and
// writes. rtnetlink reports one (IFLA_TUN_* in a dump) but cannot make
// one: the tun driver refuses RTM_NEWLINK ("tun/tap creation via
// rtnetlink is not supported"), because a tun device is born attached to
// the file that asked for it. TunAdd makes it through /dev/net/tun, as
// `ip tuntap add` does.
type Tun struct {
	Flags  uint16  // IFF_TUN or IFF_TAP, with IFF_NO_PI, IFF_VNET_HDR, IFF_MULTI_QUEUE, IFF_ONE_QUEUE, IFF_PERSIST
	Owner  *uint32 // IFLA_TUN_OWNER: the one user who may attach, when set
	Group  *uint32 // IFLA_TUN_GROUP: the one group who may attach, when set
	Queues uint32  // IFLA_TUN_NUM_QUEUES (decoded only): files attached now
	// IFLA_TUN_NUM_DISABLED_QUEUES (decoded only): attached but switched
	// off by TUNSETQUEUE.
	DisabledQueues uint32
}

func (t *Tun) Kind() string { return "tun" }

func (t *Tun) encode(*nl.Encoder) error {
	return fmt.Errorf("a tun device is made through /dev/net/tun (rtnl.TunAdd), not by RTM_NEWLINK")
}

// decode turns IFLA_TUN_*'s booleans back into the IFF_* flags they
// were set by.
func (t *Tun) decode(d *nl.Decoder) {
	t.Flags |= unix.IFF_NO_PI // unless IFLA_TUN_PI says otherwise
	for d.Next() {
		switch typ := d.Type(); typ {
		case unix.IFLA_TUN_TYPE:
			t.Flags |= uint16(d.Uint8()) // IFF_TUN or IFF_TAP
		case unix.IFLA_TUN_PI:
			if d.Uint8() != 0 {
				t.Flags &^= unix.IFF_NO_PI
			}
		case unix.IFLA_TUN_OWNER:
			v := d.Uint32()
			t.Owner = &v
		case unix.IFLA_TUN_GROUP:
			v := d.Uint32()
			t.Group = &v
		case unix.IFLA_TUN_NUM_QUEUES:
			t.Queues = d.Uint32()
		case unix.IFLA_TUN_NUM_DISABLED_QUEUES:
			t.DisabledQueues = d.Uint32()
		default:
			for _, f := range tunFlagAttrs {
				if f.attr == typ && d.Uint8() != 0 {
					t.Flags |= f.flag
				}
			}
		}
	}
}

// tunFlagAttrs are the IFLA_TUN_* booleans that are an IFF_* flag each
// (an array, not a map: nothing built at start-up).
var tunFlagAttrs = [...]struct{ attr, flag uint16 }{{unix.IFLA_TUN_VNET_HDR, unix.IFF_VNET_HDR},
	{unix.IFLA_TUN_MULTI_QUEUE, unix.IFF_MULTI_QUEUE}, {unix.IFLA_TUN_PERSIST, unix.IFF_PERSIST}}

// TunAdd makes a persistent tun or tap device named name (empty: the
// kernel picks tunN or tapN) in the caller's network namespace (wrap it
// in ns.In for another), as `ip tuntap add`: TUNSETIFF creates the device
// attached to our file, TUNSETOWNER/TUNSETGROUP restrict who may attach
// later, TUNSETPERSIST keeps it when the file closes. t.Flags must have
// IFF_TUN or IFF_TAP. It returns the device's name.
func TunAdd(name string, t *Tun) (string, error) {
	return tunIoctl(name, t.Flags|unix.IFF_TUN_EXCL, func(fd int) error {
		for _, set := range []struct {
			req uint
			id  *uint32
		}{{unix.TUNSETOWNER, t.Owner}, {unix.TUNSETGROUP, t.Group}} {
			if set.id != nil {
				if err := unix.IoctlSetInt(fd, set.req, int(*set.id)); err != nil {
					return err
				}
			}
		}
		return unix.IoctlSetInt(fd, unix.TUNSETPERSIST, 1)
	})
}

// TunDel removes the persistent tun or tap device name, as `ip tuntap
// del`: attach to it (flags must match its kind and multi_queue, or the
// kernel says EINVAL) and clear persist; it goes when our file closes.
func TunDel(name string, flags uint16) error {
	_, err := tunIoctl(name, flags, func(fd int) error { return unix.IoctlSetInt(fd, unix.TUNSETPERSIST, 0) })
	return err
}

// tunIoctl opens /dev/net/tun, attaches it to name with flags, runs then
// on it, and closes it.
func tunIoctl(name string, flags uint16, then func(fd int) error) (string, error) {
	if flags&(unix.IFF_TUN|unix.IFF_TAP) == 0 {
		return "", fmt.Errorf("tun device %q: which mode? (tun or tap)", name)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return "", fmt.Errorf("tun device %q: %w", name, err)
	}
	fd, err := rawos.OpenFD("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", fmt.Errorf("open /dev/net/tun: %w", err)
	}
	defer unix.Close(fd)
	ifr.SetUint16(flags)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		return "", fmt.Errorf("tun device %q: TUNSETIFF: %w%s", name, err, tunHint(err))
	}
	if err := then(fd); err != nil {
		return "", fmt.Errorf("tun device %q: %w", ifr.Name(), err)
	}
	return ifr.Name(), nil
}

// tunHint says what the tun driver's bare errnos mean.
func tunHint(err error) string {
	switch err {
	case unix.EBUSY:
		return " (a device of that name exists)"
	case unix.EINVAL:
		return " (the device exists as another kind, or its mode or multi_queue differ)"
	case unix.EPERM:
		return " (the device belongs to another user or group)"
	}
	return ""
}
