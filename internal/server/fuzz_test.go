package server

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// TestRandomFormsNeverGive5xx posts random forms to every form route of the
// portal as a signed-in secretariat (who may reach them all): plausible
// field names read from the portal's own pages, with values chosen to break
// parsers (huge numbers, impossible dates, NUL, invalid UTF-8, markup), as
// url-encoded forms, multipart uploads and raw bytes. No answer may be a
// 5xx. COMITE_FUZZ_SEED and COMITE_FUZZ_ROUNDS change the run; the seed is
// logged so that a failure can be replayed.
func TestRandomFormsNeverGive5xx(t *testing.T) {
	seed := uint64(1)
	if v, err := strconv.ParseUint(os.Getenv("COMITE_FUZZ_SEED"), 10, 64); err == nil {
		seed = v
	}
	rounds := 6
	if v, err := strconv.Atoi(os.Getenv("COMITE_FUZZ_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	t.Logf("seed %d, %d rounds per route", seed, rounds)
	rnd := rand.New(rand.NewPCG(seed, seed))

	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	// The route matrix's paths point to real objects of every kind.
	matrix := routeMatrix(loadFixtures(t, p))
	pathOf := func(method, route string) string {
		if c, ok := matrix[method+" "+route]; ok {
			return c.path
		}
		return fill(route, rnd)
	}

	var posts, gets []string
	routes, ok := p.srv.Handler().(chi.Routes)
	if !ok {
		t.Fatal("the handler is not a chi router")
	}
	if err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		switch {
		case route == "/logout" || route == "/static/*":
			// Signing out would end the run's session; static files take no input.
		case method == http.MethodPost:
			posts = append(posts, route)
		case method == http.MethodGet:
			gets = append(gets, route)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(gets)
	// Deletions last: deleting meeting 1 early would leave every later
	// form of meeting 1 a plain 404.
	slices.SortFunc(posts, func(a, b string) int {
		if da, db := strings.HasSuffix(a, "/delete"), strings.HasSuffix(b, "/delete"); da != db {
			if da {
				return 1
			}
			return -1
		}
		return strings.Compare(a, b)
	})

	// Field names: those of the route's own form when a GET shows it (the
	// same path, or the page the form sits on), and the names of every form
	// the secretariat is shown.
	names := map[string]bool{}
	ownNames := map[string][]string{}
	nameAttr := regexp.MustCompile(`name="([^"]+)"`)
	for _, route := range gets {
		path := pathOf(http.MethodGet, route)
		for _, m := range nameAttr.FindAllStringSubmatch(sec.get(path).body, -1) {
			names[m[1]] = true
			ownNames[route] = append(ownNames[route], m[1])
		}
	}
	fieldNames := make([]string, 0, len(names))
	for n := range names {
		fieldNames = append(fieldNames, n)
	}
	slices.Sort(fieldNames)
	if len(fieldNames) < 20 {
		t.Fatalf("only %d field names found on the portal's pages: %v", len(fieldNames), fieldNames)
	}
	namesFor := func(route string) []string {
		for r := route; r != ""; r = r[:strings.LastIndex(r, "/")] {
			if own := ownNames[r]; len(own) > 0 && rnd.IntN(4) > 0 {
				return own
			}
		}
		return fieldNames
	}

	statuses := map[int]int{}
	defer func() {
		t.Logf("%d POST routes, %d GET routes; answers by status: %v", len(posts), len(gets), statuses)
	}()
	check := func(c *client, req *http.Request, what string) {
		t.Helper()
		res := c.do(req)
		statuses[res.StatusCode]++
		if res.StatusCode >= 500 {
			t.Errorf("%s %s (%s): got %d", req.Method, req.URL.RequestURI(), what, res.StatusCode)
		}
	}
	// A random form may end the secretariat's own session (a role change, a
	// deactivation): sign in again, or the rest of the run would only test
	// the refusal of a signed-out viewer.
	signedIn := func(route string) {
		t.Helper()
		if sec.get("/admin").StatusCode == http.StatusOK {
			return
		}
		t.Logf("the session ended after %s: signing in again", route)
		if _, err := p.store.Pool().Exec(t.Context(), `UPDATE accounts SET active = true, role = 'secretariat' WHERE email = $1`,
			p.emails[roleSecretariat]); err != nil {
			t.Fatal(err)
		}
		sec = p.as(roleSecretariat)
	}
	for _, route := range posts {
		for range rounds {
			path := pathOf(http.MethodPost, route)
			form := randomForm(rnd, namesFor(route))
			kind := rnd.IntN(4)
			var req *http.Request
			what := fmt.Sprintf("form %q", form.Encode())
			switch kind {
			case 0, 1:
				req, _ = http.NewRequest(http.MethodPost, p.ts.URL+path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			case 2:
				body, ctype := randomMultipart(rnd, form)
				req, _ = http.NewRequest(http.MethodPost, p.ts.URL+path, body)
				req.Header.Set("Content-Type", ctype)
				what = "multipart " + what
			case 3:
				raw := randomBytes(rnd, 1+rnd.IntN(2000))
				what = fmt.Sprintf("%d random bytes %.40q…", len(raw), raw)
				req, _ = http.NewRequest(http.MethodPost, p.ts.URL+path, bytes.NewReader(raw))
				req.Header.Set("Content-Type", []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "text/plain"}[rnd.IntN(3)])
			}
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("Origin", p.ts.URL)
			check(sec, req, what)
		}
		signedIn(route)
	}
	// The same values in the queries of every page.
	for _, route := range gets {
		for range rounds {
			path := pathOf(http.MethodGet, route) + "?" + randomForm(rnd, fieldNames).Encode()
			req, _ := http.NewRequest(http.MethodGet, p.ts.URL+path, nil)
			check(sec, req, "query")
		}
	}
}

// fill replaces the parameters of a route the matrix does not know: an id
// of the demo committee (small ids exist), now and then one that does not.
func fill(route string, rnd *rand.Rand) string {
	param := regexp.MustCompile(`\{([a-z]+)\}`)
	return param.ReplaceAllStringFunc(route, func(string) string {
		return []string{"1", "1", "1", "2", "3", "999999"}[rnd.IntN(6)]
	})
}

// nastyValues break naive parsers and databases.
var nastyValues = []string{
	"", " ", "0", "1", "2", "-1", "3.5", "9223372036854775807", "99999999999999999999999", "-9223372036854775808",
	"1e308", "NaN", "on", "true", "1,2,3", "1,,x",
	"2024-03-21", "9999-12-31", "0001-01-01", "2024-02-30", "0000-00-00", "21/03/2024",
	"2026-03-21T18:00", "9999-12-31T23:59", "0001-01-01T00:00", "24:61", "09:30", "99:99",
	"https://exemple.fr", "javascript:alert(1)", "//evil.example", "nom@exemple.fr",
	"<script>alert(1)</script>", "'; DROP TABLE accounts; --", "%00", "\x00", "a\x00b", "\xff\xfe", "\xc3",
	"é", "Ω≈ç√∫", "🙂", "\u202Etxt.pdf", strings.Repeat("x", 5000), strings.Repeat("é", 70000),
	"public", "members", "secretariat", "association", "institution", "minutes", "report", "fr",
	"planned", "agenda_published", "held", "minutes_draft", "minutes_approved", "cancelled", "postponed",
	"present", "excused", "represented", "accept", "reject", "hide", "publish", "return", "approve", "delete",
}

// randomForm fills some of names with nasty values. One form in five
// carries bytes that the edge refuses (NUL, invalid UTF-8); the others get
// through to the handlers.
func randomForm(rnd *rand.Rand, names []string) url.Values {
	form := url.Values{}
	badBytes := rnd.IntN(5) == 0
	for range 1 + rnd.IntN(12) {
		name := names[rnd.IntN(len(names))]
		v := nastyValues[rnd.IntN(len(nastyValues))]
		for !badBytes && !cleanText(v) {
			v = nastyValues[rnd.IntN(len(nastyValues))]
		}
		if badBytes && rnd.IntN(4) == 0 {
			v = string(randomBytes(rnd, rnd.IntN(40)))
		}
		form.Add(name, v)
	}
	return form
}

func randomMultipart(rnd *rand.Rand, form url.Values) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if rnd.IntN(3) > 0 {
		name := []string{"rapport.pdf", "note.txt", strings.Repeat("é", 150) + ".txt", "a." + strings.Repeat("x", 300),
			"rapport\u202Etxt.pdf", "\x00.txt", "..", "données.csv", "programme.exe"}[rnd.IntN(9)]
		fw, err := mw.CreateFormFile("file", name)
		if err == nil {
			content := [][]byte{[]byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n"), []byte("Une note.\n"), randomBytes(rnd, rnd.IntN(3000)),
				[]byte("MZ\x90\x00\x03"), {}}[rnd.IntN(5)]
			_, _ = fw.Write(content)
		}
	}
	if rnd.IntN(6) == 0 {
		// A truncated body: no closing boundary.
		return &buf, mw.FormDataContentType()
	}
	_ = mw.Close()
	return &buf, mw.FormDataContentType()
}

func randomBytes(rnd *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rnd.UintN(256))
	}
	return b
}
