package server

import (
	"strings"
	"testing"
	"time"

	"comite/internal/model"
)

func TestModerationProblem(t *testing.T) {
	for _, tc := range []struct {
		decision, reason, want string
	}{
		{"hide", "", "Indiquez le motif"},
		{"reject", "", "Indiquez le motif"},
		{"hide", "Propos injurieux", ""},
		{"restore", "", ""},
		{"approve", "", ""},
		{"dismiss", "", ""},
		{"hide", strings.Repeat("é", 500), ""},
		{"hide", strings.Repeat("é", 501), "ne peut dépasser 500 caractères"},
	} {
		got := moderationProblem(tc.decision, tc.reason)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s with a reason of %d characters: got %q, want %q", tc.decision, len([]rune(tc.reason)), got, tc.want)
		}
	}
}

func TestModerationFlashAndMail(t *testing.T) {
	c := model.Comment{ID: 5, MeasureID: 2, CreatedAt: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	m := model.Measure{Number: "12", Title: "Former les agents"}
	for _, decision := range []string{"hide", "restore", "dismiss", "approve", "reject"} {
		flash, ok := moderationFlash(decision)
		if !ok || flash == "" {
			t.Errorf("%s: no message for the secretariat", decision)
		}
		subject, text := moderationMail(decision, c, m, "Hors sujet", "https://comite.example.fr/measures/2#commentaire-5")
		if decision == "dismiss" {
			if subject != "" || text != "" {
				t.Errorf("dismiss: the author is mailed %q", subject)
			}
			continue
		}
		if subject == "" || !strings.Contains(text, "https://comite.example.fr/measures/2#commentaire-5") || !strings.Contains(text, m.Label()) {
			t.Errorf("%s: mail %q lacks its subject, the link or the measure:\n%s", decision, subject, text)
		}
		if (decision == "hide" || decision == "reject") != strings.Contains(text, "Hors sujet") {
			t.Errorf("%s: the reason is in the mail only when hiding or refusing:\n%s", decision, text)
		}
	}
	if _, ok := moderationFlash("delete"); ok {
		t.Error("an unknown decision is accepted")
	}
}
