package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"comite/internal/model"
)

// apiBase is the configured base URL of the API tests: every next link
// must be built from it, whatever the request's Host.
const apiBase = "https://comite.example.fr"

// spec is the OpenAPI description the portal serves, loaded and checked.
type spec struct {
	doc    *openapi3.T
	router routers.Router
}

func loadSpec(t *testing.T) spec {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openAPISpec)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.yaml is not a valid OpenAPI document: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return spec{doc: doc, router: router}
}

// check validates an answer of the API against the description: the
// request against its operation's parameters when it succeeded, the status,
// headers and body against the operation's responses, and an answer to a
// path the description does not list against the error body.
func (s spec) check(t *testing.T, method, target string, res response) {
	t.Helper()
	ctx := context.Background()
	req := httptest.NewRequest(method, target, nil)
	route, params, err := s.router.FindRoute(req)
	if errors.Is(err, routers.ErrPathNotFound) || errors.Is(err, routers.ErrMethodNotAllowed) {
		var v any
		if err := json.Unmarshal([]byte(res.body), &v); err != nil {
			t.Fatalf("%s %s: body is not JSON: %v\n%s", method, target, err, res.body)
		}
		if err := s.doc.Components.Schemas["Error"].Value.VisitJSON(v); err != nil {
			t.Fatalf("%s %s: body is not the error body: %v\n%s", method, target, err, res.body)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route}
	if res.StatusCode == http.StatusOK {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			t.Fatalf("%s %s: request does not match the description: %v", method, target, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Body: io.NopCloser(strings.NewReader(res.body)), Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Fatalf("%s %s: answer %d does not match the description: %v\n%s", method, target, res.StatusCode, err, res.body)
	}
}

// apiFixtures adds meetings and plans enough for several pages: meetings at
// the same instant (the keyset's tie on id), a coming meeting the public
// may not see and one whose details are open.
func apiFixtures(t *testing.T, p *portal) (hidden int64) {
	t.Helper()
	ctx := context.Background()
	planFixtures(t, p)
	past := time.Date(2023, 5, 17, 9, 30, 0, 0, time.UTC)
	for i, at := range []time.Time{past, past, past.AddDate(0, 1, 0), past.AddDate(0, 2, 0)} {
		if _, err := p.store.CreateMeeting(ctx, model.Meeting{Title: "Réunion d'essai " + strconv.Itoa(i), StartsAt: at,
			PublicDetails: i%2 == 0}); err != nil {
			t.Fatal(err)
		}
	}
	coming := p.srv.now().AddDate(0, 2, 0)
	hidden, err := p.store.CreateMeeting(ctx, model.Meeting{Title: "Réunion à venir, fermée", StartsAt: coming})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.store.CreateMeeting(ctx, model.Meeting{Title: "Réunion à venir, ouverte", StartsAt: coming, PublicDetails: true}); err != nil {
		t.Fatal(err)
	}
	return hidden
}

// walk reads every page of path with the given limit, checking each answer
// against the description and each next link against the base URL, and
// returns the pages' bodies.
func walk(t *testing.T, s spec, c *client, path string, limit int) []string {
	t.Helper()
	target := path + sep(path) + "limit=" + strconv.Itoa(limit)
	var bodies []string
	for range 1000 {
		res := c.get(target)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d\n%s", target, res.StatusCode, res.body)
		}
		if got := res.Header.Get("Content-Type"); got != apiContentType {
			t.Fatalf("GET %s: Content-Type %q, want %q", target, got, apiContentType)
		}
		s.check(t, http.MethodGet, target, res)
		bodies = append(bodies, res.body)
		var page struct{ Next *string }
		if err := json.Unmarshal([]byte(res.body), &page); err != nil {
			t.Fatal(err)
		}
		if page.Next == nil {
			return bodies
		}
		bare, _, _ := strings.Cut(path, "?")
		rest, ok := strings.CutPrefix(*page.Next, apiBase+bare+"?")
		if !ok {
			t.Fatalf("GET %s: next %q is not under the configured base URL %s", target, *page.Next, apiBase)
		}
		if q, _ := url.ParseQuery(rest); q.Get("limit") != strconv.Itoa(limit) || q.Get("cursor") == "" {
			t.Fatalf("GET %s: next %q does not keep the limit and give a cursor", target, *page.Next)
		}
		target = bare + "?" + rest
	}
	t.Fatalf("GET %s: more than 1000 pages", path)
	return nil
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

// ids collects the values of key in the list of each page, in order.
func ids[T any](t *testing.T, bodies []string, list string, key func(T) string) []string {
	t.Helper()
	var out []string
	for _, b := range bodies {
		var page map[string]json.RawMessage
		if err := json.Unmarshal([]byte(b), &page); err != nil {
			t.Fatal(err)
		}
		var items []T
		if err := json.Unmarshal(page[list], &items); err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			out = append(out, key(it))
		}
	}
	return out
}

// TestOpenAPIPages reads each list of the API whole in one page and again
// in small pages through the next links: every answer matches openapi.yaml,
// and the small pages give the same items in the same order, each once.
func TestOpenAPIPages(t *testing.T) {
	p := newPortal(t, map[string]string{"COMITE_BASE_URL": apiBase})
	hidden := apiFixtures(t, p)
	s := loadSpec(t)
	c := p.client()

	for _, tt := range []struct {
		path, list string
		key        func(t *testing.T, bodies []string) []string
	}{
		{"/api/v1/meetings", "meetings", func(t *testing.T, b []string) []string {
			return ids(t, b, "meetings", func(m apiMeeting) string { return strconv.FormatInt(m.ID, 10) })
		}},
		{"/api/v1/measures", "measures", func(t *testing.T, b []string) []string {
			return ids(t, b, "measures", func(m apiMeasure) string { return strconv.FormatInt(m.ID, 10) })
		}},
		{"/api/v1/members", "memberships", func(t *testing.T, b []string) []string {
			return ids(t, b, "memberships", func(m struct{ ID string }) string { return m.ID })
		}},
	} {
		whole := walk(t, s, c, tt.path, apiMaxLimit)
		if len(whole) != 1 {
			t.Fatalf("%s: %d pages of %d, want one", tt.path, len(whole), apiMaxLimit)
		}
		want := tt.key(t, whole)
		if len(want) < 5 {
			t.Fatalf("%s: %d items, want enough for several pages", tt.path, len(want))
		}
		for _, limit := range []int{1, 2, 3} {
			pages := walk(t, s, c, tt.path, limit)
			got := tt.key(t, pages)
			if !slices.Equal(got, want) {
				t.Fatalf("%s by pages of %d:\n got %v\nwant %v", tt.path, limit, got, want)
			}
			if wantPages := (len(want) + limit - 1) / limit; len(pages) != wantPages {
				t.Fatalf("%s by pages of %d: %d pages, want %d", tt.path, limit, len(pages), wantPages)
			}
		}
	}

	meetings := ids(t, walk(t, s, c, "/api/v1/meetings", 2), "meetings", func(m apiMeeting) string { return strconv.FormatInt(m.ID, 10) })
	if slices.Contains(meetings, strconv.FormatInt(hidden, 10)) {
		t.Fatal("a coming meeting without public details is in the API")
	}

	// Filters travel with the next links.
	plans, err := p.store.Plans(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, pl := range plans {
		path := "/api/v1/measures?plan=" + strconv.FormatInt(pl.ID, 10)
		var planIDs []int64
		for _, b := range walk(t, s, c, path, 1) {
			var page apiMeasures
			if err := json.Unmarshal([]byte(b), &page); err != nil {
				t.Fatal(err)
			}
			for _, m := range page.Measures {
				planIDs = append(planIDs, m.Plan.ID)
			}
		}
		for _, id := range planIDs {
			if id != pl.ID {
				t.Fatalf("%s: a measure of plan %d on a later page", path, id)
			}
		}
	}
	for _, b := range walk(t, s, c, "/api/v1/members?date=2024-06-01", 2) {
		var page apiMembers
		if err := json.Unmarshal([]byte(b), &page); err != nil {
			t.Fatal(err)
		}
		if page.Next != nil && !strings.Contains(*page.Next, "date=2024-06-01") {
			t.Fatalf("members next link %q forgets the date", *page.Next)
		}
	}

	// The description itself is served.
	res := c.get("/api/v1/openapi.yaml")
	if res.StatusCode != http.StatusOK || !bytes.Equal([]byte(res.body), openAPISpec) {
		t.Fatalf("GET /api/v1/openapi.yaml: %d, not the embedded description", res.StatusCode)
	}
}

// TestAPIMembersPageIsWhole checks that each page of members is a Popolo
// document of its own: every organization, person and post it names is in it.
func TestAPIMembersPageIsWhole(t *testing.T) {
	p := newPortal(t, map[string]string{"COMITE_BASE_URL": apiBase})
	for _, b := range walk(t, loadSpec(t), p.client(), "/api/v1/members", 3) {
		var page apiMembers
		if err := json.Unmarshal([]byte(b), &page); err != nil {
			t.Fatal(err)
		}
		known := map[string]bool{}
		for _, o := range page.Organizations {
			known[o.ID] = true
		}
		for _, o := range page.Persons {
			known[o.ID] = true
		}
		for _, o := range page.Posts {
			known[o.ID] = true
		}
		for _, o := range page.Organizations {
			if o.ParentID != "" && !known[o.ParentID] {
				t.Fatalf("organization %s names parent %s, not on its page", o.ID, o.ParentID)
			}
		}
		for _, ms := range page.Memberships {
			for _, ref := range []string{ms.OrganizationID, ms.PostID, ms.PersonID} {
				if ref != "" && !known[ref] {
					t.Fatalf("membership %s names %s, not on its page", ms.ID, ref)
				}
			}
		}
	}
}

// apiErrorOf decodes an API failure, checking that it is the JSON error
// body with the answer's status.
func apiErrorOf(t *testing.T, what string, status int, h http.Header, body string) apiErrorDetail {
	t.Helper()
	if got := h.Get("Content-Type"); got != apiContentType {
		t.Fatalf("%s: Content-Type %q, want %q\n%s", what, got, apiContentType, body)
	}
	var e apiError
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("%s: not the JSON error body: %v\n%s", what, err, body)
	}
	if e.Error.Status != status || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("%s: error body %+v, want status %d with a code and a message", what, e.Error, status)
	}
	return e.Error
}

// TestAPIErrorsAreJSON asks the API for every kind of failure that a
// request can cause and checks the JSON error body, and its description.
func TestAPIErrorsAreJSON(t *testing.T) {
	p := newPortal(t, map[string]string{"COMITE_BASE_URL": apiBase})
	s := loadSpec(t)
	c := p.client()
	foreign := base64.RawURLEncoding.EncodeToString([]byte(`{"l":"meetings","k":{"StartsAt":"2024-01-01T00:00:00Z","ID":1}}`))
	for _, tt := range []struct {
		path   string
		status int
		code   string
	}{
		{"/api/v1/meetings?cursor=pas-un-curseur", http.StatusBadRequest, "invalid_cursor"},
		{"/api/v1/meetings?cursor=" + base64.RawURLEncoding.EncodeToString([]byte(`{"l":"meetings","k":{"Nope":1}}`)), http.StatusBadRequest, "invalid_cursor"},
		{"/api/v1/measures?cursor=" + foreign, http.StatusBadRequest, "invalid_cursor"},
		{"/api/v1/members?cursor=" + foreign, http.StatusBadRequest, "invalid_cursor"},
		{"/api/v1/meetings?limit=0", http.StatusBadRequest, "invalid_limit"},
		{"/api/v1/measures?limit=beaucoup", http.StatusBadRequest, "invalid_limit"},
		{"/api/v1/measures?plan=abc", http.StatusBadRequest, "invalid_plan"},
		{"/api/v1/members?date=nope", http.StatusBadRequest, "invalid_date"},
		{"/api/v1/meetings?cursor=%ff", http.StatusBadRequest, "bad_request"},
		{"/api/v1/nope", http.StatusNotFound, "not_found"},
		{"/api/v2/meetings", http.StatusNotFound, "not_found"},
		{"/api/v1/meetings/12", http.StatusNotFound, "not_found"},
	} {
		res := c.get(tt.path)
		if res.StatusCode != tt.status {
			t.Fatalf("GET %s: status %d, want %d\n%s", tt.path, res.StatusCode, tt.status, res.body)
		}
		if e := apiErrorOf(t, "GET "+tt.path, tt.status, res.Header, res.body); e.Code != tt.code {
			t.Fatalf("GET %s: code %q, want %q", tt.path, e.Code, tt.code)
		}
		if strings.HasPrefix(tt.path, "/api/v1/") && !strings.Contains(tt.path, "%ff") {
			s.check(t, http.MethodGet, tt.path, res)
		}
	}

	// A method the API does not take, from the portal's own pages.
	res := c.postForm("/api/v1/meetings", url.Values{})
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST /api/v1/meetings: status %d, want 405", res.StatusCode)
	}
	apiErrorOf(t, "POST /api/v1/meetings", http.StatusMethodNotAllowed, res.Header, res.body)
	// The same from another site is refused before.
	res = c.postFormWith("/api/v1/meetings", url.Values{}, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST /api/v1/meetings: status %d, want 403", res.StatusCode)
	}
	apiErrorOf(t, "cross-site POST", http.StatusForbidden, res.Header, res.body)

	// The HTML pages keep their HTML errors.
	if res := c.get("/pas-de-page-ici"); res.StatusCode != http.StatusNotFound || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("unknown page: %d %q, want the HTML 404", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// TestAPIServerErrorsAreJSON: a bug, a panic and an unreachable database
// answer the API in JSON too, with their reference or retry delay.
func TestAPIServerErrorsAreJSON(t *testing.T) {
	p := newPortal(t, nil)
	for _, tt := range []struct {
		err    error
		status int
		code   string
	}{
		{errors.New("boom"), http.StatusInternalServerError, "internal_error"},
		{syscall.ECONNREFUSED, http.StatusServiceUnavailable, "unavailable"},
	} {
		rec := httptest.NewRecorder()
		p.srv.serveError(rec, httptest.NewRequest(http.MethodGet, "/api/v1/meetings", nil), tt.err)
		if rec.Code != tt.status {
			t.Fatalf("%v: status %d, want %d", tt.err, rec.Code, tt.status)
		}
		if e := apiErrorOf(t, tt.err.Error(), tt.status, rec.Header(), rec.Body.String()); e.Code != tt.code {
			t.Fatalf("%v: code %q, want %q", tt.err, e.Code, tt.code)
		}
		if tt.status == http.StatusServiceUnavailable && rec.Header().Get("Retry-After") == "" {
			t.Fatal("the API's 503 does not say when to retry")
		}
	}
	h := p.srv.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/measures", nil))
	apiErrorOf(t, "panic", http.StatusInternalServerError, rec.Header(), rec.Body.String())
}
