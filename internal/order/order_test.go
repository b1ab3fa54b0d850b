package order

import (
	"math/rand"
	"slices"
	"testing"
)

func TestSortAsSlices(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for n := range 200 {
		a := make([]int, n)
		for i := range a {
			a[i] = r.Intn(50) - 25 // duplicates and negatives
		}
		b := slices.Clone(a)
		Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Fatalf("Sort(%v), want %v", a, b)
		}
	}
	s := []string{"b.conf", "a.conf", "", "ab", "a"}
	Sort(s)
	if !slices.Equal(s, []string{"", "a", "a.conf", "ab", "b.conf"}) {
		t.Fatalf("strings: %q", s)
	}
}
