package server

import (
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"comite/internal/model"
)

// BenchmarkUpload50MB uploads a 50 MB file through the real server and
// reports the peak heap while it streams (the upload must not be held in
// memory). Run: go test -run ^$ -bench Upload50MB ./internal/server/
func BenchmarkUpload50MB(b *testing.B) {
	p := newPortal(b, nil)
	sec := p.as(roleSecretariat)
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	b.SetBytes(50 << 20)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		file := io.MultiReader(strings.NewReader("%PDF-1.4\n"), io.LimitReader(zeros{}, 50<<20-9))
		res := sec.upload("/documents/new", minutesForm("Gros rapport", model.VisibilityMembers), "rapport.pdf", file)
		if res.StatusCode != http.StatusSeeOther {
			b.Fatalf("upload: got %d", res.StatusCode)
		}
	}
	b.StopTimer()
	close(stop)
	b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapInuse))/(1<<20), "peak-heap-growth-MB")
}
