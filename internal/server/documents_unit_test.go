package server

import (
	"strings"
	"testing"
	"time"

	"comite/internal/access"
	"comite/internal/blob"
	"comite/internal/model"
	"comite/web/view"
)

func TestNewDocumentForm(t *testing.T) {
	now := time.Date(2026, 11, 28, 23, 30, 0, 0, time.UTC)
	member := access.Viewer{AccountID: 1, Role: model.RoleMember, BodyID: 3}
	secretariat := access.Viewer{AccountID: 2, Role: model.RoleSecretariat}
	f := newDocumentForm(member, attachment{}, now)
	if f.Value("kind") != string(model.KindContribution) || f.Value("visibility") != string(model.VisibilityMembers) ||
		f.Value("date") != "2026-11-29" || f.Value("language") != "fr" {
		t.Errorf("a member's upload: %v", f.Values)
	}
	if f := newDocumentForm(secretariat, attachment{}, now); f.Value("kind") != "" {
		t.Errorf("the secretariat's upload proposes kind %q, want a choice", f.Value("kind"))
	}
	f = newDocumentForm(secretariat, attachment{kind: "news", visibility: model.VisibilityPublic}, now)
	if f.Value("kind") != string(model.KindOther) || f.Value("visibility") != string(model.VisibilityPublic) {
		t.Errorf("an article's attachment: %v", f.Values)
	}
}

func TestUploadCheck(t *testing.T) {
	required := []view.Field{{Name: "file", Label: "Fichier", Required: true}}
	optional := []view.Field{{Name: "file", Label: "Justificatif"}}
	for _, tc := range []struct {
		name   string
		up     upload
		fields []view.Field
		want   string
	}{
		{"too large", upload{tooLarge: true}, required, "dépasse la taille maximale autorisée (2 Mo)"},
		{"missing", upload{}, required, "Choisissez un fichier"},
		{"optional and missing", upload{}, optional, ""},
		{"empty", upload{staged: &blob.Staged{}, filename: "note.pdf"}, required, "Le fichier est vide."},
		{"a type not accepted", upload{staged: &blob.Staged{Size: 10, MediaType: "application/x-msdownload"}, filename: "outil.exe"}, required, "n'est pas accepté"},
		{"a PDF", upload{staged: &blob.Staged{Size: 10, MediaType: "application/pdf"}, filename: "note.pdf"}, required, ""},
	} {
		up := tc.up
		up.form = view.NewForm()
		for _, f := range tc.fields {
			up.form.Labels[f.Name] = f.Label
		}
		up.check(tc.fields, 2<<20)
		got := up.form.Error("file")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
