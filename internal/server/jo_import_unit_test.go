package server

import (
	"testing"
	"time"

	"comite/internal/jo"
	"comite/internal/model"
)

func TestMandateFromJO(t *testing.T) {
	m := model.Mandate{ID: 2, Label: "Mandature 2024", Illustrative: true, NOR: "OLD0000000A"}
	if got, ok := mandateFromJO(m, jo.Result{JORF: "JORF n°0062"}); ok || got.NOR != "OLD0000000A" {
		t.Errorf("a text without title or NOR changes the mandate: %+v", got)
	}
	day := time.Date(2024, 3, 12, 0, 0, 0, 0, time.UTC)
	got, ok := mandateFromJO(m, jo.Result{Title: "Arrêté du 12 mars 2024", Date: day, NOR: "DFEA2406543A", JORF: "JORF n°0062 du 14 mars 2024",
		TextNumber: "33", ELI: "https://www.legifrance.gouv.fr/eli/arrete/2024/3/12/DFEA2406543A/jo/texte"})
	if !ok || got.Illustrative || got.JOTitle != "Arrêté du 12 mars 2024" || got.NOR != "DFEA2406543A" || got.JORF == "" ||
		got.JOTextNumber != "33" || got.ELIURL == "" || got.JODate == nil || !got.JODate.Equal(day) || got.Label != m.Label {
		t.Errorf("mandate after import: %+v", got)
	}
	if got, _ := mandateFromJO(m, jo.Result{NOR: "DFEA2406543A"}); got.JODate != nil {
		t.Errorf("a text without date gives the mandate a date: %v", got.JODate)
	}
}
