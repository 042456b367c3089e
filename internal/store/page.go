package store

// pageOf trims xs, read with one row more than limit, to limit and reports
// whether that one more was there: whether a next page follows.
func pageOf[T any](xs []T, limit int) ([]T, bool) {
	if len(xs) > limit {
		return xs[:limit], true
	}
	return xs, false
}
