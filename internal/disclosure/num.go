package disclosure

import (
	"math"
	"math/big"
	"math/bits"
)

// num is an exact rational: n/d in int64 while it fits (d > 0, reduced),
// a big.Rat beyond. The attacker's programmes are mostly 0, ±1 and small
// counts, for which big.Rat's allocations cost ten times the arithmetic.
type num struct {
	n, d int64
	b    *big.Rat // the value, when it does not fit in n/d
}

// limit keeps n and d far from overflow in the next operation's checks.
const limit = math.MaxInt64 >> 2

func (z *num) setInt(v int64) {
	z.n, z.d, z.b = v, 1, nil
	if v > limit || v < -limit {
		z.b = new(big.Rat).SetInt64(v)
	}
}

func (z *num) set(x *num) {
	z.n, z.d = x.n, x.d
	if x.b != nil {
		z.b = new(big.Rat).Set(x.b)
	} else {
		z.b = nil
	}
}

func (z *num) sign() int {
	if z.b != nil {
		return z.b.Sign()
	}
	switch {
	case z.n > 0:
		return 1
	case z.n < 0:
		return -1
	}
	return 0
}

func (z *num) rat() *big.Rat {
	if z.b != nil {
		return new(big.Rat).Set(z.b)
	}
	return big.NewRat(z.n, z.d)
}

// fromRat sets z to r, small when it fits.
func (z *num) fromRat(r *big.Rat) {
	if r.Num().IsInt64() && r.Denom().IsInt64() {
		n, d := r.Num().Int64(), r.Denom().Int64()
		if n <= limit && n >= -limit && d <= limit {
			z.n, z.d, z.b = n, d, nil
			return
		}
	}
	z.b = new(big.Rat).Set(r)
}

func (z *num) cmp(x *num) int {
	if z.b == nil && x.b == nil {
		if z.d == 1 && x.d == 1 {
			switch {
			case z.n < x.n:
				return -1
			case z.n > x.n:
				return 1
			}
			return 0
		}
		if a, ok := mul64(z.n, x.d); ok {
			if b, ok := mul64(x.n, z.d); ok {
				switch {
				case a < b:
					return -1
				case a > b:
					return 1
				}
				return 0
			}
		}
	}
	return z.rat().Cmp(x.rat())
}

// mulSub sets z = z − f·x.
func (z *num) mulSub(f, x *num) {
	if z.b == nil && f.b == nil && x.b == nil {
		if z.d == 1 && f.d == 1 && x.d == 1 { // the usual case
			if p, ok := mul64(f.n, x.n); ok {
				if s, ok := sub64(z.n, p); ok {
					z.n = s
					return
				}
			}
		} else if pn, pd, ok := mulFrac(f.n, f.d, x.n, x.d); ok {
			if n, d, ok := addFrac(z.n, z.d, -pn, pd); ok {
				z.n, z.d = n, d
				return
			}
		}
	}
	r := z.rat()
	r.Sub(r, new(big.Rat).Mul(f.rat(), x.rat()))
	z.fromRat(r)
}

// mul sets z = z·x.
func (z *num) mul(x *num) {
	if z.b == nil && x.b == nil {
		if n, d, ok := mulFrac(z.n, z.d, x.n, x.d); ok {
			z.n, z.d = n, d
			return
		}
	}
	r := z.rat()
	r.Mul(r, x.rat())
	z.fromRat(r)
}

// inv sets z = 1/x, x ≠ 0.
func (z *num) inv(x *num) {
	if x.b == nil {
		n, d := x.d, x.n
		if d < 0 {
			n, d = -n, -d
		}
		z.n, z.d, z.b = n, d, nil
		return
	}
	z.fromRat(new(big.Rat).Inv(x.b))
}

// quo returns a/b as a new num.
func quo(a, b *num) num {
	var inv, q num
	inv.inv(b)
	q.set(a)
	q.mul(&inv)
	return q
}

func mul64(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(abs64(a), abs64(b))
	if hi != 0 || lo > limit {
		return 0, false
	}
	if (a < 0) != (b < 0) {
		return -int64(lo), true
	}
	return int64(lo), true
}

func sub64(a, b int64) (int64, bool) {
	s := a - b
	return s, s <= limit && s >= -limit
}

func abs64(a int64) uint64 {
	if a < 0 {
		return uint64(-a)
	}
	return uint64(a)
}

func gcd(a, b int64) int64 {
	if a < 0 {
		a = -a
	}
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// mulFrac returns a/b · c/d reduced.
func mulFrac(a, b, c, d int64) (int64, int64, bool) {
	if a == 0 || c == 0 {
		return 0, 1, true
	}
	g1, g2 := gcd(a, d), gcd(c, b)
	n, ok1 := mul64(a/g1, c/g2)
	m, ok2 := mul64(b/g2, d/g1)
	return n, m, ok1 && ok2
}

// addFrac returns a/b + c/d reduced.
func addFrac(a, b, c, d int64) (int64, int64, bool) {
	g := gcd(b, d)
	x, ok1 := mul64(a, d/g)
	y, ok2 := mul64(c, b/g)
	m, ok3 := mul64(b/g, d)
	if !ok1 || !ok2 || !ok3 {
		return 0, 0, false
	}
	n, ok := sub64(x, -y)
	if !ok {
		return 0, 0, false
	}
	if n == 0 {
		return 0, 1, true
	}
	if h := gcd(n, m); h > 1 {
		n, m = n/h, m/h
	}
	return n, m, true
}
