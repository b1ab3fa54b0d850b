package nat_test

import (
	"testing"

	"github.com/nsnet/nsnet/internal/testns"
)

func TestMain(m *testing.M) { testns.Main(m) }
