package server

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// queryCounter is a pgx.QueryTracer that counts the statements run with a
// request's context: the budget tests' way of seeing how many queries a
// page runs. Statements without a counter in their context (the job
// runner's) are not counted.
type queryCounter struct {
	mu      sync.Mutex
	waiting map[string]chan int
	next    atomic.Int64
}

type countKey struct{}

func (q *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	if n, ok := ctx.Value(countKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
	return ctx
}

func (q *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// countQueriesHeader names the request whose statements a test waits for.
const countQueriesHeader = "X-Test-Count-Queries"

// wrap counts the statements of each request that carries
// countQueriesHeader and hands the count over once the handler returns.
func (q *queryCounter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get(countQueriesHeader)
		if key == "" {
			next.ServeHTTP(w, r)
			return
		}
		n := new(atomic.Int64)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), countKey{}, n)))
		q.mu.Lock()
		ch := q.waiting[key]
		delete(q.waiting, key)
		q.mu.Unlock()
		if ch != nil {
			ch <- int(n.Load())
		}
	})
}

// countQueries gets path as c's viewer and returns the status and the
// number of statements the request ran.
func (c *client) countQueries(path string) (int, int) {
	c.p.t.Helper()
	q := c.p.queries
	key := strconv.FormatInt(q.next.Add(1), 10)
	ch := make(chan int, 1)
	q.mu.Lock()
	if q.waiting == nil {
		q.waiting = map[string]chan int{}
	}
	q.waiting[key] = ch
	q.mu.Unlock()
	req, err := http.NewRequest(http.MethodGet, c.p.ts.URL+path, nil)
	if err != nil {
		c.p.t.Fatal(err)
	}
	req.Header.Set(countQueriesHeader, key)
	res := c.do(req)
	select {
	case n := <-ch:
		return res.StatusCode, n
	case <-time.After(10 * time.Second):
		c.p.t.Fatalf("GET %s: no query count", path)
		return 0, 0
	}
}
