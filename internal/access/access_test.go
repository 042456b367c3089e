package access

import (
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
