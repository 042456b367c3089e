package server

import (
	"strings"
	"testing"
)

func TestMemberListGroupedAndSortedInFrench(t *testing.T) {
	p := newPortal(t, nil)
	res := p.client().get("/members")
	for _, want := range []string{"Associations (12)", "Autorités et instances indépendantes (3)", "Mandature 2024",
		"<th scope=\"row\">Total</th><td>31</td><td>62</td><td>62</td><td>0</td><td>100 %</td>"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("/members lacks %q", want)
		}
	}
	// French order: "à" sorts with "a", before "du"; byte order would put it last.
	first := strings.Index(res.body, "Secrétariat général à l&#39;immigration")
	second := strings.Index(res.body, "Secrétariat général du comité interministériel")
	if first < 0 || second < 0 || first > second {
		t.Errorf("bodies not in French alphabetical order: positions %d and %d", first, second)
	}
	if strings.Contains(res.body, "@") {
		t.Error("the public member list shows an e-mail address")
	}
}
