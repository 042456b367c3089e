package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"comite/internal/model"
	"comite/internal/password"
	"comite/internal/store"
	"comite/web/view"
)

// Lifetimes of the links sent by e-mail.
const (
	invitationLifetime = 7 * 24 * time.Hour
	resetLifetime      = time.Hour
	maxResetsPerHour   = 3
)

// newToken returns a random link token and the hash kept in the database.
func newToken() (token string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// baseURL is the portal's public address for every absolute link it
// writes: mails, feeds, calendars and exports. It comes from the
// configuration only, never from the request, whose Host header anyone may
// set: a reset link built from it would carry the token to another site.
// `comite serve` refuses to start without COMITE_BASE_URL and `comite dev`
// sets it to its own address; the listening address is a last resort for
// servers built otherwise.
func (s *Server) baseURL() string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	return "http://" + s.cfg.Addr
}

func invitationText(name, link string) string {
	return fmt.Sprintf(`Bonjour %s,

Le secrétariat du comité de coordination vous invite à rejoindre le portail du comité.
Vous y trouverez les réunions, les ordres du jour, les comptes rendus et les documents du comité.

Pour activer votre compte, choisissez votre mot de passe en suivant ce lien :
%s

Ce lien ne peut servir qu'une fois et expire dans 7 jours.
Si vous n'attendiez pas ce message, vous pouvez l'ignorer.

Le secrétariat du comité de coordination
`, name, link)
}

func resetText(link string) string {
	return fmt.Sprintf(`Bonjour,

Une demande de réinitialisation du mot de passe de votre compte sur le portail du comité de coordination a été faite.

Pour choisir un nouveau mot de passe, suivez ce lien :
%s

Ce lien ne peut servir qu'une fois et expire dans une heure.
Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.

Le secrétariat du comité de coordination
`, link)
}

// inviteSeat creates the account of a seat's holder and mails them a link to
// choose their password.
func (s *Server) inviteSeat(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, err := s.seatFromPath(r)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/admin/mandates/%d", st.MandateID)
	if st.Vacant() {
		s.redirectWithFlash(w, r, back, "Ce siège est vacant : il n'y a personne à inviter.")
		return nil
	}
	person, err := s.store.Person(ctx, st.PersonID)
	if err != nil {
		return err
	}
	if person.Email == "" {
		s.redirectWithFlash(w, r, back, "Impossible d'inviter "+person.FullName()+" : renseignez d'abord son adresse électronique dans sa fiche.")
		return nil
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Confirm(view.ConfirmPage{Base: s.adminBase(r, "Inviter "+person.FullName()),
			Message: "Un compte de membre rattaché à « " + st.BodyName + " » sera créé et un lien d'activation valable 7 jours sera envoyé à " + person.Email + ".",
			Action:  fmt.Sprintf("/admin/seats/%d/invite", st.ID), Submit: "Envoyer l'invitation", Cancel: back}))
		return nil
	}
	token, hash := newToken()
	if err := r.ParseForm(); err != nil {
		return err
	}
	_, err = s.createOnce(r, r.PostForm.Get(view.SubmissionField), func(tx *store.Store) (string, error) {
		id, err := tx.CreateAccount(ctx, store.NewAccount{Email: person.Email, DisplayName: person.FullName(),
			Role: model.RoleMember, BodyID: st.BodyID, PersonID: person.ID})
		if err != nil {
			return "", err
		}
		if err := tx.CreateAccountToken(ctx, id, "invite", hash, s.now().Add(invitationLifetime)); err != nil {
			return "", err
		}
		link := s.baseURL() + "/invitation/" + token
		if _, err := tx.QueueMail(ctx, person.Email, "Invitation au portail du comité de coordination", invitationText(person.FullName(), link)); err != nil {
			return "", err
		}
		return back, s.record(ctx, tx, r, "account.invite", "account", id, nil, map[string]any{"email": person.Email, "person_id": person.ID, "body_id": st.BodyID})
	})
	if errors.Is(err, model.ErrConflict) {
		s.redirectWithFlash(w, r, back, "Un compte existe déjà pour l'adresse "+person.Email+".")
		return nil
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, back, "L'invitation a été envoyée à "+person.Email+".")
	return nil
}

var newPasswordFields = []view.Field{
	{Name: "new", Label: "Nouveau mot de passe", Kind: "password", Required: true, Hint: "Au moins 12 caractères. Une phrase de plusieurs mots est plus facile à retenir.", Autocomplete: "new-password"},
	{Name: "confirm", Label: "Confirmation du mot de passe", Kind: "password", Required: true, Autocomplete: "new-password"},
}

// setPasswordByLink serves the invitation and reset links: both let the
// holder of a valid link choose a password, once.
func (s *Server) setPasswordByLink(purpose string) handlerFunc {
	title := map[string]string{"invite": "Activer votre compte", "reset": "Choisir un nouveau mot de passe"}[purpose]
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		token := r.PathValue("token")
		account, err := s.store.AccountForToken(ctx, purpose, hashToken(token))
		if errors.Is(err, model.ErrNotFound) {
			page := view.ErrorPage{Base: s.base(r, "Lien invalide"), Status: http.StatusNotFound,
				Message: "Ce lien n'est plus valable : il a déjà servi ou il a expiré. Demandez un nouveau lien au secrétariat ou depuis la page « Mot de passe oublié »."}
			s.render(w, r, http.StatusNotFound, view.Error(page))
			return nil
		}
		if err != nil {
			return err
		}
		action := r.URL.Path
		page := func(title string, f *view.Form) view.EditPage {
			return view.EditPage{Base: s.base(r, title), Action: action, Submit: "Enregistrer le mot de passe",
				Intro: "Compte : " + account.Email, Form: f, Fields: newPasswordFields}
		}
		if r.Method == http.MethodGet {
			s.render(w, r, http.StatusOK, view.Edit(page(title, view.NewForm())))
			return nil
		}
		f, err := readForm(r, newPasswordFields)
		if err != nil {
			return err
		}
		pw, confirm := r.PostForm.Get("new"), r.PostForm.Get("confirm")
		if problem := password.Problem(pw, account.Email); problem != "" {
			f.Fail("new", "Nouveau mot de passe", problem)
		} else if confirm != pw {
			f.Fail("confirm", "Confirmation du mot de passe", "La confirmation ne correspond pas au mot de passe.")
		}
		if !f.Valid() {
			s.render(w, r, http.StatusUnprocessableEntity, view.Edit(page("Erreur – "+title, f)))
			return nil
		}
		hash, err := password.Hash(pw)
		if err != nil {
			return err
		}
		var epoch int
		err = s.store.InTx(ctx, func(tx *store.Store) error {
			id, err := tx.UseAccountToken(ctx, purpose, hashToken(token))
			if err != nil {
				return err
			}
			if epoch, err = tx.SetPassword(ctx, id, hash); err != nil {
				return err
			}
			return tx.Record(ctx, store.Audit{AccountID: id, IP: s.clientIP(r), Action: "account.password_" + purpose, ObjectType: "account", ObjectID: id})
		})
		if errors.Is(err, model.ErrNotFound) {
			// The link was used by a concurrent request.
			return err
		}
		if err != nil {
			return err
		}
		if err := s.signIn(ctx, account.ID, epoch); err != nil {
			return err
		}
		s.redirectWithFlash(w, r, "/account", "Votre mot de passe est enregistré. Vous êtes connecté.")
		return nil
	}
}

var resetRequestFields = []view.Field{
	{Name: "email", Label: "Adresse électronique", Kind: "email", Required: true, Hint: "L'adresse de votre compte.", Autocomplete: "username"},
}

const resetSent = "Si un compte correspond à cette adresse, un courriel contenant un lien de réinitialisation vient d'être envoyé. Le lien expire dans une heure."

// passwordReset asks for an e-mail and, when an active account has it, mails
// a link. The answer is the same whether or not the address exists.
func (s *Server) passwordReset(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	page := func(title string, f *view.Form) view.EditPage {
		return view.EditPage{Base: s.base(r, title), Action: "/password-reset", Submit: "Recevoir un lien",
			Intro: "Saisissez l'adresse électronique de votre compte : vous recevrez un lien pour choisir un nouveau mot de passe.",
			Form:  f, Fields: resetRequestFields}
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(page("Mot de passe oublié", view.NewForm())))
		return nil
	}
	f, err := readForm(r, resetRequestFields)
	if err != nil {
		return err
	}
	email := newChecker(f, resetRequestFields).email("email")
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(page("Erreur – Mot de passe oublié", f)))
		return nil
	}
	account, err := s.store.AccountByEmail(ctx, email)
	switch {
	case errors.Is(err, model.ErrNotFound):
		s.log.Info("password reset for unknown address", "ip", s.clientIP(r))
	case err != nil:
		return err
	case account.Active:
		recent, err := s.store.RecentTokens(ctx, account.ID, "reset", s.now().Add(-time.Hour))
		if err != nil {
			return err
		}
		if recent >= maxResetsPerHour {
			s.log.Warn("password reset throttled", "account_id", account.ID, "ip", s.clientIP(r))
			break
		}
		token, hash := newToken()
		err = s.store.InTx(ctx, func(tx *store.Store) error {
			if err := tx.CreateAccountToken(ctx, account.ID, "reset", hash, s.now().Add(resetLifetime)); err != nil {
				return err
			}
			if _, err := tx.QueueMail(ctx, account.Email, "Réinitialisation de votre mot de passe", resetText(s.baseURL()+"/password-reset/"+token)); err != nil {
				return err
			}
			return tx.Record(ctx, store.Audit{AccountID: account.ID, IP: s.clientIP(r), Action: "account.reset_request", ObjectType: "account", ObjectID: account.ID})
		})
		if err != nil {
			return err
		}
	}
	s.redirectWithFlash(w, r, "/login", resetSent)
	return nil
}
