package access

import (
	"time"

	"comite/internal/model"
)

// The observatory's rules. An association's figures belong to it: it
// decides, return by return, whether they stay inside the aggregate, are
// read by the observatory's statisticians, or by everyone. The secretariat
// runs the campaigns and sees who answered and when, never the figures of
// an association that did not share them.

// IsStatistician reports whether v is one of the observatory's
// statisticians, named by the secretariat.
func IsStatistician(v Viewer) bool { return v.SignedIn() && v.Statistician }

// CanManageSurveys reports whether v may open, remind, close and publish
// the yearly surveys, import earlier years and name statisticians.
func CanManageSurveys(v Viewer) bool { return v.IsSecretariat() }

// CanFileReturn reports whether v may fill in and send its body's return
// to survey s at time now: a member of an association, while the survey
// accepts returns.
func CanFileReturn(v Viewer, s model.Survey, now time.Time) bool {
	return IsAssociationMember(v) && s.AcceptsReturns(now)
}

// IsAssociationMember reports whether v speaks for a member association,
// which answers the observatory's surveys.
func IsAssociationMember(v Viewer) bool {
	return speaksForBody(v) && v.Category == model.CategoryAssociation
}

// OwnsReturn reports whether v belongs to the association that sent r.
func OwnsReturn(v Viewer, r model.SurveyReturn) bool {
	return v.SignedIn() && v.BodyID != 0 && v.BodyID == r.BodyID
}

// CanReadReturn reports whether v may read the individual figures of
// return r: its association; the statisticians when it shared them with
// them; everyone when it made them public. The secretariat as such is not
// on that list.
func CanReadReturn(v Viewer, r model.SurveyReturn) bool {
	switch {
	case OwnsReturn(v, r):
		return true
	case r.Sharing == model.SharingPublic:
		return true
	case r.Sharing == model.SharingStatisticians:
		return IsStatistician(v)
	}
	return false
}

// ReadingIsRecorded reports whether v reading return r is recorded and
// listed to the association: every reading by someone outside it.
func ReadingIsRecorded(v Viewer, r model.SurveyReturn) bool { return !OwnsReturn(v, r) }

// ReadingCapacity is in what capacity v reads another's return, as the
// association's list says it.
func ReadingCapacity(v Viewer) string {
	switch {
	case IsStatistician(v):
		return "Statisticien de l'observatoire"
	case v.IsSecretariat():
		return "Secrétariat"
	case v.SignedIn():
		return "Membre du comité"
	}
	return "Public"
}
