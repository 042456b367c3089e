package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
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
	pages := []struct {
		name string
		who  role
		path string
	}{
		{"list-public", rolePublic, "/meetings"},
		{"meeting-public", rolePublic, "/meetings/" + strconv.FormatInt(first.ID, 10)},
		{"meeting-member", roleAssociation, "/meetings/" + strconv.FormatInt(first.ID, 10)},
		{"meeting-secretariat", roleSecretariat, "/meetings/" + strconv.FormatInt(first.ID, 10)},
		{"feed-member", roleAssociation, "/meetings.ics"},
	}
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
					res.Body.Close()
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
