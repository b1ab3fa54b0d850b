package cni

import (
	"errors"
	"path"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/rawos"
	"github.com/nsnet/nsnet/internal/sysfile"
	"github.com/nsnet/nsnet/netaddr"
)

// store is host-local's lease directory, DATADIR/NETWORK, kept exactly as
// host-local keeps it so that either plugin can take over from the other:
// a file named for each address given out, holding "CONTAINERID\r\nIFNAME";
// last_reserved_ip.N, the address range set N gave out last, where the
// next search starts (round robin); and "lock", flock(2)ed by whoever
// changes the directory.
type store struct {
	dir  string
	lock *rawos.File
}

// openStore creates the directory if need be and takes its lock.
func openStore(dataDir, network string) (*store, error) {
	if network == "" || strings.ContainsAny(network, "/\x00") || network == "." || network == ".." {
		return nil, errorf(CodeConfig, "ipam: network name %q cannot name a directory", network)
	}
	dir := path.Join(dataDir, network)
	if err := sysfile.MkdirAll(dir); err != nil {
		return nil, &Error{Code: CodeIO, Msg: "ipam: create " + dir, Details: err.Error()}
	}
	f, err := rawos.OpenFile(path.Join(dir, "lock"), unix.O_RDWR|unix.O_CREAT|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, &Error{Code: CodeIO, Msg: "ipam: open the lock", Details: err.Error()}
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, &Error{Code: CodeIO, Msg: "ipam: lock " + dir, Details: err.Error()}
	}
	return &store{dir, f}, nil
}

// close releases the lock (closing the file does).
func (s *store) close() { s.lock.Close() }

// lease is one address given out: its file's name and its owner.
type lease struct {
	addr  netaddr.Addr
	owner Attachment
}

// leases are the addresses given out; files that are not leases (lock,
// last_reserved_ip.N) are passed over.
func (s *store) leases() ([]lease, error) {
	names, err := sysfile.ReadDirNames(s.dir)
	if err != nil {
		return nil, &Error{Code: CodeIO, Msg: "ipam: list " + s.dir, Details: err.Error()}
	}
	var out []lease
	for _, n := range names {
		a, err := netaddr.ParseAddr(n)
		if err != nil {
			continue
		}
		b, err := sysfile.ReadFile(path.Join(s.dir, n))
		if err != nil {
			continue
		}
		// Old host-local versions wrote the container ID alone.
		id, ifname, _ := strings.Cut(strings.TrimSpace(string(b)), "\r\n")
		out = append(out, lease{a, Attachment{strings.TrimSpace(id), ifname}})
	}
	return out, nil
}

// owns says whether lease l is att's (or, written without an interface
// name, its container's).
func (l lease) owns(att Attachment) bool {
	return l.owner.ContainerID == att.ContainerID && (l.owner.IfName == att.IfName || l.owner.IfName == "")
}

// reserve takes address a for att if it is free (its file created
// exclusively) and records it as set N's last.
func (s *store) reserve(a netaddr.Addr, att Attachment, set int) (bool, error) {
	name := path.Join(s.dir, a.String())
	f, err := rawos.OpenFile(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o600)
	if errors.Is(err, unix.EEXIST) {
		return false, nil
	}
	if err == nil {
		_, err = f.WriteString(strings.TrimSpace(att.ContainerID) + "\r\n" + att.IfName)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			rawos.Remove(name)
		}
	}
	if err == nil {
		err = rawos.WriteFile(path.Join(s.dir, "last_reserved_ip."+strconv.Itoa(set)), []byte(a.String()), 0o600)
	}
	if err != nil {
		return false, &Error{Code: CodeIO, Msg: "ipam: reserve " + a.String(), Details: err.Error()}
	}
	return true, nil
}

// release removes att's leases; ok if there are none.
func (s *store) release(att Attachment) error {
	ls, err := s.leases()
	for _, l := range ls {
		if l.owns(att) {
			if rerr := rawos.Remove(path.Join(s.dir, l.addr.String())); rerr != nil && !errors.Is(rerr, unix.ENOENT) && err == nil {
				err = &Error{Code: CodeIO, Msg: "ipam: release " + l.addr.String(), Details: rerr.Error()}
			}
		}
	}
	return err
}

// Lease is an address given to a container, with what it comes with.
type Lease struct {
	Prefix  netaddr.Prefix // the address, with its subnet's length
	Gateway netaddr.Addr
}

// allocate gives att one address from each range set, in host-local's
// order: after set N's last reserved address, round robin through its
// ranges, skipping the gateway. It fails, giving back what it took, when
// a set is full or att has an address in it already.
func (s *store) allocate(p *IPAM, att Attachment) ([]Lease, error) {
	var out []Lease
	fail := func(err error) ([]Lease, error) {
		s.release(att)
		return nil, err
	}
	ls, err := s.leases()
	if err != nil {
		return nil, err
	}
	want := append([]netaddr.Addr(nil), p.Want...)
	for i, set := range p.Ranges {
		if j := slices.IndexFunc(want, func(a netaddr.Addr) bool { return inSet(set, a) }); j >= 0 {
			a := want[j]
			want = slices.Delete(want, j, j+1)
			r := set[slices.IndexFunc(set, func(r Range) bool { return r.contains(a) })]
			if a == r.Gateway {
				return fail(errorf(CodeConfig, "ipam: requested ip %v is subnet's gateway", a))
			}
			ok, err := s.reserve(a, att, i)
			if err == nil && !ok {
				err = errorf(CodeConfig, "ipam: requested IP address %v is not available in range set %s", a, setString(set))
			}
			if err != nil {
				return fail(err)
			}
			out = append(out, Lease{netaddr.PrefixFrom(a, r.Subnet.Bits()), r.Gateway})
			continue
		}
		for _, l := range ls {
			if l.owns(att) && inSet(set, l.addr) {
				return fail(errorf(CodeConfig, "ipam: %v has been allocated to %s, duplicate allocation is not allowed", l.addr, att.ContainerID))
			}
		}
		it := s.iterator(set, i)
		for {
			a, r := it.next()
			if !a.IsValid() {
				return fail(errorf(CodeUnavailable, "ipam: no IP addresses available in range set: %s", setString(set)))
			}
			ok, err := s.reserve(a, att, i)
			if err != nil {
				return fail(err)
			}
			if ok {
				out = append(out, Lease{netaddr.PrefixFrom(a, r.Subnet.Bits()), r.Gateway})
				break
			}
		}
	}
	if len(want) > 0 {
		return fail(errorf(CodeConfig, "ipam: failed to allocate all requested IPs: %v", want))
	}
	return out, nil
}

// free says whether each set has an address left (STATUS).
func (s *store) free(p *IPAM) error {
	taken := map[netaddr.Addr]bool{}
	ls, err := s.leases()
	if err != nil {
		return err
	}
	for _, l := range ls {
		taken[l.addr] = true
	}
	for i, set := range p.Ranges {
		it := s.iterator(set, i)
		for {
			a, _ := it.next()
			if !a.IsValid() {
				return errorf(CodeUnavailable, "ipam: no IP addresses available in range set: %s", setString(set))
			}
			if !taken[a] {
				break
			}
		}
	}
	return nil
}

func inSet(set []Range, a netaddr.Addr) bool {
	for _, r := range set {
		if r.contains(a) {
			return true
		}
	}
	return false
}

func setString(set []Range) string {
	var b strings.Builder
	for i, r := range set {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(r.Start.String() + "-" + r.End.String())
	}
	return b.String()
}

// iter walks a range set as host-local's RangeIter does.
type iter struct {
	set        []Range
	i          int          // the range cur is in
	cur, start netaddr.Addr // start: where the walk began, to stop when back
}

// iterator starts after the set's last reserved address if it is still
// in the set, else at the first range's start.
func (s *store) iterator(set []Range, n int) *iter {
	it := &iter{set: set, start: set[0].Start}
	b, err := sysfile.ReadFile(path.Join(s.dir, "last_reserved_ip."+strconv.Itoa(n)))
	if last, perr := netaddr.ParseAddr(strings.TrimSpace(string(b))); err == nil && perr == nil {
		for i, r := range set {
			if r.contains(last) {
				it.i, it.cur, it.start = i, last, netaddr.Addr{}
				break
			}
		}
	}
	return it
}

// next is the next candidate and its range; the zero Addr when every
// address was offered once.
func (it *iter) next() (netaddr.Addr, Range) {
	for {
		r := it.set[it.i]
		switch {
		case !it.cur.IsValid():
			it.cur, it.start = r.Start, r.Start
			if it.cur != r.Gateway {
				return it.cur, r
			}
			continue
		case it.cur == r.End:
			it.i = (it.i + 1) % len(it.set)
			r = it.set[it.i]
			it.cur = r.Start
		default:
			it.cur = it.cur.Next()
		}
		if !it.start.IsValid() {
			it.start = it.cur
		} else if it.cur == it.start {
			return netaddr.Addr{}, r
		}
		if it.cur != r.Gateway {
			return it.cur, r
		}
	}
}
