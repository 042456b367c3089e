package store

import (
	"testing"
	"time"

	"comite/internal/model"
)

// TestNextPublicChange adds, one by one, each kind of scheduled change a
// public page shows, and checks that the next one is found, from several
// instants.
func TestNextPublicChange(t *testing.T) {
	ctx := t.Context()
	s := newTestStore(t)
	now := time.Now().Truncate(time.Second)
	next := func(at time.Time) time.Time {
		t.Helper()
		got, err := s.NextPublicChange(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	want := func(step string, at, w time.Time) {
		t.Helper()
		if got := next(at); !got.Equal(w) {
			t.Errorf("%s: next change after %s is %s, want %s", step, at.Format(time.TimeOnly), got.Format(time.DateTime), w.Format(time.DateTime))
		}
	}
	if got := next(now); !got.IsZero() {
		t.Fatalf("empty database: next change %s, want none", got)
	}

	// A consultation window, opening in 6 h and closing in 8 h.
	if _, err := s.db.Exec(ctx, `WITH p AS (INSERT INTO plans (slug, title) VALUES ('p', 'Plan') RETURNING id),
		a AS (INSERT INTO axes (plan_id, number, title) SELECT id, 1, 'Axe' FROM p RETURNING id)
		INSERT INTO consultation_windows (axis_id, opens_at, closes_at) SELECT id, $1, $2 FROM a`,
		now.Add(6*time.Hour), now.Add(8*time.Hour)); err != nil {
		t.Fatal(err)
	}
	want("window", now, now.Add(6*time.Hour))
	want("window open", now.Add(7*time.Hour), now.Add(8*time.Hour))

	// A meeting at 4 h without an end: it starts, then ends 2 h later.
	if _, err := s.EnsureMeeting(ctx, model.Meeting{Slug: "a-venir", Title: "À venir", StartsAt: now.Add(4 * time.Hour), Status: model.MeetingPlanned}); err != nil {
		t.Fatal(err)
	}
	want("meeting", now, now.Add(4*time.Hour))
	want("meeting under way", now.Add(5*time.Hour), now.Add(6*time.Hour))

	// An article going out in 3 h.
	in3h := now.Add(3 * time.Hour)
	if _, err := s.CreateNews(ctx, model.NewsArticle{Slug: "bientot", Title: "Bientôt", Body: "x", BodyHTML: "<p>x</p>",
		Visibility: model.VisibilityPublic, PublishedAt: &in3h}); err != nil {
		t.Fatal(err)
	}
	want("article", now, in3h)

	// An embargo lifting in 2 h.
	in2h := now.Add(2 * time.Hour)
	if _, err := s.CreateDocument(ctx, model.Document{Title: "Sous embargo", Kind: model.KindReport, Language: "fr", Date: now,
		Visibility: model.VisibilityMembers, EmbargoUntil: &in2h, EmbargoVisibility: model.VisibilityPublic}); err != nil {
		t.Fatal(err)
	}
	want("embargo", now, in2h)

	// A meeting held a year ago less an hour leaves the calendar's year in 1 h.
	if _, err := s.EnsureMeeting(ctx, model.Meeting{Slug: "passee", Title: "Passée", StartsAt: now.AddDate(-1, 0, 0).Add(time.Hour),
		Status: model.MeetingHeld}); err != nil {
		t.Fatal(err)
	}
	want("calendar year", now, now.Add(time.Hour))
}
