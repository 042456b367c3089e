package seed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"comite/internal/blob"
	"comite/internal/markdown"
	"comite/internal/model"
	"comite/internal/store"
)

// NewsSlug is the address of the demo article, /news/NewsSlug.
const NewsSlug = "premiere-reunion-du-comite-de-coordination-de-la-mandature-2024"

// demoMeetingSlug is the meeting of 21 March 2024 in demo.json, which the
// article tells of and where the intervention was made.
const demoMeetingSlug = "cc-2024-03-21"

// demoArticle is the account of the committee's first meeting that this
// portal was designed from, written anew from the public facts. Its draft
// had three placeholders; here they are real links: [[lien:1]] the 21 March
// 2024 meeting, [[lien:2]] the 2024 mandate and its JO reference, [[lien:3]]
// the attached intervention.
var demoArticle = model.NewsArticle{
	Slug:  NewsSlug,
	Title: "Première réunion du comité de coordination de la mandature 2024",
	Summary: "Le 21 mars 2024, une soixantaine de membres ont ouvert la nouvelle mandature du comité : objectifs de la MIPROF, " +
		"articulation des plans nationaux, observatoire de la traite et mécanisme national d'orientation des victimes.",
	Body: `Le comité de coordination de la lutte contre l'exploitation et la traite des êtres humains a tenu le 21 mars 2024 la première réunion de sa nouvelle mandature : [[lien:1]].

Une soixantaine de personnes y ont pris part, pour les administrations, les associations, les organisations syndicales et les instances indépendantes, dont la CNCDH et le Défenseur des droits. Les membres du comité ont été nommés par arrêté : voir la [[lien:2|liste des membres publiée au Journal officiel]].

## Les objectifs de la mission

Le secrétariat général de la MIPROF a présenté les objectifs de la mission et la façon dont le comité suivra la mise en œuvre du plan national d'action contre l'exploitation et la traite des êtres humains.

## Les questions ouvertes

Les membres ont relevé plusieurs points d'attention :

- l'articulation et la lisibilité des plans et stratégies nationales qui touchent à la traite : enfance et violences, prostitution des mineurs, vulnérabilité des personnes migrantes, violences faites aux femmes, travail illégal, cible 8.7 sur le travail des enfants et le travail forcé ;
- les moyens dont disposera le plan ;
- la création d'un observatoire de la traite, et le rôle futur de la MIPROF dans les statistiques que produisent les associations.

## Le mécanisme national d'orientation des victimes

Le mécanisme national d'identification précoce, d'orientation et de protection des victimes est une priorité pour tous ; sa forme et son contenu restent à définir. La coordinatrice du collectif d'associations est intervenue sur ce point : son intervention est jointe à cet article ([[lien:3]]).

## Rencontre avec le GRETA

Le 28 mars 2024, le GRETA, groupe d'experts du Conseil de l'Europe, a réuni à Paris institutions et associations pour faire le point sur les progrès de la France et leurs limites au regard de ses recommandations.`,
	Visibility:   model.VisibilityPublic,
	Illustrative: true,
}

// demoArticleDate is when the demo article was published, in Paris.
var demoArticleDate = time.Date(2024, 3, 29, 10, 0, 0, 0, time.FixedZone("CET", 3600))

// demoIntervention is the attached PDF: a short text made for the demo,
// titled as an example so that nobody takes it for the real intervention.
var demoIntervention = struct {
	Title, Filename string
	Lines           []string
}{
	Title:    "Exemple – Intervention du collectif associatif sur le mécanisme national d'orientation (document illustratif)",
	Filename: "exemple-intervention-mecanisme-national.pdf",
	Lines: []string{
		"EXEMPLE – DOCUMENT ILLUSTRATIF",
		"Ce document a été créé pour la démonstration du portail.",
		"Il ne reproduit pas l'intervention réellement prononcée.",
		"",
		"Comité de coordination – réunion du 21 mars 2024",
		"Intervention de la coordination du collectif d'associations",
		"",
		"Objet : le mécanisme national d'identification, d'orientation",
		"et de protection des victimes de la traite.",
		"",
		"1. Identifier tôt : former les professionnels qui rencontrent",
		"   les victimes et leur donner une grille commune.",
		"2. Orienter vite : un interlocuteur désigné par territoire.",
		"3. Protéger : hébergement, accompagnement et accès aux droits.",
		"",
		"Le collectif demande que la forme et le contenu du mécanisme",
		"soient définis avec les associations membres du comité.",
	},
}

// News loads the demo article with its links and its attached PDF, once
// (the PDF also attached to the 21 March 2024 meeting and its agenda point):
// an article that exists is left as the secretariat made it. files stores
// the PDF; News does nothing without it.
func News(ctx context.Context, st *store.Store, files *blob.Store) error {
	if files == nil {
		return nil
	}
	if _, err := st.NewsBySlug(ctx, NewsSlug); err == nil {
		return nil
	} else if !errors.Is(err, model.ErrNotFound) {
		return err
	}
	meeting, err := st.MeetingBySlug(ctx, demoMeetingSlug)
	if err != nil {
		return fmt.Errorf("demo article: %w", err)
	}
	mandate, err := mandateBySlug(ctx, st, "mandature-2024")
	if err != nil {
		return fmt.Errorf("demo article: %w", err)
	}
	pdf := demoPDF(demoIntervention.Lines)
	// The file first, then the rows: a failure in between leaves an
	// unreferenced file, which the sweeper removes.
	staged, err := files.Stage(ctx, bytes.NewReader(pdf), int64(len(pdf))+1)
	if err != nil {
		return fmt.Errorf("demo intervention: %w", err)
	}
	defer staged.Discard()
	if err := files.Commit(ctx, staged); err != nil {
		return fmt.Errorf("demo intervention: %w", err)
	}
	err = st.InTx(ctx, func(tx *store.Store) error {
		docID, err := createIntervention(ctx, tx, staged)
		if err != nil {
			return err
		}
		articleID, err := createArticle(ctx, tx)
		if err != nil {
			return err
		}
		return linkArticle(ctx, tx, articleID, docID, meeting.ID, mandate.ID)
	})
	if errors.Is(err, errSeededMeanwhile) {
		return nil
	}
	return err
}

var errSeededMeanwhile = errors.New("demo article made meanwhile")

// createIntervention creates the intervention's document, its version
// the staged PDF, and returns its id.
func createIntervention(ctx context.Context, tx *store.Store, staged *blob.Staged) (int64, error) {
	docID, err := tx.CreateDocument(ctx, model.Document{Title: demoIntervention.Title, Kind: model.KindIntervention,
		Language: "fr", Date: time.Date(2024, 3, 21, 0, 0, 0, 0, time.UTC), Visibility: model.VisibilityPublic,
		Description: "Document créé pour la démonstration du portail : il illustre une pièce jointe de réunion et d'actualité et ne reproduit pas l'intervention réelle."})
	if err != nil {
		return 0, err
	}
	versionID, _, err := tx.AddVersion(ctx, model.DocumentVersion{DocumentID: docID, SHA256: staged.SHA256, Size: staged.Size,
		MediaType: "application/pdf", Filename: demoIntervention.Filename})
	if err != nil {
		return 0, err
	}
	// The text is known: no extraction job needed for search.
	return docID, tx.SetExtraction(ctx, versionID, "done", strings.Join(demoIntervention.Lines, "\n"), "")
}

// createArticle creates the demo article, published, and returns its id;
// errSeededMeanwhile when another start made it first.
func createArticle(ctx context.Context, tx *store.Store) (int64, error) {
	a := demoArticle
	published := demoArticleDate
	a.PublishedAt = &published
	a.SlugFrozen = true
	a.BodyHTML = markdown.Document(a.Body)
	// Demo accounts are not mailed about a 2024 article.
	a.Notify = false
	articleID, created, err := tx.EnsureNews(ctx, a)
	if err != nil {
		return 0, err
	}
	if !created {
		// Made meanwhile by another start: keep its document, not ours.
		return 0, errSeededMeanwhile
	}
	return articleID, nil
}

// linkArticle fills the article's three links, in the order of its
// placeholders, and attaches the intervention to the article, the meeting
// and the meeting's agenda item.
func linkArticle(ctx context.Context, tx *store.Store, articleID, docID, meetingID, mandateID int64) error {
	for _, l := range []struct {
		t  model.LinkTarget
		id int64
	}{{model.LinkMeeting, meetingID}, {model.LinkMandate, mandateID}, {model.LinkDocument, docID}} {
		if _, err := tx.AddNewsLink(ctx, articleID, l.t, l.id); err != nil {
			return err
		}
	}
	if err := tx.LinkDocument(ctx, docID, "news", articleID); err != nil {
		return err
	}
	// The intervention was made at the meeting, on one point of its
	// agenda: members find it there too.
	if err := tx.LinkDocument(ctx, docID, "meeting", meetingID); err != nil {
		return err
	}
	itemID, err := interventionItem(ctx, tx, meetingID)
	if err != nil || itemID == 0 {
		return err
	}
	return tx.LinkDocument(ctx, docID, "agenda_item", itemID)
}

// interventionItem returns the agenda item of the meeting that demo.json
// marks as the intervention's, found by its title; 0 when the secretariat
// has renamed or removed it.
func interventionItem(ctx context.Context, tx *store.Store, meetingID int64) (int64, error) {
	d, err := load()
	if err != nil {
		return 0, err
	}
	title := ""
	for _, m := range d.Meetings {
		if m.Slug != demoMeetingSlug {
			continue
		}
		for _, it := range m.Agenda {
			if it.Intervention {
				title = it.Title
			}
		}
	}
	items, err := tx.AgendaItems(ctx, meetingID)
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		if title != "" && it.Title == title {
			return it.ID, nil
		}
	}
	return 0, nil
}

func mandateBySlug(ctx context.Context, st *store.Store, slug string) (model.Mandate, error) {
	ms, err := st.Mandates(ctx)
	if err != nil {
		return model.Mandate{}, err
	}
	for _, m := range ms {
		if m.Slug == slug {
			return m, nil
		}
	}
	return model.Mandate{}, fmt.Errorf("mandate %q: %w", slug, model.ErrNotFound)
}

// demoPDF writes a one-page PDF 1.4 of the given lines in Helvetica, with
// the cross-reference table PDF readers need. The text is encoded in
// WinAnsi, which covers French.
func demoPDF(lines []string) []byte {
	var content bytes.Buffer
	content.WriteString("BT\n/F1 12 Tf\n15 TL\n56 780 Td\n")
	for i, l := range lines {
		if i == 0 {
			content.WriteString("/F1 14 Tf\n")
		} else if i == 1 {
			content.WriteString("/F1 11 Tf\n")
		}
		content.WriteString("(" + pdfString(l) + ") Tj T*\n")
	}
	content.WriteString("ET\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Title (" + pdfString(demoIntervention.Title) + ") /Producer (Comite, demonstration) >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, len(objects), xref)
	return b.Bytes()
}

// winAnsi maps the characters outside Latin-1 that French text uses to
// their WinAnsiEncoding byte.
var winAnsi = map[rune]byte{'œ': 0x9c, 'Œ': 0x8c, '’': 0x92, '–': 0x96, '—': 0x97, '€': 0x80, '…': 0x85}

// pdfString encodes s as the inside of a PDF literal string.
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteByte(byte(r))
		case winAnsi[r] != 0:
			b.WriteByte(winAnsi[r])
		case r < 0x100:
			b.WriteByte(byte(r))
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
