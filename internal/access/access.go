// Package access is the portal's one authorisation policy: it decides what a
// viewer may do. Handlers ask it and never decide on their own; anything it
// does not explicitly allow is refused.
package access

import "comite/internal/model"

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
