package server

import (
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"comite/internal/localpg"
	"comite/internal/pgtest"
)

// TestDatabaseRestart stops PostgreSQL under a running portal: pages answer
// 503 during the outage, then serve again without restarting the portal.
func TestDatabaseRestart(t *testing.T) {
	p := newPortal(t, nil)
	member := p.as(roleAssociation)
	public := p.client()
	if got := member.get("/meetings").StatusCode; got != http.StatusOK {
		t.Fatalf("before the outage: got %d, want 200", got)
	}
	c := pgtest.Cluster()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			_, _ = localpg.Start(t.Context(), filepath.Dir(c.Dir()), nil)
		}
	}()
	for _, cl := range []*client{member, public} {
		res := cl.get("/")
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("during the outage: got %d, want 503", res.StatusCode)
		}
		if res.Header.Get("Retry-After") == "" {
			t.Error("the 503 page does not say when to retry")
		}
	}
	if got := public.get("/readyz").StatusCode; got != http.StatusServiceUnavailable {
		t.Fatalf("readiness during the outage: got %d, want 503", got)
	}
	if _, err := localpg.Start(t.Context(), filepath.Dir(c.Dir()), nil); err != nil {
		t.Fatal(err)
	}
	restarted = true
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := member.get("/meetings").StatusCode
		if got == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the restart: still %d, want 200", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
