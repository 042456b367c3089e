package seed_test

import (
	"context"
	"testing"
	"time"

	"comite/internal/seed"
	"comite/internal/store"
)

// checkDemoDraftText checks the demo consultation on a seeded committee
// with its accounts (TestDemoComments, which has them): two versions, the
// association's amendment supported by the union, accepted and merged into
// version 2, the union's comment answered; loading it twice adds nothing.
func checkDemoDraftText(t *testing.T, ctx context.Context, st *store.Store) {
	t.Helper()
	for range 2 {
		if err := seed.DraftTexts(ctx, st, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	texts, total, err := st.DraftTexts(ctx, 0, 10)
	if err != nil || total != 1 {
		t.Fatalf("draft texts: %d (%v), want 1", total, err)
	}
	text := texts[0]
	if text.Title != seed.DemoDraftTitle || !text.Illustrative || text.CurrentVersion != 2 {
		t.Errorf("demo text %+v: want the MNIOP procedure, an example, at version 2", text)
	}
	cs, err := st.Contributions(ctx, text.ID, 2, false, 0)
	if err != nil || len(cs) != 2 {
		t.Fatalf("contributions: %d (%v), want 2", len(cs), err)
	}
	amendment := cs[0]
	if amendment.MergedIn != 2 || len(amendment.Supporters) != 1 || !amendment.Verdict.Takes() || !amendment.Illustrative {
		t.Errorf("amendment %+v: want merged in version 2, supported by one body, accepted, an example", amendment)
	}
	if cs[1].Verdict == "" {
		t.Errorf("the union's comment has no answer")
	}
}
