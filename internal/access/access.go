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
	// PersonID is the registry person the account stands for, 0 if none.
	PersonID int64
	Name     string
	Role     model.Role
	BodyID   int64
	BodyName string
	Category model.Category
	// Statistician says the secretariat named the account one of the
	// observatory's statisticians.
	Statistician bool
}

// ViewerFor builds the viewer of a signed-in account.
func ViewerFor(a model.Account) Viewer {
	return Viewer{
		AccountID: a.ID,
		PersonID:  a.PersonID,
		Name:      a.DisplayName,
		Role:      a.Role,
		BodyID:    a.BodyID,
		BodyName:  a.BodyName,
		Category:  a.BodyCategory,

		Statistician: a.Statistician,
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

// CanSeeMeeting reports whether v may see that meeting m exists (its date
// and title): members always; the public once it has taken place, or
// earlier when the secretariat opened its details.
func CanSeeMeeting(v Viewer, m model.Meeting, now time.Time) bool {
	return Allows(v, ReadMemberArea) || m.StartsAt.Before(now) || m.PublicDetails
}

// CanSeeMeetingDetails reports whether v may see a meeting's time, place,
// agenda, attendance counts and decisions.
func CanSeeMeetingDetails(v Viewer, m model.Meeting) bool {
	return Allows(v, ReadMemberArea) || m.PublicDetails
}

// CanSeeDraftAgendas reports whether v sees agendas before they are
// published, and the documents uploaded onto them: the secretariat, which
// prepares them.
func CanSeeDraftAgendas(v Viewer) bool { return CanManageMeetings(v) }

// CanSeeAgenda reports whether v may see the meeting's agenda and the
// documents attached to its items: whoever sees the meeting's details,
// once the agenda is published (model.Meeting.AgendaPublished); until
// then, those who see draft agendas.
func CanSeeAgenda(v Viewer, m model.Meeting) bool {
	return CanSeeMeetingDetails(v, m) && (m.AgendaPublished() || CanSeeDraftAgendas(v))
}

// CanSeeMeetingDocuments reports whether v may see which documents are
// attached to the meeting (each then shown if CanSeeDocument allows it):
// they make up the meeting's file, released with the agenda.
func CanSeeMeetingDocuments(v Viewer, m model.Meeting) bool {
	return m.AgendaPublished() || CanSeeDraftAgendas(v)
}

// CanSeeAttendees reports whether v may see who was invited and who came,
// by name, and the video link.
func CanSeeAttendees(v Viewer) bool { return Allows(v, ReadMemberArea) }

// CanManageMeetings reports whether v may create meetings, change their
// agenda, status, attendance, minutes and decisions.
func CanManageMeetings(v Viewer) bool { return v.IsSecretariat() }

// CanSeeMinutes reports whether v may read the meeting's current minutes:
// the secretariat while it writes them; the attendees while they are a
// draft (attended says whether v or v's body was present); members once
// approved, and the public too when the secretariat opened them.
func CanSeeMinutes(v Viewer, m model.Meeting, attended bool) bool {
	switch {
	case v.IsSecretariat():
		return true
	case m.Status == model.MeetingMinutesDraft:
		return v.SignedIn() && attended
	case m.Status == model.MeetingMinutesApproved:
		return Allows(v, ReadMemberArea) || m.PublicMinutes
	}
	return false
}

// CanSeeRemarks reports whether v may read the remarks sent on the draft
// minutes: the secretariat and the attendees, while the minutes are a
// draft.
func CanSeeRemarks(v Viewer, m model.Meeting, attended bool) bool {
	return m.Status == model.MeetingMinutesDraft && (CanManageMeetings(v) || attended)
}

// CanSeeDissents reports whether v may read the dissenting positions
// annexed to the minutes: while they are a draft, the secretariat, the
// attendees and the members of the bodies seated that day; afterwards,
// whoever reads the minutes (CanSeeMinutes), once written.
func CanSeeDissents(v Viewer, m model.Meeting, attended, bodySeated bool) bool {
	if m.Status == model.MeetingMinutesDraft && (CanManageMeetings(v) || attended || bodySeated) {
		return true
	}
	return CanSeeMinutes(v, m, attended) && m.MinutesHTML != ""
}

// CanRemarkOnMinutes reports whether v may send remarks on the draft
// minutes: the attendees, while the minutes are a draft.
func CanRemarkOnMinutes(v Viewer, m model.Meeting, attended bool) bool {
	return v.SignedIn() && !v.IsSecretariat() && attended && m.Status == model.MeetingMinutesDraft
}

// CanAnnexDissent reports whether v may annex its body's dissenting
// position to the minutes: a member of a body seated on the meeting's day,
// until the minutes are approved.
func CanAnnexDissent(v Viewer, m model.Meeting, bodySeated bool) bool {
	return v.SignedIn() && !v.IsSecretariat() && v.BodyID != 0 && bodySeated && m.Status == model.MeetingMinutesDraft
}

// CanAnswerInvitation reports whether v may answer the meeting's
// invitation: an invited person, before the meeting.
func CanAnswerInvitation(v Viewer, m model.Meeting, invited bool, now time.Time) bool {
	return v.SignedIn() && invited && m.Status.Announced() && m.StartsAt.After(now)
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

// SeesUnpublished reports whether v sees, in lists and search, what is not
// or no longer shown to members: draft agendas, pending and hidden
// comments, draft and scheduled articles. The search query applies it in
// SQL (store.SearchViewer).
func SeesUnpublished(v Viewer) bool { return v.IsSecretariat() }

// DocumentReader is what the store needs to know of v to apply
// CanSeeDocument inside its queries (lists, attachments, search): keep the
// two in step.
func DocumentReader(v Viewer) model.DocumentReader {
	r := model.DocumentReader{Levels: VisibleLevels(v), Secretariat: v.IsSecretariat()}
	if v.SignedIn() {
		r.BodyID = v.BodyID
	}
	return r
}

// ConvocationReader is who reads the documents a convocation lists: any
// member, of no body in particular, so that a mail sent to everyone names
// only what every recipient may open (no document held for one body).
func ConvocationReader() model.DocumentReader {
	return model.DocumentReader{Levels: []model.Visibility{model.VisibilityPublic, model.VisibilityMembers}}
}

// CanSeeDocument reports whether v may see d (its page and its files) at
// time now: its visibility, widened by an embargo once over, must include
// v; and a held document (the evidence of an update not yet published, a
// file uploaded onto a draft agenda) is seen only by the secretariat and
// the bodies it is shared with (the pilots of the update's measure),
// whatever its visibility.
func CanSeeDocument(v Viewer, d model.Document, now time.Time) bool {
	r := DocumentReader(v)
	if !slices.Contains(r.Levels, d.VisibilityAt(now)) {
		return false
	}
	if !d.Held() {
		return true
	}
	return r.Secretariat || (d.HeldFor == model.HeldForUpdate && r.BodyID != 0 && slices.Contains(d.SharedWith, r.BodyID))
}

// DocumentExistenceIsPrivate reports whether a refused viewer must not even
// learn that d exists (404 rather than 403 or a login redirect): a
// secretariat document, or a held one.
func DocumentExistenceIsPrivate(d model.Document, now time.Time) bool {
	return d.VisibilityAt(now) == model.VisibilitySecretariat || d.Held()
}

// CanUploadDocument reports whether v may add a document of kind k: the
// secretariat any kind, other members their contributions.
func CanUploadDocument(v Viewer, k model.DocumentKind) bool {
	return v.IsSecretariat() || (v.SignedIn() && k == model.KindContribution)
}

// CanChooseDocumentKind reports whether v picks the kind of a document it
// uploads; everyone else uploads contributions (see CanUploadDocument).
func CanChooseDocumentKind(v Viewer) bool { return v.IsSecretariat() }

// CanChooseVisibility reports whether v may give a document visibility l:
// the secretariat any; a member only "members", the audience of a
// contribution.
func CanChooseVisibility(v Viewer, l model.Visibility) bool {
	return v.IsSecretariat() || l == model.VisibilityMembers
}

// CanSetEmbargo reports whether v may put a document under embargo (a date
// after which its visibility widens by itself) or change one.
func CanSetEmbargo(v Viewer) bool { return v.IsSecretariat() }

// CanEditDocument reports whether v may change d's metadata, add versions or
// delete it: the secretariat, or the member who uploaded a contribution.
func CanEditDocument(v Viewer, d model.Document) bool {
	return v.IsSecretariat() || (v.SignedIn() && d.Kind == model.KindContribution && d.CreatedBy == v.AccountID)
}

// CanAttachDocuments reports whether v may attach documents to meetings and
// other objects, or detach them.
func CanAttachDocuments(v Viewer) bool { return v.IsSecretariat() }

// CanManagePlans reports whether v may create and edit plans, axes,
// measures, indicators, recommendations and links, validate updates and
// open reporting campaigns.
func CanManagePlans(v Viewer) bool { return v.IsSecretariat() }

// CanSubmitUpdate reports whether v may submit an implementation update of
// m for validation: a member of a body that pilots it.
func CanSubmitUpdate(v Viewer, m model.Measure) bool {
	return v.SignedIn() && !v.IsSecretariat() && m.PilotedBy(v.BodyID)
}

// CanSeeUpdate reports whether v may see update u of measure m: everyone
// once published; before, its pilots and the secretariat.
func CanSeeUpdate(v Viewer, u model.MeasureUpdate, m model.Measure) bool {
	return u.State == model.UpdatePublished || v.IsSecretariat() || (v.SignedIn() && m.PilotedBy(v.BodyID))
}

// CanReadComments reports whether v may read the comments on the plan's
// measures: members, and the public when the secretariat opened them.
func CanReadComments(v Viewer, p model.Plan) bool {
	return Allows(v, ReadMemberArea) || p.CommentsPublic
}

// CanSeeComment reports whether v may see comment c in its thread: a
// published comment to whoever reads comments; one waiting in (or refused
// by) pre-moderation only to its author and the secretariat.
func CanSeeComment(v Viewer, p model.Plan, c model.Comment) bool {
	if !CanReadComments(v, p) {
		return false
	}
	return c.State == model.CommentPublished || v.IsSecretariat() || isAuthor(v, c.AuthorID)
}

// CommentReach says which unpublished comments v sees besides the
// published ones, as CanSeeComment does: every one (all), or v's own
// (own, the account id; 0 for the public). It lets the store page over
// what v sees; each comment shown is still checked with CanSeeComment.
func CommentReach(v Viewer) (all bool, own int64) {
	if v.IsSecretariat() {
		return true, 0
	}
	if v.SignedIn() {
		return false, v.AccountID
	}
	return false, 0
}

// CanSeeCommentText reports whether v may read the text of a comment v can
// see: nobody once withdrawn; once hidden, only its author and the
// secretariat.
func CanSeeCommentText(v Viewer, c model.Comment) bool {
	return canSeeText(v, c.Withdrawn(), c.Hidden(), c.AuthorID)
}

// canSeeText is the rule of CanSeeCommentText and CanSeeContributionText
// for a text written by authorID: nobody reads it once withdrawn; once
// hidden, only its author and the secretariat.
func canSeeText(v Viewer, withdrawn, hidden bool, authorID int64) bool {
	switch {
	case withdrawn:
		return false
	case hidden:
		return v.IsSecretariat() || isAuthor(v, authorID)
	}
	return true
}

// isAuthor reports whether v, signed in, is the account authorID that
// wrote a comment or a contribution.
func isAuthor(v Viewer, authorID int64) bool { return v.SignedIn() && authorID == v.AccountID }

// IsCommentAuthor reports whether v wrote comment c: what only its author
// may do (edit, withdraw, see its history) starts there.
func IsCommentAuthor(v Viewer, c model.Comment) bool { return isAuthor(v, c.AuthorID) }

// CanSeeCommentHistory reports whether v may read every text comment c
// has had: its author and the secretariat.
func CanSeeCommentHistory(v Viewer, c model.Comment) bool {
	return v.IsSecretariat() || isAuthor(v, c.AuthorID)
}

// CanSeeCommentOnBodyPage reports whether v finds comment c among its
// body's comments on the body's page: a comment v may see, not withdrawn,
// and once hidden only for the secretariat (the list shows texts, without
// the thread that explains the hiding).
func CanSeeCommentOnBodyPage(v Viewer, p model.Plan, c model.Comment) bool {
	return CanSeeComment(v, p, c) && !c.Withdrawn() && (!c.Hidden() || v.IsSecretariat())
}

// speaksForBody reports whether v is a member speaking for a body, the
// only kind of account that takes part in a consultation.
func speaksForBody(v Viewer) bool { return v.SignedIn() && !v.IsSecretariat() && v.BodyID != 0 }

// CanComment reports whether v may open a thread on measure m of plan p
// while the consultation is open: a member of a body whose category the
// plan allows.
func CanComment(v Viewer, p model.Plan, open bool) bool {
	return open && speaksForBody(v) && p.AllowsCategory(v.Category)
}

// CanReply reports whether v may reply in a thread of measure m: those
// who may comment, and the measure's pilots whatever their category, who
// owe an answer.
func CanReply(v Viewer, p model.Plan, m model.Measure, open bool) bool {
	return CanComment(v, p, open) || (open && speaksForBody(v) && m.PilotedBy(v.BodyID))
}

// CanReplyTo reports whether v may reply to comment c of measure m now: c
// takes replies (model.Comment.OpenToReplies) and v may reply in the
// measure's threads.
func CanReplyTo(v Viewer, p model.Plan, m model.Measure, c model.Comment, open bool) bool {
	return c.OpenToReplies() && CanReply(v, p, m, open)
}

// CanAnswerOfficially reports whether v may mark a reply as the official
// answer of v's body: a member of a body that pilots the measure.
func CanAnswerOfficially(v Viewer, m model.Measure) bool {
	return speaksForBody(v) && m.PilotedBy(v.BodyID)
}

// CanPostComment reports whether v may post on measure m of plan p, the
// consultation's window aside: a new thread (CanComment) or a reply
// (CanReply), and an official answer only as a reply by the measure's
// pilots (CanAnswerOfficially).
func CanPostComment(v Viewer, p model.Plan, m model.Measure, reply, official bool) bool {
	if official && (!reply || !CanAnswerOfficially(v, m)) {
		return false
	}
	if reply {
		return CanReply(v, p, m, true)
	}
	return CanComment(v, p, true)
}

// CanMarkOfficial reports whether v may present reply c as (or no longer
// as) the official answer of v's body: its author, who answers officially
// for the measure, while the reply is published and shown.
func CanMarkOfficial(v Viewer, m model.Measure, c model.Comment) bool {
	return c.ParentID != 0 && isAuthor(v, c.AuthorID) && CanAnswerOfficially(v, m) &&
		c.State == model.CommentPublished && !c.Withdrawn() && !c.Hidden()
}

// CanEditComment reports whether v may change the text of c at now: its
// author, within the edit window, while the consultation is open.
func CanEditComment(v Viewer, c model.Comment, open bool, now time.Time) bool {
	return open && isAuthor(v, c.AuthorID) && c.Editable(now)
}

// CanWithdrawComment reports whether v may withdraw c: its author, at any
// time, consultation open or not.
func CanWithdrawComment(v Viewer, c model.Comment) bool {
	return isAuthor(v, c.AuthorID) && !c.Withdrawn()
}

// CanFlagComment reports whether v may report c to the moderation: any
// member but its author, while it is shown.
func CanFlagComment(v Viewer, c model.Comment) bool {
	return v.SignedIn() && !v.IsSecretariat() && c.AuthorID != v.AccountID &&
		c.State == model.CommentPublished && !c.Withdrawn() && !c.Hidden()
}

// CanModerate reports whether v may hide, restore, approve or refuse
// comments and open or close consultations.
func CanModerate(v Viewer) bool { return v.IsSecretariat() }

// CanFollowMeasure reports whether v may follow a measure's comments by
// e-mail: anyone signed in who may read them.
func CanFollowMeasure(v Viewer, p model.Plan) bool { return v.SignedIn() && CanReadComments(v, p) }
