// Package order sorts the few short lists nsnet sorts (process ids,
// namespace inodes, file names) by insertion: for a static binary,
// slices.Sort's pattern-defeating quicksort is 4 to 7 KB per element
// type, and these lists are short or arrive nearly sorted (/proc lists
// pids in order), where insertion is linear.
package order

import "cmp"

// Sort sorts s in increasing order.
func Sort[T cmp.Ordered](s []T) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
