package access

import (
	"time"

	"comite/internal/model"
)

// CanReadDraftTexts reports whether v may read the draft texts put to
// consultation, their contributions and syntheses: members (drafts are
// working documents of the committee).
func CanReadDraftTexts(v Viewer) bool { return Allows(v, ReadMemberArea) }

// CanManageDraftTexts reports whether v may create draft texts, set their
// window and who takes part, answer contributions, moderate them and
// publish new versions.
func CanManageDraftTexts(v Viewer) bool { return v.IsSecretariat() }

// CanContribute reports whether v may comment on or amend a paragraph of
// t, the window aside: a member of a body whose category t allows. A
// refusal is a 403 even for a crafted request.
func CanContribute(v Viewer, t model.DraftText) bool {
	return speaksForBody(v) && t.AllowsCategory(v.Category)
}

// CanSeeContribution reports whether v may see c: a published one to
// whoever reads the texts; one waiting in (or refused by) pre-moderation
// only to its author and the secretariat.
func CanSeeContribution(v Viewer, c model.Contribution) bool {
	if !CanReadDraftTexts(v) {
		return false
	}
	return c.State == model.CommentPublished || v.IsSecretariat() || isAuthor(v, c.AuthorID)
}

// CanSeeContributionText reports whether v may read the text of a
// contribution v can see: nobody once withdrawn; once hidden, only its
// author and the secretariat.
func CanSeeContributionText(v Viewer, c model.Contribution) bool {
	return canSeeText(v, c.Withdrawn(), c.Hidden(), c.AuthorID)
}

// CanEditContribution reports whether v may change c at now: its author,
// within the edit window, while the text is open and c not yet answered.
func CanEditContribution(v Viewer, c model.Contribution, open bool, now time.Time) bool {
	return open && isAuthor(v, c.AuthorID) && c.Editable(now)
}

// CanWithdrawContribution reports whether v may withdraw c: its author, at
// any time.
func CanWithdrawContribution(v Viewer, c model.Contribution) bool {
	return isAuthor(v, c.AuthorID) && !c.Withdrawn()
}

// CanSupportContribution reports whether v may add (or take back) its
// body's support to c: a member who may take part in t, for another body's
// contribution that stands, while the text is open.
func CanSupportContribution(v Viewer, t model.DraftText, c model.Contribution, open bool) bool {
	return open && CanContribute(v, t) && c.BodyID != v.BodyID && c.Shown()
}

// CanAnswerContribution reports whether v may answer c (accepted,
// rejected… with a reason): the secretariat, once c is published.
func CanAnswerContribution(v Viewer, c model.Contribution) bool {
	return CanManageDraftTexts(v) && c.State == model.CommentPublished && !c.Withdrawn()
}

// CanAttachToContribution reports whether v may attach a document (a
// written contribution, a PDF) to c: its author, until withdrawn. That is
// exactly the right to withdraw c (CanWithdrawContribution): both belong
// to its author alone, as long as c stands.
func CanAttachToContribution(v Viewer, c model.Contribution) bool {
	return CanWithdrawContribution(v, c)
}

// CanAttachToComment reports whether v may attach a document to comment
// c on a measure: its author, until withdrawn. That is exactly the right
// to withdraw c (CanWithdrawComment): both belong to its author alone, as
// long as c stands.
func CanAttachToComment(v Viewer, c model.Comment) bool {
	return CanWithdrawComment(v, c)
}
