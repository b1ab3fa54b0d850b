// Command gen writes names_gen.go: the names of netlink message types and
// attributes, taken from the constants of golang.org/x/sys/unix (the
// version in go.mod), so that a trace and an error name every attribute
// the way the kernel's headers do. Run by `go generate ./internal/names`.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"log"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A space is one numbering of attributes (or message types). block: the
// enum in x/sys's ztypes_linux.go that starts with that constant, in
// declaration order; match: every constant whose name matches, wherever
// x/sys declares it (zerrors_linux.go sorts #defines by name).
type space struct {
	ident, prefix string
	block         string
	match         string
	extra         map[string]int // what x/sys lacks, from the kernel's uapi headers
	errno         bool           // the errno names of x/sys's errorList (amd64's, the generic ABI's)
}

var spaces = []space{
	{ident: "Link", prefix: "IFLA_", block: "IFLA_UNSPEC", extra: map[string]int{"IFLA_MAX_PACING_OFFLOAD_HORIZON": 66,
		"IFLA_NETNS_IMMUTABLE": 67, "IFLA_HEADROOM": 68, "IFLA_TAILROOM": 69}},
	{ident: "XDP", prefix: "IFLA_XDP_", block: "IFLA_XDP_UNSPEC"},
	{ident: "ProtoDownReason", prefix: "IFLA_PROTO_DOWN_REASON_", block: "IFLA_PROTO_DOWN_REASON_UNSPEC"},
	{ident: "LinkInfo", prefix: "IFLA_INFO_", block: "IFLA_INFO_UNSPEC"},
	{ident: "Bridge", prefix: "IFLA_BR_", block: "IFLA_BR_UNSPEC"},
	{ident: "BridgePort", prefix: "IFLA_BRPORT_", block: "IFLA_BRPORT_UNSPEC"},
	{ident: "Vxlan", prefix: "IFLA_VXLAN_", block: "IFLA_VXLAN_UNSPEC", extra: map[string]int{"IFLA_VXLAN_RESERVED_BITS": 33,
		"IFLA_VXLAN_MC_ROUTE": 34, "IFLA_VXLAN_LOCALBIND": 35}},
	{ident: "Macvlan", prefix: "IFLA_MACVLAN_", block: "IFLA_MACVLAN_UNSPEC"},
	{ident: "Veth", prefix: "VETH_INFO_", extra: map[string]int{"VETH_INFO_UNSPEC": 0, "VETH_INFO_PEER": 1}},
	{ident: "Inet", prefix: "IFLA_INET_", block: "IFLA_INET_UNSPEC"},
	{ident: "Inet6", prefix: "IFLA_INET6_", block: "IFLA_INET6_UNSPEC"},
	{ident: "Addr", prefix: "IFA_", block: "IFA_UNSPEC", extra: map[string]int{"IFA_PROTO": 11}},
	{ident: "Route", prefix: "RTA_", block: "RTA_UNSPEC", extra: map[string]int{"RTA_NH_ID": 30}},
	{ident: "Metrics", prefix: "RTAX_", match: `^RTAX_(UNSPEC|LOCK|MTU|WINDOW|RTT|RTTVAR|SSTHRESH|CWND|ADVMSS|REORDERING|HOPLIMIT|INITCWND|FEATURES|RTO_MIN|INITRWND|QUICKACK|CC_ALGO|FASTOPEN_NO_COOKIE)$`},
	{ident: "Neigh", prefix: "NDA_", block: "NDA_UNSPEC", extra: map[string]int{"NDA_PROTOCOL": 12, "NDA_NH_ID": 13,
		"NDA_FDB_EXT_ATTRS": 14, "NDA_FLAGS_EXT": 15, "NDA_NDM_STATE_MASK": 16, "NDA_NDM_FLAGS_MASK": 17}},
	{ident: "Rule", prefix: "FRA_", block: "FRA_UNSPEC"},
	{ident: "Nexthop", prefix: "NHA_", block: "NHA_UNSPEC", extra: map[string]int{"NHA_FDB": 11, "NHA_RES_GROUP": 12,
		"NHA_RES_BUCKET": 13, "NHA_OP_FLAGS": 14, "NHA_GROUP_STATS": 15, "NHA_HW_STATS_ENABLE": 16, "NHA_HW_STATS_USED": 17}},
	{ident: "ResGroup", prefix: "NHA_RES_GROUP_", extra: map[string]int{"NHA_RES_GROUP_PAD": 0, "NHA_RES_GROUP_BUCKETS": 1,
		"NHA_RES_GROUP_IDLE_TIMER": 2, "NHA_RES_GROUP_UNBALANCED_TIMER": 3, "NHA_RES_GROUP_UNBALANCED_TIME": 4}},
	{ident: "ResBucket", prefix: "NHA_RES_BUCKET_", extra: map[string]int{"NHA_RES_BUCKET_PAD": 0, "NHA_RES_BUCKET_INDEX": 1,
		"NHA_RES_BUCKET_IDLE_TIME": 2, "NHA_RES_BUCKET_NH_ID": 3}},
	{ident: "NSID", prefix: "NETNSA_", block: "NETNSA_NONE"},
	{ident: "Netconf", prefix: "NETCONFA_", extra: map[string]int{"NETCONFA_UNSPEC": 0, "NETCONFA_IFINDEX": 1,
		"NETCONFA_FORWARDING": 2, "NETCONFA_RP_FILTER": 3, "NETCONFA_MC_FORWARDING": 4, "NETCONFA_PROXY_NEIGH": 5,
		"NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN": 6, "NETCONFA_INPUT": 7, "NETCONFA_BC_FORWARDING": 8}},
	{ident: "ExtAck", prefix: "NLMSGERR_ATTR_", match: `^NLMSGERR_ATTR_(MSG|OFFS|COOKIE|POLICY|MISS_TYPE|MISS_NEST)$`,
		extra: map[string]int{"NLMSGERR_ATTR_UNUSED": 0, "NLMSGERR_ATTR_POLICY": 4, "NLMSGERR_ATTR_MISS_TYPE": 5, "NLMSGERR_ATTR_MISS_NEST": 6}},
	{ident: "Table", prefix: "NFTA_TABLE_", block: "NFTA_TABLE_UNSPEC",
		extra: map[string]int{"NFTA_TABLE_HANDLE": 4, "NFTA_TABLE_PAD": 5, "NFTA_TABLE_USERDATA": 6, "NFTA_TABLE_OWNER": 7}},
	{ident: "Chain", prefix: "NFTA_CHAIN_", block: "NFTA_CHAIN_UNSPEC",
		extra: map[string]int{"NFTA_CHAIN_FLAGS": 10, "NFTA_CHAIN_ID": 11, "NFTA_CHAIN_USERDATA": 12}},
	{ident: "Hook", prefix: "NFTA_HOOK_", block: "NFTA_HOOK_UNSPEC"},
	{ident: "RuleNFT", prefix: "NFTA_RULE_", block: "NFTA_RULE_UNSPEC",
		extra: map[string]int{"NFTA_RULE_ID": 9, "NFTA_RULE_POSITION_ID": 10, "NFTA_RULE_CHAIN_ID": 11}},
	{ident: "List", prefix: "NFTA_LIST_", block: "NFTA_LIST_UNSPEC"},
	{ident: "Expr", prefix: "NFTA_EXPR_", block: "NFTA_EXPR_UNSPEC"},
	{ident: "Data", prefix: "NFTA_DATA_", block: "NFTA_DATA_UNSPEC"},
	{ident: "Verdict", prefix: "NFTA_VERDICT_", block: "NFTA_VERDICT_UNSPEC"},
	{ident: "Gen", prefix: "NFTA_GEN_", block: "NFTA_GEN_UNSPEC"},
	{ident: "Payload", prefix: "NFTA_PAYLOAD_", block: "NFTA_PAYLOAD_UNSPEC"},
	{ident: "Cmp", prefix: "NFTA_CMP_", block: "NFTA_CMP_UNSPEC"},
	{ident: "Immediate", prefix: "NFTA_IMMEDIATE_", block: "NFTA_IMMEDIATE_UNSPEC"},
	{ident: "Meta", prefix: "NFTA_META_", block: "NFTA_META_UNSPEC"},
	{ident: "Ct", prefix: "NFTA_CT_", block: "NFTA_CT_UNSPEC"},
	{ident: "Nat", prefix: "NFTA_NAT_", block: "NFTA_NAT_UNSPEC"},
	{ident: "Masq", prefix: "NFTA_MASQ_", block: "NFTA_MASQ_UNSPEC"},
	{ident: "Redir", prefix: "NFTA_REDIR_", block: "NFTA_REDIR_UNSPEC"},
	{ident: "Bitwise", prefix: "NFTA_BITWISE_", block: "NFTA_BITWISE_UNSPEC", extra: map[string]int{"NFTA_BITWISE_OP": 6, "NFTA_BITWISE_DATA": 7, "NFTA_BITWISE_SREG2": 8}},
	{ident: "Fib", prefix: "NFTA_FIB_", block: "NFTA_FIB_UNSPEC"},
	{ident: "Counter", prefix: "NFTA_COUNTER_", block: "NFTA_COUNTER_UNSPEC"},
	{ident: "Lookup", prefix: "NFTA_LOOKUP_", block: "NFTA_LOOKUP_UNSPEC"},
	{ident: "Batch", prefix: "NFNL_BATCH_", block: "NFNL_BATCH_UNSPEC"},
	// Message types.
	{ident: "RTM", prefix: "RTM_", match: `^RTM_(NEW|DEL|GET|SET)[A-Z0-9]+$`},
	{ident: "NFT", prefix: "NFT_MSG_", block: "NFT_MSG_NEWTABLE"},
	{ident: "Ctrl", prefix: "NLMSG_", match: `^NLMSG_(NOOP|ERROR|DONE|OVERRUN)$`},
	{ident: "Errno", prefix: "E", errno: true},
}

type constant struct {
	name  string
	value int
}

func main() {
	output := flag.String("o", "names_gen.go", "the file to write")
	flag.Parse()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", "golang.org/x/sys").Output()
	if err != nil {
		log.Fatalf("go list golang.org/x/sys: %v", err)
	}
	dir, version, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	types := consts(filepath.Join(dir, "unix", "ztypes_linux.go"))
	all := append(consts(filepath.Join(dir, "unix", "zerrors_linux.go")), types...)

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by gen/main.go from golang.org/x/sys/unix %s; DO NOT EDIT.\n\npackage names\n\n", version)
	b.WriteString("const (\n")
	for i, s := range spaces {
		if i == 0 {
			fmt.Fprintf(&b, "\t%s Space = iota\n", s.ident)
		} else {
			fmt.Fprintf(&b, "\t%s\n", s.ident)
		}
	}
	// One string a space, not a struct of two: each string header costs 16
	// bytes of writable data.
	b.WriteString(")\n\n// Each space's prefix, then its names by number after the prefix; \"-\"\n// where a number has none.\nvar spaceNames = [...]string{\n")
	for _, s := range spaces {
		var cs []constant
		switch {
		case s.errno:
			cs = errnos(filepath.Join(dir, "unix", "zerrors_linux_amd64.go"))
		case s.block != "":
			cs = block(types, s.block, s.prefix)
		case s.match != "":
			re := regexp.MustCompile(s.match)
			for _, c := range all {
				if re.MatchString(c.name) {
					cs = append(cs, c)
				}
			}
		}
		for _, name := range slices.Sorted(maps.Keys(s.extra)) {
			cs = append(cs, constant{name, s.extra[name]})
		}
		byValue := map[int]string{}
		top := -1
		for _, c := range cs {
			if _, dup := byValue[c.value]; dup || c.value < 0 || c.value > 255 {
				continue // an alias (IFLA_TARGET_NETNSID = IFLA_IF_NETNSID), or not a type
			}
			byValue[c.value] = strings.TrimPrefix(c.name, s.prefix)
			top = max(top, c.value)
		}
		if top < 0 {
			log.Fatalf("%s: no constants found", s.ident)
		}
		names := make([]string, top+1)
		for i := range names {
			names[i] = "-"
			if n, ok := byValue[i]; ok {
				names[i] = n
			}
		}
		fmt.Fprintf(&b, "\t%s: %q,\n", s.ident, s.prefix+" "+strings.Join(names, " "))
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*output, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

// errnos reads x/sys's errorList, the table unix.ErrnoName looks in: one
// name for each number (EAGAIN, not EWOULDBLOCK). amd64's numbers are the
// kernel's generic ones (asm-generic/errno.h), which most architectures
// share; the trace uses unix.ErrnoName itself on the others.
func errnos(path string) []constant {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		log.Fatal(err)
	}
	var out []constant
	ast.Inspect(f, func(n ast.Node) bool {
		v, ok := n.(*ast.ValueSpec)
		if !ok || len(v.Names) != 1 || v.Names[0].Name != "errorList" || len(v.Values) != 1 {
			return true
		}
		for _, e := range v.Values[0].(*ast.CompositeLit).Elts {
			elts := e.(*ast.CompositeLit).Elts
			num, _ := strconv.ParseInt(elts[0].(*ast.BasicLit).Value, 0, 64)
			name, _ := strconv.Unquote(elts[1].(*ast.BasicLit).Value)
			out = append(out, constant{name, int(num)})
		}
		return false
	})
	if len(out) == 0 {
		log.Fatalf("%s: no errorList", path)
	}
	return out
}

// consts lists the integer constants of a Go file in declaration order.
func consts(path string) []constant {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		log.Fatal(err)
	}
	var out []constant
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, sp := range g.Specs {
			vs := sp.(*ast.ValueSpec)
			if len(vs.Values) != 1 || len(vs.Names) != 1 {
				continue
			}
			neg := false
			e := vs.Values[0]
			if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.SUB {
				neg, e = true, u.X
			}
			lit, ok := e.(*ast.BasicLit)
			if !ok || lit.Kind != token.INT {
				continue
			}
			v, err := strconv.ParseInt(lit.Value, 0, 64)
			if err != nil {
				continue
			}
			if neg {
				v = -v
			}
			out = append(out, constant{vs.Names[0].Name, int(v)})
		}
	}
	return out
}

// block is the enum that starts at constant first: the constants after it
// with the prefix and rising values (equal: an alias), up to its _MAX.
func block(cs []constant, first, prefix string) []constant {
	for i, c := range cs {
		if c.name != first {
			continue
		}
		out := []constant{c}
		for _, n := range cs[i+1:] {
			if !strings.HasPrefix(n.name, prefix) || n.value < out[len(out)-1].value || n.name == prefix+"MAX" {
				break
			}
			// A sub-enum with a longer prefix starts again at 0 (caught
			// above) or is declared elsewhere.
			out = append(out, n)
		}
		return out
	}
	log.Fatalf("%s: not in ztypes_linux.go", first)
	return nil
}
