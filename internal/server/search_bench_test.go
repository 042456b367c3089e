package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"comite/internal/generate"
)

// BenchmarkSearch measures /search on the large synthetic committee
// (20 000 documents, 200 000 comments, 3 000 accounts, 300 meetings: see
// internal/generate), one request at a time through the real server, as
// a member and as the public, for common words, rare words planted in a
// handful of rows, and a phrase. It reports the 50th and 95th percentiles
// of the response time and the number of results. Run:
// go test -run '^$' -bench Search -benchtime 200x ./internal/server/
func BenchmarkSearch(b *testing.B) { benchSearch(b, 20000, 200000) }

func benchSearch(b *testing.B, documents, comments int) {
	p := newPortal(b, nil)
	res, err := generate.Run(context.Background(), p.store.Pool(), generate.Options{Documents: documents, Comments: comments, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	// Printed rather than logged: a benchmark with sub-benchmarks shows its
	// log only with -v.
	fmt.Printf("%s: generated in %s (load %s): %d documents, %d versions (%.0f MB of text), %d comments, %d accounts, %d meetings, %d updates, %d news\n",
		b.Name(), res.Took.Round(time.Second), res.Load.Round(time.Second), res.Documents, res.Versions, float64(res.TextBytes)/(1<<20),
		res.Comments, res.Accounts, res.Meetings, res.Updates, res.News)
	lastYear := strconv.Itoa(time.Now().Year() - 1)
	queries := []struct{ name, q, filters string }{
		{"common-traite", "traite", ""},
		{"common-victimes", "victimes", ""},
		{"common-formation", "formation", ""},
		{"common-two-words", "hébergement victimes", ""},
		{"phrase-mecanisme-national", `"mécanisme national"`, ""},
		// A year filter costs a second query, for the years' counts.
		{"common-traite-last-year", "traite", "&year=" + lastYear},
		{"common-victimes-documents", "victimes", "&kind=document"},
	}
	for _, w := range generate.RareWords {
		queries = append(queries, struct{ name, q, filters string }{"rare-" + searchBenchASCII(w), w, ""})
	}
	for _, who := range []role{roleAssociation, rolePublic} {
		c := p.as(who)
		for _, q := range queries {
			b.Run(string(who)+"/"+q.name, func(b *testing.B) {
				path := "/search?q=" + url.QueryEscape(q.q) + q.filters
				times := make([]time.Duration, 0, b.N)
				var results int
				b.ResetTimer()
				for range b.N {
					start := time.Now()
					body, status := searchBenchGet(b, c, path)
					times = append(times, time.Since(start))
					if status != http.StatusOK {
						b.Fatalf("GET %s as %s: status %d, want 200 (does the /search route exist?)", path, who, status)
					}
					results = searchBenchCount(b, body, path)
				}
				b.StopTimer()
				if results == 0 && (who == roleAssociation || !strings.HasPrefix(q.name, "rare")) {
					b.Errorf("GET %s as %s: no result", path, who)
				}
				slices.Sort(times)
				b.ReportMetric(searchBenchMS(times[len(times)*50/100]), "p50-ms")
				b.ReportMetric(searchBenchMS(times[min(len(times)-1, len(times)*95/100)]), "p95-ms")
				b.ReportMetric(float64(results), "results")
			})
		}
	}
}

func searchBenchMS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// searchBenchGet gets path and reads the whole page, as a browser would.
func searchBenchGet(b *testing.B, c *client, path string) (string, int) {
	req, err := http.NewRequest(http.MethodGet, c.p.ts.URL+path, nil)
	if err != nil {
		b.Fatal(err)
	}
	res, err := c.http.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.Fatal(err)
	}
	return string(body), res.StatusCode
}

var searchBenchCountPattern = regexp.MustCompile(`data-testid="result-count">([^<]*)<`)

// searchBenchCount reads "12 345 résultats" from the page; zero when the
// page says there is none.
func searchBenchCount(b *testing.B, body, path string) int {
	m := searchBenchCountPattern.FindStringSubmatch(body)
	if m == nil {
		if strings.Contains(body, `data-testid="no-results"`) {
			return 0
		}
		b.Fatalf("GET %s: no result count on the page", path)
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, m[1])
	n, err := strconv.Atoi(digits)
	if err != nil {
		b.Fatalf("GET %s: result count %q", path, m[1])
	}
	return n
}

// searchBenchASCII is a word without its accents, for a benchmark's name.
func searchBenchASCII(s string) string {
	return strings.NewReplacer("é", "e", "è", "e", "ê", "e", "à", "a", "ç", "c", "ô", "o", "î", "i", "û", "u").Replace(s)
}
