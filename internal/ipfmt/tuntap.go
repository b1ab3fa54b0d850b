package ipfmt

import (
	"golang.org/x/sys/unix"
)

// TunDev is one line of ip tuntap show.
type TunDev struct {
	Name         string
	Flags        uint32  // tun_flags, as sysfs has them
	Owner, Group *uint32 // nil: anyone may attach
	Procs        []TunProc
}

// TunProc is a process with a file attached to the device (-d).
type TunProc struct {
	_    [0]func() // incomparable: no equality function in the binary
	Name string    // its comm
	PID  int
}

// tunFlagNames are the tun_flags ip names, in print_flags' order. pi and
// filter are printed when their bit is clear: IFF_NOFILTER has the value
// of IFF_NO_PI, so ip prints both or neither.
var tunFlagNames = []struct {
	bit   uint32
	clear bool
	name  string
}{
	{unix.IFF_TUN, false, "tun"}, {unix.IFF_TAP, false, "tap"}, {unix.IFF_NO_PI, true, "pi"},
	{unix.IFF_ONE_QUEUE, false, "one_queue"}, {unix.IFF_MULTI_QUEUE, false, "multi_queue"},
	{unix.IFF_VNET_HDR, false, "vnet_hdr"}, {unix.IFF_PERSIST, false, "persist"}, {unix.IFF_NOFILTER, true, "filter"},
}

// Tuntaps prints devices as ip tuntap show does.
func (p *Printer) Tuntaps(devs []TunDev) error {
	return p.printAll(len(devs), func(i int) *record { return p.tuntap(&devs[i]) })
}

// tuntap is print_tuntap: NAME: then each flag after a blank (items
// lead with their blank here, unlike the rest of ip).
func (p *Printer) tuntap(d *TunDev) *record {
	o := p.newRecord()
	o.any("ifname", o.paint(cIfname, d.Name+":"), d.Name)
	flags := []string{}
	known := uint32(0)
	for _, f := range tunFlagNames {
		known |= f.bit
		if (d.Flags&f.bit != 0) != f.clear {
			flags = append(flags, f.name)
			o.fp(" ", f.name)
		}
	}
	if rest := d.Flags &^ known; rest != 0 {
		flags = append(flags, hex0x(rest))
		o.fp(" ", hex0x(rest))
	}
	o.js("flags", flags)
	for _, id := range []struct {
		key string
		v   *uint32
	}{{"user", d.Owner}, {"group", d.Group}} {
		if id.v != nil {
			o.leadNum(id.key, " "+id.key+" ", uint64(*id.v))
		}
	}
	if p.Details {
		sl := "\n" // ip's _SL_
		if p.Oneline {
			sl = "\\"
		}
		o.fp(sl, "\tAttached to processes:")
		procs := []Object{}
		for _, pr := range d.Procs {
			o.fp(pr.Name, "(", itoa(pr.PID), ")")
			procs = append(procs, Object{{Key: "name", Value: pr.Name}, {Key: "pid", Value: pr.PID}})
		}
		o.js("processes", procs)
	}
	o.fp("\n")
	return o
}
