package server

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"comite/internal/model"
)

// draftFixtures are a draft text open to associations and unions with a
// contribution of the association role (spare: one to withdraw), and a
// spare text for the closing.
type draftFixtures struct {
	text, spareText, contribution, spareContribution int64
}

func loadDraftFixtures(t *testing.T, p *portal) draftFixtures {
	t.Helper()
	ctx := context.Background()
	var f draftFixtures
	now := p.srv.now()
	add := func() int64 {
		id, err := p.store.CreateDraftText(ctx, model.DraftText{Title: "Texte de test", OpensAt: now.AddDate(0, 0, -1),
			ClosesAt: now.AddDate(0, 1, 0), Categories: []model.Category{model.CategoryAssociation, model.CategoryUnion}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.store.AddTextVersion(ctx, model.TextVersion{TextID: id, Version: 1, SourceMD: "Un paragraphe.", CreatedAt: now,
			Blocks: draftBlocks("Un paragraphe.")}, 0); err != nil {
			t.Fatal(err)
		}
		return id
	}
	f.text, f.spareText = add(), add()
	assoc, err := p.store.AccountByEmail(ctx, p.emails[roleAssociation])
	if err != nil {
		t.Fatal(err)
	}
	contribution := func() int64 {
		id, err := p.store.CreateContribution(ctx, model.Contribution{TextID: f.text, Version: 1, Anchor: draftBlocks("Un paragraphe.")[0].Anchor,
			Kind: model.ContributionComment, Text: "Un avis.", HTML: "<p>Un avis.</p>", AuthorID: assoc.ID, BodyID: assoc.BodyID,
			Category: assoc.BodyCategory, State: model.CommentPublished, CreatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	f.contribution, f.spareContribution = contribution(), contribution()
	return f
}

// takesPart: the association and union roles, whom the fixture text
// lets contribute, get status; other accounts are refused, and the
// public's unsafe request too.
func takesPart(status int) expectation {
	return func(r role) int {
		if r == roleAssociation || r == roleUnion {
			return status
		}
		return http.StatusForbidden
	}
}

func draftRouteMatrix(f draftFixtures) map[string]routeCase {
	text, spare := id("/consultations/", f.text), id("/consultations/", f.spareText)
	return map[string]routeCase{
		"GET /consultations":                     {path: "/consultations", expect: signedIn(http.StatusOK)},
		"GET /consultations/{id}":                {path: text, expect: signedIn(http.StatusOK)},
		"GET /consultations/{id}/compare":        {path: text + "/compare", expect: signedIn(http.StatusOK)},
		"GET /consultations/{id}/synthesis":      {path: text + "/synthesis", expect: signedIn(http.StatusOK)},
		"GET /consultations/{id}/synthesis.csv":  {path: text + "/synthesis.csv", expect: signedIn(http.StatusOK)},
		"GET /consultations/{id}/synthesis.json": {path: text + "/synthesis.json", expect: signedIn(http.StatusOK)},
		"POST /consultations/{id}/contributions": {path: text + "/contributions", form: url.Values{"version": {"1"}, "anchor": {draftBlocks("Un paragraphe.")[0].Anchor}}, expect: takesPart(http.StatusUnprocessableEntity)},
		"POST /consultations/{id}/follow":        {path: text + "/follow", form: url.Values{}, expect: formSignedIn(http.StatusSeeOther)},
		"GET /contributions/{id}/edit":           {path: id("/contributions/", f.contribution) + "/edit", expect: author(http.StatusOK, http.StatusForbidden)},
		"POST /contributions/{id}/edit":          {path: id("/contributions/", f.contribution) + "/edit", form: url.Values{}, expect: authorForm(http.StatusUnprocessableEntity, http.StatusForbidden)},
		"POST /contributions/{id}/withdraw":      {path: id("/contributions/", f.spareContribution) + "/withdraw", form: url.Values{}, expect: authorForm(http.StatusSeeOther, http.StatusForbidden)},
		"POST /contributions/{id}/support": {path: id("/contributions/", f.contribution) + "/support", form: url.Values{}, expect: func(r role) int {
			if r == roleUnion {
				return http.StatusSeeOther
			}
			return http.StatusForbidden
		}},
		"GET /consultations/new":                {path: "/consultations/new", expect: secretariatOnly},
		"POST /consultations/new":               {path: "/consultations/new", form: url.Values{}, expect: adminForm(http.StatusBadRequest)},
		"GET /consultations/{id}/edit":          {path: text + "/edit", expect: secretariatOnly},
		"POST /consultations/{id}/edit":         {path: text + "/edit", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"POST /consultations/{id}/close":        {path: spare + "/close", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"GET /consultations/{id}/versions/new":  {path: text + "/versions/new", expect: secretariatOnly},
		"POST /consultations/{id}/versions/new": {path: text + "/versions/new", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"POST /contributions/{id}/answer":       {path: id("/contributions/", f.contribution) + "/answer", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"POST /contributions/{id}/moderate":     {path: id("/contributions/", f.contribution) + "/moderate", form: url.Values{}, expect: adminForm(http.StatusBadRequest)},
	}
}
