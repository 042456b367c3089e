package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
	"comite/internal/textdiff"
	"comite/web/view"
)

// Draft texts put to consultation (issue 18): the secretariat publishes
// versions of a text cut into numbered paragraphs; members comment on a
// paragraph or amend it, support each other's amendments, and the
// secretariat answers each contribution. The rules are those of the
// comments on measures: access decides who takes part, the window is
// checked on every post, the rate limit and the edit window are shared.

// draftTextsPerPage is the length of a page of /consultations.
const draftTextsPerPage = 20

// draftTexts lists the texts, newest first.
func (s *Server) draftTexts(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	page, err := pageNumber(r.URL.Query())
	if err != nil {
		return err
	}
	texts, total, err := s.store.DraftTexts(ctx, (page-1)*draftTextsPerPage, draftTextsPerPage)
	if err != nil {
		return err
	}
	pages := max(1, (total+draftTextsPerPage-1)/draftTextsPerPage)
	if page > pages {
		return model.ErrNotFound
	}
	p := view.DraftTextsPage{Base: s.base(r, "Consultations sur les projets de texte"), Texts: texts, Page: page, Pages: pages,
		Now: s.now(), Manage: access.CanManageDraftTexts(viewerOf(ctx))}
	p.Nav = "consultations"
	if page > 1 {
		p.Title += fmt.Sprintf(" – page %d", page)
	}
	s.render(w, r, http.StatusOK, view.DraftTexts(p))
	return nil
}

// draftTextFromPath reads the text of the route's {id}.
func (s *Server) draftTextFromPath(r *http.Request) (model.DraftText, error) {
	id, err := pathID(r)
	if err != nil {
		return model.DraftText{}, err
	}
	if !access.CanReadDraftTexts(viewerOf(r.Context())) {
		return model.DraftText{}, model.ErrForbidden
	}
	return s.store.DraftText(r.Context(), id)
}

// versionParam reads ?version=N, the current version when absent.
func versionParam(r *http.Request, t model.DraftText, name string, fallback int) (int, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return fallback, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > t.CurrentVersion {
		return 0, model.ErrNotFound
	}
	return n, nil
}

// draftText shows one version of a text with the contributions on each
// paragraph and, on the current version, the forms to contribute.
func (s *Server) draftText(w http.ResponseWriter, r *http.Request) error {
	t, err := s.draftTextFromPath(r)
	if err != nil {
		return err
	}
	n, err := versionParam(r, t, "version", t.CurrentVersion)
	if err != nil {
		return err
	}
	p, err := s.draftTextPage(r, t, n, nil, "")
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.DraftTextView(p))
	return nil
}

// draftTextPage gathers version n of t and what the viewer sees of its
// contributions. form and anchor carry a refused contribution back into
// the form of its paragraph.
func (s *Server) draftTextPage(r *http.Request, t model.DraftText, n int, form *view.Form, anchor string) (view.DraftTextPage, error) {
	ctx := r.Context()
	v := viewerOf(ctx)
	now := s.now()
	version, err := s.store.TextVersion(ctx, t.ID, n)
	if err != nil {
		return view.DraftTextPage{}, err
	}
	title := t.Title
	if n != t.CurrentVersion {
		title += fmt.Sprintf(" (version %d)", n)
	}
	open := t.OpenAt(now)
	p := view.DraftTextPage{Base: s.base(r, title), Text: t, Now: now, Version: version, Open: open, Upcoming: now.Before(t.OpensAt),
		Current: n == t.CurrentVersion, SignedIn: v.SignedIn(), Manage: access.CanManageDraftTexts(v),
		CanContribute: open && n == t.CurrentVersion && access.CanContribute(v, t),
		Form:          form, FormAnchor: anchor, ByAnchor: map[string][]model.Contribution{},
		Actions: map[int64]view.ContributionActions{}, Diffs: map[int64][]textdiff.Span{}}
	p.Nav = "consultations"
	p.LeftOut = v.SignedIn() && !p.Manage && !access.CanContribute(v, t)
	if p.Following, err = s.store.FollowsDraftText(ctx, v.AccountID, t.ID); err != nil {
		return p, err
	}
	all, own := access.CommentReach(v)
	cs, err := s.store.Contributions(ctx, t.ID, n, all, own)
	if err != nil {
		return p, err
	}
	p.Capped = len(cs) == store.ContributionCap
	anchors := map[string]bool{}
	for _, b := range version.Blocks {
		anchors[b.Anchor] = true
	}
	supported := map[int64]bool{}
	if v.BodyID != 0 && access.CanContribute(v, t) {
		if supported, err = s.store.Supports(ctx, v.BodyID, t.ID); err != nil {
			return p, err
		}
	}
	for _, c := range cs {
		if !access.CanSeeContribution(v, c) {
			continue
		}
		p.Actions[c.ID] = view.ContributionActions{
			ShowText:  access.CanSeeContributionText(v, c),
			Edit:      access.CanEditContribution(v, c, open, now),
			Withdraw:  access.CanWithdrawContribution(v, c),
			Support:   access.CanSupportContribution(v, t, c, open),
			Supported: supported[c.ID],
			Answer:    access.CanAnswerContribution(v, c),
			Moderate:  p.Manage,
			Attach:    access.CanAttachToContribution(v, c),
		}
		if c.Kind == model.ContributionAmendment {
			p.Diffs[c.ID] = wordDiff(c.Paragraph, c.Wording)
		}
		if anchors[c.Anchor] {
			p.ByAnchor[c.Anchor] = append(p.ByAnchor[c.Anchor], c)
		} else {
			p.Rewritten = append(p.Rewritten, c)
		}
	}
	shown := make([]int64, 0, len(p.Actions))
	for id := range p.Actions {
		shown = append(shown, id)
	}
	p.Attachments, err = s.store.AttachedDocuments(ctx, access.DocumentReader(v), "contribution", shown)
	return p, err
}

// wordDiff is the word-level difference between a paragraph and its
// amended wording, as one run of equal, deleted and inserted words; runs
// of spaces count as one.
func wordDiff(before, after string) []textdiff.Span {
	return textdiff.Words(strings.Join(strings.Fields(before), " "), strings.Join(strings.Fields(after), " "))
}

// draftTextsOnAgenda returns the texts tabled on a meeting's agenda items,
// by item, for the meeting page.
func (s *Server) draftTextsOnAgenda(ctx context.Context, items []model.AgendaItem) (map[int64][]model.DraftText, error) {
	if len(items) == 0 || !access.CanReadDraftTexts(viewerOf(ctx)) {
		return nil, nil
	}
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	ts, err := s.store.DraftTextsOnAgenda(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64][]model.DraftText{}
	for _, t := range ts {
		out[t.AgendaItemID] = append(out[t.AgendaItemID], t)
	}
	return out, nil
}
