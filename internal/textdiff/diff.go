package textdiff

import (
	"math"
	"slices"
)

// maxItems bounds the running time: Myers' algorithm is quadratic in the
// number of differences, and beyond this size a finer diff is not worth
// holding a request for.
const maxItems = 20_000

// edit is a run of n items of one kind. Equal and Deleted runs consume items
// of a, Equal and Inserted runs items of b.
type edit struct {
	kind Kind
	n    int
}

// diff returns a shortest edit script turning a into b, using the linear
// space variant of Myers' O((N+M)D) algorithm. Adjacent runs always differ
// in kind, and within a change the Deleted run comes before the Inserted one.
func diff[T comparable](a, b []T) []edit {
	// Diagonals k = x-y of the edit graph range over [-len(b), len(a)];
	// one more slot on each side holds the sentinels.
	size := len(a) + len(b) + 3
	d := differ[T]{a: a, b: b, off: len(b) + 1, fd: make([]int, size), bd: make([]int, size)}
	d.compare(0, len(a), 0, len(b))
	return d.edits
}

type differ[T comparable] struct {
	a, b  []T
	edits []edit
	// fd and bd hold, per diagonal k at index k+off, the furthest x reached
	// by the forward and backward searches; every split reuses them.
	fd, bd []int
	off    int
}

// compare appends the edit script of a[a0:a1] against b[b0:b1].
func (d *differ[T]) compare(a0, a1, b0, b1 int) {
	prefix := 0
	for a0 < a1 && b0 < b1 && d.a[a0] == d.b[b0] {
		a0, b0, prefix = a0+1, b0+1, prefix+1
	}
	suffix := 0
	for a0 < a1 && b0 < b1 && d.a[a1-1] == d.b[b1-1] {
		a1, b1, suffix = a1-1, b1-1, suffix+1
	}
	d.add(Equal, prefix)
	switch {
	case a0 == a1 || b0 == b1, a1-a0 > maxItems || b1-b0 > maxItems:
		d.add(Deleted, a1-a0)
		d.add(Inserted, b1-b0)
	default:
		x, y := d.split(a0, a1, b0, b1)
		d.compare(a0, x, b0, y)
		d.compare(x, a1, y, b1)
	}
	d.add(Equal, suffix)
}

// split returns a point (x, y) on a shortest path through the edit graph of
// a[a0:a1] against b[b0:b1], found where the searches from both corners
// meet. Both boxes are non-empty and their first and last items differ,
// which guarantees at least one edit on each side of the point, so that the
// recursion makes progress.
//
// This follows GNU diff's diag(): the searched diagonals are clamped to the
// box, so no path ever leaves it.
func (d *differ[T]) split(a0, a1, b0, b1 int) (x, y int) {
	fd, bd, o := d.fd, d.bd, d.off
	dmin, dmax := a0-b1, a1-b0
	fmid, bmid := a0-b0, a1-b1
	fmin, fmax := fmid, fmid
	bmin, bmax := bmid, bmid
	// With an odd delta, the paths can only meet after a forward step.
	odd := (fmid-bmid)&1 != 0
	fd[o+fmid] = a0
	bd[o+bmid] = a1
	for {
		if fmin > dmin {
			fmin--
			fd[o+fmin-1] = -1
		} else {
			fmin++
		}
		if fmax < dmax {
			fmax++
			fd[o+fmax+1] = -1
		} else {
			fmax--
		}
		for k := fmax; k >= fmin; k -= 2 {
			lo, hi := fd[o+k-1], fd[o+k+1]
			x := lo + 1
			if lo < hi {
				x = hi
			}
			y := x - k
			for x < a1 && y < b1 && d.a[x] == d.b[y] {
				x, y = x+1, y+1
			}
			fd[o+k] = x
			if odd && bmin <= k && k <= bmax && bd[o+k] <= x {
				return x, y
			}
		}

		if bmin > dmin {
			bmin--
			bd[o+bmin-1] = math.MaxInt
		} else {
			bmin++
		}
		if bmax < dmax {
			bmax++
			bd[o+bmax+1] = math.MaxInt
		} else {
			bmax--
		}
		for k := bmax; k >= bmin; k -= 2 {
			lo, hi := bd[o+k-1], bd[o+k+1]
			x := hi - 1
			if lo < hi {
				x = lo
			}
			y := x - k
			for x > a0 && y > b0 && d.a[x-1] == d.b[y-1] {
				x, y = x-1, y-1
			}
			bd[o+k] = x
			if !odd && fmin <= k && k <= fmax && x <= fd[o+k] {
				return x, y
			}
		}
	}
}

func (d *differ[T]) add(kind Kind, n int) {
	if n == 0 {
		return
	}
	last := len(d.edits) - 1
	if kind == Deleted && last >= 0 && d.edits[last].kind == Inserted {
		// Keeping deletions first lets Lines pair each change's old
		// lines with its new ones.
		if last > 0 && d.edits[last-1].kind == Deleted {
			d.edits[last-1].n += n
			return
		}
		d.edits = slices.Insert(d.edits, last, edit{Deleted, n})
		return
	}
	if last >= 0 && d.edits[last].kind == kind {
		d.edits[last].n += n
		return
	}
	d.edits = append(d.edits, edit{kind, n})
}
