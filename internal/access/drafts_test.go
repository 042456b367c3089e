package access

import (
	"testing"
	"time"

	"comite/internal/model"
)

func TestDraftTextRules(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	text := model.DraftText{Categories: []model.Category{model.CategoryAssociation}}
	mine := model.Contribution{AuthorID: association.AccountID, BodyID: association.BodyID, State: model.CommentPublished, CreatedAt: now}
	pending := mine
	pending.State = model.CommentPending
	withdrawn := mine
	withdrawn.WithdrawnAt = &now
	hidden := mine
	hidden.HiddenAt, hidden.HiddenReason = &now, "Nomme une victime."
	answered := mine
	answered.Verdict = model.VerdictRejected
	bothText := model.DraftText{Categories: []model.Category{model.CategoryAssociation, model.CategoryUnion}}
	check(t, []rule{
		{"members read draft texts", CanReadDraftTexts(union), true},
		{"the public does not read draft texts", CanReadDraftTexts(public), false},
		{"the secretariat manages draft texts", CanManageDraftTexts(secretariat), true},
		{"a member does not manage draft texts", CanManageDraftTexts(association), false},
		{"an allowed category contributes", CanContribute(association, text), true},
		{"a category left out does not contribute", CanContribute(union, text), false},
		{"the secretariat does not contribute", CanContribute(secretariat, text), false},
		{"the public does not contribute", CanContribute(public, text), false},
		{"members see a published contribution", CanSeeContribution(union, mine), true},
		{"the public sees no contribution", CanSeeContribution(public, mine), false},
		{"the author sees a pending contribution", CanSeeContribution(association, pending), true},
		{"others do not see a pending contribution", CanSeeContribution(union, pending), false},
		{"the secretariat sees a pending contribution", CanSeeContribution(secretariat, pending), true},
		{"nobody reads a withdrawn text", CanSeeContributionText(secretariat, withdrawn), false},
		{"the author reads a hidden text", CanSeeContributionText(association, hidden), true},
		{"others do not read a hidden text", CanSeeContributionText(union, hidden), false},
		{"a shown text is read", CanSeeContributionText(union, mine), true},
		{"the author edits within the window", CanEditContribution(association, mine, true, now.Add(10*time.Minute)), true},
		{"not after 30 minutes", CanEditContribution(association, mine, true, now.Add(31*time.Minute)), false},
		{"not once the text closed", CanEditContribution(association, mine, false, now), false},
		{"not once answered", CanEditContribution(association, answered, true, now), false},
		{"not someone else's", CanEditContribution(union, mine, true, now), false},
		{"the author withdraws", CanWithdrawContribution(association, mine), true},
		{"not twice", CanWithdrawContribution(association, withdrawn), false},
		{"not someone else's withdrawal", CanWithdrawContribution(union, mine), false},
		{"another allowed body supports", CanSupportContribution(union, bothText, mine, true), true},
		{"not one's own body's", CanSupportContribution(association, bothText, mine, true), false},
		{"not once closed", CanSupportContribution(union, bothText, mine, false), false},
		{"not from a category left out", CanSupportContribution(union, text, mine, true), false},
		{"not a hidden contribution", CanSupportContribution(union, bothText, hidden, true), false},
		{"the secretariat answers", CanAnswerContribution(secretariat, mine), true},
		{"not a pending one", CanAnswerContribution(secretariat, pending), false},
		{"a member does not answer", CanAnswerContribution(union, mine), false},
		{"the author attaches a file", CanAttachToContribution(association, mine), true},
		{"not to someone else's", CanAttachToContribution(union, mine), false},
		{"not once withdrawn", CanAttachToContribution(association, withdrawn), false},
		{"the author attaches to a comment", CanAttachToComment(association, model.Comment{AuthorID: association.AccountID}), true},
		{"not to someone else's comment", CanAttachToComment(union, model.Comment{AuthorID: association.AccountID}), false},
		{"not to a withdrawn comment", CanAttachToComment(association, model.Comment{AuthorID: association.AccountID, WithdrawnAt: &now}), false},
	})
}
