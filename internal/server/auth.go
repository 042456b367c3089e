package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"comite/internal/model"
	"comite/internal/password"
	"comite/internal/store"
	"comite/web/view"
)

// Session keys.
const (
	sessionAccountKey = "account_id"
	sessionEpochKey   = "epoch"
	sessionFlashKey   = "flash"
)

// Throttling of sign-ins over a sliding window. The per-account limit counts
// only failures from the same address, so an attacker elsewhere cannot lock a
// real user out; the overall per-account limit is a high backstop against a
// distributed attack and lifts by itself when the window passes.
const (
	loginWindow            = 15 * time.Minute
	maxFailuresPerIP       = 30
	maxFailuresPerEmailIP  = 5
	maxFailuresPerEmailAll = 100
)

const badCredentials = "Adresse électronique ou mot de passe incorrect."

// signIn ties the session to the account at its current epoch, under a new
// token: renewing at every sign-in and privilege change defeats fixation.
func (s *Server) signIn(ctx context.Context, accountID int64, epoch int) error {
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionAccountKey, accountID)
	s.sessions.Put(ctx, sessionEpochKey, epoch)
	return nil
}

// loginThrottled decides from the recent failures whether to refuse a sign-in
// attempt before checking the password.
func loginThrottled(f store.LoginFailures) bool {
	return f.ByIP >= maxFailuresPerIP || f.ByEmailAndIP >= maxFailuresPerEmailIP || f.ByEmail >= maxFailuresPerEmailAll
}

// safeNext keeps a post-login destination only when it is a path of this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		!cleanLine(next) {
		return "/"
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if viewerOf(r.Context()).SignedIn() {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, view.Login(view.LoginPage{Base: s.base(r, "Se connecter"), Form: view.NewForm(), Next: next}))
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	ctx := r.Context()
	form := view.NewForm()
	email := strings.TrimSpace(r.PostForm.Get("email"))
	pw := r.PostForm.Get("password")
	form.Values["email"] = email
	page := view.LoginPage{Base: s.base(r, "Se connecter"), Form: form, Next: safeNext(r.PostForm.Get("next"))}
	if email == "" {
		form.Fail("email", "Adresse électronique", "Saisissez votre adresse électronique.")
	} else if !strings.Contains(email, "@") {
		form.Fail("email", "Adresse électronique", "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")
	}
	if pw == "" {
		form.Fail("password", "Mot de passe", "Saisissez votre mot de passe.")
	}
	if !form.Valid() {
		page.Base.Title = "Erreur – Se connecter"
		s.render(w, r, http.StatusUnprocessableEntity, view.Login(page))
		return nil
	}

	ip := s.clientIP(r)
	failures, err := s.store.RecentLoginFailures(ctx, ip, email, s.now().Add(-loginWindow))
	if err != nil {
		return err
	}
	if loginThrottled(failures) {
		s.log.Warn("login throttled", "ip", ip, "email", store.NormalizeEmail(email))
		page.Problem = "Trop de tentatives de connexion ont échoué. Par sécurité, patientez 15 minutes avant de réessayer."
		page.Base.Title = "Erreur – Se connecter"
		w.Header().Set("Retry-After", "900")
		s.render(w, r, http.StatusTooManyRequests, view.Login(page))
		return nil
	}

	account, err := s.store.AccountByEmail(ctx, email)
	switch {
	case errors.Is(err, model.ErrNotFound):
		// Spend the time of a real check so that timing does not tell which e-mails exist.
		password.VerifyNothing(pw)
	case err != nil:
		return err
	default:
		if verr := password.Verify(account.PasswordHash, pw); verr != nil || !account.Active {
			err = model.ErrNotFound
		}
	}
	if err != nil {
		if rerr := s.store.RecordLoginAttempt(ctx, ip, email, false); rerr != nil {
			return rerr
		}
		s.log.Info("login failed", "ip", ip, "email", store.NormalizeEmail(email))
		page.Problem = badCredentials
		page.Base.Title = "Erreur – Se connecter"
		s.render(w, r, http.StatusUnauthorized, view.Login(page))
		return nil
	}

	if err := s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.RecordLoginAttempt(ctx, ip, email, true); err != nil {
			return err
		}
		return tx.Record(ctx, store.Audit{AccountID: account.ID, IP: ip, Action: "session.login", ObjectType: "account", ObjectID: account.ID})
	}); err != nil {
		return err
	}
	if err := s.signIn(ctx, account.ID, account.SessionEpoch); err != nil {
		return err
	}
	s.log.Info("login", "ip", ip, "account_id", account.ID)
	s.redirectWithFlash(w, r, page.Next, "Vous êtes connecté.")
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewerOf(ctx)
	if v.SignedIn() {
		if err := s.store.Record(ctx, store.Audit{AccountID: v.AccountID, IP: s.clientIP(r), Action: "session.logout", ObjectType: "account", ObjectID: v.AccountID}); err != nil {
			return err
		}
	}
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	w.Header().Set("Clear-Site-Data", `"cache"`)
	s.redirectWithFlash(w, r, "/", "Vous êtes déconnecté.")
	return nil
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r.Context())
	a, err := s.store.Account(r.Context(), v.AccountID)
	if err != nil {
		return err
	}
	p, err := s.accountPage(r, "Mon compte", a, view.NewForm())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, view.Account(p))
	return nil
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	ctx := r.Context()
	v := viewerOf(ctx)
	a, err := s.store.Account(ctx, v.AccountID)
	if err != nil {
		return err
	}
	current, next, confirm := r.PostForm.Get("current"), r.PostForm.Get("new"), r.PostForm.Get("confirm")
	form := view.NewForm()
	if current == "" {
		form.Fail("current", "Mot de passe actuel", "Saisissez votre mot de passe actuel.")
	} else if password.Verify(a.PasswordHash, current) != nil {
		form.Fail("current", "Mot de passe actuel", "Le mot de passe actuel est incorrect.")
	}
	if problem := password.Problem(next, a.Email); problem != "" {
		form.Fail("new", "Nouveau mot de passe", problem)
	} else if next == current {
		form.Fail("new", "Nouveau mot de passe", "Le nouveau mot de passe doit être différent de l'actuel.")
	}
	if form.Error("new") == "" && confirm != next {
		form.Fail("confirm", "Confirmation du nouveau mot de passe", "La confirmation ne correspond pas au nouveau mot de passe.")
	}
	if !form.Valid() {
		p, err := s.accountPage(r, "Erreur – Mon compte", a, form)
		if err != nil {
			return err
		}
		p.Nav = "account"
		s.render(w, r, http.StatusUnprocessableEntity, view.Account(p))
		return nil
	}
	hash, err := password.Hash(next)
	if err != nil {
		return err
	}
	var epoch int
	if err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if epoch, err = tx.SetPassword(ctx, a.ID, hash); err != nil {
			return err
		}
		return tx.Record(ctx, store.Audit{AccountID: a.ID, IP: s.clientIP(r), Action: "account.password_change", ObjectType: "account", ObjectID: a.ID})
	}); err != nil {
		return err
	}
	// The epoch moved on: this session follows it, every other one ends.
	if err := s.signIn(ctx, a.ID, epoch); err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/account", "Votre mot de passe a été modifié. Vos autres sessions ont été fermées.")
	return nil
}
