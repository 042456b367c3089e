package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"comite/internal/model"
	"comite/internal/store"
)

// upload posts a multipart form as a browser would, streaming the file.
func (c *client) upload(path string, fields map[string]string, filename string, file io.Reader) response {
	c.p.t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for k, v := range fields {
			_ = mw.WriteField(k, v)
		}
		if filename != "" {
			fw, err := mw.CreateFormFile("file", filename)
			if err == nil {
				_, err = io.Copy(fw, file)
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	req, err := http.NewRequest(http.MethodPost, c.p.ts.URL+path, pr)
	if err != nil {
		c.p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

func minutesForm(title string, vis model.Visibility) map[string]string {
	return map[string]string{"title": title, "kind": "minutes", "language": "fr", "date": "2024-03-21", "visibility": string(vis)}
}

// documentIDFrom reads the id of the page a redirect points to.
func documentIDFrom(t *testing.T, res response) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(res.Header.Get("Location"), "/documents/%d", &id); err != nil {
		t.Fatalf("no document in the redirect %q (status %d): %s", res.Header.Get("Location"), res.StatusCode, res.body)
	}
	return id
}

// TestPDFRoundTripWithExtraction uploads, downloads whole and by range, and
// extracts the text of a PDF, with the files in a folder and in S3.
func TestPDFRoundTripWithExtraction(t *testing.T) {
	backends(t, pdfRoundTrip)
}

func pdfRoundTrip(t *testing.T, env map[string]string) {
	p := newPortal(t, env)
	sec := p.as(roleSecretariat)
	pdf, err := os.ReadFile("../filetype/testdata/compte-rendu.pdf")
	if err != nil {
		t.Fatal(err)
	}
	res := sec.upload("/documents/new", minutesForm("Compte rendu du 21 mars 2024", model.VisibilityMembers), "Compte rendu – séance.pdf", strings.NewReader(string(pdf)))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: got %d: %s", res.StatusCode, res.body)
	}
	id := documentIDFrom(t, res)
	sum := sha256.Sum256(pdf)
	want := hex.EncodeToString(sum[:])

	member := p.as(roleAssociation)
	if list := member.get("/documents").body; !strings.Contains(list, "Compte rendu du 21 mars 2024") {
		t.Error("the library does not list the new document")
	}
	page := member.get(fmt.Sprintf("/documents/%d", id)).body
	if !strings.Contains(page, want) {
		t.Error("the document page does not show the file's SHA-256")
	}
	dl := member.get(fmt.Sprintf("/documents/%d/download", id))
	if dl.StatusCode != http.StatusOK || dl.body != string(pdf) {
		t.Fatalf("download: status %d, %d bytes; want the %d bytes uploaded", dl.StatusCode, len(dl.body), len(pdf))
	}
	for header, want := range map[string]string{
		"Content-Type":            "application/pdf",
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; sandbox",
		"ETag":                    `"` + want + `"`,
		"Content-Disposition":     "attachment; filename*=utf-8''Compte%20rendu%20%E2%80%93%20s%C3%A9ance.pdf",
	} {
		if got := dl.Header.Get(header); got != want {
			t.Errorf("download %s: got %q, want %q", header, got, want)
		}
	}
	// Range and conditional requests.
	req, _ := http.NewRequest(http.MethodGet, p.ts.URL+fmt.Sprintf("/documents/%d/download", id), nil)
	req.Header.Set("Range", "bytes=0-7")
	if part := member.do(req); part.StatusCode != http.StatusPartialContent || part.body != string(pdf[:8]) {
		t.Errorf("range request: got %d %q, want 206 %q", part.StatusCode, part.body, pdf[:8])
	}
	req, _ = http.NewRequest(http.MethodGet, p.ts.URL+fmt.Sprintf("/documents/%d/download", id), nil)
	req.Header.Set("If-None-Match", `"`+want+`"`)
	if same := member.do(req); same.StatusCode != http.StatusNotModified {
		t.Errorf("conditional request: got %d, want 304", same.StatusCode)
	}

	deadline := time.Now().Add(20 * time.Second)
	for {
		var status, text string
		err := p.store.Pool().QueryRow(context.Background(), `SELECT extraction_status, extracted_text FROM document_versions WHERE document_id = $1`, id).Scan(&status, &text)
		if err != nil {
			t.Fatal(err)
		}
		if status == "done" {
			if !strings.Contains(text, "Compte rendu du comité") {
				t.Fatalf("extracted text %q lacks the PDF's words", text)
			}
			break
		}
		if status == "failed" || time.Now().After(deadline) {
			t.Fatalf("extraction: status %q after waiting", status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// storedFiles counts the files under the blob store's folder.
func storedFiles(t *testing.T, p *portal) int {
	t.Helper()
	n := 0
	_ = filepath.Walk(p.fileDir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// zeros is an endless reader of NUL bytes, to upload large files without
// holding them in memory.
type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

func TestOversizedAndDisguisedUploadsRefused(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	before := storedFiles(t, p)

	pdfHeader := "%PDF-1.4\n"
	big := io.MultiReader(strings.NewReader(pdfHeader), io.LimitReader(zeros{}, 60<<20))
	res := sec.upload("/documents/new", minutesForm("Rapport trop lourd", model.VisibilityMembers), "rapport.pdf", big)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(res.body, "dépasse la taille maximale autorisée (50 Mo)") {
		t.Fatalf("60 MB upload: got %d, want 413 with the French message", res.StatusCode)
	}
	if !strings.Contains(res.body, `value="Rapport trop lourd"`) {
		t.Error("the refused upload lost the typed title")
	}

	exe, err := os.ReadFile("../filetype/testdata/programme.exe")
	if err != nil {
		t.Fatal(err)
	}
	res = sec.upload("/documents/new", minutesForm("Faux PDF", model.VisibilityMembers), "ordre-du-jour.pdf", strings.NewReader(string(exe)))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "ne correspond pas à son extension .pdf") {
		t.Fatalf(".exe renamed .pdf: got %d, want 422 with the French message", res.StatusCode)
	}
	res = sec.upload("/documents/new", minutesForm("Vide", model.VisibilityMembers), "vide.txt", strings.NewReader(""))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Le fichier est vide.") {
		t.Fatalf("empty file: got %d", res.StatusCode)
	}

	docs, total, err := p.store.Documents(context.Background(), store.DocumentFilter{Reader: model.DocumentReader{Levels: model.Visibilities, Secretariat: true}, Limit: 10})
	if err != nil || total != 0 {
		t.Fatalf("refused uploads left %d documents (%v): %+v", total, err, docs)
	}
	if after := storedFiles(t, p); after != before {
		t.Fatalf("refused uploads left files behind: %d before, %d after", before, after)
	}
}

func TestDocumentAccessAndIDOR(t *testing.T) {
	p := newPortal(t, nil)
	members := p.addDocument(t, "Note confidentielle aux membres", model.VisibilityMembers, model.KindReport, "note.txt", "réservé aux membres")
	secret := p.addDocument(t, "Note du secrétariat", model.VisibilitySecretariat, model.KindReport, "secret.txt", "réservé au secrétariat")
	public := p.addDocument(t, "Rapport public", model.VisibilityPublic, model.KindReport, "public.txt", "pour tous")

	anon := p.client()
	if list := anon.get("/documents").body; strings.Contains(list, "Note confidentielle") || strings.Contains(list, "Note du secrétariat") || !strings.Contains(list, "Rapport public") {
		t.Error("the public library shows a restricted document or hides a public one")
	}
	for _, path := range []string{fmt.Sprintf("/documents/%d", members), fmt.Sprintf("/documents/%d/download", members)} {
		res := anon.get(path)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("%s as public: got %d, want a login redirect", path, res.StatusCode)
		}
		if strings.Contains(res.body, "Note confidentielle") {
			t.Errorf("%s as public reveals the title", path)
		}
	}
	member := p.as(roleUnion)
	for _, path := range []string{fmt.Sprintf("/documents/%d", secret), fmt.Sprintf("/documents/%d/download", secret),
		fmt.Sprintf("/documents/%d/versions/1/download", secret)} {
		if res := member.get(path); res.StatusCode != http.StatusNotFound || strings.Contains(res.body, "Note du secrétariat") {
			t.Errorf("%s as member: got %d, want 404 without the title", path, res.StatusCode)
		}
	}
	if res := anon.get(fmt.Sprintf("/documents/%d/download", public)); res.StatusCode != http.StatusOK || res.body != "pour tous" {
		t.Errorf("public download: got %d %q", res.StatusCode, res.body)
	}
	for _, path := range []string{"/documents/..%2F..%2Fetc%2Fpasswd/download", fmt.Sprintf("/documents/%d/versions/..%%2F1/download", public),
		fmt.Sprintf("/documents/%d/versions/9/download", public), "/documents/-1/download"} {
		if res := anon.get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: got %d, want 404", path, res.StatusCode)
		}
	}
	// An embargo lifts by itself.
	past := time.Now().Add(-time.Minute)
	d, _ := p.store.Document(context.Background(), members)
	d.EmbargoUntil, d.EmbargoVisibility = &past, model.VisibilityPublic
	if err := p.store.UpdateDocument(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	if res := anon.get(fmt.Sprintf("/documents/%d", members)); res.StatusCode != http.StatusOK {
		t.Errorf("after the embargo: got %d, want 200 for the public", res.StatusCode)
	}
}

func TestVersionsAndContributions(t *testing.T) {
	backends(t, versionsAndContributions)
}

func versionsAndContributions(t *testing.T, env map[string]string) {
	p := newPortal(t, env)
	author := p.as(roleAssociation)
	res := author.upload("/documents/new", map[string]string{"title": "Contribution du CCEM", "kind": "contribution", "language": "fr",
		"date": "2024-04-02", "visibility": "members"}, "contribution.txt", strings.NewReader("Première version"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("member's contribution: got %d: %s", res.StatusCode, res.body)
	}
	id := documentIDFrom(t, res)
	res = author.upload("/documents/new", minutesForm("Compte rendu officiel", model.VisibilityMembers), "cr.txt", strings.NewReader("x"))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("member uploading minutes: got %d, want 422", res.StatusCode)
	}
	res = author.upload(fmt.Sprintf("/documents/%d/versions", id), nil, "contribution-v2.txt", strings.NewReader("Deuxième version"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("new version: got %d", res.StatusCode)
	}
	other := p.as(roleUnion)
	if res := other.upload(fmt.Sprintf("/documents/%d/versions", id), nil, "x.txt", strings.NewReader("intrusion")); res.StatusCode != http.StatusForbidden {
		t.Fatalf("another member adding a version: got %d, want 403", res.StatusCode)
	}
	for n, want := range map[int]string{1: "Première version", 2: "Deuxième version"} {
		if got := other.get(fmt.Sprintf("/documents/%d/versions/%d/download", id, n)).body; got != want {
			t.Errorf("version %d: got %q, want %q", n, got, want)
		}
	}
	if got := other.get(fmt.Sprintf("/documents/%d/download", id)).body; got != "Deuxième version" {
		t.Errorf("latest: got %q", got)
	}

	sec := p.as(roleSecretariat)
	meetings, _ := p.store.MeetingChoices(context.Background(), time.Now(), 1)
	if res := sec.postForm(fmt.Sprintf("/documents/%d/links", id), map[string][]string{"meeting": {fmt.Sprint(meetings[0].ID)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("attach: got %d", res.StatusCode)
	}
	if page := other.get(fmt.Sprintf("/meetings/%d", meetings[0].ID)).body; !strings.Contains(page, "Contribution du CCEM") {
		t.Error("the meeting page does not list the attached document")
	}
	if list := other.get("/documents?attached=meeting").body; !strings.Contains(list, "Contribution du CCEM") {
		t.Error("the library's attached-to filter misses the document")
	}
}

// A document's page names where it is attached only to those who may see
// each place: a public document attached to a scheduled article and to a
// meeting still to come tells the public neither title.
func TestDocumentLinksFollowTheirTargets(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	doc := p.addDocument(t, "Intervention publique", model.VisibilityPublic, model.KindReport, "i.txt", "intervention")
	soon := p.srv.now().AddDate(0, 0, 10)
	meeting, err := p.store.EnsureMeeting(ctx, model.Meeting{Slug: "a-venir", Title: "Réunion confidentielle à venir", StartsAt: soon, Status: model.MeetingPlanned})
	if err != nil {
		t.Fatal(err)
	}
	article, err := p.store.CreateNews(ctx, model.NewsArticle{Slug: "annonce-programmee", Title: "Annonce programmée", Summary: "Bientôt.",
		Body: "Bientôt.", BodyHTML: "<p>Bientôt.</p>", Visibility: model.VisibilityPublic, PublishedAt: &soon})
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []struct {
		kind string
		id   int64
	}{{"meeting", meeting}, {"news", article}} {
		if err := p.store.LinkDocument(ctx, doc, target.kind, target.id); err != nil {
			t.Fatal(err)
		}
	}
	page := p.client().get(id("/documents/", doc)).body
	if strings.Contains(page, "Réunion confidentielle") || strings.Contains(page, "Annonce programmée") {
		t.Error("the public learns the titles of a meeting to come and of a scheduled article")
	}
	page = p.as(roleSecretariat).get(id("/documents/", doc)).body
	if !strings.Contains(page, "Actualité\u00a0: "+`<a href="/news/annonce-programmee">Annonce programmée</a>`) ||
		!strings.Contains(page, "Réunion\u00a0: "+`<a href="/meetings/`+strconv.FormatInt(meeting, 10)+`">Réunion confidentielle à venir</a>`) {
		t.Error("the secretariat does not see the article and the meeting the document is attached to, with their links")
	}
}

// TestSweepOfUnreferencedFiles: a day later, the hourly maintenance
// deletes a file that no version refers to (an upload whose row never
// came) and keeps the files of documents, in a folder and in S3.
func TestSweepOfUnreferencedFiles(t *testing.T) {
	backends(t, func(t *testing.T, env map[string]string) {
		p := newPortal(t, env)
		ctx := context.Background()
		id := p.addDocument(t, "Document conservé", model.VisibilityPublic, model.KindOther, "garde.txt", "Fichier d'un document")
		staged, err := p.files.Stage(ctx, strings.NewReader("Téléversement dont la ligne n'a jamais été écrite"), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.files.Commit(ctx, staged); err != nil {
			t.Fatal(err)
		}
		p.srv.cleanup(ctx) // too early: nothing goes
		if ok, err := p.files.Exists(ctx, staged.SHA256); !ok || err != nil {
			t.Fatalf("a fresh unreferenced file was swept at once (%v)", err)
		}
		p.srv.now = func() time.Time { return time.Now().Add(25 * time.Hour) }
		p.srv.cleanup(ctx)
		if ok, err := p.files.Exists(ctx, staged.SHA256); ok || err != nil {
			t.Errorf("the unreferenced file is still there a day later (%v)", err)
		}
		if dl := p.as(rolePublic).get(fmt.Sprintf("/documents/%d/download", id)); dl.StatusCode != http.StatusOK || dl.body != "Fichier d'un document" {
			t.Errorf("the document's file after the sweep: %d %q", dl.StatusCode, dl.body)
		}
	})
}
