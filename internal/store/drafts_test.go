package store

import (
	"fmt"
	"testing"
	"time"

	"comite/internal/model"
)

// TestDraftTextsPages checks the count DraftTexts returns with a page:
// every text on a page with rows, 0 past the end (the server's page count
// then turns a page past the end into ErrNotFound).
func TestDraftTextsPages(t *testing.T) {
	ctx := t.Context()
	s := newTestStore(t)
	opens := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 {
		_, err := s.CreateDraftText(ctx, model.DraftText{Title: fmt.Sprintf("Texte %d", i), OpensAt: opens,
			ClosesAt: opens.AddDate(0, 1, 0), Categories: []model.Category{model.CategoryAssociation}}, 0)
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ offset, rows, total int }{{0, 2, 3}, {2, 1, 3}, {4, 0, 0}} {
		ts, total, err := s.DraftTexts(ctx, tc.offset, 2)
		if err != nil || len(ts) != tc.rows || total != tc.total {
			t.Errorf("DraftTexts(%d, 2) = %d texts, total %d (%v), want %d, %d", tc.offset, len(ts), total, err, tc.rows, tc.total)
		}
	}
}
