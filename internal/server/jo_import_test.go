package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"comite/internal/jo"
)

func TestJOImportPreviewThenConfirm(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	ctx := context.Background()
	m, err := p.store.CurrentMandate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile("../jo/testdata/arrete-2024-comite.txt")
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/admin/mandates/%d/import", m.ID)
	before, err := p.store.SeatsOfMandate(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}

	form := url.Values{"text": {string(text)}, "effective": {"2026-01-05"}, "preview": {"1"}}
	res := sec.postForm(path, form)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("preview: got %d", res.StatusCode)
	}
	parsed := jo.Parse(string(text))
	if len(parsed.Unrecognised) == 0 {
		t.Fatal("the sample text has no garbled line to report")
	}
	for _, want := range []string{`data-testid="import-preview"`, `data-testid="import-unrecognised"`,
		fmt.Sprintf("Ligne %d", parsed.Unrecognised[0].Number),
		"Comité contre l&#39;esclavage moderne", `data-testid="confirm-import"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	after, _ := p.store.SeatsOfMandate(ctx, m.ID)
	if len(after) != len(before) {
		t.Fatalf("the preview wrote seats: %d before, %d after", len(before), len(after))
	}

	form.Set("confirm", "1")
	form.Del("preview")
	res = sec.postForm(path, form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: got %d: %s", res.StatusCode, res.body)
	}
	open, err := p.store.SeatsOn(ctx, m.ID, mustDay(t, "2026-01-05"))
	if err != nil {
		t.Fatal(err)
	}
	holders := map[string]bool{}
	for _, st := range open {
		holders[st.Person.FullName()] = true
	}
	for _, want := range []string{"Mme Camille ROUSSEL", "M. Karim BENALI", "Mme Élise GARNIER"} {
		if !holders[want] {
			t.Errorf("after the import, %s holds no seat", want)
		}
	}
	// Seats of the demo data absent from the arrêté are closed the day before, not deleted.
	past, _ := p.store.SeatsOn(ctx, m.ID, mustDay(t, "2026-01-04"))
	if len(past) != 62 {
		t.Errorf("seats open the day before the import: got %d, want the 62 demo seats", len(past))
	}
	mandate, _ := p.store.Mandate(ctx, m.ID)
	if mandate.NOR != "DFEA2406543A" || mandate.Illustrative {
		t.Errorf("mandate JO reference after import: NOR %q illustrative %v", mandate.NOR, mandate.Illustrative)
	}
	if page := p.client().get(fmt.Sprintf("/mandates/%d", m.ID)).body; !strings.Contains(page, "DFEA2406543A") {
		t.Error("the public mandate page does not show the imported NOR")
	}
}

func TestJOImportRefusesWhatItCannotPlace(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	m, _ := p.store.CurrentMandate(context.Background())
	path := fmt.Sprintf("/admin/mandates/%d/import", m.ID)
	res := sec.postForm(path, url.Values{"text": {"Bonjour, ceci n'est pas un arrêté."}, "effective": {"2026-01-05"}, "confirm": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Aucun membre n&#39;a été reconnu") {
		t.Fatalf("text without members: got %d", res.StatusCode)
	}
	res = sec.postForm(path, url.Values{"text": {"x"}, "effective": {"2019-01-01"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "pendant la mandature") {
		t.Fatalf("effective date before the mandate: got %d", res.StatusCode)
	}
}
