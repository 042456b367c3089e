package server

import (
	"net/http"
	"strings"
	"testing"
)

func TestReadiness(t *testing.T) {
	p := newPortal(t, nil)
	c := p.client()
	if res := c.get("/readyz"); res.StatusCode != http.StatusOK {
		t.Fatalf("migrated database: got %d %q, want 200", res.StatusCode, res.body)
	}
	if _, err := p.store.Pool().Exec(t.Context(), `UPDATE schema_migrations SET version = version - 1`); err != nil {
		t.Fatal(err)
	}
	if res := c.get("/readyz"); res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("schema behind the binary: got %d, want 503", res.StatusCode)
	}
	if _, err := p.store.Pool().Exec(t.Context(), `UPDATE schema_migrations SET version = version + 1`); err != nil {
		t.Fatal(err)
	}
	p.srv.Drain()
	if res := c.get("/readyz"); res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("draining: got %d, want 503", res.StatusCode)
	}
	if res := c.get("/healthz"); res.StatusCode != http.StatusOK {
		t.Fatalf("liveness while draining: got %d, want 200", res.StatusCode)
	}
}

func TestMetrics(t *testing.T) {
	p := newPortal(t, map[string]string{"COMITE_METRICS_TOKEN": "jeton-de-test"})
	c := p.as(roleAssociation)
	c.get("/meetings/1")
	c.get("/meetings/2")
	if res := c.get("/metrics"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("metrics without the token: got %d, want 403", res.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, p.ts.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer jeton-de-test")
	res := c.do(req)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("metrics with the token: got %d, want 200", res.StatusCode)
	}
	for _, want := range []string{
		`comite_http_requests_total{method="GET",route="/meetings/{id}",status=`,
		"comite_http_request_duration_seconds_bucket",
		"comite_db_pool_connections",
		"comite_db_pool_max_connections ",
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(res.body, `route="/meetings/1"`) {
		t.Error("metrics are labelled by raw path instead of route pattern")
	}
}
