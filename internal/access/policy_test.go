package access

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"comite/internal/model"
)

// The viewers of the tests below: one per kind of account.
var (
	public      = Viewer{}
	association = Viewer{AccountID: 1, Role: model.RoleMember, BodyID: 3, Category: model.CategoryAssociation}
	union       = Viewer{AccountID: 2, Role: model.RoleMember, BodyID: 5, Category: model.CategoryUnion}
	pilot       = Viewer{AccountID: 3, Role: model.RolePilot, BodyID: 4, Category: model.CategoryInstitution}
	secretariat = Viewer{AccountID: 4, Role: model.RoleSecretariat}
	forged      = Viewer{AccountID: 5, Role: "admin"}
)

type rule struct {
	name      string
	got, want bool
}

func check(t *testing.T, rules []rule) {
	t.Helper()
	for _, r := range rules {
		if r.got != r.want {
			t.Errorf("%s: got %v, want %v", r.name, r.got, r.want)
		}
	}
}

func TestViewer(t *testing.T) {
	v := ViewerFor(model.Account{ID: 7, PersonID: 8, DisplayName: "Anne", Role: model.RolePilot, BodyID: 4,
		BodyName: "DGT", BodyCategory: model.CategoryInstitution})
	want := Viewer{AccountID: 7, PersonID: 8, Name: "Anne", Role: model.RolePilot, BodyID: 4, BodyName: "DGT", Category: model.CategoryInstitution}
	if v != want {
		t.Errorf("ViewerFor: got %+v, want %+v", v, want)
	}
	check(t, []rule{
		{"the public is not signed in", public.SignedIn(), false},
		{"a member is signed in", association.SignedIn(), true},
		{"an unknown role is not signed in", forged.SignedIn(), false},
		{"the secretariat is the secretariat", secretariat.IsSecretariat(), true},
		{"a pilot is not the secretariat", pilot.IsSecretariat(), false},
		{"a secretariat role without an account is nobody", Viewer{Role: model.RoleSecretariat}.IsSecretariat(), false},
	})
}

func TestSecretariatCapabilities(t *testing.T) {
	for _, tc := range []struct {
		name string
		can  func(Viewer) bool
	}{
		{"CanManageMeetings", CanManageMeetings},
		{"CanSeeDraftAgendas", CanSeeDraftAgendas},
		{"CanManagePlans", CanManagePlans},
		{"CanModerate", CanModerate},
		{"CanManageNews", CanManageNews},
		{"CanAttachDocuments", CanAttachDocuments},
		{"CanChooseDocumentKind", CanChooseDocumentKind},
		{"CanSetEmbargo", CanSetEmbargo},
		{"SeesUnpublished", SeesUnpublished},
	} {
		for _, v := range []Viewer{public, association, union, pilot, forged} {
			if tc.can(v) {
				t.Errorf("%s: %+v is allowed, want only the secretariat", tc.name, v)
			}
		}
		if !tc.can(secretariat) {
			t.Errorf("%s: the secretariat is refused", tc.name)
		}
	}
}

func TestDocumentChoices(t *testing.T) {
	check(t, []rule{
		{"a member gives the members' visibility", CanChooseVisibility(association, model.VisibilityMembers), true},
		{"a member does not publish", CanChooseVisibility(association, model.VisibilityPublic), false},
		{"a member does not keep a document to the secretariat", CanChooseVisibility(association, model.VisibilitySecretariat), false},
		{"the secretariat publishes", CanChooseVisibility(secretariat, model.VisibilityPublic), true},
		{"the secretariat keeps a document to itself", CanChooseVisibility(secretariat, model.VisibilitySecretariat), true},
		{"a pilot sees public and members' documents", slices.Equal(VisibleLevels(pilot), []model.Visibility{model.VisibilityPublic, model.VisibilityMembers}), true},
		{"the public sees public documents", slices.Equal(VisibleLevels(public), []model.Visibility{model.VisibilityPublic}), true},
		{"the secretariat sees every level", len(VisibleLevels(secretariat)) == 3, true},
	})
}

func TestUpdateRules(t *testing.T) {
	m := model.Measure{Pilots: []model.BodyRef{{ID: 4}}}
	pending := model.MeasureUpdate{State: model.UpdatePending}
	published := model.MeasureUpdate{State: model.UpdatePublished}
	check(t, []rule{
		{"a pilot of the measure submits", CanSubmitUpdate(pilot, m), true},
		{"another member does not submit", CanSubmitUpdate(association, m), false},
		{"the secretariat validates and does not submit", CanSubmitUpdate(secretariat, m), false},
		{"the public does not submit", CanSubmitUpdate(public, m), false},
		{"everyone sees a published update", CanSeeUpdate(public, published, m), true},
		{"a pilot sees its pending update", CanSeeUpdate(pilot, pending, m), true},
		{"the secretariat sees a pending update", CanSeeUpdate(secretariat, pending, m), true},
		{"another member does not see a pending update", CanSeeUpdate(association, pending, m), false},
		{"the public does not see a pending update", CanSeeUpdate(public, pending, m), false},
	})
}

func TestCommentReadingRules(t *testing.T) {
	closed := model.Plan{}
	open := model.Plan{CommentsPublic: true}
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	published := model.Comment{AuthorID: 1, State: model.CommentPublished}
	edited := published
	edited.Version = 2
	hidden := published
	hidden.HiddenAt = &now
	withdrawn := published
	withdrawn.WithdrawnAt = &now
	pending := published
	pending.State = model.CommentPending
	check(t, []rule{
		{"members read comments", CanReadComments(union, closed), true},
		{"the public reads no members' comments", CanReadComments(public, closed), false},
		{"the public reads a public consultation", CanReadComments(public, open), true},
		{"a member follows a measure", CanFollowMeasure(union, closed), true},
		{"the public follows nothing", CanFollowMeasure(public, open), false},
		{"its author wrote the comment", IsCommentAuthor(association, published), true},
		{"another member did not", IsCommentAuthor(union, published), false},
		{"the public wrote nothing", IsCommentAuthor(public, model.Comment{}), false},
		{"its author reads a comment's history", CanSeeCommentHistory(association, edited), true},
		{"the secretariat reads a comment's history", CanSeeCommentHistory(secretariat, edited), true},
		{"another member does not read a comment's history", CanSeeCommentHistory(union, edited), false},
		{"the public does not read a comment's history", CanSeeCommentHistory(public, edited), false},
		{"a published comment is on its body's page", CanSeeCommentOnBodyPage(union, closed, published), true},
		{"a withdrawn comment is not on its body's page", CanSeeCommentOnBodyPage(secretariat, closed, withdrawn), false},
		{"a hidden comment is on its body's page for the secretariat", CanSeeCommentOnBodyPage(secretariat, closed, hidden), true},
		{"a hidden comment is not on its body's page for its author", CanSeeCommentOnBodyPage(association, closed, hidden), false},
		{"a pending comment is not on its body's page for others", CanSeeCommentOnBodyPage(union, closed, pending), false},
		{"a members' comment is not on its body's page for the public", CanSeeCommentOnBodyPage(public, closed, published), false},
		{"everyone reads a published text", CanSeeCommentText(union, published), true},
		{"nobody reads a withdrawn text", CanSeeCommentText(secretariat, withdrawn), false},
		{"the secretariat reads a hidden text", CanSeeCommentText(secretariat, hidden), true},
	})
}

func TestCommentReplyRules(t *testing.T) {
	associationsOnly := model.Plan{CommentCategories: []model.Category{model.CategoryAssociation}}
	m := model.Measure{Pilots: []model.BodyRef{{ID: 4}}}
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	thread := model.Comment{ID: 10, AuthorID: 1, State: model.CommentPublished}
	hidden := thread
	hidden.HiddenAt = &now
	withdrawn := thread
	withdrawn.WithdrawnAt = &now
	pending := thread
	pending.State = model.CommentPending
	reply := model.Comment{ID: 11, ParentID: 10, AuthorID: 3, State: model.CommentPublished}
	hiddenReply := reply
	hiddenReply.HiddenAt = &now
	check(t, []rule{
		{"an allowed member replies to a published thread", CanReplyTo(association, associationsOnly, m, thread, true), true},
		{"a pilot replies whatever its category", CanReplyTo(pilot, associationsOnly, m, thread, true), true},
		{"a category not allowed does not reply", CanReplyTo(union, associationsOnly, m, thread, true), false},
		{"nobody replies in a closed consultation", CanReplyTo(association, associationsOnly, m, thread, false), false},
		{"nobody replies to a hidden comment", CanReplyTo(pilot, associationsOnly, m, hidden, true), false},
		{"nobody replies to a withdrawn comment", CanReplyTo(pilot, associationsOnly, m, withdrawn, true), false},
		{"nobody replies to a pending comment", CanReplyTo(pilot, associationsOnly, m, pending, true), false},
		{"replies are one level deep", CanReplyTo(pilot, associationsOnly, m, reply, true), false},
		{"the secretariat does not reply", CanReplyTo(secretariat, associationsOnly, m, thread, true), false},
		{"an allowed member opens a thread", CanPostComment(association, associationsOnly, m, false, false), true},
		{"a category not allowed opens no thread", CanPostComment(union, associationsOnly, m, false, false), false},
		{"a pilot replies", CanPostComment(pilot, associationsOnly, m, true, false), true},
		{"a pilot opens no thread outside its categories", CanPostComment(pilot, associationsOnly, m, false, false), false},
		{"a pilot answers officially in a reply", CanPostComment(pilot, associationsOnly, m, true, true), true},
		{"an official answer is a reply", CanPostComment(pilot, associationsOnly, m, false, true), false},
		{"only pilots answer officially", CanPostComment(association, associationsOnly, m, true, true), false},
		{"the secretariat does not post", CanPostComment(secretariat, model.Plan{CommentCategories: model.Categories}, m, false, false), false},
		{"a pilot marks its reply official", CanMarkOfficial(pilot, m, reply), true},
		{"a thread's first comment is not an official answer", CanMarkOfficial(pilot, m, model.Comment{AuthorID: 3, State: model.CommentPublished}), false},
		{"nobody marks another's reply", CanMarkOfficial(Viewer{AccountID: 9, Role: model.RolePilot, BodyID: 4}, m, reply), false},
		{"a hidden reply is not marked", CanMarkOfficial(pilot, m, hiddenReply), false},
		{"a member who does not pilot does not mark", CanMarkOfficial(Viewer{AccountID: 3, Role: model.RoleMember, BodyID: 5}, m, reply), false},
	})
}

func TestNewsRules(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	public1 := model.NewsArticle{Visibility: model.VisibilityPublic, PublishedAt: &past}
	members := model.NewsArticle{Visibility: model.VisibilityMembers, PublishedAt: &past}
	scheduled := model.NewsArticle{Visibility: model.VisibilityPublic, PublishedAt: &future}
	draft := model.NewsArticle{Visibility: model.VisibilityPublic}
	pastMeeting := model.Meeting{StartsAt: past}
	nextMeeting := model.Meeting{StartsAt: future}
	check(t, []rule{
		{"the public reads public articles", slices.Equal(NewsLevels(public), []model.Visibility{model.VisibilityPublic}), true},
		{"members read members' articles too", slices.Equal(NewsLevels(union), []model.Visibility{model.VisibilityPublic, model.VisibilityMembers}), true},
		{"the public reads a published public article", CanSeeNews(public, public1, now), true},
		{"the public does not read a members' article", CanSeeNews(public, members, now), false},
		{"a member reads a members' article", CanSeeNews(union, members, now), true},
		{"a member does not read a scheduled article", CanSeeNews(union, scheduled, now), false},
		{"the secretariat reads a draft", CanSeeNews(secretariat, draft, now), true},
		{"a draft's existence is private", NewsExistenceIsPrivate(draft, now), true},
		{"a scheduled article's existence is private", NewsExistenceIsPrivate(scheduled, now), true},
		{"a published members' article is not a secret", NewsExistenceIsPrivate(members, now), false},
		{"anyone follows a link to a mandate", CanFollowNewsLink(public, model.NewsLink{TargetType: model.LinkMandate}, now), true},
		{"anyone follows a link to a measure", CanFollowNewsLink(public, model.NewsLink{TargetType: model.LinkMeasure}, now), true},
		{"the public follows a link to a past meeting", CanFollowNewsLink(public, model.NewsLink{TargetType: model.LinkMeeting, Meeting: &pastMeeting}, now), true},
		{"the public does not follow a link to a meeting to come", CanFollowNewsLink(public, model.NewsLink{TargetType: model.LinkMeeting, Meeting: &nextMeeting}, now), false},
		{"nobody follows a link to a deleted meeting", CanFollowNewsLink(secretariat, model.NewsLink{TargetType: model.LinkMeeting}, now), false},
		{"the public does not follow a link to a members' document", CanFollowNewsLink(public, model.NewsLink{TargetType: model.LinkDocument,
			Document: &model.Document{Visibility: model.VisibilityMembers}}, now), false},
		{"a member follows a link to a members' document", CanFollowNewsLink(union, model.NewsLink{TargetType: model.LinkDocument,
			Document: &model.Document{Visibility: model.VisibilityMembers}}, now), true},
		{"an unknown target is refused", CanFollowNewsLink(secretariat, model.NewsLink{TargetType: "other"}, now), false},
		{"a signed-in account receives news by mail", CanReceiveNewsByMail(union), true},
		{"the public subscribes to nothing", CanReceiveNewsByMail(public), false},
	})
}

// Every exported function and method of the policy is named in a test of
// this package, so that no rule goes untested.
func TestEveryRuleIsTested(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var tests strings.Builder
	var exported []string
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, "_test.go") {
			tests.Write(src)
			continue
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.IsExported() {
				exported = append(exported, fd.Name.Name)
			}
		}
	}
	for _, name := range exported {
		if !strings.Contains(tests.String(), name+"(") && !strings.Contains(tests.String(), "{\""+name+"\", "+name+"}") {
			t.Errorf("%s has no unit test in package access", name)
		}
	}
}

func TestMinutesReadingRules(t *testing.T) {
	draft := model.Meeting{Status: model.MeetingMinutesDraft, MinutesHTML: "<p>Projet</p>"}
	approved := model.Meeting{Status: model.MeetingMinutesApproved, MinutesHTML: "<p>Compte rendu</p>"}
	openApproved := approved
	openApproved.PublicMinutes = true
	held := model.Meeting{Status: model.MeetingHeld}
	check(t, []rule{
		{"the secretariat reads the remarks on a draft", CanSeeRemarks(secretariat, draft, false), true},
		{"an attendee reads the remarks on a draft", CanSeeRemarks(union, draft, true), true},
		{"a member who was absent does not read the remarks", CanSeeRemarks(union, draft, false), false},
		{"nobody reads remarks once the minutes are approved", CanSeeRemarks(secretariat, approved, true), false},
		{"a seated body reads the dissents on a draft", CanSeeDissents(union, draft, false, true), true},
		{"a body not seated does not read the dissents on a draft", CanSeeDissents(union, draft, false, false), false},
		{"the secretariat reads the dissents on a draft", CanSeeDissents(secretariat, draft, false, false), true},
		{"members read the dissents of approved minutes", CanSeeDissents(union, approved, false, false), true},
		{"the public does not read the dissents of members' minutes", CanSeeDissents(public, approved, false, false), false},
		{"the public reads the dissents of public minutes", CanSeeDissents(public, openApproved, false, false), true},
		{"no dissents before the draft", CanSeeDissents(secretariat, held, true, true), false},
	})
}
