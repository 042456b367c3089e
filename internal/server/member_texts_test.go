package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"comite/internal/markdown"
	"comite/internal/model"
)

// TestRemarkAndDissentRenderedOnSave checks that a remark on draft minutes
// and a dissenting position are rendered and sanitised when saved, and
// that the meeting page prints the stored HTML rather than rendering the
// markdown again.
func TestRemarkAndDissentRenderedOnSave(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	held := heldMeeting(t, p, sec, p.standFor(t, roleAssociation))
	meeting := id("/meetings/", held)
	if res := sec.postForm(meeting+"/minutes/edit", url.Values{"base": {"0"}, "action": {"save"}, "text": {"Projet de compte rendu."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the minutes: got %d", res.StatusCode)
	}
	if res := move(t, sec, held, model.MeetingMinutesDraft, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: got %d", res.StatusCode)
	}
	attendee := p.as(roleAssociation)
	remark := "Préciser le **point 2** <script>alert(1)</script> [lien](javascript:alert(2))"
	dissent := "Notre organisme *ne partage pas* la conclusion. <img src=x onerror=alert(3)>"
	if res := attendee.postForm(meeting+"/remarks", url.Values{"remark": {remark}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("remark: got %d", res.StatusCode)
	}
	if res := attendee.postForm(meeting+"/dissent", url.Values{"position": {dissent}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("dissent: got %d\n%s", res.StatusCode, res.body)
	}
	for _, c := range []struct{ table, text string }{{"minutes_remarks", remark}, {"minutes_dissents", dissent}} {
		if n := countRows(t, p, `SELECT count(*) FROM `+c.table+` WHERE meeting_id = $1 AND text_html = $2`, held, markdown.Limited(c.text)); n != 1 {
			t.Errorf("%s: the sanitised HTML is not stored with the text", c.table)
		}
	}
	page := sec.get(meeting).body
	for _, want := range []string{"<strong>point 2</strong>", "<em>ne partage pas</em>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the meeting page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>alert(1)", `href="javascript:`, "<img"} {
		if strings.Contains(page, bad) {
			t.Errorf("the meeting page carries %q", bad)
		}
	}

	// The page prints what is stored: a changed stored HTML shows as is.
	for _, table := range []string{"minutes_remarks", "minutes_dissents"} {
		if _, err := p.store.Pool().Exec(context.Background(), `UPDATE `+table+` SET text_html = '<p>Rendu stocké de '||$2||'</p>' WHERE meeting_id = $1`,
			held, table); err != nil {
			t.Fatal(err)
		}
	}
	page = sec.get(meeting).body
	for _, want := range []string{"<p>Rendu stocké de minutes_remarks</p>", "<p>Rendu stocké de minutes_dissents</p>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the meeting page does not print the stored %q", want)
		}
	}
}
