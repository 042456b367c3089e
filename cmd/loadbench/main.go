// Command loadbench measures the portal under load: each key page, for the
// public, a member and the secretariat, at several numbers of concurrent
// clients, beside a static-file server handing out the same bytes on the
// same machine. It prints a Markdown table (docs/benchmarks.md).
//
//	go run ./cmd/loadbench -base http://127.0.0.1:8080 \
//	    -member membre@example.org -secretariat secretariat@example.org
//
// The password of both accounts is read from COMITE_BENCH_PASSWORD. Create
// them with `comite user add`. The load generator is closed-loop: each
// client sends its next request when the previous answer has been read
// whole, with Accept-Encoding: gzip, as a browser does; the sizes are those
// on the wire.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

type viewer struct {
	name   string
	client *http.Client
}

func run() error {
	base := flag.String("base", "http://127.0.0.1:8080", "address of the running portal")
	member := flag.String("member", "", "e-mail of a member account (empty: no member rows)")
	secretariat := flag.String("secretariat", "", "e-mail of a secretariat account (empty: no secretariat rows)")
	pages := flag.String("pages", "/,/members,/plans/1,/measures/1,/measures/3,/documents,/meetings,/meetings/1,/search?q=traite,/news", "comma-separated paths")
	conc := flag.String("c", "1,8,64", "comma-separated numbers of concurrent clients")
	duration := flag.Duration("d", 3*time.Second, "duration of each measure")
	static := flag.Bool("static", true, "measure a static server handing out the same bytes")
	revalidate := flag.Bool("etag", false, "send If-None-Match with the page's ETag, as a browser revalidating its copy (a 304 counts as an answer)")
	flag.Parse()

	var levels []int
	for f := range strings.SplitSeq(*conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("-c: %q is not a number of clients", f)
		}
		levels = append(levels, n)
	}
	maxConc := slices.Max(levels)

	viewers := []viewer{{"public", newClient(maxConc)}}
	password := os.Getenv("COMITE_BENCH_PASSWORD")
	for _, a := range []struct{ name, email string }{{"member", *member}, {"secretariat", *secretariat}} {
		if a.email == "" {
			continue
		}
		c := newClient(maxConc)
		if err := signIn(c, *base, a.email, password); err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
		viewers = append(viewers, viewer{a.name, c})
	}

	fmt.Printf("%s per cell, c = %s, %s\n\n", *duration, *conc, *base)
	fmt.Println("| viewer | page | gzip KB | c | req/s | p50 ms | p99 ms | errors | static req/s | static p50 ms | static p99 ms |")
	fmt.Println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, v := range viewers {
		for p := range strings.SplitSeq(*pages, ",") {
			target := strings.TrimRight(*base, "/") + strings.TrimSpace(p)
			first, err := fetch(v.client, target)
			if err != nil {
				return fmt.Errorf("%s %s: %w", v.name, p, err)
			}
			var mirror *staticServer
			if *static {
				if mirror, err = serveStatic(first); err != nil {
					return err
				}
			}
			tag := ""
			if *revalidate {
				tag = first.header.Get("ETag")
			}
			for _, c := range levels {
				r := load(v.client, target, tag, c, *duration)
				row := fmt.Sprintf("| %s | `%s` | %.1f | %d | %.0f | %.1f | %.1f | %d |", v.name, p,
					float64(len(first.body))/1000, c, r.rate, ms(r.p50), ms(r.p99), r.errors)
				if mirror != nil {
					s := load(v.client, mirror.url, "", c, *duration)
					row += fmt.Sprintf(" %.0f | %.2f | %.2f |", s.rate, ms(s.p50), ms(s.p99))
				} else {
					row += " | | |"
				}
				fmt.Println(row)
			}
			if mirror != nil {
				mirror.close()
			}
		}
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// newClient is a client with its own cookies and enough idle connections
// for every concurrent client; it leaves gzip answers encoded, so sizes and
// work are those of a browser's request.
func newClient(conns int) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar: jar,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConns:        2 * conns,
			MaxIdleConnsPerHost: 2 * conns,
			DisableCompression:  true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       5 * time.Minute,
	}
}

// signIn posts the login form and checks that the account page opens.
func signIn(c *http.Client, base, email, password string) error {
	if password == "" {
		return errors.New("COMITE_BENCH_PASSWORD is empty")
	}
	resp, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("sign-in as %s: status %d", email, resp.StatusCode)
	}
	resp, err = c.Get(base + "/account")
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("sign-in as %s: /account answers %d", email, resp.StatusCode)
	}
	return nil
}

// answer is a page as the server sent it.
type answer struct {
	header http.Header
	body   []byte
}

func fetch(c *http.Client, target string) (answer, error) {
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := c.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return answer{}, fmt.Errorf("status %d", resp.StatusCode)
	}
	return answer{resp.Header, body}, nil
}

// staticServer hands out one answer's bytes, as stored: the floor of what
// serving that page could cost on this machine.
type staticServer struct {
	url string
	srv *http.Server
}

func serveStatic(a answer) (*staticServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	body := a.body
	ct, ce := a.header.Get("Content-Type"), a.header.Get("Content-Encoding")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", ct)
		if ce != "" {
			h.Set("Content-Encoding", ce)
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	})}
	go func() { _ = srv.Serve(ln) }()
	return &staticServer{"http://" + ln.Addr().String() + "/", srv}, nil
}

func (s *staticServer) close() { _ = s.srv.Shutdown(context.Background()) }

type result struct {
	rate     float64
	p50, p99 time.Duration
	errors   int
}

// load runs conc clients against target for d, each sending its next
// request once it has read the previous answer. Requests still running at
// the end are waited for and counted: on a slow page a cell lasts longer
// than d. With a tag, requests carry If-None-Match and 304 is an answer.
func load(c *http.Client, target, tag string, conc int, d time.Duration) result {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		all  []time.Duration
		errs int
	)
	start := time.Now()
	deadline := start.Add(d)
	for range conc {
		wg.Go(func() {
			var mine []time.Duration
			bad := 0
			for time.Now().Before(deadline) {
				t0 := time.Now()
				req, _ := http.NewRequest(http.MethodGet, target, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				if tag != "" {
					req.Header.Set("If-None-Match", tag)
				}
				resp, err := c.Do(req)
				if err != nil {
					bad++
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || (resp.StatusCode != http.StatusOK && (tag == "" || resp.StatusCode != http.StatusNotModified)) {
					bad++
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			all = append(all, mine...)
			errs += bad
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	r := result{errors: errs, rate: float64(len(all)) / elapsed.Seconds()}
	if len(all) > 0 {
		slices.Sort(all)
		r.p50 = all[len(all)/2]
		r.p99 = all[min(len(all)-1, len(all)*99/100)]
	}
	return r
}
