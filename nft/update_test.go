package nft_test

import (
	"strings"
	"testing"

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
	if ts := strings.Join(testns.NftTables(t, h), ","); ts != "ip other,ip mine" && ts != "ip mine,ip other" {
		t.Fatalf("tables: %s", ts)
	}
}
