package seed

import (
	"context"
	"fmt"
	"strings"
	"time"

	"comite/internal/markdown"
	"comite/internal/model"
	"comite/internal/store"
)

// DemoDraftTitle is the title of the demo consultation on a draft text.
const DemoDraftTitle = "Procédure du mécanisme national d'identification, d'orientation et de protection des victimes (document de travail)"

// demoDraft is written from public facts (the plan 2024-2027 announces the
// MNIOP; administrations and associations work on a reporting pathway for
// presumed victims); everything else is an example, and says so.
const demoDraft = `# Objet

*Texte d'exemple, rédigé pour la démonstration du portail : ce n'est pas un document officiel.*

Le plan national de lutte contre l'exploitation et la traite des êtres humains 2024-2027 prévoit la création d'un mécanisme national d'identification, d'orientation et de protection des victimes (MNIOP). La présente procédure décrit le parcours d'une victime présumée, du repérage à la protection.

# Repérage et signalement

Tout professionnel qui repère une victime présumée de traite ou d'exploitation remplit la fiche de signalement du mécanisme et la transmet au référent de son administration.

Le référent transmet le signalement à la cellule nationale du mécanisme dans un délai de cinq jours ouvrés.

# Orientation

La cellule nationale oriente la victime présumée vers une structure d'accompagnement adaptée à sa situation, en lien avec les associations spécialisées membres du comité.

Lorsque la victime présumée est mineure, la cellule informe sans délai le parquet et le conseil départemental.

# Protection

La victime présumée est informée de ses droits, dans une langue qu'elle comprend : délai de réflexion, accès à un hébergement sécurisé, accompagnement juridique et social.
`

// demoAmendment replaces the fourth paragraph in version 2.
const (
	demoAmended  = "Le référent transmet le signalement à la cellule nationale du mécanisme dans un délai de cinq jours ouvrés."
	demoAmending = "Le référent transmet le signalement à la cellule nationale du mécanisme sans délai, et au plus tard dans les deux jours ouvrés."
)

// DraftTexts adds the demo consultation on a draft text once its demo
// accounts exist: version 1, an amendment of the demo association that
// the demo union supports and the secretariat accepts, a comment of the
// union answered in part, and version 2 with the amendment merged. It does
// nothing when the text is already there.
func DraftTexts(ctx context.Context, st *store.Store, now time.Time) error {
	return st.InTx(ctx, func(tx *store.Store) error {
		texts, _, err := tx.DraftTexts(ctx, 0, 100)
		if err != nil {
			return err
		}
		for _, t := range texts {
			if t.Title == DemoDraftTitle {
				return nil
			}
		}
		account := func(email string) (model.Account, error) {
			a, err := tx.AccountByEmail(ctx, email)
			if err != nil {
				return a, fmt.Errorf("demo draft text: account %s: %w", email, err)
			}
			return a, nil
		}
		assoc, err := account("association@demo.comite.example")
		if err != nil {
			return err
		}
		union, err := account("syndicat@demo.comite.example")
		if err != nil {
			return err
		}
		t := model.DraftText{Title: DemoDraftTitle, OpensAt: now.AddDate(0, 0, -20), ClosesAt: now.AddDate(0, 0, 25),
			Categories: model.Categories, Illustrative: true,
			ContextMD: "*Consultation d'exemple.* Le secrétariat soumet aux membres un premier projet de procédure du mécanisme. Commentez les paragraphes ou proposez une nouvelle rédaction."}
		t.ContextHTML = markdown.Limited(t.ContextMD)
		if t.ID, err = tx.CreateDraftText(ctx, t, 0); err != nil {
			return err
		}
		if _, err := tx.LockDraftText(ctx, t.ID); err != nil {
			return err
		}
		v1 := demoBlocks(demoDraft)
		if err := tx.AddTextVersion(ctx, model.TextVersion{TextID: t.ID, Version: 1, SourceMD: demoDraft,
			CreatedAt: now.AddDate(0, 0, -20), Blocks: v1}, 0); err != nil {
			return err
		}
		anchor := func(text string) string {
			for _, b := range v1 {
				if b.Text == text {
					return b.Anchor
				}
			}
			return ""
		}
		contribute := func(a model.Account, kind model.ContributionKind, on, text, wording string, daysAgo int) (int64, error) {
			return tx.CreateContribution(ctx, model.Contribution{TextID: t.ID, Version: 1, Anchor: anchor(on), Kind: kind,
				Text: text, HTML: markdown.Limited(text), Wording: wording, AuthorID: a.ID, BodyID: a.BodyID, Category: a.BodyCategory,
				State: model.CommentPublished, Illustrative: true, CreatedAt: now.AddDate(0, 0, -daysAgo)})
		}
		amendment, err := contribute(assoc, model.ContributionAmendment, demoAmended,
			"*Amendement d'exemple.* Cinq jours ouvrés laissent la victime sans protection au moment où elle est la plus exposée aux pressions de ses exploiteurs.",
			demoAmending, 15)
		if err != nil {
			return err
		}
		if err := tx.SetSupport(ctx, amendment, union.BodyID, union.ID, true); err != nil {
			return err
		}
		minors := "Lorsque la victime présumée est mineure, la cellule informe sans délai le parquet et le conseil départemental."
		comment, err := contribute(union, model.ContributionComment, minors,
			"*Commentaire d'exemple.* Les organisations syndicales demandent que l'inspection du travail soit aussi informée lorsque l'exploitation a lieu dans une entreprise.",
			"", 12)
		if err != nil {
			return err
		}
		if err := tx.AnswerContribution(ctx, amendment, model.VerdictAccepted,
			"Réponse d'exemple : le délai est ramené à deux jours ouvrés dans la version 2.", 0, now.AddDate(0, 0, -5)); err != nil {
			return err
		}
		if err := tx.AnswerContribution(ctx, comment, model.VerdictPartlyAccepted,
			"Réponse d'exemple : l'information de l'inspection du travail sera précisée dans la fiche de signalement plutôt que dans la procédure.",
			0, now.AddDate(0, 0, -5)); err != nil {
			return err
		}
		v2src := strings.Replace(demoDraft, demoAmended, demoAmending, 1)
		if err := tx.AddTextVersion(ctx, model.TextVersion{TextID: t.ID, Version: 2, SourceMD: v2src,
			Note: "Version d'exemple : l'amendement sur le délai de transmission est intégré.", CreatedAt: now.AddDate(0, 0, -4),
			Blocks: demoBlocks(v2src)}, 0); err != nil {
			return err
		}
		if _, err := tx.MarkMerged(ctx, t.ID, 2); err != nil {
			return err
		}
		// Tabled at the meeting to come, with its synthesis, on the last
		// point of its agenda.
		next, err := tx.MeetingsAfter(ctx, now, 1)
		if err != nil || len(next) == 0 {
			return err
		}
		items, err := tx.AgendaItems(ctx, next[0].ID)
		if err != nil || len(items) == 0 {
			return err
		}
		t.AgendaItemID = items[len(items)-1].ID
		return tx.UpdateDraftText(ctx, t)
	})
}

func demoBlocks(src string) []model.TextBlock {
	blocks := model.SplitDraft(src)
	for i := range blocks {
		if !blocks[i].Heading() {
			blocks[i].HTML = markdown.Document(blocks[i].Text)
		}
	}
	return blocks
}
