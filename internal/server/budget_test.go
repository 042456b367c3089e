package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"comite/internal/model"
	"comite/internal/seed"
	"comite/internal/store"
)

// queryBudgets is how many statements each key page may run, per viewer:
// the count after the scale work of issue 16 (docs/queries.md). It counts
// the statements run with the request's context: the viewer's account and
// the page's own, not the session store's (pgxstore runs those without it).
// A page's count must not depend on how many rows it shows: a statement
// added per row fails TestQueryBudget, since the library and the lists
// below hold several rows. Raise a budget only for a new part of a page,
// and say so in the commit.
var queryBudgets = map[string]map[role]int{
	// The next meeting for the public too, and the plan at a glance (issue 19).
	"home":     {rolePublic: 5, roleAssociation: 6, roleSecretariat: 6},
	"meetings": {rolePublic: 5, roleAssociation: 6, roleSecretariat: 7},
	// Members: one more for the draft texts tabled on the agenda (issue 18).
	"meeting":     {rolePublic: 10, roleAssociation: 13, roleSecretariat: 16},
	"documents":   {rolePublic: 3, roleAssociation: 4, roleSecretariat: 4},
	"documents-2": {rolePublic: 2, roleAssociation: 3, roleSecretariat: 3},
	"document":    {rolePublic: 4, roleAssociation: 5, roleSecretariat: 6},
	"search":      {rolePublic: 4, roleAssociation: 5, roleSecretariat: 5},
	"plan":        {rolePublic: 3, roleAssociation: 5, roleSecretariat: 6},
	// A signed-in measure page pages its comments by thread: the page of threads, their
	// replies and the totals line are one statement each. Issue 18 adds the
	// documents attached to the measure and those attached to the comments shown.
	"measure": {rolePublic: 9, roleAssociation: 16, roleSecretariat: 16},
	"news":    {rolePublic: 1, roleAssociation: 2, roleSecretariat: 2},
	"audit":   {roleSecretariat: 2},
	"outbox":  {roleSecretariat: 2},
	// A draft text's page: its version, the contributions with their
	// supporters, the viewer's supports, following and attachments
	// (issue 18), whatever the number of paragraphs and contributions.
	"consultation": {roleAssociation: 8, roleSecretariat: 7},
	// 8 here; 9 when 50 comments wait and the capped count runs (issue 18
	// adds the contributions to draft texts waiting in pre-moderation).
	"moderation": {roleSecretariat: 9},
}

// TestQueryBudget counts the statements each key page runs for the public,
// a member and the secretariat, and fails when one runs more than its
// budget.
func TestQueryBudget(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	// Enough documents for two library pages, so that a query per row
	// shows.
	var docID int64
	for i := range 25 {
		docID = p.addDocument(t, fmt.Sprintf("Note %d", i), model.VisibilityPublic, model.KindReport, "note.txt", "texte de la note "+strconv.Itoa(i))
	}
	meeting, err := p.store.MeetingBySlug(ctx, "cc-2024-03-21")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := p.store.PlanBySlug(ctx, seed.FollowedPlanSlug)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := p.store.Measures(ctx, store.MeasureFilter{PlanID: plan.ID})
	if err != nil || len(ms) == 0 {
		t.Fatalf("demo measures: %d, %v", len(ms), err)
	}
	// The document is attached to a meeting, one of its agenda items and
	// a measure: the page names them in one query, whatever their number.
	items, err := p.store.AgendaItems(ctx, meeting.ID)
	if err != nil || len(items) == 0 {
		t.Fatalf("demo agenda: %d, %v", len(items), err)
	}
	for _, l := range []struct {
		target string
		id     int64
	}{{"meeting", meeting.ID}, {"agenda_item", items[0].ID}, {"measure", ms[0].ID}, {"measure", ms[1].ID}} {
		if err := p.store.LinkDocument(ctx, docID, l.target, l.id); err != nil {
			t.Fatal(err)
		}
	}
	drafts := loadDraftFixtures(t, p)
	paths := map[string]string{
		"consultation": "/consultations/" + strconv.FormatInt(drafts.text, 10),
		"home":         "/",
		"meetings":     "/meetings",
		"meeting":      "/meetings/" + strconv.FormatInt(meeting.ID, 10),
		"documents":    "/documents",
		"documents-2":  "/documents?page=2",
		"document":     "/documents/" + strconv.FormatInt(docID, 10),
		"search":       "/search?q=traite",
		"plan":         "/plans/" + strconv.FormatInt(plan.ID, 10),
		"measure":      "/measures/" + strconv.FormatInt(ms[0].ID, 10),
		"news":         "/news",
		"audit":        "/admin/audit",
		"outbox":       "/admin/outbox",
		"moderation":   "/admin/moderation",
	}
	clients := map[role]*client{}
	for _, r := range []role{rolePublic, roleAssociation, roleSecretariat} {
		clients[r] = p.as(r)
	}
	for page, budgets := range queryBudgets {
		for r, budget := range budgets {
			status, n := clients[r].countQueries(paths[page])
			if status != http.StatusOK {
				t.Errorf("%s as %s: status %d", paths[page], r, status)
				continue
			}
			t.Logf("%-12s %-20s %d statements", page, r, n)
			if n > budget {
				t.Errorf("%s as %s: %d statements, budget %d", paths[page], r, n, budget)
			}
		}
	}
}
