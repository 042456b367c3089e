package view

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"comite/internal/model"
)

// badSpace finds an ordinary space (or a line break, which the browser
// shows as one) where French typography wants a no-break space: before
// « : ; ! ? », after « and before », between a number and « % ».
var badSpace = regexp.MustCompile(`[ \t\r\n]+[:;!?»]|«[ \t\r\n]|\d[ \t\r\n]+%`)

// typographyText returns what a reader meets in a rendered page: the text
// between the tags and the attributes a screen reader or a tooltip reads.
func typographyText(page string) []string {
	page = regexp.MustCompile(`(?s)<(script|style)\b.*?</(script|style)>`).ReplaceAllString(page, "")
	var out []string
	for _, m := range regexp.MustCompile(`\b(?:aria-label|title|placeholder|alt)="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	// The text is kept whole: a line break in the source between two pieces
	// of text is a space in the page, and « texte\n: » must be caught.
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(page, "")
	return append(out, html.UnescapeString(text))
}

// TestFrenchTypography renders pages with sample values and fails when the
// portal's own wording puts an ordinary space before « : ; ! ? » or inside
// « »: the browser may then break the line there and leave the sign alone at
// the start of the next one. The sample values carry no punctuation, so
// what is caught is the templates' text.
func TestFrenchTypography(t *testing.T) {
	day := time.Date(2026, 12, 4, 14, 9, 0, 0, time.UTC)
	user := &User{Name: "Inès Martin", RoleLabel: "Membre", BodyName: "Direction générale du travail"}
	form := NewForm()
	form.Fail("email", "Adresse électronique", "Indiquez une adresse électronique")
	pages := map[string]templ.Component{
		"login":         Login(LoginPage{Base: Base{Title: "Connexion"}, Form: form, Problem: "Identifiants incorrects"}),
		"home":          Home(HomePage{Base: Base{Title: "Accueil"}}),
		"accessibility": Accessibility(StaticPage{Base: Base{Title: "Accessibilité"}}),
		"privacy":       Privacy(StaticPage{Base: Base{Title: "Données personnelles"}}),
		"legal":         Legal(StaticPage{Base: Base{Title: "Mentions légales", User: user}}),
		"unsubscribe":   Unsubscribe(UnsubscribePage{Base: Base{Title: "Désabonnement"}, Measure: model.Measure{Title: "Former les agents"}}),
		"unsubscribed":  Unsubscribe(UnsubscribePage{Base: Base{Title: "Désabonnement"}, Measure: model.Measure{Title: "Former les agents"}, Done: true}),
		"observatory":   Observatory(ObservatoryPage{Base: Base{Title: "Observatoire"}, Open: &model.Survey{Year: 2025, ClosesOn: &day}}),
		"account":       Account(AccountPage{Base: Base{Title: "Mon compte", User: user}}),
		"drafts":        DraftTexts(DraftTextsPage{Base: Base{Title: "Consultations", User: user}}),
		"documents":     Documents(DocumentsPage{Base: Base{Title: "Documents"}}),
		"members":       Members(MembersPage{Base: Base{Title: "Membres"}}),
		"meetings":      Meetings(MeetingsPage{Base: Base{Title: "Réunions"}}),
		"news":          NewsList(NewsListPage{Base: Base{Title: "Actualités"}}),
		"plans":         Plans(PlansPage{Base: Base{Title: "Plans"}}),
		"search":        Search(SearchPage{Base: Base{Title: "Recherche"}}),
		"meeting": Meeting(MeetingPage{
			Base:    Base{Title: "Réunion plénière", User: user},
			Meeting: model.Meeting{ID: 3, Title: "Réunion plénière", StartsAt: day, Place: "Salle Laroque", Status: model.MeetingPostponed, StatusReason: "Grève des transports"},
			Now:     day.AddDate(0, 0, -7), Details: true, ShowAgenda: true, ShowDocuments: true, Names: true, Manage: true,
			Invitation: &Invitation{CanAnswer: true},
			Proposed:   []model.Action{{ID: 4, Title: "Former les agents", OwnerBodyName: "Direction générale du travail", DueOn: &day}},
			Decisions:  []model.Decision{{ID: 5, AgendaItemTitle: "Bilan du plan", Text: "Le comité adopte le bilan", Actions: []model.Action{{ID: 6, Title: "Publier le bilan", OwnerBodyName: "Direction générale du travail"}}}},
			ItemForm:   NewForm(), DecisionForm: NewForm(), RemarkForm: NewForm(), DissentForm: NewForm(),
		}),
		"error": Error(ErrorPage{Base: Base{Title: "Accès refusé"}, Status: 403, Message: "Cette page est réservée", LoginLink: true}),
	}
	for name, c := range pages {
		var b strings.Builder
		if err := c.Render(context.Background(), &b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, text := range typographyText(b.String()) {
			for _, loc := range badSpace.FindAllStringIndex(text, -1) {
				from, to := max(loc[0]-30, 0), min(loc[1]+10, len(text))
				t.Errorf("%s: ordinary space in French punctuation: %q", name, text[from:to])
			}
		}
	}
}
