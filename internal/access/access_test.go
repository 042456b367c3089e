package access

import (
	"slices"
	"testing"
	"time"

	"comite/internal/model"
)

func TestAllows(t *testing.T) {
	public := Viewer{}
	member := Viewer{AccountID: 1, Role: model.RoleMember, BodyID: 3, Category: model.CategoryAssociation}
	pilot := Viewer{AccountID: 2, Role: model.RolePilot, BodyID: 4, Category: model.CategoryInstitution}
	secretariat := Viewer{AccountID: 3, Role: model.RoleSecretariat}
	forged := Viewer{AccountID: 4, Role: "admin"}
	tests := []struct {
		name string
		v    Viewer
		act  Action
		want bool
	}{
		{"public reads public pages", public, ReadPublic, true},
		{"public is kept out of the members' area", public, ReadMemberArea, false},
		{"public has no account page", public, ManageOwnAccount, false},
		{"member reads the members' area", member, ReadMemberArea, true},
		{"member is kept out of the back office", member, Administer, false},
		{"pilot is kept out of the back office", pilot, Administer, false},
		{"secretariat administers", secretariat, Administer, true},
		{"unknown role is refused everything but public pages", forged, ReadMemberArea, false},
		{"unknown action is refused", secretariat, Action(999), false},
		{"zero action is refused", secretariat, Action(0), false},
	}
	for _, tt := range tests {
		if got := Allows(tt.v, tt.act); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDocumentVisibility(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	public := Viewer{}
	member := Viewer{AccountID: 1, Role: model.RoleMember, BodyID: 3}
	secretariat := Viewer{AccountID: 2, Role: model.RoleSecretariat}
	doc := func(v model.Visibility, until *time.Time, wider model.Visibility) model.Document {
		return model.Document{Visibility: v, EmbargoUntil: until, EmbargoVisibility: wider}
	}
	tests := []struct {
		name string
		v    Viewer
		d    model.Document
		want bool
	}{
		{"public sees public", public, doc(model.VisibilityPublic, nil, ""), true},
		{"public kept from members' document", public, doc(model.VisibilityMembers, nil, ""), false},
		{"member sees members' document", member, doc(model.VisibilityMembers, nil, ""), true},
		{"member kept from secretariat document", member, doc(model.VisibilitySecretariat, nil, ""), false},
		{"secretariat sees its own documents", secretariat, doc(model.VisibilitySecretariat, nil, ""), true},
		{"embargo not yet over", public, doc(model.VisibilityMembers, &future, model.VisibilityPublic), false},
		{"embargo over widens by itself", public, doc(model.VisibilityMembers, &past, model.VisibilityPublic), true},
		{"an embargo never narrows", member, doc(model.VisibilityMembers, &past, model.VisibilitySecretariat), true},
	}
	for _, tt := range tests {
		if got := CanSeeDocument(tt.v, tt.d, now); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	contribution := model.Document{Kind: model.KindContribution, CreatedBy: member.AccountID}
	if !CanEditDocument(member, contribution) || CanEditDocument(Viewer{AccountID: 9, Role: model.RoleMember}, contribution) {
		t.Error("only the author of a contribution (and the secretariat) may edit it")
	}
	if CanUploadDocument(member, model.KindMinutes) || !CanUploadDocument(member, model.KindContribution) || CanUploadDocument(public, model.KindContribution) {
		t.Error("members upload contributions only; the public uploads nothing")
	}
}

func TestHeldDocumentVisibility(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	past := now.Add(-time.Hour)
	public := Viewer{}
	pilot := Viewer{AccountID: 1, Role: model.RolePilot, BodyID: 4}
	pilotMember := Viewer{AccountID: 2, Role: model.RoleMember, BodyID: 4}
	other := Viewer{AccountID: 3, Role: model.RoleMember, BodyID: 3}
	secretariat := Viewer{AccountID: 4, Role: model.RoleSecretariat, BodyID: 1}
	forged := Viewer{Role: model.RoleMember, BodyID: 4}
	evidence := model.Document{Visibility: model.VisibilityMembers, HeldFor: model.HeldForUpdate, HeldID: 7, SharedWith: []int64{4, 5}}
	publicEvidence := evidence
	publicEvidence.Visibility = model.VisibilityPublic
	draft := model.Document{Visibility: model.VisibilityMembers, HeldFor: model.HeldForAgenda, HeldID: 9}
	embargoed := draft
	embargoed.Visibility, embargoed.EmbargoUntil, embargoed.EmbargoVisibility = model.VisibilitySecretariat, &past, model.VisibilityPublic
	secret := evidence
	secret.Visibility = model.VisibilitySecretariat
	unknown := draft
	unknown.HeldFor, unknown.SharedWith = "something else", []int64{3}
	tests := []struct {
		name string
		v    Viewer
		d    model.Document
		want bool
	}{
		{"a pilot sees the evidence of its pending update", pilot, evidence, true},
		{"so does any member of the piloting body", pilotMember, evidence, true},
		{"another body's member does not", other, evidence, false},
		{"nor the public, even when the document is public", public, publicEvidence, false},
		{"nor a session without an account", forged, evidence, false},
		{"the secretariat sees held evidence", secretariat, evidence, true},
		{"sharing never widens the visibility", pilot, secret, false},
		{"a member does not see a draft agenda's document", pilotMember, draft, false},
		{"nor the public once an embargo is over", public, embargoed, false},
		{"the secretariat sees a draft agenda's document", secretariat, draft, true},
		{"an unknown hold is shared with nobody", other, unknown, false},
	}
	for _, tt := range tests {
		if got := CanSeeDocument(tt.v, tt.d, now); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	if !DocumentExistenceIsPrivate(evidence, now) || !DocumentExistenceIsPrivate(draft, now) {
		t.Error("a held document must answer 404 to those who may not see it, as a secretariat document does")
	}
	if r := DocumentReader(forged); r.BodyID != 0 || r.Secretariat {
		t.Errorf("a viewer without an account reads as %+v", r)
	}
	if r := DocumentReader(pilot); r.BodyID != 4 || r.Secretariat || len(r.Levels) != 2 {
		t.Errorf("a pilot reads as %+v", r)
	}
	// A convocation names what every member may open: a member of no body,
	// so no document held for one body, and nothing of the secretariat's.
	if r, m := ConvocationReader(), DocumentReader(Viewer{AccountID: 9, Role: model.RoleMember}); r.BodyID != 0 || r.Secretariat || !slices.Equal(r.Levels, m.Levels) {
		t.Errorf("a convocation reads as %+v, want a member of no body %+v", r, m)
	}
}

func TestAgendaVisibility(t *testing.T) {
	public := Viewer{}
	member := Viewer{AccountID: 1, Role: model.RoleMember, BodyID: 3}
	secretariat := Viewer{AccountID: 2, Role: model.RoleSecretariat}
	draft := model.Meeting{Status: model.MeetingPlanned, PublicDetails: true}
	published := model.Meeting{Status: model.MeetingAgendaPublished}
	openPublished := published
	openPublished.PublicDetails = true
	recorded := model.Meeting{Status: model.MeetingHeld}
	postponed := model.Meeting{Status: model.MeetingPostponed, InvitationsSent: true}
	replanned := model.Meeting{Status: model.MeetingPlanned, InvitationsSent: true}
	cancelledDraft := model.Meeting{Status: model.MeetingCancelled}
	tests := []struct {
		name      string
		got, want bool
	}{
		{"a member does not see a draft agenda", CanSeeAgenda(member, draft), false},
		{"nor the public, even with public details", CanSeeAgenda(public, draft), false},
		{"the secretariat sees its draft", CanSeeAgenda(secretariat, draft), true},
		{"a member sees a published agenda", CanSeeAgenda(member, published), true},
		{"the public does not, without public details", CanSeeAgenda(public, published), false},
		{"the public does, with them", CanSeeAgenda(public, openPublished), true},
		{"a meeting recorded afterwards shows its agenda", CanSeeAgenda(member, recorded), true},
		{"a postponed meeting keeps its published agenda", CanSeeAgenda(member, postponed), true},
		{"so does a meeting planned again", CanSeeAgenda(member, replanned), true},
		{"a meeting cancelled before publication keeps its draft", CanSeeAgenda(member, cancelledDraft), false},
		{"a member does not see a draft meeting's documents", CanSeeMeetingDocuments(member, draft), false},
		{"the secretariat does", CanSeeMeetingDocuments(secretariat, draft), true},
		{"they go out with the agenda", CanSeeMeetingDocuments(public, published), true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestMeetingVisibility(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	public := Viewer{}
	member := Viewer{AccountID: 1, PersonID: 10, Role: model.RoleMember, BodyID: 3}
	secretariat := Viewer{AccountID: 3, Role: model.RoleSecretariat}
	past := model.Meeting{StartsAt: now.AddDate(0, -1, 0), Status: model.MeetingMinutesApproved}
	future := model.Meeting{StartsAt: now.AddDate(0, 1, 0), Status: model.MeetingAgendaPublished}
	opened := future
	opened.PublicDetails = true
	draft := past
	draft.Status = model.MeetingMinutesDraft
	openMinutes := past
	openMinutes.PublicMinutes = true
	tests := []struct {
		name      string
		got, want bool
	}{
		{"the public sees that a past meeting took place", CanSeeMeeting(public, past, now), true},
		{"the public does not see a meeting to come", CanSeeMeeting(public, future, now), false},
		{"the public sees a meeting to come once opened", CanSeeMeeting(public, opened, now), true},
		{"members see every meeting", CanSeeMeeting(member, future, now), true},
		{"the public sees no details by default", CanSeeMeetingDetails(public, past), false},
		{"the public never sees names", CanSeeAttendees(public), false},
		{"the public does not read approved minutes by default", CanSeeMinutes(public, past, false), false},
		{"the public reads minutes opened to it", CanSeeMinutes(public, openMinutes, false), true},
		{"the public never reads a draft, even marked public", CanSeeMinutes(public, model.Meeting{Status: model.MeetingMinutesDraft, PublicMinutes: true}, false), false},
		{"a member reads approved minutes", CanSeeMinutes(member, past, false), true},
		{"an absent member does not read the draft", CanSeeMinutes(member, draft, false), false},
		{"an attendee reads the draft", CanSeeMinutes(member, draft, true), true},
		{"the secretariat reads the draft", CanSeeMinutes(secretariat, draft, false), true},
		{"an attendee remarks on the draft", CanRemarkOnMinutes(member, draft, true), true},
		{"nobody remarks on approved minutes", CanRemarkOnMinutes(member, past, true), false},
		{"a seated body annexes a dissent to the draft", CanAnnexDissent(member, draft, true), true},
		{"a body not seated that day cannot", CanAnnexDissent(member, draft, false), false},
		{"an invitee answers before the meeting", CanAnswerInvitation(member, future, true, now), true},
		{"nobody answers after the meeting", CanAnswerInvitation(member, model.Meeting{StartsAt: now.Add(-time.Hour), Status: model.MeetingAgendaPublished}, true, now), false},
		{"someone not invited cannot answer", CanAnswerInvitation(member, future, false, now), false},
		{"only the secretariat manages meetings", CanManageMeetings(member), false},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestCommentRules(t *testing.T) {
	association := Viewer{AccountID: 1, Role: model.RoleMember, BodyID: 3, Category: model.CategoryAssociation}
	union := Viewer{AccountID: 2, Role: model.RoleMember, BodyID: 5, Category: model.CategoryUnion}
	pilot := Viewer{AccountID: 3, Role: model.RolePilot, BodyID: 4, Category: model.CategoryInstitution}
	secretariat := Viewer{AccountID: 4, Role: model.RoleSecretariat}
	public := Viewer{}
	associationsOnly := model.Plan{CommentCategories: []model.Category{model.CategoryAssociation}}
	m := model.Measure{Pilots: []model.BodyRef{{ID: 4}}}
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	published := model.Comment{AuthorID: 1, State: model.CommentPublished, CreatedAt: now.Add(-10 * time.Minute)}
	pending := published
	pending.State = model.CommentPending
	hidden := published
	hidden.HiddenAt, hidden.HiddenReason = &now, "motif"
	old := published
	old.CreatedAt = now.Add(-31 * time.Minute)

	tests := []struct {
		name      string
		got, want bool
	}{
		{"an allowed category comments", CanComment(association, associationsOnly, true), true},
		{"a category not allowed does not comment", CanComment(union, associationsOnly, true), false},
		{"nobody comments in a closed thread", CanComment(association, associationsOnly, false), false},
		{"the secretariat moderates and does not comment", CanComment(secretariat, model.Plan{CommentCategories: model.Categories}, true), false},
		{"the public does not comment", CanComment(public, model.Plan{CommentCategories: model.Categories}, true), false},
		{"a pilot replies whatever its category", CanReply(pilot, associationsOnly, m, true), true},
		{"a pilot does not reply in a closed thread", CanReply(pilot, associationsOnly, m, false), false},
		{"a pilot answers officially", CanAnswerOfficially(pilot, m), true},
		{"another member does not answer officially", CanAnswerOfficially(association, m), false},
		{"the public reads no members-only comments", CanSeeComment(public, associationsOnly, published), false},
		{"the public reads a public consultation", CanSeeComment(public, model.Plan{CommentsPublic: true}, published), true},
		{"a pending comment is hidden from other members", CanSeeComment(union, associationsOnly, pending), false},
		{"its author sees a pending comment", CanSeeComment(association, associationsOnly, pending), true},
		{"the secretariat sees a pending comment", CanSeeComment(secretariat, associationsOnly, pending), true},
		{"a hidden text is hidden from members", CanSeeCommentText(union, hidden), false},
		{"its author reads a hidden text", CanSeeCommentText(association, hidden), true},
		{"the author edits within 30 minutes", CanEditComment(association, published, true, now), true},
		{"the author does not edit after 30 minutes", CanEditComment(association, old, true, now), false},
		{"another member does not edit", CanEditComment(union, published, true, now), false},
		{"the author does not edit in a closed thread", CanEditComment(association, published, false, now), false},
		{"a member flags another's comment", CanFlagComment(union, published), true},
		{"an author does not flag their own comment", CanFlagComment(association, published), false},
		{"a hidden comment is not flagged again", CanFlagComment(union, hidden), false},
		{"only its author withdraws a comment", CanWithdrawComment(union, published), false},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// TestCommentReach: the store pages over what CanSeeComment lets through,
// so the two must agree on whose unpublished comments a viewer sees.
func TestCommentReach(t *testing.T) {
	public := Viewer{}
	member := Viewer{AccountID: 7, Role: model.RoleMember, BodyID: 3}
	secretariat := Viewer{AccountID: 2, Role: model.RoleSecretariat}
	for _, tt := range []struct {
		name    string
		v       Viewer
		wantAll bool
		wantOwn int64
	}{
		{"public", public, false, 0},
		{"member", member, false, 7},
		{"secretariat", secretariat, true, 0},
	} {
		all, own := CommentReach(tt.v)
		if all != tt.wantAll || own != tt.wantOwn {
			t.Errorf("%s: CommentReach = (%v, %d), want (%v, %d)", tt.name, all, own, tt.wantAll, tt.wantOwn)
		}
		// A pending comment by the member: seen by the reach exactly when CanSeeComment says so.
		pending := model.Comment{AuthorID: 7, State: model.CommentPending}
		inReach := all || (own != 0 && own == pending.AuthorID)
		if inReach != CanSeeComment(tt.v, model.Plan{CommentsPublic: true}, pending) {
			t.Errorf("%s: CommentReach and CanSeeComment disagree on a pending comment", tt.name)
		}
	}
}
