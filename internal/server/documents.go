package server

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"comite/internal/access"
	"comite/internal/filetype"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

const documentsPageSize = 20

// errNoStorage means the server was built without a file store.
var errNoStorage = errors.New("no file storage configured")

func (s *Server) documents(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	v := viewerOf(ctx)
	p := view.DocumentsPage{Base: s.base(r, "Documents"), Kind: q.Get("kind"), Year: q.Get("year"), Attached: q.Get("attached"),
		CanUpload: access.CanUploadDocument(v, model.KindContribution)}
	p.Nav = "documents"
	// One row more than a page tells whether there is a next one.
	f := store.DocumentFilter{Reader: access.DocumentReader(v), Limit: documentsPageSize + 1}
	if k := model.DocumentKind(p.Kind); k.Valid() {
		f.Kind = k
	} else {
		p.Kind = ""
	}
	if y, err := strconv.Atoi(p.Year); err == nil && y > 1900 && y < 3000 {
		f.Year = y
	} else {
		p.Year = ""
	}
	if p.Attached == "meeting" {
		f.AttachedToMeeting = true
	} else {
		p.Attached = ""
	}
	page, err := pageNumber(q)
	if err != nil {
		return err
	}
	f.Offset = (page - 1) * documentsPageSize
	docs, total, err := s.store.Documents(ctx, f)
	if err != nil {
		return err
	}
	if p.Years, err = s.store.DocumentYears(ctx); err != nil {
		return err
	}
	if len(docs) > documentsPageSize {
		docs, p.More = docs[:documentsPageSize], true
	}
	p.Documents, p.Total, p.Page = docs, total, page
	p.TotalCapped = total > store.DocumentCountCap
	if page > 1 {
		p.Title = "Documents – page " + strconv.Itoa(page)
	}
	s.render(w, r, http.StatusOK, view.Documents(p))
	return nil
}

func (s *Server) document(w http.ResponseWriter, r *http.Request) error {
	d, err := s.documentFor(r)
	if err != nil {
		return err
	}
	p, err := s.documentPage(r, d, d.Title, view.NewForm())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.DocumentDetail(p))
	return nil
}

// documentPage gathers what the document page shows; versionForm carries
// the new-version form's input and errors.
func (s *Server) documentPage(r *http.Request, d model.Document, title string, versionForm *view.Form) (view.DocumentPage, error) {
	ctx := r.Context()
	v := viewerOf(ctx)
	p := view.DocumentPage{Base: s.base(r, title), Document: d, CanEdit: access.CanEditDocument(v, d),
		CanAttach: access.CanAttachDocuments(v), Visibility: d.VisibilityAt(s.now())}
	switch d.HeldFor {
	case model.HeldForUpdate:
		p.Hold = "Justificatif d'une mise à jour en attente de validation : seuls les pilotes de la mesure et le secrétariat le consultent jusqu'à sa publication."
	case model.HeldForAgenda:
		p.Hold = "Déposé pour un ordre du jour en préparation : seul le secrétariat le consulte jusqu'à la publication de l'ordre du jour."
	}
	p.Nav = "documents"
	var err error
	if p.Versions, err = s.store.Versions(ctx, d.ID); err != nil {
		return p, err
	}
	if p.Links, err = s.visibleLinks(ctx, v, d.ID); err != nil {
		return p, err
	}
	if p.CanAttach {
		if p.Meetings, err = s.store.MeetingChoices(ctx, s.now().AddDate(5, 0, 0), 200); err != nil {
			return p, err
		}
	}
	if p.CanEdit {
		p.VersionField = s.versionField()
		p.VersionForm = versionForm
	}
	return p, nil
}

func (s *Server) versionField() view.Field { return s.fileField("Fichier de la nouvelle version") }

// download sends a version's file with the headers that keep it from running
// in the portal's origin: attachment, nosniff and a sandboxing CSP.
func (s *Server) download(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.documentFor(r)
	if err != nil {
		return err
	}
	var version model.DocumentVersion
	if n := r.PathValue("n"); n != "" {
		num, err := strconv.Atoi(n)
		if err != nil || num < 1 {
			return model.ErrNotFound
		}
		if version, err = s.store.Version(ctx, d.ID, num); err != nil {
			return err
		}
	} else if d.Latest != nil {
		version = *d.Latest
	} else {
		return model.ErrNotFound
	}
	if s.files == nil {
		return errNoStorage
	}
	f, _, err := s.files.Open(ctx, version.SHA256)
	if err != nil {
		return fmt.Errorf("open file of document %d v%d: %w", d.ID, version.Number, err)
	}
	defer f.Close()
	h := w.Header()
	contentType := version.MediaType
	if strings.HasPrefix(contentType, "text/") {
		contentType += "; charset=utf-8"
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": version.Filename}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("ETag", `"`+version.SHA256+`"`)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "private, max-age=0, must-revalidate")
	}
	http.ServeContent(w, r, "", version.UploadedAt, f)
	return nil
}

// fileField is the upload input with the accepted formats and size limit.
func (s *Server) fileField(label string) view.Field {
	exts := filetype.Allowed()
	return view.Field{Name: "file", Label: label, Kind: "file", Required: true, Accept: strings.Join(exts, ","), MaxBytes: s.cfg.MaxUploadBytes,
		Hint: "Formats acceptés : " + strings.Join(exts, ", ") + ". Taille maximale : " + view.SizeLabel(s.cfg.MaxUploadBytes) + "."}
}

func languageOptions() []view.Option {
	var opts []view.Option
	for _, l := range model.Languages {
		opts = append(opts, view.Option{Value: l.Code, Label: l.Label})
	}
	return opts
}

// documentFields are the metadata fields; members uploading a contribution
// choose neither the kind nor the visibility.
func documentFields(v access.Viewer) []view.Field {
	kinds := []view.Option{}
	for _, k := range model.DocumentKinds {
		if access.CanUploadDocument(v, k) {
			kinds = append(kinds, view.Option{Value: string(k), Label: k.Label()})
		}
	}
	vis := []view.Option{}
	for _, l := range model.Visibilities {
		if access.CanChooseVisibility(v, l) {
			vis = append(vis, view.Option{Value: string(l), Label: l.Label()})
		}
	}
	fields := []view.Field{
		{Name: "title", Label: "Titre", Kind: "text", Required: true},
		{Name: "kind", Label: "Nature", Kind: "select", Required: true, Options: kinds},
		{Name: "language", Label: "Langue", Kind: "select", Required: true, Options: languageOptions()},
		{Name: "date", Label: "Date du document", Kind: "date", Required: true},
		{Name: "visibility", Label: "Visibilité", Kind: "select", Required: true, Options: vis},
	}
	if access.CanSetEmbargo(v) {
		fields = append(fields,
			view.Field{Name: "embargo_until", Label: "Levée de l'embargo", Kind: "datetime-local",
				Hint: "Facultatif. À cette date et heure (heure de Paris), la visibilité ci-dessous s'applique d'elle-même."},
			view.Field{Name: "embargo_visibility", Label: "Visibilité après l'embargo", Kind: "select",
				Options: []view.Option{{Value: "", Label: "Pas d'embargo"}, {Value: "members", Label: model.VisibilityMembers.Label()}, {Value: "public", Label: model.VisibilityPublic.Label()}}})
	}
	return append(fields, view.Field{Name: "description", Label: "Description", Kind: "textarea", Hint: "Facultative."})
}

func documentForm(d model.Document) *view.Form {
	f := view.NewForm()
	f.Values = map[string]string{"title": d.Title, "kind": string(d.Kind), "language": d.Language,
		"date": d.Date.Format(time.DateOnly), "visibility": string(d.Visibility), "embargo_visibility": string(d.EmbargoVisibility),
		"description": d.Description}
	if d.EmbargoUntil != nil {
		f.Values["embargo_until"] = d.EmbargoUntil.In(view.Paris).Format(datetimeLocal)
	}
	return f
}

// documentFromForm validates the metadata fields.
func documentFromForm(f *view.Form, fields []view.Field) model.Document {
	c := newChecker(f, fields)
	d := model.Document{
		Title:       c.text("title", 300),
		Kind:        model.DocumentKind(c.choice("kind")),
		Language:    c.choice("language"),
		Visibility:  model.Visibility(c.choice("visibility")),
		Description: c.text("description", 5000),
	}
	if date := c.date("date"); date != nil {
		d.Date = *date
	}
	if _, ok := c.fields["embargo_until"]; !ok {
		return d
	}
	d.EmbargoVisibility = model.Visibility(c.choice("embargo_visibility"))
	d.EmbargoUntil = c.datetime("embargo_until", "2026-03-21T18:00")
	switch {
	case d.EmbargoUntil != nil && d.EmbargoVisibility == "":
		c.fail("embargo_visibility", "Choisissez la visibilité qui s'appliquera après l'embargo.")
	case d.EmbargoUntil == nil && d.EmbargoVisibility != "":
		c.fail("embargo_until", "Indiquez la date de levée de l'embargo.")
	case d.EmbargoUntil != nil && (d.EmbargoVisibility == d.Visibility || d.EmbargoVisibility == model.VisibilitySecretariat ||
		(d.EmbargoVisibility == model.VisibilityMembers && d.Visibility == model.VisibilityPublic)):
		c.fail("embargo_visibility", "Après l'embargo, le document doit être visible plus largement qu'avant.")
	}
	return d
}

// storeVersion writes the staged file to storage, then records it in the
// same transaction as the caller's change, with its extraction job. If the
// transaction fails the file stays unreferenced and the sweeper removes it.
func (s *Server) storeVersion(ctx context.Context, tx *store.Store, up *upload, documentID, by int64) (model.DocumentVersion, error) {
	v := model.DocumentVersion{DocumentID: documentID, SHA256: up.staged.SHA256, Size: up.staged.Size,
		MediaType: up.staged.MediaType, Filename: up.filename, UploadedBy: by}
	var err error
	if v.ID, v.Number, err = tx.AddVersion(ctx, v); err != nil {
		return v, err
	}
	if s.jobs != nil {
		if err := s.jobs.EnqueueExtractTx(ctx, tx, v.ID); err != nil {
			return v, err
		}
	}
	return v, nil
}

// newDocument uploads a document to the library, attached as it is
// uploaded to what the query names (attachTarget), if anything.
func (s *Server) newDocument(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r.Context())
	fields := append(documentFields(v), s.fileField("Fichier"))
	target, err := s.attachTarget(r)
	if err != nil {
		return err
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(s.newDocumentPage(r, fields, target, "Déposer un document", newDocumentForm(v, target, s.now()))))
		return nil
	}
	return s.saveNewDocument(w, r, fields, target)
}

// newDocumentPage is the upload form, which says where the document will
// be attached, if anywhere.
func (s *Server) newDocumentPage(r *http.Request, fields []view.Field, target attachment, title string, f *view.Form) view.EditPage {
	p := view.EditPage{Base: s.base(r, title), Back: "/documents", BackLabel: "Tous les documents", Action: "/documents/new",
		Submit: "Déposer le document", Form: f, Fields: fields, Multipart: true}
	if target.kind != "" {
		p.Back, p.BackLabel = target.back, target.backLabel
		p.Action += "?" + r.URL.RawQuery
		p.Intro = "Le document sera joint " + target.label + "."
		if target.holdFor != 0 {
			p.Intro += " L'ordre du jour n'étant pas encore publié, seul le secrétariat pourra le consulter jusqu'à sa publication, quelle que soit la visibilité choisie."
		}
	}
	return p
}

// newDocumentForm proposes a document of today in French, for members (or
// the audience of what it is attached to); a member uploads a contribution.
func newDocumentForm(v access.Viewer, target attachment, now time.Time) *view.Form {
	f := view.NewForm()
	if target.kind != "" {
		f.Values["kind"] = string(model.KindOther)
	}
	f.Values["date"] = now.In(view.Paris).Format(time.DateOnly)
	f.Values["language"] = "fr"
	f.Values["visibility"] = string(model.VisibilityMembers)
	if target.visibility != "" {
		f.Values["visibility"] = string(target.visibility)
	}
	if !access.CanChooseDocumentKind(v) {
		f.Values["kind"] = string(model.KindContribution)
	}
	return f
}

// saveNewDocument stores the uploaded document, once, and attaches it to
// its target.
func (s *Server) saveNewDocument(w http.ResponseWriter, r *http.Request, fields []view.Field, target attachment) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	up, err := s.readUpload(r, fields)
	if err != nil {
		return err
	}
	defer up.Discard()
	d := documentFromForm(up.form, fields)
	if !up.form.Valid() {
		s.render(w, r, up.status(), view.Edit(s.newDocumentPage(r, fields, target, "Erreur – Déposer un document", up.form)))
		return nil
	}
	if !access.CanUploadDocument(v, d.Kind) {
		return model.ErrForbidden
	}
	d.CreatedBy = v.AccountID
	if target.holdFor != 0 {
		d.HeldFor, d.HeldID = model.HeldForAgenda, target.holdFor
	}
	if err := s.files.Commit(ctx, up.staged); err != nil {
		return err
	}
	location, err := s.createOnce(r, up.form.Value(view.SubmissionField), func(tx *store.Store) (string, error) {
		return s.createDocument(ctx, tx, r, up, d, target)
	})
	if err != nil {
		return err
	}
	flash := "Le document « " + d.Title + " » a été déposé."
	if target.kind != "" {
		flash = "Le document « " + d.Title + " » a été déposé et joint " + target.label + "."
	}
	s.redirectWithFlash(w, r, location, flash)
	return nil
}

// createDocument inserts d with its first version and its attachment, and
// returns the page to go to.
func (s *Server) createDocument(ctx context.Context, tx *store.Store, r *http.Request, up *upload, d model.Document, target attachment) (string, error) {
	var err error
	if d.ID, err = tx.CreateDocument(ctx, d); err != nil {
		return "", err
	}
	version, err := s.storeVersion(ctx, tx, up, d.ID, d.CreatedBy)
	if err != nil {
		return "", err
	}
	if err := s.record(ctx, tx, r, "document.create", "document", d.ID, nil, map[string]any{"document": d, "version": version}); err != nil {
		return "", err
	}
	if target.kind == "" {
		return fmt.Sprintf("/documents/%d", d.ID), nil
	}
	if err := tx.LinkDocument(ctx, d.ID, target.kind, target.id); err != nil {
		return "", err
	}
	return target.back, s.record(ctx, tx, r, "document.attach", "document", d.ID, nil, map[string]any{"target_type": target.kind, "target_id": target.id})
}

// attachDocument attaches document documentID to a target, or detaches
// it, with its audit entry; the attach forms carry a key (createOnce), the
// detach ones none.
func (s *Server) attachDocument(r *http.Request, documentID int64, targetType string, targetID int64, detach bool, back string) error {
	ctx := r.Context()
	_, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		link := map[string]any{"target_type": targetType, "target_id": targetID}
		if detach {
			if err := tx.UnlinkDocument(ctx, documentID, targetType, targetID); err != nil {
				return "", err
			}
			return back, s.record(ctx, tx, r, "document.detach", "document", documentID, link, nil)
		}
		if err := tx.LinkDocument(ctx, documentID, targetType, targetID); err != nil {
			return "", err
		}
		return back, s.record(ctx, tx, r, "document.attach", "document", documentID, nil, link)
	})
	return err
}

// attachment is where a new document is attached as it is uploaded.
type attachment struct {
	kind      string // "meeting", "agenda_item", "news", "measure", "contribution", "comment" or "" for none
	id        int64
	label     string // "à la réunion « … »"
	back      string // the page to return to
	backLabel string
	// visibility is the one the form proposes: an article's attachment
	// is proposed to the article's readers.
	visibility model.Visibility
	// holdFor is the meeting whose draft agenda the document is uploaded
	// onto: it is held until the agenda is published. 0 for none.
	holdFor int64
}

// attachTarget reads the ?meeting=, ?agenda_item= or ?news= of the upload
// form: the secretariat attaches a document as it uploads it.
func (s *Server) attachTarget(r *http.Request) (attachment, error) {
	q := r.URL.Query()
	if q.Get("contribution") != "" || q.Get("comment") != "" {
		// A member's file on what the member wrote (attachments.go).
		return s.authorAttachment(r)
	}
	if q.Get("meeting") == "" && q.Get("agenda_item") == "" && q.Get("news") == "" && q.Get("measure") == "" {
		return attachment{}, nil
	}
	if !access.CanAttachDocuments(viewerOf(r.Context())) {
		return attachment{}, model.ErrForbidden
	}
	ctx := r.Context()
	if raw := q.Get("measure"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return attachment{}, model.ErrNotFound
		}
		m, err := s.store.Measure(ctx, id)
		if err != nil {
			return attachment{}, err
		}
		return attachment{kind: "measure", id: m.ID, label: "à la mesure « " + m.Label() + " »",
			back: fmt.Sprintf("/measures/%d#documents-mesure", m.ID), backLabel: "Retour à la mesure"}, nil
	}
	if raw := q.Get("news"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return attachment{}, model.ErrNotFound
		}
		a, err := s.store.NewsArticle(ctx, id)
		if err != nil {
			return attachment{}, err
		}
		return attachment{kind: "news", id: a.ID, label: "à l'actualité « " + a.Title + " »",
			back: "/news/" + a.Slug + "#pieces-jointes", backLabel: "Retour à l'actualité", visibility: a.Visibility}, nil
	}
	if raw := q.Get("agenda_item"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return attachment{}, model.ErrNotFound
		}
		it, err := s.store.AgendaItem(ctx, id)
		if err != nil {
			return attachment{}, err
		}
		m, err := s.store.Meeting(ctx, it.MeetingID)
		if err != nil {
			return attachment{}, err
		}
		return attachment{kind: "agenda_item", id: it.ID, label: "au point « " + it.Title + " » de l'ordre du jour",
			back: fmt.Sprintf("/meetings/%d#ordre-du-jour", it.MeetingID), backLabel: "Retour à la réunion", holdFor: draftAgenda(m)}, nil
	}
	id, err := strconv.ParseInt(q.Get("meeting"), 10, 64)
	if err != nil {
		return attachment{}, model.ErrNotFound
	}
	m, err := s.store.Meeting(ctx, id)
	if err != nil {
		return attachment{}, err
	}
	return attachment{kind: "meeting", id: m.ID, label: "à la réunion « " + m.Title + " »", back: fmt.Sprintf("/meetings/%d#documents", m.ID),
		backLabel: "Retour à la réunion", holdFor: draftAgenda(m)}, nil
}

// draftAgenda is the meeting a document uploaded for m waits for: m while
// its agenda is a draft, 0 once it is published.
func draftAgenda(m model.Meeting) int64 {
	if m.AgendaPublished() {
		return 0
	}
	return m.ID
}

func (s *Server) newVersion(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.documentFor(r)
	if err != nil {
		return err
	}
	v := viewerOf(ctx)
	if !access.CanEditDocument(v, d) {
		return model.ErrForbidden
	}
	up, err := s.readUpload(r, []view.Field{s.versionField()})
	if err != nil {
		return err
	}
	defer up.Discard()
	if !up.form.Valid() {
		// Show the document page again with the error on the version form.
		p, err := s.documentPage(r, d, "Erreur – "+d.Title, up.form)
		if err != nil {
			return err
		}
		s.render(w, r, up.status(), view.DocumentDetail(p))
		return nil
	}
	if err := s.files.Commit(ctx, up.staged); err != nil {
		return err
	}
	var version model.DocumentVersion
	location, err := s.createOnce(r, up.form.Value(view.SubmissionField), func(tx *store.Store) (string, error) {
		var err error
		if version, err = s.storeVersion(ctx, tx, up, d.ID, v.AccountID); err != nil {
			return "", err
		}
		return fmt.Sprintf("/documents/%d", d.ID), s.record(ctx, tx, r, "document.version", "document", d.ID, nil, version)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, location, fmt.Sprintf("La version %d a été déposée.", version.Number))
	return nil
}

func (s *Server) editDocument(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	old, err := s.documentFor(r)
	if err != nil {
		return err
	}
	v := viewerOf(ctx)
	if !access.CanEditDocument(v, old) {
		return model.ErrForbidden
	}
	fields := documentFields(v)
	back := fmt.Sprintf("/documents/%d", old.ID)
	page := func(title string, f *view.Form) view.EditPage {
		return view.EditPage{Base: s.base(r, title), Back: back, BackLabel: "Retour au document", Action: back + "/edit",
			Submit: "Enregistrer", Form: f, Fields: fields}
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(page("Modifier « "+old.Title+" »", documentForm(old))))
		return nil
	}
	f, err := readForm(r, fields)
	if err != nil {
		return err
	}
	d := documentFromForm(f, fields)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(page("Erreur – Modifier « "+old.Title+" »", f)))
		return nil
	}
	if !access.CanUploadDocument(v, d.Kind) {
		return model.ErrForbidden
	}
	d.ID, d.CreatedBy, d.HeldFor, d.HeldID = old.ID, old.CreatedBy, old.HeldFor, old.HeldID
	if !access.CanSetEmbargo(v) {
		d.EmbargoUntil, d.EmbargoVisibility = old.EmbargoUntil, old.EmbargoVisibility
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateDocument(ctx, d); err != nil {
			return err
		}
		old.Latest = nil
		return s.record(ctx, tx, r, "document.update", "document", d.ID, old, d)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "Le document a été modifié.")
	return nil
}

func (s *Server) deleteDocument(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.documentFor(r)
	if err != nil {
		return err
	}
	if !access.CanEditDocument(viewerOf(ctx), d) {
		return model.ErrForbidden
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.base(r, "Supprimer « "+d.Title+" »"),
			Message: "Le document, toutes ses versions et ses rattachements seront supprimés définitivement.",
			Action:  fmt.Sprintf("/documents/%d/delete", d.ID), Submit: "Supprimer définitivement", Cancel: fmt.Sprintf("/documents/%d", d.ID)}))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteDocument(ctx, d.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "document.delete", "document", d.ID, d, nil)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/documents", "Le document « "+d.Title+" » a été supprimé.")
	return nil
}

// linkDocument attaches the document to a meeting, or detaches it.
func (s *Server) linkDocument(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.documentFor(r)
	if err != nil {
		return err
	}
	if !access.CanAttachDocuments(viewerOf(ctx)) {
		return model.ErrForbidden
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	back := fmt.Sprintf("/documents/%d", d.ID)
	meetingID, err := strconv.ParseInt(r.PostForm.Get("meeting"), 10, 64)
	if err != nil || meetingID < 1 {
		s.redirectWithFlash(w, r, back, "Choisissez la réunion à laquelle rattacher le document.")
		return nil
	}
	m, err := s.store.Meeting(ctx, meetingID)
	if err != nil {
		return err
	}
	detach := r.PostForm.Get("action") == "detach"
	if err := s.attachDocument(r, d.ID, "meeting", m.ID, detach, back); err != nil {
		return err
	}
	if detach {
		s.redirectWithFlash(w, r, back, "Le document n'est plus rattaché à « "+m.Title+" ».")
	} else {
		s.redirectWithFlash(w, r, back, "Le document est rattaché à « "+m.Title+" ».")
	}
	return nil
}

// visibleLinks lists where a document is attached, keeping only the
// targets the viewer may see: a public document attached to a scheduled
// article or a meeting still to come must not tell their titles.
func (s *Server) visibleLinks(ctx context.Context, v access.Viewer, documentID int64) ([]model.DocumentLink, error) {
	targets, err := s.store.DocumentLinkTargets(ctx, documentID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var kept []model.DocumentLink
	for _, t := range targets {
		if t.Link.TargetType == "contribution" || t.Link.TargetType == "comment" {
			// A member's file on a contribution or a comment: rare on a
			// document, read apart (attachments.go).
			err := s.describeAuthorLink(ctx, v, &t.Link)
			if errors.Is(err, model.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			kept = append(kept, t.Link)
			continue
		}
		if t.Found && describeLink(v, &t, now) {
			kept = append(kept, t.Link)
		}
	}
	return kept, nil
}

// describeLink names the link's target and reports whether v may see it.
func describeLink(v access.Viewer, t *model.DocumentLinkTarget, now time.Time) bool {
	l, m := &t.Link, t.Meeting
	switch l.TargetType {
	case "meeting":
		l.Kind, l.Href, l.TargetLabel = "Réunion", "/meetings/"+strconv.FormatInt(m.ID, 10), m.Title
		return access.CanSeeMeeting(v, m, now) && access.CanSeeMeetingDocuments(v, m)
	case "agenda_item":
		l.Kind, l.Href, l.TargetLabel = "Point de l'ordre du jour", "/meetings/"+strconv.FormatInt(m.ID, 10)+"#ordre-du-jour", t.ItemTitle+" ("+m.Title+")"
		return access.CanSeeMeeting(v, m, now) && access.CanSeeAgenda(v, m)
	case "measure":
		l.Kind, l.Href, l.TargetLabel = "Mesure", "/measures/"+strconv.FormatInt(t.Measure.ID, 10), t.Measure.Label()
		return access.Allows(v, access.ReadPublic)
	case "news":
		l.Kind, l.Href, l.TargetLabel = "Actualité", "/news/"+t.News.Slug, t.News.Title
		return access.CanSeeNews(v, t.News, now)
	}
	return false
}
