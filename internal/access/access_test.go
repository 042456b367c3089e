package access

import (
	"testing"

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
