package seed_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"comite/internal/model"
	"comite/internal/pgtest"
	"comite/internal/seed"
	"comite/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// counts returns the number of rows of each seeded table.
func counts(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, table := range []string{"bodies", "mandates", "seats", "meetings", "accounts", "audit_log",
		"agenda_items", "meeting_attendance", "minutes_versions", "decisions", "actions",
		"plans", "axes", "measures", "measure_bodies", "indicators", "measure_updates", "recommendations",
		"recommendation_measures", "measure_links"} {
		var n int
		if err := st.Pool().QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		got[table] = n
	}
	return got
}

func TestSeedTwiceChangesNothing(t *testing.T) {
	ctx := context.Background()
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	if err := seed.Committee(ctx, st); err != nil {
		t.Fatal(err)
	}
	created, err := seed.Accounts(ctx, st, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(created) != 5 {
		t.Fatalf("first run: got %d demo accounts, want 5 (one per demo role)", len(created))
	}
	first := counts(t, st)
	if first["bodies"] < 30 || first["mandates"] != 1 || first["meetings"] != 2 || first["plans"] == 0 {
		t.Fatalf("first run: unexpected counts %v", first)
	}

	// The secretariat edits a seeded body; a second run must keep the edit.
	if _, err := pool.Exec(ctx, `UPDATE bodies SET website = 'https://www.cncdh.fr' WHERE slug = 'cncdh'`); err != nil {
		t.Fatal(err)
	}
	if err := seed.Committee(ctx, st); err != nil {
		t.Fatal(err)
	}
	again, err := seed.Accounts(ctx, st, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Fatalf("second run created %d accounts, want 0", len(again))
	}
	second := counts(t, st)
	for table, n := range first {
		if second[table] != n {
			t.Errorf("%s: %d rows after the second run, want %d", table, second[table], n)
		}
	}
	b, err := st.BodyBySlug(ctx, "cncdh")
	if err != nil || b.Website != "https://www.cncdh.fr" {
		t.Fatalf("the second run overwrote an edited body: %+v %v", b, err)
	}
}

// The demo's first meeting is the one of 21 March 2024: about sixty people
// present across every category, approved minutes, decisions with one
// action still open; and a meeting to come.
func TestDemoMeetings(t *testing.T) {
	ctx := context.Background()
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	if err := seed.Committee(ctx, st); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Accounts(ctx, st, false); err != nil {
		t.Fatal(err)
	}
	first, err := st.MeetingBySlug(ctx, "cc-2024-03-21")
	if err != nil {
		t.Fatal(err)
	}
	if first.Status != model.MeetingMinutesApproved || first.MinutesApprovedOn == nil || first.MinutesHTML == "" {
		t.Fatalf("first meeting: status %s, approved %v, %d bytes of minutes", first.Status, first.MinutesApprovedOn, len(first.MinutesHTML))
	}
	day := time.Date(2024, 3, 21, 0, 0, 0, 0, time.UTC)
	attendees, err := st.Attendees(ctx, first.ID, day)
	if err != nil {
		t.Fatal(err)
	}
	s := model.Summarize(attendees, 0)
	if s.PeoplePresent < 55 || s.PeoplePresent > 65 {
		t.Errorf("%d people present, want about 60", s.PeoplePresent)
	}
	if len(s.ByCategory) != len(model.Categories) {
		t.Errorf("attendance covers %d categories, want all %d", len(s.ByCategory), len(model.Categories))
	}
	for _, a := range attendees {
		if a.SeatRole == "" {
			t.Errorf("%s attended without a seat on the day", a.Name)
		}
	}
	agenda, err := st.AgendaItems(ctx, first.ID)
	if err != nil || len(agenda) < 5 {
		t.Fatalf("agenda: %d items, %v", len(agenda), err)
	}
	open, err := st.OpenActions(ctx)
	if err != nil || len(open) != 1 {
		t.Fatalf("open actions: %v, %v; want one", open, err)
	}
	// The meeting to come is convened, as the portal's publication does:
	// the people seated that day are invited, the member accounts among
	// them, with no answer yet.
	next, err := st.NextMeetingAfter(ctx, time.Now())
	if err != nil || next.Status != model.MeetingAgendaPublished || !next.InvitationsSent {
		t.Fatalf("next meeting: %+v, %v; want its agenda published and its members convened", next, err)
	}
	member, err := st.AccountByEmail(ctx, "association@demo.comite.example")
	if err != nil || member.PersonID == 0 {
		t.Fatalf("the association's demo account stands for no person: %+v, %v", member, err)
	}
	nextDay := time.Date(next.StartsAt.Year(), next.StartsAt.Month(), next.StartsAt.Day(), 0, 0, 0, 0, time.UTC)
	invited, err := st.Attendees(ctx, next.ID, nextDay)
	if err != nil {
		t.Fatal(err)
	}
	seated, err := st.SeatedPeople(ctx, nextDay)
	if err != nil {
		t.Fatal(err)
	}
	if len(invited) != seated || seated == 0 {
		t.Errorf("next meeting: %d people invited, want the %d seated that day", len(invited), seated)
	}
	found := false
	for _, a := range invited {
		if a.PersonID == member.PersonID {
			found = a.Answer == model.AnswerNone
		}
	}
	if !found {
		t.Errorf("the association's demo account has no convocation to answer to the next meeting")
	}
	var audited int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'meeting.status' AND object_id = $1`, next.ID).Scan(&audited); err != nil || audited != 1 {
		t.Errorf("the convocation of the next meeting: %d audit entries, %v; want 1", audited, err)
	}
}

// The demo plan gives every plan page something to show: the followed plan
// with its six axes, measures on each, one the demo pilot (DGT) reports on,
// published updates, an indicator; other plans linked to it for the matrix;
// and GRETA recommendations, one at least that no measure answers.
func TestDemoPlan(t *testing.T) {
	ctx := context.Background()
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	if err := seed.Committee(ctx, st); err != nil {
		t.Fatal(err)
	}
	plan, err := st.PlanBySlug(ctx, seed.FollowedPlanSlug)
	if err != nil {
		t.Fatal(err)
	}
	if !plan.Followed || plan.Period != "2024-2027" || plan.Owner != "MIPROF" || plan.PresentedOn == nil ||
		plan.PresentedOn.Format(time.DateOnly) != "2023-12-11" {
		t.Fatalf("followed plan: %+v", plan)
	}
	axes, err := st.Axes(ctx, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(axes) != 6 {
		t.Fatalf("followed plan: %d axes, want 6", len(axes))
	}
	for _, a := range axes {
		if !a.Illustrative {
			t.Errorf("axis %d %q: the official titles are unknown, want it marked illustrative", a.Number, a.Title)
		}
	}
	measures, err := st.Measures(ctx, store.MeasureFilter{PlanID: plan.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(measures) < 12 {
		t.Fatalf("followed plan: %d measures, want at least 12", len(measures))
	}
	perAxis := map[int64]int{}
	for _, m := range measures {
		perAxis[m.AxisID]++
		if !m.Illustrative {
			t.Errorf("measure %q: the official list is unknown, want it marked illustrative", m.Title)
		}
	}
	for _, a := range axes {
		if n := perAxis[a.ID]; n < 2 || n > 4 {
			t.Errorf("axis %d: %d measures, want 2 to 4", a.Number, n)
		}
	}
	dgt, err := st.BodyBySlug(ctx, "dgt")
	if err != nil {
		t.Fatal(err)
	}
	piloted, err := st.Measures(ctx, store.MeasureFilter{PlanID: plan.ID, PilotBodyID: dgt.ID})
	if err != nil || len(piloted) == 0 {
		t.Fatalf("measures piloted by the DGT: %v, %v; want at least one for the demo pilot", piloted, err)
	}

	var published, withIndicator int
	for _, m := range measures {
		us, err := st.MeasureUpdates(ctx, m.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			if u.State != model.UpdatePublished || u.AuthorID != 0 || !u.Illustrative {
				t.Errorf("update of %q: %+v, want published, illustrative, with no author", m.Title, u)
			}
		}
		if len(us) > 0 {
			published++
			if latest := us[0]; m.Status != latest.Status || m.Progress != latest.Progress {
				t.Errorf("measure %q is %s at %d %%, want its latest update's %s at %d %%", m.Title, m.Status, m.Progress,
					latest.Status, latest.Progress)
			}
		}
		is, err := st.Indicators(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		withIndicator += min(len(is), 1)
	}
	if published < 5 || withIndicator == 0 {
		t.Errorf("%d measures with published updates (want 5 or more), %d with an indicator (want one)", published, withIndicator)
	}

	cells, err := st.Matrix(ctx, plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	others := map[int64]bool{}
	for _, c := range cells {
		others[c.PlanID] = true
	}
	if len(others) < 8 {
		t.Errorf("the matrix links the followed plan to %d other plans, want all 8", len(others))
	}

	all, err := st.Recommendations(ctx, store.RecommendationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	rounds := map[int]int{}
	for _, r := range all {
		rounds[r.Round]++
		if r.Paragraph != "" || !r.Illustrative || r.SourceURL == "" {
			t.Errorf("recommendation %q: paragraph %q, illustrative %v, source %q", r.Theme, r.Paragraph, r.Illustrative, r.SourceURL)
		}
	}
	if rounds[2] < 2 || rounds[3] < 5 {
		t.Errorf("recommendations by round: %v, want every topic of rounds 2 and 3", rounds)
	}
	uncovered, err := st.Recommendations(ctx, store.RecommendationFilter{Uncovered: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(uncovered) == 0 || len(uncovered) == len(all) {
		t.Errorf("%d of %d recommendations uncovered, want some but not all", len(uncovered), len(all))
	}
}

// The secretariat may delete the demo's followed plan: the next start keeps
// the deletion and does not fail on the other plans it kept.
func TestDemoPlansKeepDeletions(t *testing.T) {
	ctx := context.Background()
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	if err := seed.Committee(ctx, st); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM plans WHERE slug = $1`, seed.FollowedPlanSlug); err != nil {
		t.Fatal(err)
	}
	before := counts(t, st)
	if err := seed.Committee(ctx, st); err != nil {
		t.Fatalf("second run after a deleted plan: %v", err)
	}
	if _, err := st.PlanBySlug(ctx, seed.FollowedPlanSlug); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("the deleted followed plan: got %v, want it left deleted", err)
	}
	after := counts(t, st)
	for table, n := range before {
		if after[table] != n {
			t.Errorf("%s: %d rows after the second run, want %d", table, after[table], n)
		}
	}
}

// The demo consultation: a thread on the DGT's measure with the pilot's
// official answer and a union's reply, and a comment still waiting for an
// answer; every comment marked as an example; loading twice adds nothing.
func TestDemoComments(t *testing.T) {
	ctx := context.Background()
	pool, _ := pgtest.NewPool(t)
	st := store.New(pool)
	if err := seed.Committee(ctx, st); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Accounts(ctx, st, false); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := seed.Comments(ctx, st, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := st.PlanBySlug(ctx, seed.FollowedPlanSlug)
	if err != nil {
		t.Fatal(err)
	}
	measures, err := st.Measures(ctx, store.MeasureFilter{PlanID: plan.ID})
	if err != nil {
		t.Fatal(err)
	}
	var total, official int
	for _, m := range measures {
		threads, err := st.Threads(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range threads {
			for _, each := range append([]model.Comment{c}, c.Replies...) {
				total++
				if each.Official {
					official++
				}
				if !each.Illustrative || !strings.Contains(each.Text, "exemple") {
					t.Errorf("comment %d is not marked as an example: %q", each.ID, each.Text)
				}
			}
		}
	}
	if total != 4 || official != 1 {
		t.Errorf("%d comments with %d official answers, want 4 and 1", total, official)
	}
	awaiting, err := st.MeasuresAwaitingAnswer(ctx)
	if err != nil || len(awaiting) != 1 {
		t.Errorf("measures awaiting an answer: %+v, %v", awaiting, err)
	}
	checkDemoDraftText(t, ctx, st)
}
