package server

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestBadBytesInPathsAndQueriesAre400 sends what a careless script or a
// probe sends: NUL and invalid UTF-8 in paths and queries, page numbers
// that overflow. Each gets the French 400 page, never a 500.
func TestBadBytesInPathsAndQueriesAre400(t *testing.T) {
	p := newPortal(t, nil)
	public, sec := p.client(), p.as(roleSecretariat)
	for _, tt := range []struct {
		c    *client
		path string
	}{
		{public, "/news/%00"},
		{public, "/unsubscribe/%ff%fe"},
		{public, "/members/%c3"},
		{public, "/search?q=%00traite"},
		{public, "/search?q=%ff"},
		{public, "/documents?q=%e9t%e9"},
		{public, "/documents?page=9223372036854775807"},
		{public, "/meetings?page=9223372036854775807"},
		{public, "/news?page=-3"},
		{public, "/search?q=traite&page=deux"},
		{public, "/login?next=/%00/x"},
		{sec, "/admin/audit?actor=%ff"},
		{sec, "/admin/audit?page=9223372036854775807"},
		{sec, "/admin/outbox?page=99999999999999999999"},
		{sec, "/admin/outbox?avant=12.x"},
		{sec, "/admin/audit?avant=-5"},
	} {
		res := tt.c.get(tt.path)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: got %d, want 400", tt.path, res.StatusCode)
			continue
		}
		if !strings.Contains(res.body, "Demande incorrecte") {
			t.Errorf("GET %s: the answer is not the French error page", tt.path)
		}
	}
}

// TestBadBytesInFormsAre400 posts NUL and invalid UTF-8 in the text fields
// of forms of every kind of object, and malformed bodies.
func TestBadBytesInFormsAre400(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	member := p.as(roleAssociation)
	for _, tt := range []struct {
		c    *client
		path string
		form url.Values
	}{
		{member, "/measures/1/comments", url.Values{"body": {"un commentaire\x00"}}},
		{member, "/meetings/1/remarks", url.Values{"body": {"\xff\xfe"}}},
		{sec, "/meetings/new", url.Values{"title": {"Réunion\x00"}, "date": {"2027-01-12"}}},
		{sec, "/admin/people/new", url.Values{"name": {"Jean\xc3"}}},
		{sec, "/admin/bodies/new", url.Values{"name": {"Organisme\x00"}, "category": {"association"}}},
		{sec, "/news/new", url.Values{"title": {"Actualité"}, "body": {"texte\x01"}}},
		{sec, "/meetings/1/decisions", url.Values{"text": {"décision\x00"}}},
		{sec, "/meetings/1/minutes/edit", url.Values{"body": {"compte rendu\x00"}}},
		{p.client(), "/login", url.Values{"email\x00": {"x"}}},
	} {
		res := tt.c.postForm(tt.path, tt.form)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("POST %s: got %d, want 400", tt.path, res.StatusCode)
		}
	}

	// A body that is not url-encoding at all.
	req, _ := http.NewRequest(http.MethodPost, p.ts.URL+"/login", strings.NewReader("email=%zz&password=%"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if res := p.client().do(req); res.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed login body: got %d, want 400", res.StatusCode)
	}

	// Twenty thousand fields.
	var many strings.Builder
	many.WriteString("email=a%40b.fr")
	for i := range 20000 {
		fmt.Fprintf(&many, "&f%d=x", i)
	}
	req, _ = http.NewRequest(http.MethodPost, p.ts.URL+"/password-reset", strings.NewReader(many.String()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if res := p.client().do(req); res.StatusCode != http.StatusBadRequest {
		t.Errorf("20 000 fields: got %d, want 400", res.StatusCode)
	}
}

// TestUploadTextPartsAreCapped: an upload form's text parts are held in
// memory, so their number and total size are bounded, and their bytes
// checked like any form's.
func TestUploadTextPartsAreCapped(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	post := func(write func(mw *multipart.Writer)) int {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		write(mw)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, p.ts.URL+"/documents/new", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		return sec.do(req).StatusCode
	}
	field := strings.Repeat("a", 64<<10)
	if got := post(func(mw *multipart.Writer) {
		for i := range 1400 {
			_ = mw.WriteField(fmt.Sprintf("f%d", i), field)
		}
	}); got != http.StatusBadRequest && got != http.StatusRequestEntityTooLarge {
		t.Errorf("1 400 fields of 64 KB: got %d, want 400 or 413", got)
	}
	if got := post(func(mw *multipart.Writer) {
		for i := range 20 {
			_ = mw.WriteField(fmt.Sprintf("f%d", i), field)
		}
	}); got != http.StatusRequestEntityTooLarge {
		t.Errorf("20 fields of 64 KB (1.3 MB of text): got %d, want 413", got)
	}
	if got := post(func(mw *multipart.Writer) {
		_ = mw.WriteField("title", "Rapport\x00")
	}); got != http.StatusBadRequest {
		t.Errorf("a NUL in an upload's title: got %d, want 400", got)
	}

	// A body cut in the middle of its file, as a dropped connection leaves it.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range minutesForm("Compte rendu", "members") {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "note.txt")
	_, _ = fw.Write([]byte(strings.Repeat("Une note de travail.\n", 100)))
	req, _ := http.NewRequest(http.MethodPost, p.ts.URL+"/documents/new", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if got := sec.do(req).StatusCode; got != http.StatusBadRequest {
		t.Errorf("an upload cut short: got %d, want 400", got)
	}
}

func TestCleanFilename(t *testing.T) {
	long := strings.Repeat("a", 250) + ".pdf"
	accented := strings.Repeat("é", 150) + ".pdf"
	for _, tt := range []struct{ in, want string }{
		{"rapport.pdf", "rapport.pdf"},
		{`C:\Users\moi\rapport.pdf`, "rapport.pdf"},
		{"../../etc/passwd", "passwd"},
		{"rapport\u202Etxt.pdf", "rapporttxt.pdf"},
		{"rap\u2066port\u2069.pdf", "rapport.pdf"},
		{"a\x00b\x1fc.pdf", "abc.pdf"},
		{"bad\xffname.pdf", "badname.pdf"},
		{"", ""},
		{"..", ""},
		{long, strings.Repeat("a", 196) + ".pdf"},
		{accented, strings.Repeat("é", 98) + ".pdf"},
		{"a." + strings.Repeat("x", 250), "a." + strings.Repeat("x", 198)},
	} {
		got := cleanFilename(tt.in)
		if got != tt.want {
			t.Errorf("cleanFilename(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !utf8.ValidString(got) || len(got) > 200 {
			t.Errorf("cleanFilename(%q) = %q: invalid UTF-8 or longer than 200 bytes", tt.in, got)
		}
	}
}

// TestLongAccentedFilenameUploads: the name a user's system gave the file
// must never stop the upload.
func TestLongAccentedFilenameUploads(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	for _, name := range []string{
		strings.Repeat("é", 150) + ".txt",
		strings.Repeat("n", 250) + ".txt",
		"rapport\u202Etxt.pdf.txt",
	} {
		res := sec.upload("/documents/new", map[string]string{"title": "Note", "kind": "other", "language": "fr",
			"visibility": "members", "date": "2026-01-15"}, name, strings.NewReader("Une note de travail.\n"))
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("upload named %.30q…: got %d, want 303", name, res.StatusCode)
		}
	}
}

func TestSafeNextRefusesControlCharacters(t *testing.T) {
	for _, next := range []string{"/\x00/x", "/a\x7fb", "/\u0085", "//evil.example", "https://evil.example", "/\\evil"} {
		if got := safeNext(next); got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", next, got)
		}
	}
	if got := safeNext("/meetings/3?x=é"); got != "/meetings/3?x=é" {
		t.Errorf("a plain path was refused: %q", got)
	}
}

func TestHeadAnswersLikeGet(t *testing.T) {
	p := newPortal(t, nil)
	doc := p.addDocument(t, "Note publique", "public", "report", "note.txt", "Une note publique.\n")
	c := p.client()
	for _, path := range []string{"/", "/meetings", "/news", fmt.Sprintf("/documents/%d", doc), fmt.Sprintf("/documents/%d/download", doc)} {
		req, _ := http.NewRequest(http.MethodHead, p.ts.URL+path, nil)
		res := c.do(req)
		if res.StatusCode != http.StatusOK {
			t.Errorf("HEAD %s: got %d, want 200", path, res.StatusCode)
		}
		if res.body != "" {
			t.Errorf("HEAD %s: answered with a body", path)
		}
		if get := c.get(path); get.Header.Get("Content-Type") != res.Header.Get("Content-Type") {
			t.Errorf("HEAD %s: Content-Type %q, GET gives %q", path, res.Header.Get("Content-Type"), get.Header.Get("Content-Type"))
		}
	}
}

// TestFarDatesAre422: a date far in the future or the past is a typing
// mistake; the form says so instead of failing in the database.
func TestFarDatesAre422(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	f := planFixtures(t, p)
	for _, tt := range []struct{ opens, closes string }{
		{"2026-01-01", "9999-12-31"},
		{"0001-01-01", "2026-01-31"},
	} {
		res := sec.postForm(fmt.Sprintf("/admin/plans/%d/consultation/windows", f.plan),
			url.Values{"scope": {fmt.Sprintf("measure:%d", f.measure)}, "opens": {tt.opens}, "closes": {tt.closes}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("window %s – %s: got %d, want 422", tt.opens, tt.closes, res.StatusCode)
			continue
		}
		if !strings.Contains(res.body, "Saisissez une date comprise entre") {
			t.Errorf("window %s – %s: no French message about the date range", tt.opens, tt.closes)
		}
	}
}
