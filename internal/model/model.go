// Package model holds the domain types of the committee portal and the
// sentinel errors every layer shares. It imports nothing but the standard
// library so that every other package may use it.
package model

import (
	"errors"
	"slices"
	"time"
)

// Sentinel errors. The server maps them to HTTP statuses in one place.
var (
	ErrNotFound  = errors.New("not found")
	ErrForbidden = errors.New("forbidden")
	ErrConflict  = errors.New("conflict")
)

// Role is what an account may do on the portal.
type Role string

// The three roles of DESIGN.md. A pilot is a member whose body pilots measures.
const (
	RoleSecretariat Role = "secretariat"
	RolePilot       Role = "pilot"
	RoleMember      Role = "member"
)

// Roles lists the roles in the order forms offer them.
var Roles = []Role{RoleMember, RolePilot, RoleSecretariat}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	return r == RoleSecretariat || r == RolePilot || r == RoleMember
}

// NeedsBody reports whether an account with role r must belong to a body:
// pilots and members speak for one, the secretariat for none.
func (r Role) NeedsBody() bool { return r == RolePilot || r == RoleMember }

// Label is the role's name as shown to users.
func (r Role) Label() string {
	switch r {
	case RoleSecretariat:
		return "Secrétariat"
	case RolePilot:
		return "Pilote de mesures"
	case RoleMember:
		return "Membre"
	}
	return "Inconnu"
}

// Category is the kind of a member body; consultations use it to decide
// who may comment.
type Category string

// The five categories of member bodies.
const (
	CategoryInstitution     Category = "institution"
	CategoryAssociation     Category = "association"
	CategoryUnion           Category = "union"
	CategoryIndependentBody Category = "independent_body"
	CategoryQualifiedPerson Category = "qualified_person"
)

// Categories lists the categories in the order the member list shows them.
var Categories = []Category{CategoryInstitution, CategoryIndependentBody, CategoryAssociation, CategoryUnion, CategoryQualifiedPerson}

// Valid reports whether c is one of the five categories.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// Label is the category's heading on the member list.
func (c Category) Label() string {
	switch c {
	case CategoryInstitution:
		return "Administrations et établissements publics"
	case CategoryAssociation:
		return "Associations"
	case CategoryUnion:
		return "Organisations syndicales et professionnelles"
	case CategoryIndependentBody:
		return "Autorités et instances indépendantes"
	case CategoryQualifiedPerson:
		return "Personnalités qualifiées"
	}
	return "Autre"
}

// Body is a member organisation of the committee.
type Body struct {
	ID           int64
	Slug         string
	Name         string
	Acronym      string
	Category     Category
	Website      string
	ParentID     int64
	Illustrative bool
}

// DisplayName is the body's name followed by its acronym when it has one.
func (b Body) DisplayName() string {
	if b.Acronym == "" {
		return b.Name
	}
	return b.Name + " (" + b.Acronym + ")"
}

// Person is someone seated for a body. Contact details are personal data:
// only the secretariat and the person see them.
type Person struct {
	ID           int64
	Civility     string // "M." or "Mme", as the JO prints it
	GivenName    string
	FamilyName   string
	Title        string
	BodyID       int64
	Email        string
	Phone        string
	Illustrative bool
}

// FullName is the name as the JO prints it: civility, given name, family name.
func (p Person) FullName() string {
	name := p.FamilyName
	if p.GivenName != "" {
		name = p.GivenName + " " + name
	}
	if p.Civility != "" {
		name = p.Civility + " " + name
	}
	return name
}

// SeatRole is the holder's standing on a seat.
type SeatRole string

// Seat roles of a JO arrêté.
const (
	SeatTitulaire SeatRole = "titulaire"
	SeatSuppleant SeatRole = "suppleant"
)

// Valid reports whether r is a known seat role.
func (r SeatRole) Valid() bool { return r == SeatTitulaire || r == SeatSuppleant }

// Label is the role as shown on the member list.
func (r SeatRole) Label() string {
	if r == SeatSuppleant {
		return "Suppléant"
	}
	return "Titulaire"
}

// Seat is a body's place in a mandate and the person holding it over a
// period; a replacement closes one seat and opens another.
type Seat struct {
	ID         int64
	MandateID  int64
	BodyID     int64
	PersonID   int64 // 0 for a vacant seat
	Role       SeatRole
	PostLabel  string
	StartsOn   time.Time
	EndsOn     *time.Time
	ReplacesID int64
	// Read with the seat for display.
	Person       Person
	BodyName     string
	BodyCategory Category
	MandateLabel string
}

// Vacant reports whether nobody holds the seat.
func (s Seat) Vacant() bool { return s.PersonID == 0 }

// OpenOn reports whether the seat is in force on day d.
func (s Seat) OpenOn(d time.Time) bool {
	return !s.StartsOn.After(d) && (s.EndsOn == nil || !s.EndsOn.Before(d))
}

// Mail is one message of the outbox.
type Mail struct {
	ID        int64
	CreatedAt time.Time
	To        string
	Subject   string
	Text      string
	Calendar  string // iCalendar text, empty for a plain mail
	Status    string // pending, sent or failed
	Attempts  int
	LastError string
	SentAt    *time.Time
}

// Account is a person who signs in.
type Account struct {
	ID           int64
	Email        string
	DisplayName  string
	PasswordHash string
	Role         Role
	BodyID       int64 // 0 for a secretariat account without a body
	PersonID     int64
	BodyName     string
	BodyCategory Category
	Active       bool
	SessionEpoch int
	CreatedAt    time.Time
	// Statistician says the secretariat named the account one of the
	// observatory's statisticians, who read the returns shared with them.
	Statistician bool
}

// Mandate is a committee term with the Journal officiel text that named its members.
type Mandate struct {
	ID           int64
	Slug         string
	Label        string
	StartsOn     time.Time
	EndsOn       *time.Time
	JOTitle      string
	JODate       *time.Time
	NOR          string
	JORF         string
	ELIURL       string
	JOTextNumber string
	Illustrative bool
	// Quorum is how many member bodies must be represented; 0 when none is set.
	Quorum int
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID         int64
	At         time.Time
	AccountID  int64
	ActorName  string
	IP         string
	Action     string
	ObjectType string
	ObjectID   int64
	Detail     string
}

// Visibility says who may see a document.
type Visibility string

// Visibilities from the widest to the narrowest.
const (
	VisibilityPublic      Visibility = "public"
	VisibilityMembers     Visibility = "members"
	VisibilitySecretariat Visibility = "secretariat"
)

// Visibilities lists them in the order forms offer them.
var Visibilities = []Visibility{VisibilityPublic, VisibilityMembers, VisibilitySecretariat}

// Valid reports whether v is a known visibility.
func (v Visibility) Valid() bool {
	return v == VisibilityPublic || v == VisibilityMembers || v == VisibilitySecretariat
}

// Label is the visibility as shown to users.
func (v Visibility) Label() string {
	switch v {
	case VisibilityPublic:
		return "Public"
	case VisibilityMembers:
		return "Membres du comité"
	case VisibilitySecretariat:
		return "Secrétariat"
	}
	return string(v)
}

// wider reports whether v lets more people in than w.
func (v Visibility) wider(w Visibility) bool {
	rank := map[Visibility]int{VisibilityPublic: 0, VisibilityMembers: 1, VisibilitySecretariat: 2}
	return rank[v] < rank[w]
}

// DocumentKind is what a document is.
type DocumentKind string

// Document kinds.
const (
	KindAgenda       DocumentKind = "agenda"
	KindMinutes      DocumentKind = "minutes"
	KindIntervention DocumentKind = "intervention"
	KindContribution DocumentKind = "contribution"
	KindReport       DocumentKind = "report"
	KindJOText       DocumentKind = "jo_text"
	KindOther        DocumentKind = "other"
)

// DocumentKinds lists the kinds in the order forms offer them.
var DocumentKinds = []DocumentKind{KindAgenda, KindMinutes, KindIntervention, KindContribution, KindReport, KindJOText, KindOther}

// Valid reports whether k is a known kind.
func (k DocumentKind) Valid() bool { return slices.Contains(DocumentKinds, k) }

// Label is the kind as shown to users.
func (k DocumentKind) Label() string {
	switch k {
	case KindAgenda:
		return "Ordre du jour"
	case KindMinutes:
		return "Compte rendu"
	case KindIntervention:
		return "Intervention"
	case KindContribution:
		return "Contribution"
	case KindReport:
		return "Rapport"
	case KindJOText:
		return "Texte au Journal officiel"
	case KindOther:
		return "Autre"
	}
	return string(k)
}

// Document is a file with its metadata; its content is in versions.
type Document struct {
	ID                int64
	Title             string
	Kind              DocumentKind
	Language          string
	Date              time.Time
	Visibility        Visibility
	EmbargoUntil      *time.Time
	EmbargoVisibility Visibility
	Description       string
	CreatedBy         int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
	// HeldFor, when set, holds the document back whatever its visibility
	// until what it was uploaded for is published: HeldID is the pending
	// update or the meeting whose draft agenda it waits for.
	HeldFor HoldKind
	HeldID  int64
	// SharedWith are the bodies that may see a held document besides the
	// secretariat: the pilots of the measure of a held update's evidence.
	SharedWith []int64
	// Latest is the newest version, when read with the document.
	Latest *DocumentVersion
}

// HoldKind is what a held document waits for.
type HoldKind string

// Holds of a document.
const (
	// HeldForUpdate is the evidence of an implementation update not yet
	// published (pending or returned): its measure's pilots and the
	// secretariat see it.
	HeldForUpdate HoldKind = "update"
	// HeldForAgenda is a document uploaded onto a draft agenda: the
	// secretariat sees it until the agenda is published.
	HeldForAgenda HoldKind = "agenda"
)

// Held reports whether the document is held back.
func (d Document) Held() bool { return d.HeldFor != "" }

// DocumentReader is who reads documents, as the store's queries need to
// know them to apply access.CanSeeDocument in SQL (access.DocumentReader
// builds it).
type DocumentReader struct {
	// Levels are the visibilities the reader may see.
	Levels []Visibility
	// Secretariat sees held documents.
	Secretariat bool
	// BodyID is the reader's body, with which held documents may be
	// shared; 0 for none.
	BodyID int64
}

// VisibilityAt is who may see the document at time t: once an embargo date
// has passed, its wider visibility applies by itself.
func (d Document) VisibilityAt(t time.Time) Visibility {
	if d.EmbargoUntil != nil && !t.Before(*d.EmbargoUntil) && d.EmbargoVisibility.wider(d.Visibility) {
		return d.EmbargoVisibility
	}
	return d.Visibility
}

// DocumentVersion is one uploaded file of a document.
type DocumentVersion struct {
	ID               int64
	DocumentID       int64
	Number           int
	SHA256           string
	Size             int64
	MediaType        string
	Filename         string
	UploadedBy       int64
	UploaderName     string
	UploadedAt       time.Time
	ExtractionStatus string
	ExtractionError  string
}

// DocumentLink says where a document is attached.
type DocumentLink struct {
	DocumentID int64
	TargetType string // meeting, agenda_item, measure or news
	TargetID   int64
	// TargetLabel is the target's title, for display.
	TargetLabel string
	// Kind and Href name the target and lead to it; set for the viewer
	// once their right to see the target is checked.
	Kind, Href string
}

// DocumentLinkTarget is a document's link with what deciding whether a
// viewer may see its target, and naming it, needs: the meeting (of the
// agenda item too), the item's title, the measure or the article. Only
// the fields those rules and labels read are set (the meeting's id, title,
// start, status, public details and invitations; the measure's number and
// title; the article's slug, title, visibility and date). Found is false
// when the target is gone.
type DocumentLinkTarget struct {
	Link      DocumentLink
	Meeting   Meeting
	ItemTitle string
	Measure   Measure
	News      NewsArticle
	Found     bool
}

// Language is a language a document may be written in.
type Language struct {
	Code, Label string
}

// Languages lists the languages offered for documents.
var Languages = []Language{{"fr", "Français"}, {"en", "Anglais"}, {"es", "Espagnol"}, {"de", "Allemand"}, {"it", "Italien"}, {"pt", "Portugais"}}

// LanguageLabel names the language of an ISO 639-1 code.
func LanguageLabel(code string) string {
	for _, l := range Languages {
		if l.Code == code {
			return l.Label
		}
	}
	return code
}
