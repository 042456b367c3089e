package model

import "time"

// MailKind is a kind of mail of the outbox, known by how its subject
// starts: the outbox keeps no kind of its own, and every mail the portal
// writes names its kind first in its subject (« Convocation : … »).
type MailKind struct {
	Key   string // in the outbox's filter URL
	Label string
	// Prefixes are the starts of subject of the kind's mails.
	Prefixes []string
}

// MailKindOther is the filter key of the mails of no kind below (news
// articles, whose subject is their title).
const MailKindOther = "autres"

// MailKinds are the kinds the outbox filters by, in the order of its menu.
// A new kind of mail adds its subject's start here. A news article's mail
// is titled by the article: one whose title starts like a kind below
// (« Version … ») is filed under it.
var MailKinds = []MailKind{
	{Key: "convocation", Label: "Convocations", Prefixes: []string{"Convocation : "}},
	{Key: "reunion", Label: "Réunions modifiées, reportées ou annulées", Prefixes: []string{"Modification : ", "Report : ", "Annulation : "}},
	{Key: "compte-rendu", Label: "Projets de compte rendu", Prefixes: []string{"Projet de compte rendu : "}},
	{Key: "compte", Label: "Invitations et mots de passe", Prefixes: []string{"Invitation au portail", "Réinitialisation de votre mot de passe"}},
	{Key: "commentaire", Label: "Commentaires et réponses officielles", Prefixes: []string{"Nouveau commentaire : ", "Nouvelle réponse : ", "Réponse officielle : "}},
	{Key: "plan", Label: "Plan d'action (mises à jour, bilans)", Prefixes: []string{"Mise à jour publiée : ", "Mise à jour à revoir : ", "Campagne de bilan : "}},
	{Key: "consultation", Label: "Consultations sur les textes", Prefixes: []string{"Version ", "Nouvelle contribution : ", "Réponse à votre contribution : ", "Modération de votre contribution : "}},
	{Key: "observatoire", Label: "Enquêtes de l'observatoire", Prefixes: []string{"Enquête annuelle", "Rappel – Enquête annuelle"}},
}

// MailKindByKey returns the kind of key, MailKindOther included (with no
// prefixes), and whether there is one.
func MailKindByKey(key string) (MailKind, bool) {
	if key == MailKindOther {
		return MailKind{Key: MailKindOther, Label: "Autres courriels (actualités…)"}, true
	}
	for _, k := range MailKinds {
		if k.Key == key {
			return k, true
		}
	}
	return MailKind{}, false
}

// Mail states the outbox filters by: a mail waits, waits again after a
// failed attempt, left, or was given up.
const (
	MailWaiting  = "attente"
	MailRetrying = "nouvel-essai"
	MailSent     = "envoye"
	MailFailed   = "echec"
)

// MailStates are the outbox's state filter, in the order of its menu.
var MailStates = []struct{ Key, Label string }{
	{MailWaiting, "En attente"},
	{MailRetrying, "En attente d'un nouvel essai"},
	{MailSent, "Envoyé"},
	{MailFailed, "En échec"},
}

// MailGroup is the mails one change wrote with one subject in one
// transaction (a convocation to each seat): the outbox shows them as one
// line that unfolds to its recipients.
type MailGroup struct {
	// FirstID is the group's first mail, by which its page is addressed.
	FirstID   int64
	CreatedAt time.Time
	Subject   string
	// Mails are the group's first mails in the order they were written, at
	// most MailGroupShown on the outbox page: a mail to every account is
	// read page by page on the group's own page.
	Mails []Mail
	// Total counts the group's mails and States them by state: what the
	// outbox page says of a group it does not show whole.
	Total  int
	States MailStateCounts
}

// MailGroupShown bounds the mails of a group the outbox page shows, and the
// mails of a page of a group's own page.
const MailGroupShown = 50

// MailStateCounts counts mails by state (MailStates).
type MailStateCounts struct {
	Waiting, Retrying, Sent, Failed int
}
