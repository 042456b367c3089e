package server

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"comite/internal/export"
	"comite/internal/model"
	"comite/internal/textdiff"
	"comite/web/view"
)

// synthesis gathers what the synthesis of a text shows and exports: the
// contributions that stand (published, neither withdrawn nor hidden) by
// paragraph, in the order of the versions they were posted on, with the
// participation by category.
func (s *Server) synthesis(r *http.Request) (view.SynthesisPage, error) {
	ctx := r.Context()
	t, err := s.draftTextFromPath(r)
	if err != nil {
		return view.SynthesisPage{}, err
	}
	current, err := s.store.TextVersion(ctx, t.ID, t.CurrentVersion)
	if err != nil {
		return view.SynthesisPage{}, err
	}
	cs, err := s.store.Contributions(ctx, t.ID, t.CurrentVersion, false, 0)
	if err != nil {
		return view.SynthesisPage{}, err
	}
	p := view.SynthesisPage{Base: s.base(r, "Synthèse de la consultation – "+t.Title), Text: t, Now: s.now(),
		Diffs: map[int64][]textdiff.Span{}, Verdicts: map[model.Verdict]int{}}
	p.Nav = "consultations"
	inCurrent := map[string]bool{}
	for _, b := range current.Blocks {
		inCurrent[b.Anchor] = true
	}
	bodies := map[model.Category]map[int64]bool{}
	tally := map[model.Category]*model.ConsultationTally{}
	at := map[string]int{}
	for _, c := range cs {
		if !c.Shown() {
			continue
		}
		if tally[c.Category] == nil {
			tally[c.Category] = &model.ConsultationTally{Category: c.Category}
			bodies[c.Category] = map[int64]bool{}
		}
		tc := tally[c.Category]
		bodies[c.Category][c.BodyID] = true
		tc.Bodies = len(bodies[c.Category])
		if c.Kind == model.ContributionAmendment {
			tc.Amendments++
			p.Diffs[c.ID] = wordDiff(c.Paragraph, c.Wording)
		} else {
			tc.Comments++
		}
		p.Verdicts[c.Verdict]++
		key := strconv.Itoa(c.Version) + "/" + c.Anchor
		i, ok := at[key]
		if !ok {
			i = len(p.Paragraphs)
			at[key] = i
			p.Paragraphs = append(p.Paragraphs, view.SynthesisParagraph{Version: c.Version, Number: c.Number, HTML: c.ParagraphHTML,
				Rewritten: !inCurrent[c.Anchor]})
		}
		p.Paragraphs[i].Contributions = append(p.Paragraphs[i].Contributions, c)
	}
	slices.SortStableFunc(p.Paragraphs, func(a, b view.SynthesisParagraph) int {
		return cmp.Or(cmp.Compare(a.Version, b.Version), cmp.Compare(a.Number, b.Number))
	})
	for _, cat := range model.Categories {
		if tc, ok := tally[cat]; ok {
			p.Tally = append(p.Tally, *tc)
		}
	}
	return p, nil
}

// synthesisPage is the synthesis as a page, printable as the report the
// secretariat tables at the next meeting.
func (s *Server) synthesisPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.synthesis(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.Synthesis(p))
	return nil
}

var synthesisCSVHeader = []string{"Version", "Paragraphe", "Texte du paragraphe", "Type", "Organisme", "Catégorie", "Passage cité",
	"Commentaire ou justification", "Nouvelle rédaction proposée", "Soutiens", "Réponse", "Motif de la réponse",
	"Intégré à la version", "Paragraphe réécrit depuis", "Déposé le"}

// synthesisCSV is the synthesis as a formula-safe CSV file.
func (s *Server) synthesisCSV(w http.ResponseWriter, r *http.Request) error {
	p, err := s.synthesis(r)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, para := range p.Paragraphs {
		for _, c := range para.Contributions {
			merged := ""
			if c.MergedIn != 0 {
				merged = strconv.Itoa(c.MergedIn)
			}
			rows = append(rows, []string{strconv.Itoa(c.Version), strconv.Itoa(c.Number), c.Paragraph, c.Kind.Label(), c.BodyName,
				c.Category.Label(), c.Quote, c.Text, c.Wording, strings.Join(c.Supporters, " | "), c.Verdict.Label(), c.AnswerReason,
				merged, yesNo(para.Rewritten), export.Date(c.CreatedAt.In(view.Paris))})
		}
	}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, synthesisCSVHeader, rows); err != nil {
		return err
	}
	s.sendSynthesis(w, p.Text, "text/csv; charset=utf-8", "csv", &buf)
	return nil
}

// synthesisContribution is one contribution in the JSON export.
type synthesisContribution struct {
	ID                 int64    `json:"id"`
	Version            int      `json:"version"`
	Paragraph          int      `json:"paragraph"`
	Anchor             string   `json:"anchor"`
	ParagraphRewritten bool     `json:"paragraph_rewritten"`
	Kind               string   `json:"kind"`
	Body               string   `json:"body"`
	Category           string   `json:"category"`
	Quote              string   `json:"quote,omitempty"`
	Text               string   `json:"text"`
	Wording            string   `json:"wording,omitempty"`
	Supporters         []string `json:"supporters"`
	Answer             string   `json:"answer,omitempty"`
	AnswerReason       string   `json:"answer_reason,omitempty"`
	MergedIn           int      `json:"merged_in_version,omitempty"`
	CreatedAt          string   `json:"created_at"`
}

// synthesisJSON is the synthesis as JSON.
func (s *Server) synthesisJSON(w http.ResponseWriter, r *http.Request) error {
	p, err := s.synthesis(r)
	if err != nil {
		return err
	}
	out := struct {
		ID             int64                   `json:"id"`
		Title          string                  `json:"title"`
		CurrentVersion int                     `json:"current_version"`
		OpensAt        string                  `json:"opens_at"`
		ClosesAt       string                  `json:"closes_at"`
		Contributions  []synthesisContribution `json:"contributions"`
	}{ID: p.Text.ID, Title: p.Text.Title, CurrentVersion: p.Text.CurrentVersion, OpensAt: view.ISO(p.Text.OpensAt),
		ClosesAt: view.ISO(p.Text.ClosesAt), Contributions: []synthesisContribution{}}
	for _, para := range p.Paragraphs {
		for _, c := range para.Contributions {
			out.Contributions = append(out.Contributions, synthesisContribution{ID: c.ID, Version: c.Version, Paragraph: c.Number,
				Anchor: c.Anchor, ParagraphRewritten: para.Rewritten, Kind: string(c.Kind), Body: c.BodyName, Category: string(c.Category),
				Quote: c.Quote, Text: c.Text, Wording: c.Wording, Supporters: append([]string{}, c.Supporters...),
				Answer: string(c.Verdict), AnswerReason: c.AnswerReason, MergedIn: c.MergedIn, CreatedAt: view.ISO(c.CreatedAt)})
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	s.sendSynthesis(w, p.Text, "application/json; charset=utf-8", "json", &buf)
	return nil
}

// sendSynthesis sends an export as an attachment. Members' data: no
// cross-origin access and no shared cache, unlike the open-data exports.
func (s *Server) sendSynthesis(w http.ResponseWriter, t model.DraftText, contentType, ext string, buf *bytes.Buffer) {
	sendAttachment(w, contentType, fmt.Sprintf("synthese-consultation-%d-%s.%s", t.ID, export.Date(s.now().In(view.Paris)), ext), buf)
}

// compareVersions shows two versions of a text paragraph by paragraph,
// with the changed words marked.
func (s *Server) compareVersions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := s.draftTextFromPath(r)
	if err != nil {
		return err
	}
	from, err := versionParam(r, t, "de", max(1, t.CurrentVersion-1))
	if err != nil {
		return err
	}
	to, err := versionParam(r, t, "a", t.CurrentVersion)
	if err != nil {
		return err
	}
	a, err := s.store.TextVersion(ctx, t.ID, from)
	if err != nil {
		return err
	}
	b, err := s.store.TextVersion(ctx, t.ID, to)
	if err != nil {
		return err
	}
	p := view.CompareVersionsPage{Base: s.base(r, fmt.Sprintf("Versions %d et %d – %s", from, to, t.Title)), Text: t, From: from, To: to,
		Lines: textdiff.Lines(blockLines(a.Blocks), blockLines(b.Blocks))}
	p.Nav = "consultations"
	s.render(w, r, http.StatusOK, view.CompareVersions(p))
	return nil
}

// blockLines writes each block of a version on one line, headings marked,
// so that the line diff pairs paragraphs.
func blockLines(blocks []model.TextBlock) string {
	var b strings.Builder
	for _, bl := range blocks {
		if bl.Heading() {
			b.WriteString(strings.Repeat("#", bl.Level) + " ")
		}
		b.WriteString(strings.Join(strings.Fields(bl.Text), " "))
		b.WriteString("\n")
	}
	return b.String()
}
