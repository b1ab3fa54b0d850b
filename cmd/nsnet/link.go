package main

import (
	"encoding/binary"
	"errors"
	"slices"
	"strings"

	"github.com/nsnet/nsnet/internal/fmt"
	"github.com/nsnet/nsnet/internal/ipfmt"
	"github.com/nsnet/nsnet/internal/num"
	"github.com/nsnet/nsnet/netaddr"
	"github.com/nsnet/nsnet/ns"
	"github.com/nsnet/nsnet/rtnl"
	"golang.org/x/sys/unix"
)

const linkHelp = `Usage: nsnet link add [name|dev] NAME [link DEV] [LINK_OPTION...] type TYPE [ARGS]
       nsnet link set [dev] DEV [up|down] [mtu N] [name NEW] [address LLADDR] [master BR]
                       [nomaster] [netns NS|PID] [alias TEXT] [txqueuelen N] [group G]
                       [promisc|multicast|allmulticast|arp on|off] [protodown on|off]
                       [protodown_reason REASON on|off] [gso_max_size BYTES]
                       [gso_max_segs PACKETS] [gro_max_size BYTES]
                       [type bridge_slave PORT_SETTING... | type bridge BRIDGE_SETTING...
                       | type macvlan|macvtap mode MODE | type vxlan VXLAN_SETTING...
                       | type vlan|vrf|ipvlan|ipvtap|bond ARGS | type KIND (alone, as ip sends it)]
       nsnet link del { [dev] DEV [type TYPE] | group GROUP }
       nsnet link show [[dev] DEV] [type KIND[_slave]] [master DEV | vrf DEV | nomaster]
                       [group G] [up]
LINK_OPTION := mtu N | address LLADDR | txqueuelen N | netns NS|PID | alias TEXT | group G
               | numtxqueues N | numrxqueues N | up | promisc|multicast|allmulticast|arp on|off
               | protodown on|off | protodown_reason REASON on|off | gso_max_size BYTES
               | gso_max_segs PACKETS | gro_max_size BYTES
REASON := 0..31, or its name in /etc/iproute2/protodown_reasons.d/*.conf
TYPE [ARGS] := veth [peer [name] PEER [LINK_OPTION...]]
             | bridge [BRIDGE_SETTING...]
             | macvlan|macvtap [mode private|vepa|bridge|passthru|source]
             | vxlan {id VNI|external} [remote|group ADDR] [local ADDR] [dev DEV] [dstport PORT]
                     [ttl N|inherit|auto] [tos TOS|inherit] [df unset|set|inherit] [flowlabel N]
                     [srcport LOW HIGH] [ageing SECS|none] [maxaddress N|unlimited] [[no]learning]
                     [[no]proxy] [[no]rsc] [[no]l2miss] [[no]l3miss] [[no]udpcsum] [gbp] [gpe] ...
             | vlan id VID [protocol 802.1Q|802.1ad] [ingress-qos-map|egress-qos-map FROM:TO...]
                    [reorder_hdr|gvrp|mvrp|loose_binding|bridge_binding on|off]
             | vrf table TABLE | ipvlan|ipvtap [mode l2|l3|l3s] [bridge|private|vepa]
             | bond [mode MODE] [miimon|updelay|primary|arp_ip_target|lacp_rate|... VALUE]
                    [clear_active_slave] (ip's words, names and values)
             | any other kind the kernel knows
BRIDGE_SETTING := forward_delay|hello_time|max_age|ageing_time|stp_state|priority|vlan_filtering
                  |vlan_default_pvid|group_fwd_mask|mcast_snooping|mcast_querier|... N
                  | vlan_protocol 802.1Q|802.1ad | group_address LLADDR | fdb_flush
                  (ip's names, values as ip takes them: times in centiseconds)
PORT_SETTING := hairpin|learning|flood|mcast_flood|bcast_flood|isolated|guard
                |root_block|fastleave|proxy_arp|neigh_suppress|vlan_tunnel|locked on|off
              | cost N | priority N | state N | mcast_router N | group_fwd_mask MASK
              | backup_port DEV | nobackup_port | fdb_flush
`

var linkCommands = []command{
	{"add", linkAdd}, {"delete", linkDel}, {"set", linkSet}, {"show", linkShow},
	{"list", linkShow}, {"lst", linkShow},
}

func runLink(e *env, args []string) error {
	return dispatchCommand(e, "link", linkCommands, linkHelp, args)
}

// linkRequest is what a link command parsed: the link, and the namespace
// handles its netns arguments opened, to close once the request is sent.
type linkRequest struct {
	link    rtnl.Link
	parent  string // `link DEV`, resolved once a connection is open
	vxDev   string // vxlan `dev DEV`
	master  string // `master BR`
	backup  string // bridge_slave `backup_port DEV`
	named   []namedSetting
	handles []*ns.Handle
}

//go:noinline
func (r *linkRequest) close() {
	for _, h := range r.handles {
		h.Close()
	}
}

// netnsRef resolves a `netns` argument: a PID, or a namespace name (or
// path), opened and kept open until the request is sent.
func (e *env) netnsRef(r *linkRequest, s string) (*ns.Handle, error) {
	var h *ns.Handle
	var err error
	if pid, ok := num.Uint(s, 10, 31); ok && pid > 0 {
		h, err = ns.OpenPID(int(pid))
	} else {
		sub := *e
		sub.netns = s
		h, err = sub.openNetns()
	}
	if err != nil {
		return nil, err
	}
	r.handles = append(r.handles, h)
	return h, nil
}

// parseLinkCommon handles the words link add and link set share; it
// reports whether it knew the keyword.
// linkFlagWord is the IFF_* bit `link set WORD on|off` changes, and
// whether "on" clears it: the kernel's bits for arp and trailers say the
// opposite (IFF_NOARP, IFF_NOTRAILERS).
func linkFlagWord(kw string) (bit uint32, onClears, ok bool) {
	switch kw {
	case "promisc":
		return unix.IFF_PROMISC, false, true
	case "multicast":
		return unix.IFF_MULTICAST, false, true
	case "allmulticast":
		return unix.IFF_ALLMULTI, false, true
	case "dynamic":
		return unix.IFF_DYNAMIC, false, true
	case "arp":
		return unix.IFF_NOARP, true, true
	case "trailers":
		return unix.IFF_NOTRAILERS, true, true
	}
	return 0, false, false
}

func (e *env) parseLinkCommon(w *words, kw string, r *linkRequest) (bool, error) {
	l := &r.link
	var err error
	var n uint64
	switch kw {
	// ip reads both as an int: at most 2^31-1. Zero is sent: the kernel
	// takes txqueuelen 0, and refuses mtu 0 with its own reason.
	case "mtu":
		n, err = w.uint(kw, 31)
		l.MTU, l.Set = uint32(n), l.Set|rtnl.SetMTU
	case "txqueuelen", "txqlen", "qlen":
		n, err = w.uint(kw, 31)
		l.TxQLen, l.Set = uint32(n), l.Set|rtnl.SetTxQLen
	// A new link's queues; ip sends them with any command, and the
	// kernel reads them only when it makes a link.
	case "numtxqueues", "numrxqueues":
		if n, err = w.uint(kw, 32); err == nil && n == 0 {
			err = usagef("%s: a link has at least one queue", kw)
		}
		if kw == "numtxqueues" {
			l.NumTxQueues = uint32(n)
		} else {
			l.NumRxQueues = uint32(n)
		}
	// Zero is sent: the kernel says what it takes (gso_max_size 0: "integer
	// out of range"). ip refuses gso_max_segs above GSO_MAX_SEGS, 65535.
	case "gso_max_size":
		n, err = w.uint(kw, 32)
		l.GSOMaxSize, l.Set = uint32(n), l.Set|rtnl.SetGSOMaxSize
	case "gso_max_segs":
		n, err = w.uint(kw, 16)
		l.GSOMaxSegs, l.Set = uint32(n), l.Set|rtnl.SetGSOMaxSegs
	case "gro_max_size":
		n, err = w.uint(kw, 32)
		l.GROMaxSize, l.Set = uint32(n), l.Set|rtnl.SetGROMaxSize
	case "protodown":
		l.ProtoDown, err = w.onOff(kw)
		l.Set |= rtnl.SetProtoDown
	case "protodown_reason":
		err = parseProtoDownReason(w, l)
	case "address":
		l.HardwareAddr, err = w.mac(kw)
	case "alias":
		l.Alias, err = w.value(kw)
		l.Set |= rtnl.SetAlias
	case "netns":
		var s string
		if s, err = w.value(kw); err == nil {
			l.NetNS, err = e.netnsRef(r, s)
		}
	case "up", "down":
		l.SetUp(kw == "up")
	case "group":
		var s string
		if s, err = w.value(kw); err == nil {
			l.Group, err = namedNumber(w, kw, s, ipfmt.Groups, 1<<32-1)
			l.Set |= rtnl.SetGroup
		}
	case "master":
		r.master, err = w.ifname(kw)
	case "nomaster":
		l.NoMaster = true
	default:
		bit, onClears, ok := linkFlagWord(kw)
		if !ok {
			return false, nil
		}
		var on bool
		if on, err = w.onOff(kw); err == nil {
			l.SetFlag(bit, on != onClears)
		}
		return true, err
	}
	return true, err
}

// parseProtoDownReason reads `protodown_reason REASON on|off`: a bit
// (0..31, or its name in /etc/iproute2/protodown_reasons.d) to set or
// clear. Several go into one request, where ip sends one attribute each
// and the kernel takes the last.
func parseProtoDownReason(w *words, l *rtnl.Link) error {
	if !w.more() { // not w.value: the keyword comes again for each reason
		return w.usagef("%q needs a value", "protodown_reason")
	}
	s := w.next()
	id, err := namedNumber(w, "protodown_reason", s, ipfmt.ProtoDownReasons, 31)
	if err != nil {
		return err
	}
	on, err := w.onOff("protodown_reason " + s)
	bit := uint32(1) << id
	if l.ProtoDownReasonChange |= bit; on {
		l.ProtoDownReason |= bit
	} else {
		l.ProtoDownReason &^= bit
	}
	return err
}

func linkAdd(e *env, args []string) error {
	r, err := e.parseLinkAdd(args)
	if err != nil {
		return err
	}
	defer r.close()
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	if err := resolveLinkNames(e, c, r); err != nil {
		return err
	}
	_, err = c.LinkAdd(&r.link)
	return err
}

// parseLinkAdd reads `link add` arguments. The caller closes the request
// (it may hold the peer's namespace open).
func (e *env) parseLinkAdd(args []string) (*linkRequest, error) {
	w := e.words(args, "link add")
	r := &linkRequest{}
	for w.more() && r.link.Info == nil {
		kw := w.next()
		if ok, err := e.parseLinkCommon(w, kw, r); ok || err != nil {
			if err != nil {
				r.close()
				return nil, err
			}
			continue
		}
		var err error
		switch kw {
		case "name", "dev": // ip takes either for the new link's name
			r.link.Name, err = w.ifname(kw)
		case "link":
			r.parent, err = w.ifname(kw)
		case "type":
			var kind string
			if kind, err = w.value(kw); err == nil {
				w.scope()
				err = e.parseKind(w, kind, r)
			}
		default:
			if r.link.Name != "" {
				err = usagef("link add: unexpected %q", kw)
			} else {
				r.link.Name, err = kw, validIfname(kw)
			}
		}
		if err != nil {
			r.close()
			return nil, err
		}
	}
	if r.link.Name == "" || r.link.Info == nil {
		r.close()
		return nil, usagef("link add: want NAME and type TYPE")
	}
	return r, nil
}

// parseKind reads the kind-specific words after `type KIND`.
func (e *env) parseKind(w *words, kind string, r *linkRequest) error {
	switch kind {
	case "veth":
		// The peer takes what a new link takes, as in ip (iplink_parse
		// reads the peer's words as a link's of its own); its namespace is
		// held open by r.
		v := &rtnl.Veth{}
		r.link.Info = v
		peer := &linkRequest{}
		defer func() { v.Peer, r.handles = peer.link, append(r.handles, peer.handles...) }()
		for w.more() {
			kw := w.next()
			ok, err := e.parseLinkCommon(w, kw, peer)
			switch {
			case err != nil:
				return err
			case ok && peer.master != "":
				return usagef("link add: veth: the kernel ignores a master for the peer: set it after, with link set PEER master BR")
			case ok:
			case kw == "peer":
				w.scope()
			case kw == "name":
				peer.link.Name, err = w.ifname(kw)
			case peer.link.Name != "":
				return usagef("link add: veth: unexpected %q", kw)
			default:
				peer.link.Name, err = kw, validIfname(kw)
			}
			if err != nil {
				return err
			}
		}
	case "macvlan", "macvtap":
		m := &rtnl.Macvlan{KindName: kind}
		r.link.Info = m
		for w.more() {
			if kw := w.next(); kw != "mode" {
				return w.usagef("%s: unexpected %q", kind, kw)
			}
			s, err := w.value("mode")
			if err != nil {
				return err
			}
			if m.Mode, err = rtnl.ParseMacvlanMode(s); err != nil {
				return w.usagef("%v", err)
			}
		}
	case "vxlan":
		return parseVxlan(w, r, false)
	case "bridge":
		return parseBridge(w, r)
	default:
		if ok, err := e.parseKindSettings(w, kind, r); ok || err != nil {
			return err
		}
		if w.more() {
			return w.usagef("type %s takes no arguments here (got %q)", kind, w.args[0])
		}
		r.link.Info = &rtnl.GenericInfo{KindName: kind}
	}
	return nil
}

// parseBridge reads a bridge's settings, as ip's bridge_parse_opt: each
// keyword or its abbreviation (the first in ip's order), the two bits of
// IFLA_BR_MULTI_BOOLOPT sent together at the end.
func parseBridge(w *words, r *linkRequest) error {
	b := &rtnl.Bridge{}
	r.link.Info = b
	var boolVal, boolMask uint32
	for w.more() {
		kw := w.next()
		i := 0 // the first setting kw abbreviates; the MULTI_BOOLOPT ones only whole
		for i < len(rtnl.BridgeAttrs) && !(matches(kw, rtnl.BridgeAttrs[i].Name) && (rtnl.BridgeAttrs[i].Attr != unix.IFLA_BR_MULTI_BOOLOPT || kw == rtnl.BridgeAttrs[i].Name)) {
			i++
		}
		if i == len(rtnl.BridgeAttrs) {
			return w.usagef("bridge: unknown setting %q", kw)
		}
		a := rtnl.BridgeAttrs[i]
		set := rtnl.Setting{Attr: a.Attr, Size: a.Size}
		var err error
		switch {
		case a.Size == 0:
		case a.Name == "vlan_protocol":
			set.Raw, err = vlanProtocol(w, "bridge", a.Name)
		case a.Name == "group_address":
			var mac rtnl.HardwareAddr
			mac, err = w.mac(a.Name)
			set.Raw = mac
		case a.Attr == unix.IFLA_BR_MULTI_BOOLOPT: // struct br_boolopt_multi
			var n uint64
			n, err = w.uint(a.Name, 8)
			bit := uint32(1) // BR_BOOLOPT_NO_LL_LEARN (enum br_boolopt_id: 0)
			if a.Name == "mcast_vlan_snooping" {
				bit = 2 // BR_BOOLOPT_MCAST_VLAN_SNOOPING: 1
			}
			boolMask |= bit
			if n != 0 {
				boolVal |= bit
			}
			continue
		default:
			set.Value, err = w.uint(a.Name, int(a.Size)*8)
		}
		if err != nil {
			return err
		}
		b.Settings = append(b.Settings, set)
	}
	if boolMask != 0 {
		b.Settings = append(b.Settings, rtnl.Setting{Attr: unix.IFLA_BR_MULTI_BOOLOPT,
			Raw: binary.NativeEndian.AppendUint32(binary.NativeEndian.AppendUint32(nil, boolVal), boolMask)})
	}
	return nil
}

// vxlanWords are vxlan_parse_opt's words after id, group, remote, local
// and dev, in its order (an abbreviation means the first it fits), with
// the IFLA_VXLAN_* each sets and how its value is read.
var vxlanWords = []struct {
	word string
	attr uint16
	form uint8 // vxOff... below
}{
	{"ttl", unix.IFLA_VXLAN_TTL, vxTTL}, {"hoplimit", unix.IFLA_VXLAN_TTL, vxTTL},
	{"tos", unix.IFLA_VXLAN_TOS, vxTOS}, {"dsfield", unix.IFLA_VXLAN_TOS, vxTOS},
	{"df", unix.IFLA_VXLAN_DF, vxDF}, {"label", unix.IFLA_VXLAN_LABEL, vxLabel},
	{"flowlabel", unix.IFLA_VXLAN_LABEL, vxLabel}, {"ageing", unix.IFLA_VXLAN_AGEING, vxU32},
	{"maxaddress", unix.IFLA_VXLAN_LIMIT, vxU32}, {"port", unix.IFLA_VXLAN_PORT_RANGE, vxRange},
	{"srcport", unix.IFLA_VXLAN_PORT_RANGE, vxRange}, {"dstport", unix.IFLA_VXLAN_PORT, vxDstPort},
	{"nolearning", unix.IFLA_VXLAN_LEARNING, vxOff}, {"learning", unix.IFLA_VXLAN_LEARNING, vxOn},
	{"noproxy", unix.IFLA_VXLAN_PROXY, vxOff}, {"proxy", unix.IFLA_VXLAN_PROXY, vxOn},
	{"norsc", unix.IFLA_VXLAN_RSC, vxOff}, {"rsc", unix.IFLA_VXLAN_RSC, vxOn},
	{"nol2miss", unix.IFLA_VXLAN_L2MISS, vxOff}, {"l2miss", unix.IFLA_VXLAN_L2MISS, vxOn},
	{"nol3miss", unix.IFLA_VXLAN_L3MISS, vxOff}, {"l3miss", unix.IFLA_VXLAN_L3MISS, vxOn},
	{"udpcsum", unix.IFLA_VXLAN_UDP_CSUM, vxOn}, {"noudpcsum", unix.IFLA_VXLAN_UDP_CSUM, vxOff},
	{"udp6zerocsumtx", unix.IFLA_VXLAN_UDP_ZERO_CSUM6_TX, vxOn}, {"noudp6zerocsumtx", unix.IFLA_VXLAN_UDP_ZERO_CSUM6_TX, vxOff},
	{"udp6zerocsumrx", unix.IFLA_VXLAN_UDP_ZERO_CSUM6_RX, vxOn}, {"noudp6zerocsumrx", unix.IFLA_VXLAN_UDP_ZERO_CSUM6_RX, vxOff},
	{"remcsumtx", unix.IFLA_VXLAN_REMCSUM_TX, vxOn}, {"noremcsumtx", unix.IFLA_VXLAN_REMCSUM_TX, vxOff},
	{"remcsumrx", unix.IFLA_VXLAN_REMCSUM_RX, vxOn}, {"noremcsumrx", unix.IFLA_VXLAN_REMCSUM_RX, vxOff},
	{"external", unix.IFLA_VXLAN_COLLECT_METADATA, vxOn}, {"noexternal", unix.IFLA_VXLAN_COLLECT_METADATA, vxOff},
	{"gbp", unix.IFLA_VXLAN_GBP, vxFlag}, {"gpe", unix.IFLA_VXLAN_GPE, vxFlag},
	{"vnifilter", unix.IFLA_VXLAN_VNIFILTER, vxOn}, {"novnifilter", unix.IFLA_VXLAN_VNIFILTER, vxOff},
}

// How vxlanWords read their values.
const (
	vxOff     = iota // no value: the u8 0
	vxOn             // no value: the u8 1
	vxFlag           // no value: the attribute alone
	vxTTL            // inherit (IFLA_VXLAN_TTL_INHERIT), auto (0) or N
	vxTOS            // inherit (1) or a TOS
	vxDF             // unset, set or inherit
	vxLabel          // a 20-bit flow label, big-endian
	vxU32            // none, unlimited (0) or N
	vxRange          // LOW HIGH, big-endian
	vxDstPort        // the field DstPort
)

// parseVxlan reads vxlan_parse_opt's words: for link add (set false) an
// id is wanted and learning is sent, on by default, as ip sends it.
func parseVxlan(w *words, r *linkRequest, set bool) error {
	v := &rtnl.Vxlan{}
	r.link.Info = v
	hasID, external, learning, learnGiven := false, false, uint64(1), false
	for w.more() {
		kw := w.next()
		var err error
		var n uint64
		var s string
		switch {
		case matches(kw, "id") || matches(kw, "vni"):
			n, err = w.uint(kw, 24)
			if v.ID, hasID = uint32(n), true; n == 0 {
				v.Settings = append(v.Settings, rtnl.Setting{Attr: unix.IFLA_VXLAN_ID, Size: 4}) // VNI 0, which ID 0 does not send
			}
		case matches(kw, "group") || matches(kw, "remote") || matches(kw, "local"):
			var a netaddr.Addr
			if s, err = w.value(kw); err == nil {
				if a, err = netaddr.ParseAddr(s); err != nil {
					return w.usagef("vxlan: %s %q is not an IP address", kw, s)
				}
			}
			if kw[0] == 'l' {
				v.Local = a
			} else {
				v.Group = a
			}
		case matches(kw, "dev"):
			r.vxDev, err = w.ifname(kw)
		default:
			i := 0 // the first word kw abbreviates; vnifilter's only whole
			for i < len(vxlanWords) && !(matches(kw, vxlanWords[i].word) && (vxlanWords[i].attr != unix.IFLA_VXLAN_VNIFILTER || kw == vxlanWords[i].word)) {
				i++
			}
			if i == len(vxlanWords) {
				return w.usagef("vxlan: unknown setting %q", kw)
			}
			x := vxlanWords[i]
			set := rtnl.Setting{Attr: x.attr, Size: 1, Value: uint64(x.form)} // vxOff 0, vxOn 1
			if x.form >= vxTTL {
				if s, err = w.value(x.word); err != nil {
					return err
				}
			}
			switch x.form {
			case vxFlag:
				set.Size = 0
			case vxTTL:
				set.Value = 0 // auto
				if s == "inherit" {
					set = rtnl.Setting{Attr: unix.IFLA_VXLAN_TTL_INHERIT}
				} else if s != "auto" {
					set.Value, err = w.uintOf(x.word, s, 8)
				}
			case vxTOS:
				set.Value = 1 // inherit
				if s != "inherit" {
					var tos uint8
					tos, err = ipfmt.ParseDSField(s)
					set.Value = uint64(tos)
				}
			case vxDF: // VXLAN_DF_UNSET, _SET, _INHERIT
				switch set.Value = 0; s {
				case "unset":
				case "set":
					set.Value = 1
				case "inherit":
					set.Value = 2
				default:
					err = w.usagef("vxlan: df %q: want unset, set or inherit", s)
				}
			case vxLabel:
				n, err = w.uintOf(x.word, s, 20)
				set.Raw = binary.BigEndian.AppendUint32(nil, uint32(n))
			case vxU32: // none and unlimited are 0
				set.Value, set.Size = 0, 4
				if s != "none" && s != "unlimited" {
					set.Value, err = w.uintOf(x.word, s, 32)
				}
			case vxRange:
				var hi uint64
				if n, err = w.uintOf(x.word, s, 16); err == nil {
					if !w.more() {
						return w.usagef("vxlan: %s LOW HIGH: no HIGH", x.word)
					}
					hi, err = w.uintOf(x.word, w.next(), 16)
				}
				set.Raw = binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(nil, uint16(n)), uint16(hi))
				if n == 0 && hi == 0 {
					continue // as ip: no range at all
				}
			case vxDstPort:
				n, err = w.uintOf(x.word, s, 16)
				v.DstPort = uint16(n)
				continue
			}
			switch {
			case x.attr == unix.IFLA_VXLAN_LEARNING:
				learning, learnGiven = set.Value, true // sent once, at the end
				continue
			case x.attr == unix.IFLA_VXLAN_COLLECT_METADATA && set.Value == 1:
				external, learning = true, 0
			}
			v.Settings = append(v.Settings, set)
		}
		if err != nil {
			return err
		}
	}
	switch {
	case external && hasID:
		return w.usagef("vxlan: both external and an id: the id comes with each packet")
	case !hasID && !external && !set:
		return w.usagef("vxlan needs id VNI")
	}
	if !set || learnGiven {
		v.Settings = append(v.Settings, rtnl.Setting{Attr: unix.IFLA_VXLAN_LEARNING, Size: 1, Value: learning})
	}
	return nil
}

// resolveLinkNames turns the device names of a request into indexes.
func resolveLinkNames(e *env, c *rtnl.Conn, r *linkRequest) error {
	for _, ref := range []struct {
		name string
		set  func(int32)
	}{
		{r.parent, func(i int32) { r.link.ParentIndex = i }},
		{r.master, func(i int32) { r.link.Master = i }},
		{r.vxDev, func(i int32) { r.link.Info.(*rtnl.Vxlan).Dev = i }},
		{r.backup, func(i int32) { setPortValue(r.link.Port, unix.IFLA_BRPORT_BACKUP_PORT, uint32(i)) }},
	} {
		if ref.name == "" {
			continue
		}
		index, err := e.linkIndex(c, ref.name)
		if err != nil {
			return err
		}
		ref.set(index)
	}
	for _, n := range r.named {
		index, err := e.linkIndex(c, n.dev)
		if err != nil {
			return err
		}
		for i := range n.info.Settings {
			if n.info.Settings[i].Attr == n.attr {
				n.info.Settings[i].Value = uint64(index)
			}
		}
	}
	return nil
}

// setPortValue sets the value of the port setting attr.
func setPortValue(p *rtnl.BridgePort, attr uint16, v uint32) {
	for i := range p.Settings {
		if p.Settings[i].Attr == attr {
			p.Settings[i].Value = v
		}
	}
}

// devArg reads `[dev] DEV` at the start of words.
func devArg(w *words) (string, error) {
	if !w.more() {
		return "", w.usagef("which device?")
	}
	kw := w.next()
	if kw == "dev" {
		return w.ifname("dev")
	}
	return kw, validIfname(kw)
}

// linkSet is `ip link set`: keywords in any order, the device named by
// `dev DEV` or by the one word that is not a keyword, as ip parses it.
func linkSet(e *env, args []string) error {
	w := e.words(args, "link set")
	r := &linkRequest{}
	defer r.close()
	dev := ""
	for w.more() {
		kw := w.next()
		ok, err := e.parseLinkCommon(w, kw, r)
		switch {
		case err != nil:
			return err
		case ok:
		case kw == "name":
			r.link.Name, err = w.ifname(kw)
		case kw == "type":
			err = e.parsePortSettings(w, r)
		case kw == "dev" || dev == "":
			if kw == "dev" {
				kw, err = w.ifname(kw)
			}
			if dev != "" {
				return usagef("link set: two devices, %q and %q", dev, kw)
			}
			dev = kw
			if err == nil {
				err = validIfname(dev)
			}
		default:
			return usagef("link set: unexpected %q", kw)
		}
		if err != nil {
			return err
		}
	}
	if dev == "" {
		return usagef("link set: which device?")
	}
	return e.withLink(dev, func(c *rtnl.Conn, index int32) error {
		if err := resolveLinkNames(e, c, r); err != nil {
			return err
		}
		r.link.Index = index
		return named(c.LinkSet(&r.link), dev)
	})
}

// parsePortSettings reads `type bridge_slave SETTING VALUE...`, the rest
// of a link set: each keyword (or its abbreviation, the first in ip's
// order winning) with its value, in the size the kernel wants.
func (e *env) parsePortSettings(w *words, r *linkRequest) error {
	kind, err := w.value("type")
	switch {
	case err != nil:
		return err
	case kind == "bridge":
		w.scope()
		return parseBridge(w, r)
	case kind == "macvlan" || kind == "macvtap":
		return e.parseKind(w, kind, r)
	case kind == "vxlan":
		w.scope()
		return parseVxlan(w, r, true)
	case kind == "veth" && w.more():
		return w.usagef("type veth: a veth's peer is made with it and stays (got %q)", w.args[0])
	case kind != "bridge_slave":
		// Any other kind alone, as ip sends it: the kernel reads only a
		// kind's data, and a kind without data changes nothing.
		return e.parseKind(w, kind, r)
	}
	w.scope()
	port := &rtnl.BridgePort{}
	r.link.Port = port
	for w.more() {
		kw := w.next()
		i := 0 // the first setting kw abbreviates
		for i < len(rtnl.BridgePortAttrs) && !matches(kw, rtnl.BridgePortAttrs[i].Name) {
			i++
		}
		if i == len(rtnl.BridgePortAttrs) {
			return usagef("link set: bridge_slave: unknown setting %q", kw)
		}
		a := rtnl.BridgePortAttrs[i]
		s := rtnl.PortSetting{Attr: a.Attr}
		var err error
		var on bool
		var n uint64
		switch {
		case a.Size == 0, a.Name == "nobackup_port":
		case a.OnOff:
			on, err = w.onOff(a.Name)
			if on {
				s.Value = 1
			}
		case a.Name == "backup_port":
			r.backup, err = w.ifname(a.Name)
		default:
			n, err = w.uint(a.Name, int(a.Size)*8)
			s.Value = uint32(n)
		}
		if err != nil {
			return err
		}
		port.Settings = append(port.Settings, s)
	}
	return nil
}

func linkDel(e *env, args []string) error {
	w := e.words(args, "link del")
	if w.more() && w.args[0] == "group" {
		return linkDelGroup(e, w)
	}
	dev, err := devArg(w)
	if err != nil {
		return err
	}
	// ip's grammar: `link del DEV type KIND`. The kernel deletes a link
	// whatever kind the request names, and so does ip; so nsnet.
	if w.more() && w.args[0] == "type" {
		w.next()
		if _, err := w.value("type"); err != nil {
			return err
		}
	}
	if w.more() {
		return usagef("link del: unexpected %q", w.args[0])
	}
	return e.withLink(dev, func(c *rtnl.Conn, index int32) error {
		return named(c.LinkDel(index), dev)
	})
}

// linkDelGroup is `link del group GROUP`: every link of the group, in one
// request the kernel carries out whole (it refuses all if one of them,
// such as lo, cannot be deleted).
func linkDelGroup(e *env, w *words) error {
	s, err := w.value(w.next())
	if err != nil {
		return err
	}
	g, err := namedNumber(w, "group", s, ipfmt.Groups, 1<<32-1)
	if err != nil {
		return err
	}
	if w.more() {
		return usagef("link del: unexpected %q", w.args[0])
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	return c.LinkDelGroup(g)
}

func linkShow(e *env, args []string) error {
	w := e.words(args, "link show")
	var q linkSel
	for w.more() {
		kw := w.next()
		ok, err := q.word(w, kw)
		switch {
		case err != nil:
			return err
		case ok:
		case q.dev != "":
			return usagef("link show: unexpected %q", kw)
		default:
			q.dev = kw
			if err := validIfname(kw); err != nil {
				return err
			}
		}
	}
	c, err := e.dialRoute()
	if err != nil {
		return err
	}
	defer e.release(c)
	if q.dev == "" {
		return e.linkStream(c, &q)
	}
	l, err := c.LinkByName(q.dev)
	if err != nil {
		return err
	}
	links, err := q.filter(c, []rtnl.Link{*l})
	if err != nil {
		return err
	}
	all, err := withReferenced(c, links)
	if err != nil {
		return err
	}
	p := e.printer()
	p.NetnsNames = e.netnsNames(c, links)
	return p.Links(links, all)
}

// linkStream prints every link q keeps as ip does, in two dumps (see
// learnLinks), each link printed as the second brings it. Memory holds a
// name per link, not the links: flat at any number of them.
func (e *env) linkStream(c *rtnl.Conn, q *linkSel) error {
	k, err := e.learnLinks(c, rtnl.LinkFilter{}, q)
	if err != nil {
		return err
	}
	s := k.p.Begin()
	for l, err := range c.AllLinks(rtnl.LinkFilter{}) {
		if err != nil {
			s.End()
			return err
		}
		if q.keep(l, k.master) {
			ipfmt.MarkMasterDown(l, k.up)
			s.Link(l, k.names)
		}
	}
	return s.End()
}

// knownLinks is what the first dump of a streamed listing learns.
type knownLinks struct {
	names    map[int32]string // every link's, for "@parent" and "master NAME"
	up       map[int32]bool   // for M-DOWN
	master   int32            // q's master or vrf, resolved
	devIndex int32            // the device q names, if asked for alone
	p        *ipfmt.Printer   // knowing the names of the namespaces links point into
}

// learnLinks dumps the links f selects once, for their names and states;
// a device q names must be among them.
func (e *env) learnLinks(c *rtnl.Conn, f rtnl.LinkFilter, q *linkSel) (*knownLinks, error) {
	k := &knownLinks{names: map[int32]string{}, up: map[int32]bool{}}
	nsids, found := false, q.dev == ""
	for l, err := range c.AllLinks(f) {
		if err != nil {
			return nil, err
		}
		k.names[l.Index], k.up[l.Index] = l.Name, l.IsUp()
		nsids, found = nsids || l.LinkNetNSID >= 0, found || l.Name == q.dev
	}
	if !found {
		return nil, noDevice(q.dev)
	}
	var err error
	if k.master, err = q.masterIndex(c); err != nil {
		return nil, err
	}
	k.p = e.printer()
	if nsids {
		k.p.NetnsNames = e.nsidNames(c)
	}
	return k, nil
}

// noDevice is ip's answer to a show of a device that is not there.
func noDevice(name string) error { return fmt.Errorf("device %q does not exist", name) }

// withReferenced is links and the links they name by index (master,
// parent, and in their kind's settings: ipfmt.LinkRefs) in this
// namespace, which ip prints by name: each one asked for alone, not a
// dump of every link.
func withReferenced(c *rtnl.Conn, links []rtnl.Link) ([]rtnl.Link, error) {
	all := slices.Clone(links)
	have := func(i int32) bool {
		return hasLink(all, func(l *rtnl.Link) bool { return l.Index == i })
	}
	for _, l := range links {
		refs := append(ipfmt.LinkRefs(&l), l.Master, l.ParentIndex)
		for _, i := range refs {
			if i == 0 || have(i) || i == l.ParentIndex && l.LinkNetNSID >= 0 {
				continue // none, known, or in another namespace
			}
			r, err := c.LinkByIndex(i)
			if errors.Is(err, unix.ENODEV) {
				continue // gone since: ip prints what it has
			}
			if err != nil {
				return nil, err
			}
			all = append(all, *r)
		}
	}
	return all, nil
}

// masterOf is the index of the link a master or vrf selector names; a
// vrf selector's must be a vrf.
func masterOf(c *rtnl.Conn, name string, vrf bool) (int32, error) {
	m, err := c.LinkByName(name)
	if err == nil && vrf && m.Kind() != "vrf" {
		err = usagef("%q is not a vrf device", name)
	}
	if err != nil {
		return 0, err
	}
	return m.Index, nil
}

// hasLink reports whether keep holds for one of links. Not inlined, and
// by pointer: slices.ContainsFunc copies each Link for its callback, and
// each of its inlined copies cost the binary hundreds of bytes.
//
//go:noinline
func hasLink(links []rtnl.Link, keep func(*rtnl.Link) bool) bool {
	for i := range links {
		if keep(&links[i]) {
			return true
		}
	}
	return false
}

// linkSel is the part of ip's ipaddr_list_flush_or_save that picks
// links, for ip link show and ip addr show alike.
type linkSel struct {
	_                      noCompare
	dev, kind, master, vrf string
	slave                  bool // kind is the kind of port: type bridge_slave
	nomaster, up           bool
	group                  *uint32
}

// word reads kw and its value if kw is one of linkSel's words.
func (q *linkSel) word(w *words, kw string) (ok bool, err error) {
	switch kw {
	case "dev":
		q.dev, err = w.ifname(kw)
	case "type":
		if q.kind, err = w.value(kw); err == nil {
			q.kind, q.slave = strings.CutSuffix(q.kind, "_slave")
		}
	case "master", "vrf":
		if q.master, err = w.ifname(kw); kw == "vrf" {
			q.vrf = q.master // which must be a vrf device
		}
	case "nomaster":
		q.nomaster = true
	case "up":
		q.up = true
	case "group":
		var s string
		if s, err = w.value(kw); err == nil {
			var g uint32
			g, err = namedNumber(w, kw, s, ipfmt.Groups, 1<<32-1)
			q.group = &g
		}
	default:
		return false, nil
	}
	return true, err
}

// filter keeps the links q picks.
func (q *linkSel) filter(c *rtnl.Conn, links []rtnl.Link) ([]rtnl.Link, error) {
	master, err := q.masterIndex(c)
	if err != nil {
		return nil, err
	}
	out := links[:0]
	for i := range links {
		if q.keep(&links[i], master) {
			out = append(out, links[i])
		}
	}
	return out, nil
}

// masterIndex is the index of the master or vrf q names; 0: none named.
func (q *linkSel) masterIndex(c *rtnl.Conn) (int32, error) {
	if q.master == "" {
		return 0, nil
	}
	return masterOf(c, q.master, q.vrf != "")
}

// keep is whether q picks l, master being q's master resolved.
func (q *linkSel) keep(l *rtnl.Link, master int32) bool {
	kind := l.Kind()
	if q.slave {
		kind = l.SlaveKind
	}
	return (q.dev == "" || l.Name == q.dev) && (!q.up || l.IsUp()) && (q.kind == "" || kind == q.kind) && (master == 0 || l.Master == master) &&
		(!q.nomaster || l.Master == 0) && (q.group == nil || l.Group == *q.group)
}

// named puts the link's name into a library error that only knew its
// index, so the message says which link once: `set link "v0": ...`.
func named(err error, dev string) error {
	if oe, ok := errors.AsType[*rtnl.OpError](err); ok {
		oe.Object = fmt.Quote(dev)
	}
	return err
}

// netnsNames maps the nsids that links point to onto the names in the
// netns directory, as ip's get_name_from_nsid does: each named namespace
// is asked for its id here (RTM_GETNSID). Only when a link needs it.
func (e *env) netnsNames(c *rtnl.Conn, links []rtnl.Link) map[int32]string {
	if !hasLink(links, func(l *rtnl.Link) bool { return l.LinkNetNSID >= 0 }) {
		return nil
	}
	return e.nsidNames(c)
}

// nsidNames maps the nsids the namespace of c has for the named
// namespaces in the netns directory to their names.
func (e *env) nsidNames(c *rtnl.Conn) map[int32]string {
	names, _ := ns.List(e.netnsDir)
	m := map[int32]string{}
	for _, n := range names {
		h, err := ns.Open(e.netnsDir, n)
		if err != nil {
			continue
		}
		if id, err := c.NSID(h.FD()); err == nil && id >= 0 {
			m[id] = n
		}
		h.Close()
	}
	return m
}
