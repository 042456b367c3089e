package access

import (
	"testing"
	"time"

	"comite/internal/model"
)

func TestObservatoryRules(t *testing.T) {
	now := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	closesLater, closedBefore := now.AddDate(0, 0, 10), now.AddDate(0, 0, -10)
	open := model.Survey{State: model.SurveyOpen, ClosesOn: &closesLater}
	late := model.Survey{State: model.SurveyOpen, ClosesOn: &closedBefore}
	closed := model.Survey{State: model.SurveyClosed}
	own := model.SurveyReturn{BodyID: 3, Sharing: model.SharingAggregate}
	shared := model.SurveyReturn{BodyID: 7, Sharing: model.SharingStatisticians}
	public1 := model.SurveyReturn{BodyID: 7, Sharing: model.SharingPublic}
	private := model.SurveyReturn{BodyID: 7, Sharing: model.SharingAggregate}
	statistician := Viewer{AccountID: 6, Role: model.RoleMember, BodyID: 5, Category: model.CategoryIndependentBody, Statistician: true}
	statSecretariat := secretariat
	statSecretariat.Statistician = true
	check(t, []rule{
		{"a named statistician is one", IsStatistician(statistician), true},
		{"a member is not a statistician", IsStatistician(union), false},
		{"the public is no statistician", IsStatistician(Viewer{Statistician: true}), false},
		{"the secretariat manages surveys", CanManageSurveys(secretariat), true},
		{"a member does not manage surveys", CanManageSurveys(association), false},
		{"an association member is one", IsAssociationMember(association), true},
		{"a union member is not", IsAssociationMember(union), false},
		{"the secretariat is not", IsAssociationMember(secretariat), false},
		{"an association files its return while open", CanFileReturn(association, open, now), true},
		{"an association files no return after the closing date", CanFileReturn(association, late, now), false},
		{"an association files no return once closed", CanFileReturn(association, closed, now), false},
		{"a union files no return", CanFileReturn(union, open, now), false},
		{"the secretariat files no return", CanFileReturn(secretariat, open, now), false},
		{"the association owns its return", OwnsReturn(association, own), true},
		{"another body does not own it", OwnsReturn(union, own), false},
		{"the public owns nothing", OwnsReturn(public, model.SurveyReturn{}), false},
		{"the association reads its own figures", CanReadReturn(association, own), true},
		{"the secretariat does not read figures kept in the aggregate", CanReadReturn(secretariat, private), false},
		{"the secretariat does not read figures shared with statisticians", CanReadReturn(secretariat, shared), false},
		{"a statistician reads figures shared with statisticians", CanReadReturn(statistician, shared), true},
		{"a secretariat account named statistician reads them too", CanReadReturn(statSecretariat, shared), true},
		{"a statistician does not read figures kept in the aggregate", CanReadReturn(statistician, private), false},
		{"a member does not read figures shared with statisticians", CanReadReturn(union, shared), false},
		{"the public reads public figures", CanReadReturn(public, public1), true},
		{"the public does not read shared figures", CanReadReturn(public, shared), false},
		{"an outsider's reading is recorded", ReadingIsRecorded(statistician, shared), true},
		{"the association's own reading is not", ReadingIsRecorded(association, own), false},
		{"a statistician reads as such", ReadingCapacity(statistician) == "Statisticien de l'observatoire", true},
		{"the secretariat reads as such", ReadingCapacity(secretariat) == "Secrétariat", true},
		{"a member reads as such", ReadingCapacity(union) == "Membre du comité", true},
		{"the public reads as such", ReadingCapacity(public) == "Public", true},
	})
}
