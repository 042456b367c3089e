package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"comite/internal/access"
	"comite/internal/markdown"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

// consultationOf says whether measure m takes comments now.
func (s *Server) consultationOf(ctx context.Context, m model.Measure) (model.Consultation, error) {
	own, axis, err := s.store.ConsultationWindows(ctx, m.ID, m.AxisID)
	if err != nil {
		return model.Consultation{}, err
	}
	return model.ConsultationAt(own, axis, s.now()), nil
}

// Threads of a measure's page: so many a page, each with so many replies
// at most (its thread page has them all).
const (
	threadsPerPage = 20
	repliesShown   = 5
)

// commentScope is what the store pages over for viewer v.
func commentScope(v access.Viewer) store.CommentScope {
	all, own := access.CommentReach(v)
	return store.CommentScope{All: all, AuthorID: own}
}

// commentsSection gathers the threads of measure m that the viewer may
// see on the page the query asks for (a page of threads, latest activity
// first; "fil", one thread whole; "vue=officielles", the official
// answers) and what the viewer may do in them. form and replyTo carry a
// refused post back into its form, shown in its thread.
func (s *Server) commentsSection(ctx context.Context, pl model.Plan, m model.Measure, form *view.Form, replyTo int64, q url.Values) (view.CommentsSection, error) {
	v := viewerOf(ctx)
	sec := view.CommentsSection{MeasureID: m.ID, PlanID: pl.ID, SignedIn: v.SignedIn(), Moderate: access.CanModerate(v),
		Form: form, ReplyTo: replyTo, AllowedCategories: pl.CommentCategories, Premoderation: pl.Premoderation,
		Page: 1, RepliesShown: repliesShown}
	if !access.CanReadComments(v, pl) {
		sec.SignInToRead = !v.SignedIn()
		return sec, nil
	}
	sec.Readable = true
	var err error
	if sec.Consultation, err = s.consultationOf(ctx, m); err != nil {
		return sec, err
	}
	open := sec.Consultation.Open
	sec.CanComment = access.CanComment(v, pl, open)
	sec.CanReply = access.CanReply(v, pl, m, open)
	if access.CanAnswerOfficially(v, m) {
		sec.OfficialBody = v.BodyName
	}
	scope := commentScope(v)
	if sec.Totals, err = s.store.CommentTotals(ctx, m.ID, scope); err != nil {
		return sec, err
	}
	sec.Pages = max(1, (sec.Totals.Threads+threadsPerPage-1)/threadsPerPage)
	if sec.Page, err = pageNumber(q); err != nil {
		return sec, err
	}
	var threads []model.Comment
	switch {
	case replyTo != 0 || q.Get("fil") != "":
		id := replyTo
		if id == 0 {
			if id, err = strconv.ParseInt(q.Get("fil"), 10, 64); err != nil {
				return sec, errBadRequest
			}
		}
		t, err := s.store.OneThread(ctx, id, scope)
		if err != nil {
			return sec, err
		}
		if t.MeasureID != m.ID {
			return sec, model.ErrNotFound
		}
		sec.ThreadID, threads = id, []model.Comment{t}
	case q.Get("vue") == "officielles":
		sec.OfficialView = true
		sec.Pages = max(1, (sec.Totals.Official+threadsPerPage-1)/threadsPerPage)
		if threads, err = s.store.OfficialAnswers(ctx, m.ID, scope, (sec.Page-1)*threadsPerPage, threadsPerPage); err != nil {
			return sec, err
		}
	default:
		if threads, err = s.store.ThreadPage(ctx, m.ID, scope, (sec.Page-1)*threadsPerPage, threadsPerPage, repliesShown); err != nil {
			return sec, err
		}
	}
	if sec.Page > sec.Pages {
		return sec, model.ErrNotFound
	}
	now := s.now()
	sec.Actions = map[int64]view.CommentActions{}
	actions := func(c model.Comment) view.CommentActions {
		return view.CommentActions{
			ShowText:     access.CanSeeCommentText(v, c),
			Edit:         access.CanEditComment(v, c, open, now),
			Withdraw:     access.CanWithdrawComment(v, c),
			Flag:         access.CanFlagComment(v, c),
			MarkOfficial: access.CanMarkOfficial(v, m, c),
			History:      c.Version > 1 && access.CanSeeCommentHistory(v, c),
			Reply:        access.CanReplyTo(v, pl, m, c, open),
			Attach:       access.CanAttachToComment(v, c),
		}
	}
	for _, t := range threads {
		if !access.CanSeeComment(v, pl, t) {
			continue
		}
		replies := t.Replies
		t.Replies = nil
		for _, rep := range replies {
			if access.CanSeeComment(v, pl, rep) {
				t.Replies = append(t.Replies, rep)
				sec.Actions[rep.ID] = actions(rep)
			}
		}
		sec.Threads = append(sec.Threads, t)
		sec.Actions[t.ID] = actions(t)
	}
	shown := make([]int64, 0, len(sec.Actions))
	for id := range sec.Actions {
		shown = append(shown, id)
	}
	if sec.Attachments, err = s.store.AttachedDocuments(ctx, access.DocumentReader(v), "comment", shown); err != nil {
		return sec, err
	}
	if access.CanFollowMeasure(v, pl) {
		sec.CanFollow = true
		if sec.Following, err = s.store.Follows(ctx, v.AccountID, m.ID); err != nil {
			return sec, err
		}
	}
	return sec, nil
}

// commentLocation sends a link to a comment (those of mails and of the
// moderation) to the page of its measure that holds it now: the page of
// its thread, or the thread's own page when the reply is not among those
// a page shows.
func (s *Server) commentLocation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, m, _, err := s.commentFor(r)
	if errors.Is(err, model.ErrNotFound) && !v.SignedIn() {
		// A mail's link opened before signing in: the login page, then
		// the comment. Whether the comment exists is not told.
		return model.ErrForbidden
	}
	if err != nil {
		return err
	}
	scope := commentScope(v)
	thread := c.ID
	if c.ParentID != 0 {
		thread = c.ParentID
		shown := []model.Comment{{ID: thread}}
		if err := s.store.AttachReplies(ctx, shown, scope, repliesShown); err != nil {
			return err
		}
		if !slices.ContainsFunc(shown[0].Replies, func(x model.Comment) bool { return x.ID == c.ID }) {
			http.Redirect(w, r, fmt.Sprintf("/measures/%d?fil=%d#commentaire-%d", m.ID, thread, c.ID), http.StatusSeeOther)
			return nil
		}
	}
	before, err := s.store.ThreadPosition(ctx, m.ID, thread, scope)
	if err != nil {
		return err
	}
	location := fmt.Sprintf("/measures/%d#commentaire-%d", m.ID, c.ID)
	if page := before/threadsPerPage + 1; page > 1 {
		location = fmt.Sprintf("/measures/%d?page=%d#commentaire-%d", m.ID, page, c.ID)
	}
	http.Redirect(w, r, location, http.StatusSeeOther)
	return nil
}

// commentText reads a comment's text as the author typed it, with the
// browser's CRLF line ends made LF so that the count matches the
// counter's, and checks it.
func commentText(f *view.Form, raw string) string {
	text := strings.TrimSpace(strings.ReplaceAll(raw, "\r\n", "\n"))
	f.Values["text"] = text
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		f.Fail("text", "Texte", "Saisissez le texte de votre commentaire.")
	case n > model.CommentMaxLength:
		f.Fail("text", "Texte", fmt.Sprintf("Le texte compte %d caractères ; la limite est de %d. Raccourcissez-le.", n, model.CommentMaxLength))
	}
	return text
}

// postComment publishes a comment or a reply on a measure (or queues it
// for the secretariat when the plan is pre-moderated), makes its author
// follow the measure and tells the followers.
func (s *Server) postComment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	m, pl, err := s.measureFromPath(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	parent, err := s.parentFor(r, pl, m)
	if err != nil {
		return err
	}
	cons, err := s.consultationOf(ctx, m)
	if err != nil {
		return err
	}
	// Who may take part does not depend on the window: a refusal here
	// is for a crafted request, since the page shows them no form.
	official := r.PostForm.Get("official") == "1"
	if !access.CanPostComment(v, pl, m, parent.ID != 0, official) {
		return model.ErrForbidden
	}
	form := view.NewForm()
	if official {
		form.Values["official"] = "1"
	}
	text := commentText(form, r.PostForm.Get("text"))
	status := http.StatusUnprocessableEntity
	if msg := closedThread(cons.Open, parent); msg != "" {
		form.Fail("text", "Texte", msg)
		status = http.StatusConflict
	}
	if !form.Valid() {
		return s.refuseComment(w, r, pl, m, form, parent.ID, status, text)
	}
	c := newComment(v, m, parent.ID, text, official, pl.Premoderation)
	location, err := s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		return s.createComment(ctx, tx, r, m, c)
	})
	if refusedBurst(w, form, err) {
		return s.refuseComment(w, r, pl, m, form, parent.ID, http.StatusTooManyRequests, text)
	}
	if err != nil {
		return err
	}
	flash := "Votre commentaire est publié."
	if c.State == model.CommentPending {
		flash = "Votre commentaire est transmis au secrétariat ; il sera publié après validation."
	}
	s.redirectWithFlash(w, r, location, flash)
	return nil
}

// parentFor reads the comment a reply answers (the posted "parent"), a
// thread of measure m the viewer sees; the zero comment for a new thread.
func (s *Server) parentFor(r *http.Request, pl model.Plan, m model.Measure) (model.Comment, error) {
	raw := r.PostForm.Get("parent")
	if raw == "" {
		return model.Comment{}, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return model.Comment{}, errBadRequest
	}
	parent, err := s.store.Comment(r.Context(), id)
	if err != nil {
		return parent, err
	}
	if parent.MeasureID != m.ID || parent.ParentID != 0 || !access.CanSeeComment(viewerOf(r.Context()), pl, parent) {
		return parent, model.ErrNotFound
	}
	return parent, nil
}

// closedThread says why a post that may have been allowed when its form
// was shown can no longer be published, or "": the consultation closed,
// or the comment it answers was withdrawn or hidden meanwhile.
func closedThread(open bool, parent model.Comment) string {
	switch {
	case !open:
		return "La consultation sur cette mesure est close : votre texte n'a pas été publié. Il est conservé ci-dessous pour que vous puissiez le copier."
	case parent.ID != 0 && !parent.OpenToReplies():
		return "Ce commentaire n'accepte plus de réponse : il a été retiré ou masqué. Votre texte est conservé ci-dessous."
	}
	return ""
}

// newComment is v's post on measure m: published at once, or pending
// when the plan is pre-moderated.
func newComment(v access.Viewer, m model.Measure, parentID int64, text string, official, premoderation bool) model.Comment {
	c := model.Comment{MeasureID: m.ID, ParentID: parentID, AuthorID: v.AccountID, BodyID: v.BodyID, Category: v.Category,
		Text: text, HTML: markdown.Limited(text), Official: official, State: model.CommentPublished}
	if premoderation {
		c.State = model.CommentPending
	}
	return c
}

// createComment inserts c within the author's rate limit, makes the
// author follow the measure and, once c is published, tells the followers.
func (s *Server) createComment(ctx context.Context, tx *store.Store, r *http.Request, m model.Measure, c model.Comment) (string, error) {
	v := viewerOf(ctx)
	if err := s.checkCommentBurst(ctx, tx, v.AccountID, tx.RecentCommentCount); err != nil {
		return "", err
	}
	var err error
	if c.ID, err = tx.CreateComment(ctx, c); err != nil {
		return "", err
	}
	if err := s.record(ctx, tx, r, "comment.create", "comment", c.ID, nil, map[string]any{"measure": m.ID,
		"parent": c.ParentID, "text": c.Text, "official": c.Official, "state": c.State}); err != nil {
		return "", err
	}
	if err := tx.Follow(ctx, v.AccountID, m.ID); err != nil {
		return "", err
	}
	location := fmt.Sprintf("/measures/%d#commentaire-%d", m.ID, c.ID)
	if c.State != model.CommentPublished {
		return location, nil
	}
	c.AuthorName, c.BodyName = v.Name, v.BodyName
	return location, s.notifyFollowers(ctx, tx, r, m, c)
}

// checkCommentBurst holds the author's rate limit of comments and
// contributions, within tx: commentBurstError when recent counts
// model.CommentBurst posts or more within model.CommentBurstWindow.
// Counted under a lock of the author's posts, so that parallel posts are
// counted one after the other and the limit holds.
func (s *Server) checkCommentBurst(ctx context.Context, tx *store.Store, accountID int64, recent func(context.Context, int64, time.Time) (int, error)) error {
	if err := tx.LockCommentsOf(ctx, accountID); err != nil {
		return err
	}
	n, err := recent(ctx, accountID, s.now().Add(-model.CommentBurstWindow))
	if err != nil {
		return err
	}
	if n >= model.CommentBurst {
		return commentBurstError{n}
	}
	return nil
}

// refusedBurst reports whether err is a commentBurstError; if so it puts
// its message on the form's text and tells when to try again.
func refusedBurst(w http.ResponseWriter, form *view.Form, err error) bool {
	var burst commentBurstError
	if !errors.As(err, &burst) {
		return false
	}
	form.Fail("text", "Texte", burst.message())
	w.Header().Set("Retry-After", strconv.Itoa(int(model.CommentBurstWindow.Seconds())))
	return true
}

// commentBurstError refuses a post over the rate limit: the author posted
// count comments within model.CommentBurstWindow.
type commentBurstError struct{ count int }

func (e commentBurstError) Error() string {
	return fmt.Sprintf("%d comments in the burst window", e.count)
}

// message tells the author to wait; the text is kept.
func (e commentBurstError) message() string {
	return fmt.Sprintf("Vous avez publié %d commentaires en moins de %d minutes. Patientez quelques minutes avant de publier à nouveau ; votre texte est conservé.",
		e.count, int(model.CommentBurstWindow.Minutes()))
}

// refuseComment shows the measure again with the refused post's form and
// its message.
func (s *Server) refuseComment(w http.ResponseWriter, r *http.Request, pl model.Plan, m model.Measure, form *view.Form, replyTo int64, status int, text string) error {
	p, err := s.measurePage(r, m)
	if err != nil {
		return err
	}
	if p.Comments, err = s.commentsSection(r.Context(), pl, m, form, replyTo, r.URL.Query()); err != nil {
		return err
	}
	// A refusal that no correction can lift (closed consultation,
	// parent withdrawn or hidden meanwhile) hands the text back.
	if status == http.StatusConflict {
		p.Comments.Unposted = text
	}
	p.Base.Title = "Erreur – " + p.Base.Title
	s.render(w, r, status, view.MeasureDetail(p))
	return nil
}

// notifyFollowers queues, in the transaction that publishes c, a mail to
// each follower of the measure but its author. The mail links to the
// comment and gives no text: comments may name people, mails travel far.
func (s *Server) notifyFollowers(ctx context.Context, tx *store.Store, r *http.Request, m model.Measure, c model.Comment) error {
	followers, err := tx.Followers(ctx, m.ID)
	if err != nil {
		return err
	}
	site := s.baseURL()
	who := c.AuthorName
	if c.BodyName != "" {
		who += " (" + c.BodyName + ")"
	}
	what, subject := "a publié un commentaire", "Nouveau commentaire : "+m.Label()
	if c.ParentID != 0 {
		what, subject = "a répondu à un commentaire", "Nouvelle réponse : "+m.Label()
	}
	if c.Official {
		what, subject = "a publié la réponse officielle de son organisme", "Réponse officielle : "+m.Label()
	}
	for _, f := range followers {
		if f.AccountID == c.AuthorID {
			continue
		}
		token, hash := newToken()
		if err := tx.AddUnsubscribeToken(ctx, f.AccountID, m.ID, hash); err != nil {
			return err
		}
		text := fmt.Sprintf(`Bonjour %s,

%s %s sur la mesure « %s » :
%s/comments/%d

Vous recevez ce courriel parce que vous suivez cette mesure ou y avez contribué.
Pour ne plus recevoir de courriel à son sujet, sans avoir à vous connecter :
%s/unsubscribe/%s

Le secrétariat du comité de coordination
`, f.Name, who, what, m.Label(), site, c.ID, site, token)
		if _, err := tx.QueueMail(ctx, f.Email, subject, text); err != nil {
			return err
		}
	}
	return nil
}

// commentLink is where a comment is found, whichever page holds it now.
func commentLink(c model.Comment) string {
	return fmt.Sprintf("/comments/%d", c.ID)
}

// editComment lets the author change the text within the edit window;
// each text is kept as a version and readers see "modifié".
func (s *Server) editComment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, m, _, err := s.commentFor(r)
	if err != nil {
		return err
	}
	if !access.IsCommentAuthor(v, c) {
		return model.ErrForbidden
	}
	cons, err := s.consultationOf(ctx, m)
	if err != nil {
		return err
	}
	if !access.CanEditComment(v, c, cons.Open, s.now()) {
		msg := "Le délai de 30 minutes pour modifier ce commentaire est dépassé. Vous pouvez encore le retirer."
		if !cons.Open {
			msg = "La consultation sur cette mesure est close : le commentaire ne peut plus être modifié."
		}
		s.redirectWithFlash(w, r, commentLink(c), msg)
		return nil
	}
	p := view.CommentEditPage{Base: s.base(r, "Modifier votre commentaire"), Comment: c, Measure: m, Form: view.NewForm(),
		EditUntil: c.CreatedAt.Add(model.CommentEditWindow)}
	p.Nav = "plan"
	p.Form.Values["text"] = c.Text
	p.Form.Values["version"] = strconv.Itoa(c.Version)
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.CommentEdit(p))
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		return errBadRequest
	}
	text := commentText(p.Form, r.PostForm.Get("text"))
	if !p.Form.Valid() {
		p.Form.Values["version"] = strconv.Itoa(version)
		p.Base.Title = "Erreur – " + p.Base.Title
		s.render(w, r, http.StatusUnprocessableEntity, view.CommentEdit(p))
		return nil
	}
	if text == c.Text {
		s.redirectWithFlash(w, r, commentLink(c), "Le texte n'a pas changé ; rien n'est enregistré.")
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.EditComment(ctx, c.ID, version, text, markdown.Limited(text), s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "comment.edit", "comment", c.ID, map[string]any{"text": c.Text, "version": c.Version},
			map[string]any{"text": text, "version": version + 1})
	})
	if errors.Is(err, model.ErrConflict) {
		// The current version goes into the form: saving again is a
		// choice made after reading the notice.
		p.Conflict = true
		p.Base.Title = "Erreur – " + p.Base.Title
		s.render(w, r, http.StatusConflict, view.CommentEdit(p))
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, commentLink(c), "Votre commentaire est modifié.")
	return nil
}

// withdrawComment lets the author take a comment back; the thread keeps a
// mention so that replies keep their context.
func (s *Server) withdrawComment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, m, _, err := s.commentFor(r)
	if err != nil {
		return err
	}
	if !access.CanWithdrawComment(v, c) {
		if c.Withdrawn() && access.IsCommentAuthor(v, c) {
			s.redirectWithFlash(w, r, commentLink(c), "Ce commentaire est déjà retiré.")
			return nil
		}
		return model.ErrForbidden
	}
	if r.Method == http.MethodGet {
		p := view.ConfirmPage{Base: s.base(r, "Retirer votre commentaire"),
			Message: "Votre commentaire du " + view.DateTime(c.CreatedAt) + " sur la mesure « " + m.Label() +
				" » ne sera plus lisible. La mention « Commentaire retiré par son auteur » restera dans le fil pour que les réponses gardent leur contexte. Cette action est définitive.",
			Action: fmt.Sprintf("/comments/%d/withdraw", c.ID), Submit: "Retirer le commentaire", Cancel: commentLink(c)}
		p.Nav = "plan"
		s.render(w, r, http.StatusOK, view.Confirm(p))
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.WithdrawComment(ctx, c.ID, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "comment.withdraw", "comment", c.ID, map[string]any{"text": c.Text}, nil)
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, commentLink(c), "Votre commentaire est retiré.")
	return nil
}

// markOfficial lets a pilot present its own reply as its body's official
// answer, or stop doing so.
func (s *Server) markOfficial(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, m, _, err := s.commentFor(r)
	if err != nil {
		return err
	}
	if !access.CanMarkOfficial(v, m, c) {
		return model.ErrForbidden
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	official := r.PostForm.Get("official") == "1"
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetCommentOfficial(ctx, c.ID, official); err != nil {
			return err
		}
		return s.record(ctx, tx, r, "comment.official", "comment", c.ID, map[string]any{"official": c.Official}, map[string]any{"official": official})
	})
	if err != nil {
		return err
	}
	flash := "Votre réponse est présentée comme la réponse officielle de " + v.BodyName + "."
	if !official {
		flash = "Votre réponse n'est plus présentée comme réponse officielle."
	}
	s.redirectWithFlash(w, r, commentLink(c), flash)
	return nil
}

// flagComment lets a member report a comment to the moderation.
func (s *Server) flagComment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, m, _, err := s.commentFor(r)
	if err != nil {
		return err
	}
	if !access.CanFlagComment(v, c) {
		return model.ErrForbidden
	}
	p := view.FlagPage{Base: s.base(r, "Signaler un commentaire"), Comment: c, Measure: m, Form: view.NewForm()}
	p.Nav = "plan"
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Flag(p))
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	p.Form.Values["reason"] = reason
	switch {
	case reason == "":
		p.Form.Fail("reason", "Motif du signalement", "Indiquez pourquoi ce commentaire doit être examiné.")
	case utf8.RuneCountInString(reason) > 1000:
		p.Form.Fail("reason", "Motif du signalement", "Le motif ne peut dépasser 1 000 caractères.")
	}
	if !p.Form.Valid() {
		p.Base.Title = "Erreur – " + p.Base.Title
		s.render(w, r, http.StatusUnprocessableEntity, view.Flag(p))
		return nil
	}
	_, err = s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		id, err := tx.FlagComment(ctx, c.ID, v.AccountID, reason)
		if err != nil {
			return "", err
		}
		return commentLink(c), s.record(ctx, tx, r, "comment.flag", "comment", c.ID, nil, map[string]any{"flag": id, "reason": reason})
	})
	if errors.Is(err, model.ErrConflict) {
		s.redirectWithFlash(w, r, commentLink(c), "Vous avez déjà signalé ce commentaire ; le secrétariat l'examinera.")
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, commentLink(c), "Merci. Votre signalement est transmis au secrétariat.")
	return nil
}

// commentHistory shows every text of a comment, to its author and the
// secretariat.
func (s *Server) commentHistory(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	c, m, _, err := s.commentFor(r)
	if err != nil {
		return err
	}
	if !access.CanSeeCommentHistory(v, c) {
		return model.ErrForbidden
	}
	p := view.CommentHistoryPage{Base: s.base(r, "Versions du commentaire"), Comment: c, Measure: m}
	p.Nav = "plan"
	if p.Versions, err = s.store.CommentVersions(ctx, c.ID); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.CommentHistory(p))
	return nil
}

// followMeasure starts or stops the viewer's mails about a measure.
func (s *Server) followMeasure(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	m, pl, err := s.measureFromPath(r)
	if err != nil {
		return err
	}
	if !access.CanFollowMeasure(v, pl) {
		return model.ErrForbidden
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	follow := r.PostForm.Get("follow") == "1"
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		action := "measure.unfollow"
		if follow {
			action = "measure.follow"
			if err := tx.Follow(ctx, v.AccountID, m.ID); err != nil {
				return err
			}
		} else if err := tx.Unfollow(ctx, v.AccountID, m.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, r, action, "measure", m.ID, nil, nil)
	})
	if err != nil {
		return err
	}
	flash := "Vous suivez cette mesure : un courriel vous signalera chaque nouveau commentaire."
	if !follow {
		flash = "Vous ne suivez plus cette mesure."
	}
	s.redirectWithFlash(w, r, fmt.Sprintf("/measures/%d#titre-commentaires", m.ID), flash)
	return nil
}

// unsubscribe stops the mails about a measure from the link they carry,
// without signing in. The page asks first: mail scanners open links.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	token := r.PathValue("token")
	accountID, measureID, err := s.store.FollowByToken(ctx, hashToken(token))
	if err != nil {
		return err
	}
	m, err := s.store.Measure(ctx, measureID)
	if err != nil {
		return err
	}
	p := view.UnsubscribePage{Base: s.base(r, "Ne plus suivre une mesure"), Measure: m, Token: token}
	if r.Method == http.MethodPost {
		err = s.store.InTx(ctx, func(tx *store.Store) error {
			if err := tx.Unfollow(ctx, accountID, measureID); err != nil {
				return err
			}
			// The link stands for the account it was sent to.
			return tx.Record(ctx, store.Audit{AccountID: accountID, IP: s.clientIP(r), Action: "measure.unfollow",
				ObjectType: "measure", ObjectID: measureID, Detail: map[string]any{"by": "unsubscribe link"}})
		})
		if err != nil {
			return err
		}
		p.Done = true
	}
	s.render(w, r, http.StatusOK, view.Unsubscribe(p))
	return nil
}

// bodyCommentsPerPage is how many of a body's comments its page lists.
const bodyCommentsPerPage = 20

// bodyComments lists on a body's page, a page at a time and latest first,
// the comments it posted that the viewer may read: withdrawn ones never,
// hidden ones to the secretariat.
func (s *Server) bodyComments(ctx context.Context, p *view.BodyPage, page int) error {
	v := viewerOf(ctx)
	all, err := s.store.CommentsOfBody(ctx, p.Body.ID, (page-1)*bodyCommentsPerPage, bodyCommentsPerPage+1)
	if err != nil {
		return err
	}
	p.CommentPage = page
	if len(all) > bodyCommentsPerPage {
		all, p.MoreComments = all[:bodyCommentsPerPage], true
	}
	if page > 1 && len(all) == 0 {
		return model.ErrNotFound
	}
	var ids []int64
	for _, c := range all {
		ids = append(ids, c.MeasureID)
	}
	measures, err := s.store.Measures(ctx, store.MeasureFilter{IDs: ids})
	if err != nil {
		return err
	}
	p.CommentMeasures = map[int64]model.Measure{}
	plans := map[int64]model.Plan{}
	for _, m := range measures {
		p.CommentMeasures[m.ID] = m
		if _, ok := plans[m.PlanID]; !ok {
			if plans[m.PlanID], err = s.store.Plan(ctx, m.PlanID); err != nil {
				return err
			}
		}
	}
	for _, c := range all {
		pl := plans[p.CommentMeasures[c.MeasureID].PlanID]
		if access.CanSeeCommentOnBodyPage(v, pl, c) {
			p.Comments = append(p.Comments, c)
		}
	}
	// The public sees the section only when it has something to read,
	// so that an empty one does not tell members-only comments exist.
	p.ShowComments = v.SignedIn() || len(p.Comments) > 0 || page > 1
	return nil
}
