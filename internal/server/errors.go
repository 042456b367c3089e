package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"comite/internal/model"
	"comite/web/view"
)

// Errors of the HTTP layer itself; the model's sentinels cover the rest.
var (
	errNotFound         = model.ErrNotFound
	errMethodNotAllowed = errors.New("method not allowed")
	errCrossOrigin      = errors.New("cross-origin request")
)

// redirectError is a request that cannot be carried out in the object's
// present state: serveError sends the viewer to location with flash, as a
// handler's own Post/Redirect/Get would.
type redirectError struct{ location, flash string }

func (e *redirectError) Error() string { return "redirect to " + e.location + ": " + e.flash }

// plainError is a short plain-text answer with its status, for addresses
// that serve files rather than pages (exports).
type plainError struct {
	status int
	text   string
}

func (e *plainError) Error() string { return e.text }

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handlerFunc: its error becomes the right error page.
func (s *Server) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.serveError(w, r, err)
		}
	}
}

// serveError is the one place where errors become HTTP statuses and pages
// (JSON bodies under /api/).
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	v := viewerOf(r.Context())
	page := view.ErrorPage{Base: s.base(r, "")}
	var maxBytes *http.MaxBytesError
	var submitted *submittedError
	var param *paramError
	var redirect *redirectError
	var plain *plainError
	switch {
	case errors.As(err, &submitted):
		// The same copy of a form sent again wrote nothing: its sender
		// goes where the first sending went.
		s.redirectWithFlash(w, r, submitted.location, "Ce formulaire avait déjà été envoyé ; il n'a été enregistré qu'une fois.")
		return
	case errors.As(err, &redirect):
		s.redirectWithFlash(w, r, redirect.location, redirect.flash)
		return
	case errors.As(err, &plain):
		http.Error(w, plain.text, plain.status)
		return
	case errors.Is(err, model.ErrForbidden) && !v.SignedIn() && r.Method == http.MethodGet && !isAPI(r):
		// A members' page asked by a signed-out viewer: sign in first, then come back.
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	case errors.Is(err, model.ErrForbidden):
		page.Status, page.Title = http.StatusForbidden, "Accès refusé"
		page.Message = "Vous n'avez pas les droits nécessaires pour consulter cette page."
		page.LoginLink = !v.SignedIn()
	case errors.Is(err, errCrossOrigin):
		page.Status, page.Title = http.StatusForbidden, "Requête refusée"
		page.Message = "Cette demande provient d'un autre site et a été refusée par mesure de sécurité. Revenez sur le portail et recommencez."
	case errors.Is(err, model.ErrNotFound):
		page.Status, page.Title = http.StatusNotFound, "Page introuvable"
		page.Message = "La page demandée n'existe pas ou a été déplacée. Vérifiez l'adresse saisie."
	case errors.As(err, &param):
		page.Status, page.Title = http.StatusBadRequest, "Demande incorrecte"
		page.Message = param.message
	case errors.Is(err, errBadRequest):
		page.Status, page.Title = http.StatusBadRequest, "Demande incorrecte"
		page.Message = "La demande envoyée n'est pas valide. Revenez à la page précédente et recommencez."
	case errors.Is(err, errBadText):
		page.Status, page.Title = http.StatusBadRequest, "Demande incorrecte"
		page.Message = "La demande contient des caractères non valides (caractère de contrôle ou codage autre que UTF-8). Vérifiez le texte saisi ou l'adresse, puis recommencez."
	case errors.Is(err, errMethodNotAllowed):
		page.Status, page.Title = http.StatusMethodNotAllowed, "Action impossible"
		page.Message = "Cette adresse n'accepte pas ce type de requête."
	case errors.Is(err, model.ErrConflict):
		page.Status, page.Title = http.StatusConflict, "Modification en conflit"
		page.Message = "Les données ont été modifiées entre-temps. Rechargez la page et recommencez."
	case errors.As(err, &maxBytes):
		page.Status, page.Title = http.StatusRequestEntityTooLarge, "Envoi trop volumineux"
		page.Message = "Les données envoyées dépassent la taille autorisée."
	case errors.Is(err, errNoStorage):
		page.Status, page.Title = http.StatusServiceUnavailable, "Service momentanément indisponible"
		page.Message = "Le stockage des fichiers n'est pas disponible. Réessayez plus tard."
	case databaseUnavailable(err):
		s.log.Error("database unavailable", "request_id", requestIDOf(r.Context()), "err", err)
		w.Header().Set("Retry-After", "5")
		page.Status, page.Title = http.StatusServiceUnavailable, "Service momentanément indisponible"
		page.Message = "Le portail ne peut pas joindre sa base de données. Réessayez dans quelques instants."
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer.
		return
	default:
		s.log.Error("internal error", "request_id", requestIDOf(r.Context()), "path", r.URL.Path, "err", err)
		page.Status, page.Title = http.StatusInternalServerError, "Erreur interne"
		page.Message = "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez plus tard. Référence : " + requestIDOf(r.Context())
	}
	if isAPI(r) {
		// The API answers its failures in JSON, whatever they are.
		s.writeAPIError(w, page.Status, page.Message, err)
		return
	}
	page.Base.Title = page.Title
	s.render(w, r, page.Status, view.Error(page))
}

// databaseUnavailable reports whether err means PostgreSQL cannot be reached
// (down, restarting, refusing connections) rather than a bug.
func databaseUnavailable(err error) bool {
	var netErr net.Error
	var pgErr *pgconn.PgError
	var connErr *pgconn.ConnectError
	switch {
	case errors.As(err, &connErr), errors.As(err, &netErr),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ENOENT), errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &pgErr):
		// Class 57 (operator intervention: shutdown, cannot connect now) and 08 (connection exception).
		return len(pgErr.Code) == 5 && (pgErr.Code[:2] == "57" || pgErr.Code[:2] == "08")
	}
	return pgconn.SafeToRetry(err)
}

// sessionError is called by scs when the session store fails.
func (s *Server) sessionError(w http.ResponseWriter, r *http.Request, err error) {
	s.serveError(w, r, err)
}
