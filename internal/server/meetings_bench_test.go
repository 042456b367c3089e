package server

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"comite/internal/seed"
	"comite/internal/store"
)

// BenchmarkMeetingPages measures the meeting pages on the demo committee
// (the 21 March 2024 meeting: 62 invitees, 7 agenda items, approved
// minutes, decisions) with 64 concurrent clients, and reports the 99th
// percentile of the server time. Run:
// go test -run ^$ -bench MeetingPages -benchtime 2000x ./internal/server/
func BenchmarkMeetingPages(b *testing.B) {
	p := newPortal(b, nil)
	first, err := p.store.MeetingBySlug(context.Background(), "cc-2024-03-21")
	if err != nil {
		b.Fatal(err)
	}
	id := strconv.FormatInt(first.ID, 10)
	benchPages(b, p, []benchPage{
		{"list-public", rolePublic, "/meetings"},
		{"meeting-public", rolePublic, "/meetings/" + id},
		{"meeting-member", roleAssociation, "/meetings/" + id},
		{"meeting-secretariat", roleSecretariat, "/meetings/" + id},
		{"feed-member", roleAssociation, "/meetings.ics"},
	})
}

// BenchmarkPlanPages measures the plan's pages on the demo plan (18
// measures in 6 axes, 8 other plans, 7 recommendations). Run:
// go test -run ^$ -bench PlanPages -benchtime 2000x ./internal/server/
func BenchmarkPlanPages(b *testing.B) {
	p := newPortal(b, nil)
	ctx := context.Background()
	plan, err := p.store.PlanBySlug(ctx, seed.FollowedPlanSlug)
	if err != nil {
		b.Fatal(err)
	}
	ms, err := p.store.Measures(ctx, store.MeasureFilter{PlanID: plan.ID})
	if err != nil || len(ms) == 0 {
		b.Fatalf("demo measures: %d, %v", len(ms), err)
	}
	benchPages(b, p, []benchPage{
		{"plan-public", rolePublic, "/plans/" + strconv.FormatInt(plan.ID, 10)},
		{"measure-public", rolePublic, "/measures/" + strconv.FormatInt(ms[0].ID, 10)},
		{"recommendations-public", rolePublic, "/recommendations"},
		{"matrix-public", rolePublic, "/plans/matrix"},
	})
}

type benchPage struct {
	name string
	who  role
	path string
}

// benchPages gets each page with 64 concurrent clients and reports the
// 99th percentile of the response time.
func benchPages(b *testing.B, p *portal, pages []benchPage) {
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			c := p.as(pg.who)
			var mu sync.Mutex
			var times []time.Duration
			b.SetParallelism(32) // 64 clients on the 2 cores of the target
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var local []time.Duration
				for pb.Next() {
					start := time.Now()
					req, _ := http.NewRequest(http.MethodGet, p.ts.URL+pg.path, nil)
					res, err := c.http.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					// Read the whole page: closing an unread body would
					// drop the connection and measure its set-up instead.
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err != nil {
						b.Error(err)
						return
					}
					if res.StatusCode != http.StatusOK {
						b.Errorf("%s: status %d", pg.path, res.StatusCode)
						return
					}
					local = append(local, time.Since(start))
				}
				mu.Lock()
				times = append(times, local...)
				mu.Unlock()
			})
			slices.Sort(times)
			if len(times) > 0 {
				b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
			}
		})
	}
}
