package seed_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"comite/internal/blob"
	"comite/internal/extract"
	"comite/internal/filetype"
	"comite/internal/model"
	"comite/internal/pgtest"
	"comite/internal/seed"
	"comite/internal/store"
)

// The demo article: its draft's three placeholders are links to the 21
// March 2024 meeting, the 2024 mandate and an attached PDF that says it is
// an example; a second load changes nothing.
func TestDemoNews(t *testing.T) {
	ctx := context.Background()
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	dir := t.TempDir()
	files, err := blob.Open(ctx, "file://"+filepath.Join(dir, "files"), filepath.Join(dir, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	defer files.Close()
	for range 2 {
		if err := seed.Committee(ctx, st); err != nil {
			t.Fatal(err)
		}
		if err := seed.News(ctx, st, files); err != nil {
			t.Fatal(err)
		}
	}
	var articles, documents int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM news_articles), (SELECT count(*) FROM documents)`).Scan(&articles, &documents); err != nil {
		t.Fatal(err)
	}
	if articles != 1 || documents != 1 {
		t.Fatalf("after two loads: %d articles and %d documents, want 1 and 1", articles, documents)
	}
	a, err := st.NewsBySlug(ctx, seed.NewsSlug)
	if err != nil {
		t.Fatal(err)
	}
	if a.Visibility != model.VisibilityPublic || a.PublishedAt == nil || a.PublishedAt.Year() != 2024 || !a.Illustrative || a.Notify {
		t.Errorf("demo article: %+v", a)
	}
	for _, placeholder := range []string{"[lien avec", "[Lien avec", "[Joindre"} {
		if strings.Contains(a.Body, placeholder) {
			t.Errorf("the demo article still has the placeholder %q", placeholder)
		}
	}
	links, err := st.NewsLinks(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 3 {
		t.Fatalf("demo article: %d links, want 3", len(links))
	}
	meeting, err := st.MeetingBySlug(ctx, "cc-2024-03-21")
	if err != nil {
		t.Fatal(err)
	}
	if links[0].TargetType != model.LinkMeeting || links[0].TargetID != meeting.ID || !strings.Contains(a.Body, "[[lien:1]]") {
		t.Errorf("link 1: %+v, want the meeting of 21 March 2024 placed in the text", links[0])
	}
	if links[1].TargetType != model.LinkMandate || links[1].Reference == "" || !strings.Contains(a.Body, "[[lien:2|") {
		t.Errorf("link 2: %+v, want the mandate with its JO reference, placed in the text", links[1])
	}
	if links[2].TargetType != model.LinkDocument || !strings.Contains(a.Body, "[[lien:3]]") {
		t.Errorf("link 3: %+v, want the intervention placed in the text", links[2])
	}
	attached, err := st.AttachedDocuments(ctx, model.DocumentReader{Levels: []model.Visibility{model.VisibilityPublic}}, "news", []int64{a.ID})
	if err != nil {
		t.Fatal(err)
	}
	docs := attached[a.ID]
	if len(docs) != 1 || docs[0].ID != links[2].TargetID || docs[0].Latest == nil {
		t.Fatalf("attachments: %+v, want the linked intervention, public", docs)
	}
	d := docs[0]
	// The intervention is the meeting's too, and its agenda item's: the
	// point of the mechanism, presented by the collective's coordinator.
	public := model.DocumentReader{Levels: []model.Visibility{model.VisibilityPublic}}
	onMeeting, err := st.MeetingDocuments(ctx, public, meeting.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(onMeeting) != 1 || onMeeting[0].ID != d.ID {
		t.Errorf("documents of the 21 March 2024 meeting: %+v, want the intervention", onMeeting)
	}
	items, err := st.AgendaItems(ctx, meeting.ID)
	if err != nil {
		t.Fatal(err)
	}
	var itemIDs []int64
	for _, it := range items {
		itemIDs = append(itemIDs, it.ID)
	}
	onItems, err := st.AttachedDocuments(ctx, public, "agenda_item", itemIDs)
	if err != nil {
		t.Fatal(err)
	}
	attachedTo := ""
	for _, it := range items {
		for _, doc := range onItems[it.ID] {
			if doc.ID == d.ID {
				attachedTo += it.Title
			}
		}
	}
	if !strings.HasPrefix(attachedTo, "Mécanisme national d'identification") {
		t.Errorf("the intervention is attached to the agenda item %q, want the national mechanism's only", attachedTo)
	}
	var attachments int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM document_links WHERE document_id = $1`, d.ID).Scan(&attachments); err != nil || attachments != 3 {
		t.Errorf("after two loads, the intervention has %d attachments, %v; want 3 (article, meeting, agenda item)", attachments, err)
	}
	if !strings.HasPrefix(d.Title, "Exemple") || !strings.Contains(d.Title, "illustratif") {
		t.Errorf("the PDF's title %q does not say it is an example", d.Title)
	}
	f, size, err := files.Open(ctx, d.Latest.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pdf, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	st2, err := files.Stage(ctx, bytes.NewReader(pdf), size+1)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Discard()
	if _, err := filetype.Check(d.Latest.Filename, st2.MediaType); err != nil {
		t.Errorf("the demo PDF would be refused as an upload: %v", err)
	}
	text, err := extract.Text(ctx, "application/pdf", bytes.NewReader(pdf), size)
	if err != nil {
		t.Fatalf("pdftotext cannot read the demo PDF: %v", err)
	}
	for _, want := range []string{"EXEMPLE", "démonstration", "mécanisme national"} {
		if !strings.Contains(text, want) {
			t.Errorf("the demo PDF's text lacks %q:\n%s", want, text)
		}
	}
}
