package nft_test

import (
	"errors"
	"io/fs"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nsnet/nsnet/internal/testns"
	"github.com/nsnet/nsnet/nft"
)

// A batch planned against a generation that has since moved is refused
// whole, with ERESTART on BATCH_BEGIN.
func TestStaleGenerationRefused(t *testing.T) {
	c, h := dial(t)
	other, err := nft.Dial(h, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var stale *nft.Batch
	n := 0
	err = c.Update(func() (*nft.Batch, error) {
		n++
		if n == 1 {
			// Between our read of the generation and our commit, another
			// writer commits: the kernel must refuse ours.
			b := &nft.Batch{}
			b.AddTable(nft.FamilyIP, "other")
			if err := other.Commit(b); err != nil {
				return nil, err
			}
		}
		stale = &nft.Batch{}
		stale.AddTable(nft.FamilyIP, "mine")
		return stale, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("plan ran %d times; want 2 (ERESTART once, then a fresh read)", n)
	}
	if ts := strings.Join(tables(t, h), ","); ts != "ip other,ip mine" && ts != "ip mine,ip other" {
		t.Fatalf("tables: %s", ts)
	}
}

// Identical NAT adds racing in 16 goroutines (each its own socket, as 16
// processes would be) install exactly one copy; the others are told it
// exists.
func TestConcurrentAddInstallsOneCopy(t *testing.T) {
	_, h := dial(t)
	f := nft.Forward{Proto: unix.IPPROTO_TCP, Port: 8080, To: netip.MustParseAddrPort("10.9.0.2:80")}
	for round := range 5 {
		var wg sync.WaitGroup
		errs := make([]error, 16)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := nft.Dial(h, nil)
				if err != nil {
					errs[i] = err
					return
				}
				defer c.Close()
				errs[i] = c.AddNAT(f.Rules())
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, fs.ErrExist):
				t.Fatalf("round %d: %v", round, err)
			}
		}
		c, _ := nft.Dial(h, nil)
		rules, err := c.Rules(nft.FamilyIP, nft.Table)
		if err != nil {
			t.Fatal(err)
		}
		if ok != 1 || len(rules) != 2 {
			t.Fatalf("round %d: %d adds succeeded, %d rules installed; want 1 and 2", round, ok, len(rules))
		}
		if _, err := c.Flush(); err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
}

// A rule nsnet does not fully decode (written by nft into table nsnet) does not
// break listing or adding: it renders as unknown.
func TestUnknownExpressionListed(t *testing.T) {
	testns.LookPath(t, "nft")
	c, h := dial(t)
	rules := "table ip nsnet {\nchain postrouting {\ntype nat hook postrouting priority 100\nmeta mark 1-10\n}\n}\n"
	if out, err := testns.TryStdin(h, rules, "nft", "-f", "-"); err != nil {
		t.Fatalf("nft -f: %v: %s", err, out)
	}
	got, err := c.Rules(nft.FamilyIP, nft.Table)
	if err != nil {
		t.Fatal(err)
	}
	// range and byteorder are built into nf_tables; nsnet decodes neither.
	if len(got) != 1 || !strings.Contains(got[0].String(), `unknown "`) {
		t.Fatalf("rules: %+v", got)
	}
	m := nft.Masquerade{Prefix: netip.MustParsePrefix("10.1.0.0/16")}
	if err := c.AddNAT(m.Rules()); err != nil {
		t.Fatal(err)
	}
}
