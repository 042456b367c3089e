package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync/atomic"
	"syscall"
	"time"

	"comite/internal/config"
)

// readyLine is what `comite serve` prints once it serves.
var readyLine = regexp.MustCompile(`Portail prêt en (\S+) : (http://\S+)/`)

// serveInstances is `comite dev --instances N`: the demonstration of
// several instances on one machine. This process keeps the embedded
// cluster and the demo data it prepared, starts N `comite serve`
// processes on it (sharing the files folder, or COMITE_BLOB_URL) and
// spreads requests over them from ln, as nginx would in production.
func serveInstances(ctx context.Context, cfg config.Config, dbURL string, n int, ln net.Listener, log *slog.Logger, stdout io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	data, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return err
	}
	filesURL := blobURL(cfg, data)
	var children []*exec.Cmd
	var exited []chan struct{}
	stopAll := func() {
		for i, c := range children {
			c.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited[i]:
			case <-time.After(shutdownGrace + 10*time.Second):
				c.Process.Kill()
				<-exited[i]
			}
		}
	}
	var addrs []string
	for i := range n {
		c := exec.Command(exe, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(data, fmt.Sprintf("instance-%d", i+1)))
		c.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "COMITE_BASE_URL="+cfg.BaseURL, "COMITE_BLOB_URL="+filesURL,
			"COMITE_TRUST_PROXY=true")
		// The demo's instances end with it, even if it is killed.
		c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
		out, err := c.StdoutPipe()
		if err != nil {
			stopAll()
			return err
		}
		c.Stderr = c.Stdout
		if err := c.Start(); err != nil {
			stopAll()
			return err
		}
		done := make(chan struct{})
		children, exited = append(children, c), append(exited, done)
		ready := make(chan string, 1)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if m := readyLine.FindStringSubmatch(sc.Text()); m != nil {
					ready <- m[2]
				}
				fmt.Fprintf(stdout, "[instance %d] %s\n", i+1, sc.Text())
			}
			c.Wait()
			close(done)
		}()
		select {
		case addr := <-ready:
			addrs = append(addrs, addr)
		case <-done:
			stopAll()
			return fmt.Errorf("instance %d stopped before it was ready", i+1)
		case <-ctx.Done():
			stopAll()
			return nil
		}
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host = "http", "instances"
			r.Out.Host = r.In.Host
			r.SetXForwarded()
		},
		Transport: newRoundRobin(addrs),
		ErrorLog:  slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "Portail prêt : http://%s/ répartit les requêtes entre %d instances (%v)\n", ln.Addr(), n, addrs)
	err = serveUntilDone(ctx, newHTTPServer(proxy, log), ln, func() {}, stopAll, log)
	return err
}

// roundRobin sends each request to the next instance. Like nginx with
// max_fails=1 fail_timeout=10s and proxy_next_upstream error, an instance
// that fails is left out for 10 s, and a GET or HEAD that failed is tried
// on the next one (a POST is not: it may have been carried out).
type roundRobin struct {
	addrs []string // http://host:port
	down  []atomic.Int64
	next  atomic.Uint64
	base  http.RoundTripper
}

func newRoundRobin(addrs []string) *roundRobin {
	return &roundRobin{addrs: addrs, down: make([]atomic.Int64, len(addrs)), base: http.DefaultTransport}
}

func (rr *roundRobin) pick() int {
	now := time.Now().UnixNano()
	for range rr.addrs {
		i := int((rr.next.Add(1) - 1) % uint64(len(rr.addrs)))
		if rr.down[i].Load() < now {
			return i
		}
	}
	return int((rr.next.Add(1) - 1) % uint64(len(rr.addrs)))
}

func (rr *roundRobin) RoundTrip(req *http.Request) (*http.Response, error) {
	retry := req.Method == http.MethodGet || req.Method == http.MethodHead
	err := errors.New("no instance")
	for range rr.addrs {
		i := rr.pick()
		out := req.Clone(req.Context())
		out.URL.Scheme, out.URL.Host = "http", rr.addrs[i][len("http://"):]
		var res *http.Response
		if res, err = rr.base.RoundTrip(out); err == nil {
			return res, nil
		}
		rr.down[i].Store(time.Now().Add(10 * time.Second).UnixNano())
		if !retry || req.Context().Err() != nil {
			return nil, err
		}
	}
	return nil, err
}
