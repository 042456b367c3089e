package weedtest

import (
	"testing"
	"time"
)

// TestStart starts a server, creates a bucket, and says how long it took.
func TestStart(t *testing.T) {
	started := time.Now()
	s := Shared(t)
	t.Logf("SeaweedFS %s ready in %s", Version, time.Since(started).Round(time.Millisecond))
	t.Cleanup(Stop)
	if url := s.NewBucket(t); url == "" {
		t.Fatal("no bucket URL")
	}
}
