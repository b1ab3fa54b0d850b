package nft

import (
	"errors"

	"github.com/nsnet/nsnet/internal/fmt"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/nl"
)

// Rules lists the rules of table in family: `nft list table FAMILY NAME`.
// A missing table has no rules.
func (c *Conn) Rules(family uint8, table string) ([]Rule, error) {
	e := nl.NewEncoder(nfgenmsg(family, 0))
	e.String(unix.NFTA_RULE_TABLE, table)
	b, err := e.Encode()
	if err != nil {
		return nil, err
	}
	var rules []Rule
	err = c.nl.DumpConsistent(nl.Message{Header: nl.Header{Type: msgType(unix.NFT_MSG_GETRULE)}, Data: b}, func() { rules = rules[:0] }, func(m nl.Message) error {
		r, err := DecodeRule(m.Data)
		if err == nil && r.Table == table {
			rules = append(rules, *r)
		}
		return err
	})
	if errors.Is(err, unix.ENOENT) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("nft: list rules of %s %s: %w", FamilyName(family), table, err)
	}
	return rules, nil
}

// HasTable reports whether table exists in family.
func (c *Conn) HasTable(family uint8, table string) (bool, error) {
	e := nl.NewEncoder(nfgenmsg(family, 0))
	e.String(unix.NFTA_TABLE_NAME, table)
	b, err := e.Encode()
	if err != nil {
		return false, err
	}
	_, err = c.nl.Execute(nl.Message{Header: nl.Header{Type: msgType(unix.NFT_MSG_GETTABLE)}, Data: b})
	if errors.Is(err, unix.ENOENT) {
		return false, nil
	}
	return err == nil, err
}

// DecodeRule decodes the payload of an NFT_MSG_NEWRULE message.
func DecodeRule(b []byte) (*Rule, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("nft: rule message of %d bytes", len(b))
	}
	r := &Rule{Family: b[0]}
	d := nl.NewDecoder(b[4:])
	for d.Next() {
		switch d.Type() {
		case unix.NFTA_RULE_TABLE:
			r.Table = d.String()
		case unix.NFTA_RULE_CHAIN:
			r.Chain = d.String()
		case unix.NFTA_RULE_HANDLE:
			r.Handle = d.Uint64BE()
		case unix.NFTA_RULE_EXPRESSIONS:
			d.Nested(func(nd *nl.Decoder) error { return decodeExprs(nd, r) })
		case unix.NFTA_RULE_USERDATA:
			r.Comment = Comment(d.Bytes())
		}
	}
	return r, d.Err()
}

func decodeExprs(d *nl.Decoder, r *Rule) error {
	for d.Next() {
		if d.Type() != unix.NFTA_LIST_ELEM {
			continue
		}
		x, err := DecodeExpr(d.Bytes())
		if err != nil {
			return err
		}
		if x != nil {
			r.Exprs = append(r.Exprs, x)
		}
	}
	return d.Err()
}

// DecodeExpr decodes one expression of a rule: the attributes inside an
// NFTA_LIST_ELEM of NFTA_RULE_EXPRESSIONS. Without NFTA_EXPR_NAME it
// returns nil.
func DecodeExpr(b []byte) (Expr, error) {
	var x Expr
	d := nl.NewDecoder(b)
	for d.Next() {
		switch d.Type() {
		case unix.NFTA_EXPR_NAME:
			x = newExpr(d.String())
		case unix.NFTA_EXPR_DATA:
			if x == nil {
				return nil, fmt.Errorf("nft: expression data before its name")
			}
			if u, ok := x.(*Unknown); ok {
				u.Data = append([]byte(nil), d.Bytes()...)
			}
			d.Nested(x.decode)
		}
	}
	return x, d.Err()
}

// Comment finds the comment in a rule's NFTA_RULE_USERDATA: the record
// NFTNL_UDATA_RULE_COMMENT among libnftnl's records (type, length,
// value); anything else is skipped.
func Comment(b []byte) string {
	for len(b) >= 2 {
		typ, n := b[0], int(b[1])
		if 2+n > len(b) {
			return ""
		}
		if typ == udataRuleComment {
			v := b[2 : 2+n]
			for i, c := range v {
				if c == 0 {
					return string(v[:i])
				}
			}
			return string(v)
		}
		b = b[2+n:]
	}
	return ""
}
