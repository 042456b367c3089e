package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"comite/internal/pagecache"
)

// metrics are the Prometheus figures of one server: requests by route
// pattern (never by raw path, which would explode the series) and the pool.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	handler  http.Handler
}

func newMetrics(reg *prometheus.Registry, pool *pgxpool.Pool, pages *pagecache.Cache) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "comite_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "comite_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.duration, newPoolCollector(pool),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if pages != nil {
		reg.MustRegister(pageCacheCollector{pages: pages})
	}
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return m
}

// instrument counts and times every request once chi has matched its route.
func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(rec.code())).Inc()
		m.duration.WithLabelValues(route, r.Method).Observe(time.Since(start).Seconds())
	})
}

// poolCollector reads pgxpool's statistics at scrape time.
type poolCollector struct {
	pool                                   *pgxpool.Pool
	total, idle, acquired, max, acquireSec *prometheus.Desc
	acquireCount, emptyAcquire             *prometheus.Desc
}

func newPoolCollector(pool *pgxpool.Pool) *poolCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("comite_db_pool_"+name, help, nil, nil)
	}
	return &poolCollector{
		pool:         pool,
		total:        d("connections", "Open connections in the pool."),
		idle:         d("idle_connections", "Idle connections in the pool."),
		acquired:     d("acquired_connections", "Connections in use."),
		max:          d("max_connections", "Largest size the pool may reach."),
		acquireSec:   d("acquire_seconds_total", "Total time spent waiting for a connection."),
		acquireCount: d("acquires_total", "Connections handed out."),
		emptyAcquire: d("empty_acquires_total", "Acquires that had to wait because the pool was empty."),
	}
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.total, c.idle, c.acquired, c.max, c.acquireSec, c.acquireCount, c.emptyAcquire} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(c.total, prometheus.GaugeValue, float64(st.TotalConns()))
	ch <- prometheus.MustNewConstMetric(c.idle, prometheus.GaugeValue, float64(st.IdleConns()))
	ch <- prometheus.MustNewConstMetric(c.acquired, prometheus.GaugeValue, float64(st.AcquiredConns()))
	ch <- prometheus.MustNewConstMetric(c.max, prometheus.GaugeValue, float64(st.MaxConns()))
	ch <- prometheus.MustNewConstMetric(c.acquireSec, prometheus.CounterValue, st.AcquireDuration().Seconds())
	ch <- prometheus.MustNewConstMetric(c.acquireCount, prometheus.CounterValue, float64(st.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(c.emptyAcquire, prometheus.CounterValue, float64(st.EmptyAcquireCount()))
}

// pageCacheCollector reads the cache of signed-out pages' counters at
// scrape time.
type pageCacheCollector struct{ pages *pagecache.Cache }

var (
	pageCacheHitsDesc = prometheus.NewDesc("comite_page_cache_hits_total",
		"Signed-out answers served from the page cache.", nil, nil)
	pageCacheMissesDesc = prometheus.NewDesc("comite_page_cache_misses_total",
		"Signed-out answers the page cache could have served but that were built.", nil, nil)
	pageCacheInvalidationsDesc = prometheus.NewDesc("comite_page_cache_invalidations_total",
		"Times the page cache was emptied (an announced change, a scheduled change reached, the listener lost).", nil, nil)
	pageCacheEntriesDesc = prometheus.NewDesc("comite_page_cache_entries", "Pages in the page cache.", nil, nil)
	pageCacheBytesDesc   = prometheus.NewDesc("comite_page_cache_bytes", "Bytes held by the page cache.", nil, nil)
)

func (c pageCacheCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{pageCacheHitsDesc, pageCacheMissesDesc, pageCacheInvalidationsDesc, pageCacheEntriesDesc, pageCacheBytesDesc} {
		ch <- d
	}
}

func (c pageCacheCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.pages.Stats()
	ch <- prometheus.MustNewConstMetric(pageCacheHitsDesc, prometheus.CounterValue, float64(st.Hits))
	ch <- prometheus.MustNewConstMetric(pageCacheMissesDesc, prometheus.CounterValue, float64(st.Misses))
	ch <- prometheus.MustNewConstMetric(pageCacheInvalidationsDesc, prometheus.CounterValue, float64(st.Invalidations))
	ch <- prometheus.MustNewConstMetric(pageCacheEntriesDesc, prometheus.GaugeValue, float64(st.Entries))
	ch <- prometheus.MustNewConstMetric(pageCacheBytesDesc, prometheus.GaugeValue, float64(st.Bytes))
}
