package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"comite/internal/model"
)

// documentPaths are the addresses that show or serve a document.
func documentPaths(id int64) []string {
	base := "/documents/" + strconv.FormatInt(id, 10)
	return []string{base, base + "/download", base + "/versions/1/download"}
}

// searchLink is how a search result links to the document.
func searchLink(id int64) string { return `href="/documents/` + strconv.FormatInt(id, 10) + `"` }

// wantDocumentHidden checks that c finds the document nowhere: not in the
// library, not by search, and its page and files answer 404 as for any
// document whose existence is private.
func wantDocumentHidden(t *testing.T, c *client, who, when string, id int64, title, word string) {
	t.Helper()
	if strings.Contains(c.get("/documents").body, title) {
		t.Errorf("%s, %s: the library lists « %s »", who, when, title)
	}
	for _, path := range documentPaths(id) {
		if res := c.get(path); res.StatusCode != http.StatusNotFound || strings.Contains(res.body, title) {
			t.Errorf("%s, %s: GET %s: got %d, want 404", who, when, path, res.StatusCode)
		}
	}
	if body := searchAs(t, c, word); strings.Contains(body, searchLink(id)) {
		t.Errorf("%s, %s: searching « %s » finds « %s »", who, when, word, title)
	}
}

// wantDocumentSeen checks that c finds the document in the library, by
// search, and may open its page and download it.
func wantDocumentSeen(t *testing.T, c *client, who, when string, id int64, title, word string) {
	t.Helper()
	if !strings.Contains(c.get("/documents").body, title) {
		t.Errorf("%s, %s: the library does not list « %s »", who, when, title)
	}
	for _, path := range documentPaths(id) {
		if res := c.get(path); res.StatusCode != http.StatusOK {
			t.Errorf("%s, %s: GET %s: got %d, want 200", who, when, path, res.StatusCode)
		}
	}
	if body := searchAs(t, c, word); !strings.Contains(body, searchLink(id)) {
		t.Errorf("%s, %s: searching « %s » does not find « %s »", who, when, word, title)
	}
}

// The evidence of a pilot's update waits with the update: until the
// secretariat publishes it, only the measure's pilots and the secretariat
// see it, and it stays so when the update is returned.
func TestPendingEvidenceHiddenFromOtherBodies(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	ctx := context.Background()
	path := "/measures/" + strconv.FormatInt(f.measure, 10)
	pilot, sec := p.as(rolePilot), p.as(roleSecretariat)
	others := map[role]*client{roleAssociation: p.as(roleAssociation), roleInstitution: p.as(roleInstitution), rolePublic: p.client()}
	today := p.srv.now().In(parisTZ).Format(time.DateOnly)
	submit := func(text, title string) (update, document int64) {
		t.Helper()
		fields := map[string]string{"status": "in_progress", "progress": "50", "happened_on": today, "text": text, "evidence_title": title}
		if res := pilot.upload(path+"/updates/new", fields, "justificatif.txt", strings.NewReader("Liste des sessions de formation.")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("pilot's update: got %d\n%s", res.StatusCode, res.body)
		}
		err := p.store.Pool().QueryRow(ctx, `SELECT u.id, l.document_id FROM measure_updates u
			JOIN document_links l ON l.target_type = 'measure_update' AND l.target_id = u.id WHERE u.text = $1`, text).Scan(&update, &document)
		if err != nil {
			t.Fatalf("the update and its evidence: %v", err)
		}
		return update, document
	}
	check := func(when string, document int64, title, word string, published bool) {
		t.Helper()
		for r, c := range others {
			if published {
				wantDocumentSeen(t, c, string(r), when, document, title, word)
			} else {
				wantDocumentHidden(t, c, string(r), when, document, title, word)
			}
		}
		wantDocumentSeen(t, pilot, string(rolePilot), when, document, title, word)
		wantDocumentSeen(t, sec, string(roleSecretariat), when, document, title, word)
	}

	returned, returnedDoc := submit("Sessions de formation tenues à Lille.", "Justificatif xylophonique des sessions de Lille")
	check("pending", returnedDoc, "Justificatif xylophonique des sessions de Lille", "xylophonique", false)
	review := path + "/updates/" + strconv.FormatInt(returned, 10) + "/review"
	if res := sec.postForm(review, url.Values{"decision": {"return"}, "remark": {"Le justificatif ne couvre pas la période."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: got %d", res.StatusCode)
	}
	check("returned", returnedDoc, "Justificatif xylophonique des sessions de Lille", "xylophonique", false)

	published, publishedDoc := submit("Sessions de formation tenues à Rennes.", "Justificatif zinzolin des sessions de Rennes")
	check("pending", publishedDoc, "Justificatif zinzolin des sessions de Rennes", "zinzolin", false)
	review = path + "/updates/" + strconv.FormatInt(published, 10) + "/review"
	if res := sec.postForm(review, url.Values{"decision": {"publish"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: got %d", res.StatusCode)
	}
	check("published", publishedDoc, "Justificatif zinzolin des sessions de Rennes", "zinzolin", true)
	check("after the other was published", returnedDoc, "Justificatif xylophonique des sessions de Lille", "xylophonique", false)
	if body := others[rolePublic].get(path).body; !strings.Contains(body, "Justificatif zinzolin") || strings.Contains(body, "xylophonique") {
		t.Error("the public timeline does not show the published evidence alone")
	}
	var n int
	if err := p.store.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'measure.update_review' AND object_id = $1
		AND detail->'after'->'evidence_released' @> to_jsonb($2::bigint)`, f.measure, publishedDoc).Scan(&n); err != nil || n != 1 {
		t.Errorf("the publication's audit entry does not list the released evidence: %d entries, %v", n, err)
	}
}

// A planned meeting's agenda is a draft: members (and the public, even
// when the meeting's details are public) see neither its items nor the
// documents uploaded for it until the secretariat publishes it. A public
// report put on the draft stays in the library.
func TestDraftAgendaHiddenFromMembers(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	ctx := context.Background()
	sec := p.as(roleSecretariat)
	at := p.srv.now().AddDate(0, 0, 20).In(parisTZ)
	res := sec.postForm("/meetings/new", url.Values{"title": {"Réunion plénière de printemps"}, "date": {at.Format(time.DateOnly)},
		"start": {"14:00"}, "place": {"Paris, salle 1"}, "public_details": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create meeting: got %d\n%s", res.StatusCode, res.body)
	}
	meetingPath := res.Header.Get("Location")
	meeting, err := strconv.ParseInt(strings.TrimPrefix(meetingPath, "/meetings/"), 10, 64)
	if err != nil {
		t.Fatalf("create meeting: redirected to %q", meetingPath)
	}
	const itemTitle = "Examen de la note quintefeuille"
	if res := sec.postForm(meetingPath+"/agenda", url.Values{"title": {itemTitle}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add agenda item: got %d", res.StatusCode)
	}
	items, err := p.store.AgendaItems(ctx, meeting)
	if err != nil || len(items) != 1 {
		t.Fatalf("agenda: %+v, %v", items, err)
	}
	item := strconv.FormatInt(items[0].ID, 10)
	if res := sec.postForm(meetingPath+"/agenda/"+item+"/edit", url.Values{"title": {itemTitle},
		"measures": {strconv.FormatInt(f.measure, 10)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("link the item to a measure: got %d\n%s", res.StatusCode, res.body)
	}
	upload := func(target, title string) int64 {
		t.Helper()
		fields := map[string]string{"title": title, "kind": "other", "language": "fr", "date": at.Format(time.DateOnly), "visibility": "members"}
		if res := sec.upload("/documents/new?"+target, fields, "note.txt", strings.NewReader("Note préparatoire de la séance.")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload for %s: got %d\n%s", target, res.StatusCode, res.body)
		}
		var id int64
		if err := p.store.Pool().QueryRow(ctx, `SELECT id FROM documents WHERE title = $1`, title).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	const itemDocTitle, meetingDocTitle, reportTitle = "Note quintefeuille du rapporteur", "Dossier quintefeuille de séance", "Rapport public quintefeuille"
	itemDoc := upload("agenda_item="+item, itemDocTitle)
	meetingDoc := upload("meeting="+strconv.FormatInt(meeting, 10), meetingDocTitle)
	report := p.addDocument(t, reportTitle, model.VisibilityPublic, model.KindReport, "rapport.txt", "Rapport annuel.")
	if res := sec.postForm("/documents/"+strconv.FormatInt(report, 10)+"/links", url.Values{"meeting": {strconv.FormatInt(meeting, 10)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("attach the public report: got %d", res.StatusCode)
	}

	member, public := p.as(roleAssociation), p.client()
	measurePath := "/measures/" + strconv.FormatInt(f.measure, 10)
	for _, v := range []struct {
		who string
		c   *client
	}{{"a member", member}, {"the public", public}} {
		page := v.c.get(meetingPath)
		if page.StatusCode != http.StatusOK {
			t.Fatalf("%s: GET %s: got %d", v.who, meetingPath, page.StatusCode)
		}
		if strings.Contains(page.body, "quintefeuille") || strings.Contains(page.body, `data-testid="agenda"`) {
			t.Errorf("%s sees the draft agenda or its documents on the meeting page", v.who)
		}
		wantDocumentHidden(t, v.c, v.who, "draft agenda", itemDoc, itemDocTitle, "quintefeuille")
		wantDocumentHidden(t, v.c, v.who, "draft agenda", meetingDoc, meetingDocTitle, "quintefeuille")
		wantDocumentSeen(t, v.c, v.who, "draft agenda", report, reportTitle, "quintefeuille")
		if body := v.c.get("/documents/" + strconv.FormatInt(report, 10)).body; strings.Contains(body, "Réunion plénière de printemps") {
			t.Errorf("%s: the public report's page tells it is on the draft agenda", v.who)
		}
		if n := resultCount(t, searchAs(t, v.c, "quintefeuille")); n != 1 {
			t.Errorf("%s: searching the draft agenda's words: %d results, want the public report alone", v.who, n)
		}
		if strings.Contains(v.c.get(measurePath).body, "quintefeuille") {
			t.Errorf("%s: the measure page names the draft agenda's item", v.who)
		}
	}
	if body := public.get("/api/v1/meetings").body; strings.Contains(body, "quintefeuille") {
		t.Error("the open data lists the draft agenda")
	}
	if page := sec.get(meetingPath).body; !strings.Contains(page, itemTitle) || !strings.Contains(page, itemDocTitle) ||
		!strings.Contains(page, meetingDocTitle) || !strings.Contains(page, reportTitle) {
		t.Error("the secretariat does not see the draft agenda and its documents")
	}
	if n := resultCount(t, searchAs(t, sec, "quintefeuille")); n != 4 {
		t.Errorf("the secretariat's search: %d results, want the item and three documents", n)
	}

	if res := move(t, sec, meeting, model.MeetingAgendaPublished, url.Values{}); res.StatusCode != http.StatusSeeOther ||
		meetingStatus(t, p, meeting) != model.MeetingAgendaPublished {
		t.Fatalf("publish the agenda: got %d", res.StatusCode)
	}
	page := member.get(meetingPath).body
	for _, want := range []string{itemTitle, itemDocTitle, meetingDocTitle, reportTitle} {
		if !strings.Contains(page, want) {
			t.Errorf("a member does not see « %s » on the published agenda", want)
		}
	}
	wantDocumentSeen(t, member, "a member", "published agenda", itemDoc, itemDocTitle, "quintefeuille")
	wantDocumentSeen(t, member, "a member", "published agenda", meetingDoc, meetingDocTitle, "quintefeuille")
	if n := resultCount(t, searchAs(t, member, "quintefeuille")); n != 4 {
		t.Errorf("a member's search after publication: %d results, want the item and three documents", n)
	}
	if !strings.Contains(member.get(measurePath).body, "quintefeuille") {
		t.Error("the measure page does not name the published agenda's item")
	}
	if page := public.get(meetingPath).body; !strings.Contains(page, itemTitle) || !strings.Contains(page, reportTitle) || strings.Contains(page, itemDocTitle) {
		t.Error("the public does not see the published agenda with the public documents only")
	}
	if !strings.Contains(public.get("/api/v1/meetings").body, itemTitle) {
		t.Error("the open data does not list the published agenda")
	}
	// A members' document, now released, sends the public to sign in.
	if res := public.get("/documents/" + strconv.FormatInt(itemDoc, 10)); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the public asks for a members' document of the published agenda: got %d, want a login redirect", res.StatusCode)
	}
}

// A draft agenda's files follow the meeting: released when a meeting is
// recorded as held without a published agenda, kept with the secretariat
// (as secretariat documents) when the meeting is cancelled or deleted
// before its agenda was published; each move is audited with them.
func TestDraftAgendaDocumentsFollowTheMeeting(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	sec, member := p.as(roleSecretariat), p.as(roleAssociation)
	uploadFor := func(meeting int64, title string) int64 {
		t.Helper()
		fields := map[string]string{"title": title, "kind": "other", "language": "fr", "date": "2026-01-15", "visibility": "members"}
		if res := sec.upload("/documents/new?meeting="+strconv.FormatInt(meeting, 10), fields, "note.txt", strings.NewReader("Note.")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload %q: got %d\n%s", title, res.StatusCode, res.body)
		}
		var id int64
		if err := p.store.Pool().QueryRow(ctx, `SELECT id FROM documents WHERE title = $1`, title).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	audited := func(action, key string, meeting, document int64) {
		t.Helper()
		var n int
		if err := p.store.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND object_id = $2
			AND detail->'after'->$3 @> to_jsonb($4::bigint)`, action, meeting, key, document).Scan(&n); err != nil || n != 1 {
			t.Errorf("audit of %s of meeting %d does not list document %d in %s: %d entries, %v", action, meeting, document, key, n, err)
		}
	}
	status := func(id int64) int {
		t.Helper()
		return member.get("/documents/" + strconv.FormatInt(id, 10)).StatusCode
	}

	recorded := newMeetingAt(t, sec, "Réunion tenue hier", p.srv.now().AddDate(0, 0, -1))
	recordedDoc := uploadFor(recorded, "Feuille d'émargement")
	if got := status(recordedDoc); got != http.StatusNotFound {
		t.Fatalf("a member opens a draft agenda's document: got %d, want 404", got)
	}
	if res := move(t, sec, recorded, model.MeetingHeld, url.Values{}); res.StatusCode != http.StatusSeeOther || meetingStatus(t, p, recorded) != model.MeetingHeld {
		t.Fatalf("record the meeting as held: got %d", res.StatusCode)
	}
	if got := status(recordedDoc); got != http.StatusOK {
		t.Errorf("a member opens the document of a meeting recorded as held: got %d, want 200", got)
	}
	audited("meeting.status", "documents_released", recorded, recordedDoc)

	soon := p.srv.now().AddDate(0, 1, 0)
	cancelled := newMeetingAt(t, sec, "Réunion annulée", soon)
	cancelledDoc := uploadFor(cancelled, "Note pour la réunion annulée")
	if res := move(t, sec, cancelled, model.MeetingCancelled, url.Values{"reason": {"Salle indisponible"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: got %d\n%s", res.StatusCode, res.body)
	}
	deleted := newMeetingAt(t, sec, "Réunion supprimée", soon)
	deletedDoc := uploadFor(deleted, "Note pour la réunion supprimée")
	if res := sec.postForm("/meetings/"+strconv.FormatInt(deleted, 10)+"/delete", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: got %d", res.StatusCode)
	}
	for _, c := range []struct {
		action   string
		meeting  int64
		document int64
	}{{"meeting.status", cancelled, cancelledDoc}, {"meeting.delete", deleted, deletedDoc}} {
		d, err := p.store.Document(ctx, c.document)
		if err != nil || d.Held() || d.Visibility != model.VisibilitySecretariat {
			t.Errorf("after %s: document %+v, %v; want a secretariat document, no longer held", c.action, d, err)
		}
		if got := status(c.document); got != http.StatusNotFound {
			t.Errorf("after %s: a member opens the document: got %d, want 404", c.action, got)
		}
		if got := sec.get("/documents/" + strconv.FormatInt(c.document, 10)).StatusCode; got != http.StatusOK {
			t.Errorf("after %s: the secretariat opens the document: got %d", c.action, got)
		}
		audited(c.action, "documents_withdrawn", c.meeting, c.document)
	}
}
