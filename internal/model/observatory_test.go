package model

import (
	"slices"
	"testing"
)

func TestReturnMismatches(t *testing.T) {
	complete := Counts{}
	for _, v := range SurveyVariables() {
		complete[v.Key] = 0
	}
	ok := Counts{"identified": 10, "supported": 10, "form_sexual": 10, "sex_female": 10, "minor": 2, "adult": 8,
		"origin_africa": 10, "place_france": 10, "complaint": 3, "mna": 1}
	for k, v := range ok {
		complete[k] = v
	}
	if got := complete.Mismatches(); len(got) != 0 {
		t.Errorf("a consistent return: got %v", got)
	}
	if got := complete.Missing(); len(got) != 0 {
		t.Errorf("a complete return misses %v", got)
	}
	bad := Counts{}
	for k, v := range complete {
		bad[k] = v
	}
	bad["form_labour"] = 2
	bad["identified"] = 9
	bad["mna"] = 3
	var fields, messages []string
	for _, m := range bad.Mismatches() {
		fields, messages = append(fields, m.Field), append(messages, m.Message)
	}
	if want := []string{"supported", "form_sexual", "mna"}; !slices.Equal(fields, want) {
		t.Errorf("mismatches on %v, want %v", fields, want)
	}
	if want := "La somme par forme d'exploitation (12) ne correspond pas au nombre de victimes accompagnées (10)."; !slices.Contains(messages, want) {
		t.Errorf("messages %q, want %q among them", messages, want)
	}
	if got := (Counts{"supported": 10, "form_sexual": 4}).Mismatches(); len(got) != 0 {
		t.Errorf("an incomplete breakdown is not a mismatch yet: got %v", got)
	}
	if got := FormatCount(4823); got != "4\u202f823" {
		t.Errorf("FormatCount: got %q", got)
	}
}

func TestYearTables(t *testing.T) {
	cells, rels := YearTables([]Counts{{"supported": 3, "form_sexual": 3}, {"supported": 7, "form_sexual": 5, "form_labour": 2}})
	if cells[0].Key != VarSupported || cells[0].Value != 10 || cells[0].Contributors != 2 || cells[0].Largest != 7 {
		t.Errorf("the total: got %+v", cells[0])
	}
	if len(rels) != 5 {
		t.Fatalf("got %d relations, want one per breakdown (5)", len(rels))
	}
	for _, r := range rels {
		if r.Total != 0 {
			t.Errorf("a breakdown sums to cell %d, want the supported victims (0)", r.Total)
		}
	}
	labour := cells[rels[0].Parts[1]]
	if labour.Key != "form_labour" || labour.Value != 2 || labour.Contributors != 1 {
		t.Errorf("labour: got %+v", labour)
	}
}
