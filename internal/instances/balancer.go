package instances

import (
	"errors"
	"log"
	"net/http"
	"net/http/httputil"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
)

// ReadyLine is what `comite serve` prints once it serves: how long it
// took and its address.
var ReadyLine = regexp.MustCompile(`Portail prêt en (\S+) : (http://\S+)/`)

// Balancer sends each request to the next instance, round robin. Like
// nginx with max_fails=1 fail_timeout=10s and proxy_next_upstream error, an
// instance that fails is left out for 10 s, and a GET or HEAD that failed is
// tried on the next one (a POST is not: it may have been carried out).
type Balancer struct {
	hosts []string // host:port
	down  []atomic.Int64
	next  atomic.Uint64
	base  http.RoundTripper
	// Retried counts the GETs and HEADs tried again on another instance.
	Retried atomic.Int64
}

// NewBalancer balances over the instances at urls (http://host:port)
// through base.
func NewBalancer(urls []string, base http.RoundTripper) *Balancer {
	b := &Balancer{down: make([]atomic.Int64, len(urls)), base: base}
	for _, u := range urls {
		b.hosts = append(b.hosts, strings.TrimPrefix(u, "http://"))
	}
	return b
}

func (b *Balancer) pick() int {
	now := time.Now().UnixNano()
	for range b.hosts {
		i := int((b.next.Add(1) - 1) % uint64(len(b.hosts)))
		if b.down[i].Load() < now {
			return i
		}
	}
	return int((b.next.Add(1) - 1) % uint64(len(b.hosts)))
}

// RoundTrip sends req to an instance; the response's Request names which.
func (b *Balancer) RoundTrip(req *http.Request) (*http.Response, error) {
	retry := req.Method == http.MethodGet || req.Method == http.MethodHead
	err := errors.New("no instance")
	for range b.hosts {
		i := b.pick()
		out := req.Clone(req.Context())
		out.URL.Scheme, out.URL.Host = "http", b.hosts[i]
		var res *http.Response
		if res, err = b.base.RoundTrip(out); err == nil {
			return res, nil
		}
		b.down[i].Store(time.Now().Add(10 * time.Second).UnixNano())
		if !retry || req.Context().Err() != nil {
			return nil, err
		}
		b.Retried.Add(1)
	}
	return nil, err
}

// Proxy is a reverse proxy to the instances through b, passing the Host
// the client asked for (as nginx's proxy_set_header Host $host) and the
// X-Forwarded headers.
func Proxy(b *Balancer, errorLog *log.Logger) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host = "http", "instances"
			r.Out.Host = r.In.Host
			r.SetXForwarded()
		},
		Transport: b,
		ErrorLog:  errorLog,
	}
}
