package disclosure

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestNumMatchesBigRat: the small-rational fast path gives big.Rat's
// answers, across the overflow into big.Rat and back.
func TestNumMatchesBigRat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	value := func() int64 {
		switch rng.IntN(4) {
		case 0:
			return rng.Int64N(7) - 3
		case 1:
			return rng.Int64N(2_000_001) - 1_000_000
		case 2:
			return rng.Int64N(limit) - limit/2
		}
		return rng.Int64N(50) + 1
	}
	for range 5_000 {
		var z, f, x num
		z.setInt(value())
		f.setInt(value())
		x.setInt(value())
		if d := value(); d != 0 && rng.IntN(2) == 0 {
			var dn num
			dn.setInt(d)
			f = quo(&f, &dn)
		}
		want := new(big.Rat).Sub(z.rat(), new(big.Rat).Mul(f.rat(), x.rat()))
		z.mulSub(&f, &x)
		if z.rat().Cmp(want) != 0 {
			t.Fatalf("mulSub: got %s, want %s", z.rat().RatString(), want.RatString())
		}
		if x.sign() != 0 {
			q := quo(&z, &x)
			if want := new(big.Rat).Quo(z.rat(), x.rat()); q.rat().Cmp(want) != 0 {
				t.Fatalf("quo: got %s, want %s", q.rat().RatString(), want.RatString())
			}
		}
		if got, want := z.cmp(&f), z.rat().Cmp(f.rat()); got != want {
			t.Fatalf("cmp(%s, %s): got %d, want %d", z.rat().RatString(), f.rat().RatString(), got, want)
		}
	}
}
