package jobs_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"comite/internal/jobs"
	"comite/internal/pgtest"
	"comite/internal/store"
)

// TestEveryRunsOnceAcrossInstances: two instances register the same task;
// it runs at start, once, whichever instance leads.
func TestEveryRunsOnceAcrossInstances(t *testing.T) {
	pool, _ := pgtest.NewPool(t)
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	var runs atomic.Int32
	ran := make(chan struct{}, 4)
	for range 2 {
		r, err := jobs.New(pool, store.New(pool), nil, log)
		if err != nil {
			t.Fatal(err)
		}
		err = r.Every("count", time.Hour, func(context.Context) {
			runs.Add(1)
			ran <- struct{}{}
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Every("count", time.Hour, func(context.Context) {}); err == nil {
			t.Error("a task registered twice was accepted")
		}
		if err := r.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := r.Stop(ctx); err != nil {
				t.Errorf("stop: %v", err)
			}
		})
	}
	select {
	case <-ran:
	case <-time.After(30 * time.Second):
		t.Fatal("the task did not run at start")
	}
	// Leave time for a second leader, or a second instance's scheduling, to
	// show up.
	time.Sleep(3 * time.Second)
	if n := runs.Load(); n != 1 {
		t.Errorf("the task ran %d times, want once", n)
	}
}
