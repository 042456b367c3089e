package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"comite/internal/ical"
	"comite/internal/model"
	"comite/internal/store"
	"comite/web/view"
)

func (s *Server) admin(w http.ResponseWriter, r *http.Request) error {
	accounts, err := s.store.Accounts(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.Admin(view.AdminPage{Base: s.adminBase(r, "Administration"), Accounts: accounts,
		Self: viewerOf(r.Context()).AccountID}))
	return nil
}

// accountAction handles the buttons of the accounts table: deactivate,
// activate and role changes. Each ends the account's sessions.
func (s *Server) accountAction(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	old, err := s.store.Account(ctx, id)
	if err != nil {
		return err
	}
	if id == viewerOf(ctx).AccountID {
		s.redirectWithFlash(w, r, "/admin", "Vous ne pouvez pas modifier votre propre compte depuis cette page.")
		return nil
	}
	var flash string
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		switch action := r.PostForm.Get("action"); action {
		case "deactivate":
			flash = "Le compte de " + old.DisplayName + " est désactivé ; ses sessions sont fermées."
			if err := tx.SetAccountActive(ctx, id, false); err != nil {
				return err
			}
			return s.record(ctx, tx, r, "account.deactivate", "account", id, map[string]any{"active": true}, map[string]any{"active": false})
		case "activate":
			flash = "Le compte de " + old.DisplayName + " est réactivé."
			if err := tx.SetAccountActive(ctx, id, true); err != nil {
				return err
			}
			return s.record(ctx, tx, r, "account.activate", "account", id, map[string]any{"active": false}, map[string]any{"active": true})
		case "role":
			role := model.Role(r.PostForm.Get("role"))
			if !role.Valid() || (role.NeedsBody() && old.BodyID == 0) {
				return fmt.Errorf("role %q for account %d: %w", role, id, errBadRequest)
			}
			flash = "Le rôle de " + old.DisplayName + " est désormais : " + role.Label() + "."
			if err := tx.SetAccountRole(ctx, id, role); err != nil {
				return err
			}
			return s.record(ctx, tx, r, "account.role", "account", id, map[string]any{"role": old.Role}, map[string]any{"role": role})
		default:
			return fmt.Errorf("account action %q: %w", action, errBadRequest)
		}
	})
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin", flash)
	return nil
}

const auditPageSize = 50

var auditFilterFields = []view.Field{
	{Name: "type", Label: "Objet", Kind: "select", Options: []view.Option{{Value: "", Label: "Tous"},
		{Value: "account", Label: "Comptes"}, {Value: "body", Label: "Organismes"}, {Value: "person", Label: "Personnes"},
		{Value: "mandate", Label: "Mandatures"}, {Value: "seat", Label: "Sièges"}}},
	{Name: "actor", Label: "Auteur (adresse électronique)", Kind: "email"},
	{Name: "from", Label: "Depuis le", Kind: "date"},
	{Name: "to", Label: "Jusqu'au", Kind: "date"},
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := view.NewForm()
	for _, fd := range auditFilterFields {
		f.Values[fd.Name] = q.Get(fd.Name)
	}
	c := newChecker(f, auditFilterFields)
	filter := store.AuditFilter{ObjectType: c.choice("type"), ActorEmail: f.Value("actor")}
	if from := c.date("from"); from != nil {
		filter.From = *from
	}
	if to := c.date("to"); to != nil {
		filter.Until = to.Add(24 * time.Hour)
	}
	page, err := pageNumber(q)
	if err != nil {
		return err
	}
	status := http.StatusOK
	var entries []model.AuditEntry
	more := false
	if f.Valid() {
		after, err := cursorParam(q)
		if err != nil {
			return err
		}
		entries, more, err = s.store.AuditLog(ctx, filter, auditPageSize, after)
		if err != nil {
			return err
		}
	} else {
		status = http.StatusUnprocessableEntity
	}
	title := "Journal des modifications"
	if page > 1 {
		title += " – page " + strconv.Itoa(page)
	}
	q.Del("page")
	q.Del("avant")
	next := ""
	if more {
		last := entries[len(entries)-1]
		next = nextPageQuery(q, page, store.Cursor{At: last.At, ID: last.ID})
	}
	s.render(w, r, status, view.Audit(view.AuditPage{Base: s.adminBase(r, title), Entries: entries, Page: page, Next: next,
		Filter: f, Fields: auditFilterFields, Query: q.Encode()}))
	return nil
}

// outboxPageSize counts groups of mails: a convocation to 62 seats is one.
const outboxPageSize = 20

// outboxFilterFields are the outbox's filter form: a kind of mail (by its
// subject, model.MailKinds) and a state.
var outboxFilterFields = func() []view.Field {
	kinds := []view.Option{{Value: "", Label: "Tous"}}
	for _, k := range model.MailKinds {
		kinds = append(kinds, view.Option{Value: k.Key, Label: k.Label})
	}
	other, _ := model.MailKindByKey(model.MailKindOther)
	kinds = append(kinds, view.Option{Value: other.Key, Label: other.Label})
	states := []view.Option{{Value: "", Label: "Tous"}}
	for _, st := range model.MailStates {
		states = append(states, view.Option{Value: st.Key, Label: st.Label})
	}
	return []view.Field{
		{Name: "type", Label: "Type de courriel", Kind: "select", Options: kinds},
		{Name: "etat", Label: "État", Kind: "select", Options: states},
	}
}()

func (s *Server) outbox(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := view.NewForm()
	for _, fd := range outboxFilterFields {
		f.Values[fd.Name] = q.Get(fd.Name)
	}
	c := newChecker(f, outboxFilterFields)
	filter := store.MailFilter{Kind: c.choice("type"), State: c.choice("etat")}
	page, err := pageNumber(q)
	if err != nil {
		return err
	}
	status := http.StatusOK
	var groups []model.MailGroup
	more := false
	if f.Valid() {
		after, err := cursorParam(q)
		if err != nil {
			return err
		}
		groups, more, err = s.store.MailGroups(r.Context(), filter, outboxPageSize, after)
		if err != nil {
			return err
		}
	} else {
		status = http.StatusUnprocessableEntity
	}
	q.Del("page")
	q.Del("avant")
	next := ""
	if more {
		// The next page seeks past the last group: its time and first mail.
		last := groups[len(groups)-1]
		next = nextPageQuery(q, page, store.Cursor{At: last.CreatedAt, ID: last.Mails[0].ID})
	}
	for _, g := range groups {
		for i := range g.Mails {
			g.Mails[i].Text, g.Mails[i].LastError = maskTokens(g.Mails[i].Text), maskTokens(g.Mails[i].LastError)
		}
	}
	title := "Courriels envoyés"
	if page > 1 {
		title += " – page " + strconv.Itoa(page)
	}
	s.render(w, r, status, view.Outbox(view.OutboxPage{Base: s.adminBase(r, title), Groups: groups,
		Page: page, Next: next, Sending: s.cfg.SMTP.Host != "", Filter: f, Fields: outboxFilterFields, Query: q.Encode(),
		Filtered: filter != store.MailFilter{}}))
	return nil
}

// outboxGroup is the page of one group of the outbox, its mails a page at
// a time: a mail to every account is too long for the outbox's own page,
// which shows the first model.MailGroupShown.
func (s *Server) outboxGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	page, err := pageNumber(q)
	if err != nil {
		return err
	}
	// apres is the last mail of the previous page; the page numbers the
	// mails for the reader.
	after := int64(0)
	if v := q.Get("apres"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 1 {
			return errBadRequest
		}
	}
	g, err := s.store.MailGroupOf(r.Context(), id)
	if err != nil {
		return err
	}
	mails, more, err := s.store.MailGroupPage(r.Context(), g, after, model.MailGroupShown)
	if err != nil {
		return err
	}
	for i := range mails {
		mails[i].Text, mails[i].LastError = maskTokens(mails[i].Text), maskTokens(mails[i].LastError)
	}
	g.Mails = mails
	next := ""
	if more {
		next = url.Values{"page": {strconv.Itoa(page + 1)}, "apres": {strconv.FormatInt(mails[len(mails)-1].ID, 10)}}.Encode()
	}
	title := g.Subject
	if page > 1 {
		title += " – page " + strconv.Itoa(page)
	}
	s.render(w, r, http.StatusOK, view.OutboxGroup(view.OutboxGroupPage{Base: s.adminBase(r, title), Group: g,
		Page: page, First: (page-1)*model.MailGroupShown + 1, Next: next, Sending: s.cfg.SMTP.Host != ""}))
	return nil
}

// mailsQueued says what became of n mails just written to the outbox for
// whom ("aux personnes concernées"): with an SMTP server they wait their
// turn to leave; without one they stay in the outbox and nobody receives
// them, which the secretariat must know rather than read « envoyés ».
func mailsQueued(n int, whom string, sending bool) string {
	if sending {
		return view.Plural(n, "courriel", "courriels") + " " + whom + " " + view.PluralWord(n, "est", "sont") +
			" en file d'envoi : " + view.PluralWord(n, "il part", "ils partent") + " dans les minutes qui viennent (suivi dans la boîte d'envoi)."
	}
	return view.Plural(n, "courriel", "courriels") + " " + whom + " " + view.PluralWord(n, "attend", "attendent") +
		" dans la boîte d'envoi : aucun serveur d'envoi n'est configuré, " + view.PluralWord(n, "il ne partira", "ils ne partiront") + " pas tant qu'il ne l'est pas."
}

// tokenLink is a link that acts for the person it was mailed to (an
// invitation, a password reset, an unsubscription, a calendar address),
// and the token it carries.
var tokenLink = regexp.MustCompile(`(/(?:password-reset|invitation|unsubscribe)/|[?&]token=)([A-Za-z0-9_-]{0,4})[A-Za-z0-9_%=-]*`)

// maskTokens keeps the first four characters of each token of text, enough
// to tell two mails apart and far too few to use: the outbox shows the
// secretariat what was mailed, not a way to act as its recipient.
func maskTokens(text string) string {
	return tokenLink.ReplaceAllString(text, "${1}${2}…")
}

// maskCalendarTokens masks the tokens of an iCalendar text, whose long
// lines are folded: it unfolds, masks and folds again when anything changed.
func maskCalendarTokens(cal string) string {
	unfolded := ical.Unfold(cal)
	masked := maskTokens(unfolded)
	if masked == unfolded {
		return cal
	}
	return ical.Fold(masked)
}

var errBadRequest = errors.New("bad request")
