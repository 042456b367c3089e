package server

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"comite/internal/access"
	"comite/internal/docimport"
	"comite/internal/markdown"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// The secretariat's side of a consultation on a draft text: creating it
// (from markdown or an imported .docx/.odt), its settings and window,
// answers, moderation and new versions.

var draftTextFields = []view.Field{
	{Name: "title", Label: "Titre du texte", Kind: "text", Required: true,
		Hint: "Laissé vide lors d'un import, c'est le titre du fichier."},
	{Name: "context", Label: "Contexte de la consultation", Kind: "textarea", Rows: 4,
		Hint: "Ce que le secrétariat attend des membres ; mise en forme simple (markdown)."},
	{Name: "opens", Label: "Ouverture le", Kind: "date", Required: true, Hint: "À 0 h, heure de Paris."},
	{Name: "closes", Label: "Clôture le", Kind: "date", Required: true, Hint: "Inclus : la consultation se termine à minuit ce jour-là."},
	{Name: "categories", Label: "Catégories de membres qui peuvent contribuer", Kind: "checkboxes"},
	{Name: "premoderation", Label: "Publier chaque contribution après validation par le secrétariat (prémodération)", Kind: "checkbox"},
	{Name: "agenda", Label: "Point de l'ordre du jour où le texte sera présenté", Kind: "select"},
}

var draftSourceFields = []view.Field{
	{Name: "text", Label: "Texte (markdown)", Kind: "textarea", Rows: 16,
		Hint: "Un titre par ligne commençant par #, ## ou ### ; les paragraphes séparés par une ligne vide sont numérotés. Laissez vide pour importer un fichier."},
	{Name: "file", Label: "Ou importer un fichier .docx ou .odt", Kind: "file", Accept: ".docx,.odt",
		Hint: "Titres, paragraphes, listes, tableaux et notes sont convertis ; ce qui ne peut l'être est signalé."},
}

// draftFormFields is the create form (settings and source) or, with
// source false, the settings form.
func (s *Server) draftFormFields(r *http.Request, source bool) ([]view.Field, error) {
	fields := slices.Clone(draftTextFields)
	fields[4].Options = categoryChoices()
	items, err := s.agendaChoices(r)
	if err != nil {
		return nil, err
	}
	fields[6].Options = items
	if source {
		sf := slices.Clone(draftSourceFields)
		sf[1].MaxBytes = s.cfg.MaxUploadBytes
		fields = append(fields, sf...)
	}
	return fields, nil
}

// agendaChoices are the agenda items of the meetings of the last three
// months and to come, where a text may be tabled.
func (s *Server) agendaChoices(r *http.Request) ([]view.Option, error) {
	ctx := r.Context()
	opts := []view.Option{{Value: "", Label: "Aucun"}}
	meetings, err := s.store.MeetingsAfter(ctx, s.now().AddDate(0, -3, 0), 12)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(meetings))
	for i, m := range meetings {
		ids[i] = m.ID
	}
	agendas, err := s.store.AgendaItemsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, m := range meetings {
		for i, it := range agendas[m.ID] {
			opts = append(opts, view.Option{Value: strconv.FormatInt(it.ID, 10),
				Label: fmt.Sprintf("%s – %s – point %d : %s", view.Date(m.StartsAt), m.Title, i+1, it.Title)})
		}
	}
	return opts, nil
}

// readDraftSettings checks the settings part of the form into t.
func readDraftSettings(form *view.Form, fields []view.Field, t *model.DraftText) {
	c := newChecker(form, fields)
	t.Title = c.text("title", 300)
	t.ContextMD = c.text("context", model.CommentMaxLength)
	t.ContextHTML = markdown.Limited(t.ContextMD)
	opens, closes := c.date("opens"), c.date("closes")
	if opens != nil && closes != nil {
		t.OpensAt = parisMidnight(*opens)
		t.ClosesAt = parisMidnight(*closes).AddDate(0, 0, 1)
		if closes.Before(*opens) {
			c.fail("closes", "La date de clôture doit être postérieure ou égale à la date d'ouverture.")
		}
	}
	t.Categories = readCategories(strings.Split(form.Value("categories"), ","))
	if len(t.Categories) == 0 {
		c.fail("categories", "Cochez au moins une catégorie de membres.")
	}
	t.Premoderation = form.Value("premoderation") == "1"
	t.AgendaItemID = c.id("agenda")
	if t.AgendaItemID != 0 && !slices.ContainsFunc(fields[6].Options, func(o view.Option) bool { return o.Value == form.Value("agenda") }) {
		c.fail("agenda", "Choisissez un point de l'ordre du jour dans la liste.")
	}
}

// draftBlocks cuts markdown into the blocks of a version, each rendered
// once, now, as every user markdown is.
func draftBlocks(src string) []model.TextBlock {
	blocks := model.SplitDraft(src)
	for i := range blocks {
		if !blocks[i].Heading() {
			// A paragraph may be a list, a quote or a table from an
			// imported file: the secretariat's long-text rendering.
			blocks[i].HTML = markdown.Document(blocks[i].Text)
		}
	}
	return blocks
}

// newDraftText creates a text and its first version, from the markdown
// typed or from an imported file.
func (s *Server) newDraftText(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	fields, err := s.draftFormFields(r, true)
	if err != nil {
		return err
	}
	page := view.EditPage{Base: s.base(r, "Nouveau texte soumis à consultation"), Back: "/consultations", BackLabel: "Retour aux consultations",
		Intro:  "Le texte est découpé en paragraphes numérotés sur lesquels les membres commentent et proposent des amendements.",
		Action: "/consultations/new", Submit: "Publier le texte", Fields: fields, Multipart: true}
	page.Nav = "consultations"
	if r.Method == http.MethodGet {
		page.Form = view.NewForm()
		today := s.now().In(view.Paris)
		page.Form.Values["opens"] = today.Format(time.DateOnly)
		page.Form.Values["closes"] = today.AddDate(0, 1, 0).Format(time.DateOnly)
		page.Form.Values["categories"] = joinCategories(model.Categories)
		s.render(w, r, http.StatusOK, view.Edit(page))
		return nil
	}
	up, err := s.readUpload(r, fields)
	if err != nil {
		return err
	}
	defer up.Discard()
	form := up.form
	src, lost, title := form.Value("text"), []string(nil), ""
	switch {
	case up.staged != nil && form.Error("file") == "":
		src, lost, title, err = s.importDraft(up)
		var refused importError
		switch {
		case errors.As(err, &refused) || errors.Is(err, docimport.ErrUnreadable):
			form.Fail("file", fields[8].Label, err.Error())
		case err != nil:
			return err
		}
	case up.staged == nil && src == "":
		form.Fail("text", fields[7].Label, "Saisissez le texte, ou choisissez un fichier .docx ou .odt à importer.")
	}
	// A title left empty is the file's own, when it has one.
	if form.Value("title") == "" && title != "" {
		form.Values["title"] = title
	}
	var t model.DraftText
	readDraftSettings(form, fields, &t)
	blocks := draftBlocks(src)
	if form.Valid() && !slices.ContainsFunc(blocks, func(b model.TextBlock) bool { return !b.Heading() }) {
		form.Fail("text", fields[7].Label, "Le texte ne contient aucun paragraphe.")
	}
	if !form.Valid() {
		page.Form = form
		page.Title = "Erreur – " + page.Title
		s.render(w, r, up.status(), view.Edit(page))
		return nil
	}
	v := viewerOf(ctx)
	location, err := s.createOnce(r, form.Value(view.SubmissionField), func(tx *store.Store) (string, error) {
		id, err := tx.CreateDraftText(ctx, t, v.AccountID)
		if err != nil {
			return "", err
		}
		if _, err := tx.LockDraftText(ctx, id); err != nil {
			return "", err
		}
		if err := tx.AddTextVersion(ctx, model.TextVersion{TextID: id, Version: 1, SourceMD: src, Lost: lost, CreatedAt: s.now(),
			Blocks: blocks}, v.AccountID); err != nil {
			return "", err
		}
		if err := s.record(ctx, tx, r, "draft_text.create", "draft_text", id, nil, map[string]any{"title": t.Title,
			"opens": t.OpensAt, "closes": t.ClosesAt, "categories": t.Categories, "premoderation": t.Premoderation,
			"paragraphs": len(blocks), "lost": lost, "file": up.filename}); err != nil {
			return "", err
		}
		return fmt.Sprintf("/consultations/%d", id), nil
	})
	if err != nil {
		return err
	}
	flash := "Le texte est publié pour la consultation."
	if len(lost) > 0 {
		flash += " Le fichier contenait des éléments non convertis : ils sont signalés en tête du texte."
	}
	s.redirectWithFlash(w, r, location, flash)
	return nil
}

// managedDraftText reads the route's text for the secretariat.
func (s *Server) managedDraftText(r *http.Request) (model.DraftText, error) {
	if !access.CanManageDraftTexts(viewerOf(r.Context())) {
		return model.DraftText{}, model.ErrForbidden
	}
	return s.draftTextFromPath(r)
}

// editDraftText changes a text's settings: title, context, window, who
// takes part, pre-moderation and the agenda item it is tabled on.
func (s *Server) editDraftText(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := s.managedDraftText(r)
	if err != nil {
		return err
	}
	fields, err := s.draftFormFields(r, false)
	if err != nil {
		return err
	}
	page := view.EditPage{Base: s.base(r, "Paramètres de la consultation – "+t.Title), Back: fmt.Sprintf("/consultations/%d", t.ID),
		BackLabel: "Retour au texte", Action: fmt.Sprintf("/consultations/%d/edit", t.ID), Submit: "Enregistrer", Fields: fields}
	page.Nav = "consultations"
	if r.Method == http.MethodGet {
		f := view.NewForm()
		f.Values["title"], f.Values["context"] = t.Title, t.ContextMD
		f.Values["opens"], f.Values["closes"] = windowDates(t)
		f.Values["categories"] = joinCategories(t.Categories)
		if t.Premoderation {
			f.Values["premoderation"] = "1"
		}
		f.Values["agenda"] = formatID(t.AgendaItemID)
		page.Form = f
		s.render(w, r, http.StatusOK, view.Edit(page))
		return nil
	}
	form, err := readForm(r, fields)
	if err != nil {
		return err
	}
	before := t
	readDraftSettings(form, fields, &t)
	// A day left as shown keeps its instant: a window closed at 15 h by
	// « Clore la consultation » must not reopen until midnight because
	// the title was corrected.
	opens, closes := windowDates(before)
	if form.Value("opens") == opens {
		t.OpensAt = before.OpensAt
	}
	if form.Value("closes") == closes {
		t.ClosesAt = before.ClosesAt
	}
	if !form.Valid() {
		page.Form = form
		page.Title = "Erreur – " + page.Title
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(page))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateDraftText(ctx, t); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "draft_text.edit", "draft_text", t.ID, draftAudit(before), draftAudit(t))
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, fmt.Sprintf("/consultations/%d", t.ID), "Les paramètres de la consultation sont enregistrés.")
	return nil
}

// windowDates are the days the settings form shows for t's window: its
// first day and its last (inclusive), in Paris.
func windowDates(t model.DraftText) (opens, closes string) {
	return t.OpensAt.In(view.Paris).Format(time.DateOnly), t.ClosesAt.In(view.Paris).Add(-time.Nanosecond).Format(time.DateOnly)
}

func draftAudit(t model.DraftText) map[string]any {
	return map[string]any{"title": t.Title, "context": t.ContextMD, "opens": t.OpensAt, "closes": t.ClosesAt,
		"categories": t.Categories, "premoderation": t.Premoderation, "agenda_item": t.AgendaItemID}
}

// closeDraftText ends the window now: later contributions are refused.
func (s *Server) closeDraftText(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := s.managedDraftText(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/consultations/%d", t.ID)
	now := s.now()
	if !t.OpenAt(now) {
		s.redirectWithFlash(w, r, back, "La consultation sur ce texte n'est pas ouverte.")
		return nil
	}
	before := t
	t.ClosesAt = now
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateDraftText(ctx, t); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "draft_text.close", "draft_text", t.ID, draftAudit(before), draftAudit(t))
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "La consultation est close : les contributions sont désormais refusées.")
	return nil
}

var versionFields = []view.Field{
	{Name: "text", Label: "Texte de la nouvelle version (markdown)", Kind: "textarea", Required: true, Rows: 20,
		Hint: "Les amendements retenus y sont déjà appliqués ; un paragraphe inchangé garde ses contributions."},
	{Name: "note", Label: "Note de version", Kind: "textarea", Rows: 3, Hint: "Ce qui change, en quelques mots."},
}

// newTextVersion publishes the next version of a text. The form starts
// from the current version with the amendments answered « retenu » (in
// whole or in part) applied; on publishing, every such amendment whose
// wording the new version holds is marked merged into it.
func (s *Server) newTextVersion(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := s.managedDraftText(r)
	if err != nil {
		return err
	}
	page := view.EditPage{Base: s.base(r, fmt.Sprintf("Version %d – %s", t.CurrentVersion+1, t.Title)),
		Back: fmt.Sprintf("/consultations/%d", t.ID), BackLabel: "Retour au texte",
		Action: fmt.Sprintf("/consultations/%d/versions/new", t.ID), Submit: "Publier la nouvelle version", Fields: versionFields}
	page.Nav = "consultations"
	if r.Method == http.MethodGet {
		src, err := s.amendedSource(r, t)
		if err != nil {
			return err
		}
		page.Form = view.NewForm()
		page.Form.Values["text"] = src
		s.render(w, r, http.StatusOK, view.Edit(page))
		return nil
	}
	form, err := readForm(r, versionFields)
	if err != nil {
		return err
	}
	c := newChecker(form, versionFields)
	src, note := c.text("text", 500000), c.text("note", 2000)
	blocks := draftBlocks(src)
	if form.Valid() && !slices.ContainsFunc(blocks, func(b model.TextBlock) bool { return !b.Heading() }) {
		c.fail("text", "Le texte ne contient aucun paragraphe.")
	}
	if !form.Valid() {
		page.Form = form
		page.Title = "Erreur – " + page.Title
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(page))
		return nil
	}
	var version int
	var merged []int64
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		locked, err := tx.LockDraftText(ctx, t.ID)
		if err != nil {
			return err
		}
		// Two publications at once: the second follows the first.
		version = locked.CurrentVersion + 1
		if err := tx.AddTextVersion(ctx, model.TextVersion{TextID: t.ID, Version: version, SourceMD: src, Note: note,
			CreatedAt: s.now(), Blocks: blocks}, viewerOf(ctx).AccountID); err != nil {
			return err
		}
		if merged, err = tx.MarkMerged(ctx, t.ID, version); err != nil {
			return err
		}
		if err := s.record(ctx, tx, r, "draft_text.version", "draft_text", t.ID, nil, map[string]any{"version": version,
			"note": note, "paragraphs": len(blocks), "merged": merged}); err != nil {
			return err
		}
		return s.mailDraftFollowers(r, tx, t, 0, fmt.Sprintf("Version %d : %s", version, t.Title),
			fmt.Sprintf("Le secrétariat a publié la version %d du texte « %s » :\n%s/consultations/%d/compare?de=%d&a=%d",
				version, t.Title, s.baseURL(), t.ID, version-1, version))
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, fmt.Sprintf("/consultations/%d", t.ID),
		fmt.Sprintf("La version %d est publiée ; %s.", version, view.Plural(len(merged), "amendement y est intégré", "amendements y sont intégrés")))
	return nil
}

// amendedSource is the current version of t with the wording of its
// amendments answered « retenu » (wholly or in part) in place of their
// paragraphs, the starting point of the next version.
func (s *Server) amendedSource(r *http.Request, t model.DraftText) (string, error) {
	ctx := r.Context()
	version, err := s.store.TextVersion(ctx, t.ID, t.CurrentVersion)
	if err != nil {
		return "", err
	}
	cs, err := s.store.Contributions(ctx, t.ID, t.CurrentVersion, false, 0)
	if err != nil {
		return "", err
	}
	wording := map[string]string{}
	for _, c := range cs {
		if c.Kind == model.ContributionAmendment && c.Verdict.Takes() && c.MergedIn == 0 && c.Shown() && c.Version == t.CurrentVersion {
			wording[c.Anchor] = c.Wording
		}
	}
	for i, b := range version.Blocks {
		if w, ok := wording[b.Anchor]; ok {
			version.Blocks[i].Text = w
		}
	}
	return model.JoinDraft(version.Blocks), nil
}
