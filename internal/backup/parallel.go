package backup

import (
	"context"
	"sync"
	"sync/atomic"
)

// inParallel calls do for each index below n from workers goroutines at
// once (4 when zero: S3 requests wait on the network, not on the CPU). The
// first error stops the others and is returned, as is the caller's
// cancellation.
func inParallel(ctx context.Context, workers, n int, do func(ctx context.Context, i int) error) error {
	if workers <= 0 {
		workers = 4
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		first error
		next  atomic.Int64
		wg    sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := do(ctx, i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					cancel()
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}
