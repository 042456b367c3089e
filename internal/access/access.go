// Package access is the portal's one authorisation policy: it decides what a
// viewer may do. Handlers ask it and never decide on their own; anything it
// does not explicitly allow is refused.
package access

import (
	"slices"
	"time"

	"comite/internal/model"
)

// Viewer is who is looking at a page: the public (zero value) or a signed-in account.
type Viewer struct {
	AccountID int64
	Name      string
	Role      model.Role
	BodyID    int64
	BodyName  string
	Category  model.Category
}

// ViewerFor builds the viewer of a signed-in account.
func ViewerFor(a model.Account) Viewer {
	return Viewer{
		AccountID: a.ID,
		Name:      a.DisplayName,
		Role:      a.Role,
		BodyID:    a.BodyID,
		BodyName:  a.BodyName,
		Category:  a.BodyCategory,
	}
}

// SignedIn reports whether the viewer has an account session.
func (v Viewer) SignedIn() bool { return v.AccountID != 0 && v.Role.Valid() }

// IsSecretariat reports whether the viewer runs the committee.
func (v Viewer) IsSecretariat() bool { return v.SignedIn() && v.Role == model.RoleSecretariat }

// Action is something a viewer may be allowed to do, independent of any one object.
type Action int

// The actions of the portal. Add one per new capability; Allows must list it
// or it stays refused.
const (
	// ReadPublic covers pages anyone may read: home, member list, plan, legal pages.
	ReadPublic Action = iota + 1
	// ReadMemberArea covers what only seated members read: meetings, minutes, members' documents.
	ReadMemberArea
	// ManageOwnAccount covers the viewer's own account page and password.
	ManageOwnAccount
	// Administer covers the back office: accounts, audit log, moderation.
	Administer
)

// Allows reports whether v may perform act. Deny by default.
func Allows(v Viewer, act Action) bool {
	switch act {
	case ReadPublic:
		return true
	case ReadMemberArea, ManageOwnAccount:
		return v.SignedIn()
	case Administer:
		return v.IsSecretariat()
	}
	return false
}

// CanSeeMeeting reports whether v may see meeting m. Meetings belong to the
// members' area whatever their status.
func CanSeeMeeting(v Viewer, m model.Meeting) bool {
	return Allows(v, ReadMemberArea)
}

// VisibleLevels is the set of document visibilities v may see: the library
// filters on it, so lists and single pages follow the same rule.
func VisibleLevels(v Viewer) []model.Visibility {
	switch {
	case v.IsSecretariat():
		return []model.Visibility{model.VisibilityPublic, model.VisibilityMembers, model.VisibilitySecretariat}
	case v.SignedIn():
		return []model.Visibility{model.VisibilityPublic, model.VisibilityMembers}
	}
	return []model.Visibility{model.VisibilityPublic}
}

// CanSeeDocument reports whether v may see d (its page and its files) at time now.
func CanSeeDocument(v Viewer, d model.Document, now time.Time) bool {
	return slices.Contains(VisibleLevels(v), d.VisibilityAt(now))
}

// DocumentExistenceIsPrivate reports whether a refused viewer must not even
// learn that d exists (404 rather than 403 or a login redirect).
func DocumentExistenceIsPrivate(d model.Document, now time.Time) bool {
	return d.VisibilityAt(now) == model.VisibilitySecretariat
}

// CanUploadDocument reports whether v may add a document of kind k: the
// secretariat any kind, other members their contributions.
func CanUploadDocument(v Viewer, k model.DocumentKind) bool {
	return v.IsSecretariat() || (v.SignedIn() && k == model.KindContribution)
}

// CanEditDocument reports whether v may change d's metadata, add versions or
// delete it: the secretariat, or the member who uploaded a contribution.
func CanEditDocument(v Viewer, d model.Document) bool {
	return v.IsSecretariat() || (v.SignedIn() && d.Kind == model.KindContribution && d.CreatedBy == v.AccountID)
}

// CanAttachDocuments reports whether v may attach documents to meetings and
// other objects, or detach them.
func CanAttachDocuments(v Viewer) bool { return v.IsSecretariat() }
