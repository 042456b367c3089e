package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"comite/internal/export"
	"comite/internal/model"
)

// validReturn is a complete return whose totals agree: 200 supported
// victims in every breakdown.
func validReturn() url.Values {
	f := url.Values{}
	for k, v := range map[string]int{"identified": 300, "supported": 200,
		"form_sexual": 150, "form_labour": 30, "form_begging": 10, "form_crime": 6, "form_other": 4,
		"sex_female": 160, "sex_male": 40, "minor": 30, "adult": 170,
		"origin_france": 20, "origin_europe": 30, "origin_africa": 110, "origin_asia": 16, "origin_americas": 18, "origin_other": 6,
		"place_france": 180, "place_abroad": 20, "complaint": 50, "mna": 9} {
		f.Set(k, strconv.Itoa(v))
	}
	f.Set("sharing", string(model.SharingAggregate))
	f.Set("state", string(model.ReturnSubmitted))
	return f
}

// TestObservatoryReturns follows a return from the association's form to
// the publication: the totals checks, who reads the figures and the
// readings listed to the association, a double submit, the CSV template's
// round trip, and the closing with suppressed cells.
func TestObservatoryReturns(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	sv, err := p.store.SurveyByYear(ctx, 2025)
	if err != nil {
		t.Fatal(err)
	}
	ccem, err := p.store.BodyBySlug(ctx, "ccem")
	if err != nil {
		t.Fatal(err)
	}
	before, err := p.store.ReturnOf(ctx, sv.ID, ccem.ID)
	if err != nil {
		t.Fatal(err)
	}
	afjBody, err := p.store.BodyBySlug(ctx, "afj")
	if err != nil {
		t.Fatal(err)
	}
	afj, err := p.store.ReturnOf(ctx, sv.ID, afjBody.ID) // made public by the demo
	if err != nil {
		t.Fatal(err)
	}
	assoc, secretariat, union := p.as(roleAssociation), p.as(roleSecretariat), p.as(roleUnion)
	form := "/observatory/surveys/" + strconv.FormatInt(sv.ID, 10) + "/return"
	page := "/observatory/returns/" + strconv.FormatInt(before.ID, 10)

	t.Run("a mismatch is explained and the input kept", func(t *testing.T) {
		f := validReturn()
		f.Set("form_sexual", "148")
		f.Set("mna", "31")
		res := assoc.postForm(form, f)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("got %d, want 422", res.StatusCode)
		}
		for _, want := range []string{
			"La somme par forme d&#39;exploitation (198) ne correspond pas au nombre de victimes accompagnées (200).",
			"Le nombre de mineurs potentiellement non accompagnés (31) dépasse le nombre de victimes mineures (30).",
			`value="148"`,
		} {
			if !strings.Contains(res.body, want) {
				t.Errorf("the form does not say %q", want)
			}
		}
		if after, _ := p.store.ReturnOf(ctx, sv.ID, ccem.ID); after.Version != before.Version {
			t.Errorf("a refused return was saved: version %d, want %d", after.Version, before.Version)
		}
	})

	t.Run("a draft may be incomplete", func(t *testing.T) {
		res := assoc.postForm(form, url.Values{"supported": {"12"}, "sharing": {"aggregate"}, "state": {"draft"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("got %d, want 303\n%s", res.StatusCode, res.body)
		}
	})

	t.Run("sent twice, saved once", func(t *testing.T) {
		cur, _ := p.store.ReturnOf(ctx, sv.ID, ccem.ID)
		f := validReturn()
		f.Set("submission", "cle-de-test-double-envoi")
		answers := assoc.together(t, 2, func(int) *http.Request { return assoc.formRequest(t, form, f) })
		sameRedirect(t, answers)
		after, _ := p.store.ReturnOf(ctx, sv.ID, ccem.ID)
		if after.Version != cur.Version+1 || after.State != model.ReturnSubmitted {
			t.Errorf("got version %d (%s), want %d (submitted)", after.Version, after.State, cur.Version+1)
		}
		if n := countRows(t, p, `SELECT count(*) FROM survey_return_versions WHERE return_id = $1`, before.ID); n != after.Version {
			t.Errorf("%d versions kept, want %d", n, after.Version)
		}
	})

	t.Run("the secretariat sees that it answered, not the figures", func(t *testing.T) {
		if res := secretariat.get(page); res.StatusCode != http.StatusForbidden {
			t.Errorf("the secretariat reads the figures: got %d, want 403", res.StatusCode)
		}
		res := secretariat.get("/admin/observatory/" + strconv.FormatInt(sv.ID, 10))
		if res.StatusCode != http.StatusOK || !strings.Contains(res.body, html.EscapeString(ccem.Name)) || !strings.Contains(res.body, "Transmis") {
			t.Errorf("the survey page does not show that %s answered (%d)", ccem.Name, res.StatusCode)
		}
		if n := countRows(t, p, `SELECT count(*) FROM audit_log WHERE object_type = 'survey_return' AND detail::text LIKE '%form_sexual%'`); n != 0 {
			t.Errorf("%d audit entries hold the figures, which the secretariat reads", n)
		}
	})

	t.Run("a statistician reads a shared return and the association sees it", func(t *testing.T) {
		unionAccount, err := p.store.AccountByEmail(ctx, p.emails[roleUnion])
		if err != nil {
			t.Fatal(err)
		}
		if res := union.get(page); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a member reads the figures: got %d, want 403", res.StatusCode)
		}
		if res := secretariat.postForm("/admin/observatory/statisticians", url.Values{"account": {strconv.FormatInt(unionAccount.ID, 10)}, "grant": {"1"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("naming a statistician: got %d, want 303", res.StatusCode)
		}
		if res := union.get(page); res.StatusCode != http.StatusForbidden {
			t.Fatalf("a statistician reads figures kept in the aggregate: got %d, want 403", res.StatusCode)
		}
		f := validReturn()
		f.Set("sharing", string(model.SharingStatisticians))
		if res := assoc.postForm(form, f); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sharing: got %d, want 303", res.StatusCode)
		}
		if res := union.get(page); res.StatusCode != http.StatusOK || !strings.Contains(res.body, `data-testid="figure-supported">200<`) {
			t.Fatalf("the statistician does not read the shared figures (%d)", res.StatusCode)
		}
		if res := p.as(rolePublic).get("/observatory/returns/" + strconv.FormatInt(afj.ID, 10)); res.StatusCode != http.StatusOK ||
			res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("ETag") != "" {
			t.Errorf("a public return: got %d, Cache-Control %q, ETag %q; want 200, no-store and no ETag: every reading is recorded",
				res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("ETag"))
		}
		if res := secretariat.get(page); res.StatusCode != http.StatusForbidden {
			t.Errorf("the secretariat reads figures shared with statisticians: got %d, want 403", res.StatusCode)
		}
		res := assoc.get(page)
		if !strings.Contains(res.body, `data-testid="readings"`) || !strings.Contains(res.body, "Compte member-union") ||
			!strings.Contains(res.body, "Statisticien de l&#39;observatoire") {
			t.Errorf("the association does not see the statistician's reading")
		}
		if !strings.Contains(res.body, `data-testid="fed-cells"`) || !strings.Contains(res.body, "Forme d&#39;exploitation – Exploitation sexuelle") {
			t.Errorf("the association does not see the cells its figures feed")
		}
		if n := countRows(t, p, `SELECT count(*) FROM audit_log WHERE action = 'survey_return.read' AND object_id = $1`, before.ID); n != 1 {
			t.Errorf("%d readings audited, want 1", n)
		}
	})

	t.Run("the CSV template goes and comes back", func(t *testing.T) {
		res := assoc.get(form + ".csv")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.body, export.BOM+"cle;variable;nombre\r\n") {
			t.Fatalf("template: got %d, %.40q", res.StatusCode, res.body)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, export.BOM)))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil || len(rows) != len(model.SurveyVariables())+1 {
			t.Fatalf("template: %d rows, %v", len(rows), err)
		}
		// The association corrects one count in its spreadsheet.
		body := strings.Replace(res.body, "supported;Victimes accompagnées;200", "supported;Victimes accompagnées;201", 1)
		back := assoc.upload(form+"/import", nil, "reponse.csv", strings.NewReader(body))
		if back.StatusCode != http.StatusOK || !strings.Contains(back.body, `value="201"`) || !strings.Contains(back.body, `value="150"`) {
			t.Fatalf("import: got %d, the form does not hold the file's figures", back.StatusCode)
		}
		bad := assoc.upload(form+"/import", nil, "reponse.csv", strings.NewReader("cle;variable;nombre\ninconnue;x;3\n"))
		if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "Ligne 2 : la clé « inconnue »") {
			t.Errorf("a bad file: got %d, want 422 with its line", bad.StatusCode)
		}
	})

	t.Run("a methodology note goes through the upload path", func(t *testing.T) {
		res := assoc.upload(page+"/note", nil, "methode.txt", strings.NewReader("Nous comptons chaque personne accompagnée une fois dans l'année."))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("note: got %d, want 303", res.StatusCode)
		}
		if got := assoc.get(page); !strings.Contains(got.body, "Lire la note méthodologique") {
			t.Errorf("the return does not link to its note")
		}
		if res := union.upload(page+"/note", nil, "methode.txt", strings.NewReader("x")); res.StatusCode != http.StatusForbidden {
			t.Errorf("another body attaches a note: got %d, want 403", res.StatusCode)
		}
	})

	t.Run("closing publishes suppressed tables", func(t *testing.T) {
		res := secretariat.postForm("/admin/observatory/"+strconv.FormatInt(sv.ID, 10)+"/close", url.Values{})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("close: got %d, want 303", res.StatusCode)
		}
		if res := assoc.postForm(form, validReturn()); res.StatusCode != http.StatusForbidden {
			t.Errorf("a return after closing: got %d, want 403", res.StatusCode)
		}
		var doc struct {
			Publications []model.Publication `json:"publications"`
		}
		if err := json.Unmarshal([]byte(p.as(rolePublic).get("/observatory.json").body), &doc); err != nil {
			t.Fatal(err)
		}
		var pub *model.Publication
		for i := range doc.Publications {
			if doc.Publications[i].Year == 2025 {
				pub = &doc.Publications[i]
			}
		}
		if pub == nil || pub.Respondents != 5 {
			t.Fatalf("2025 is not published with its 5 returns: %+v", pub)
		}
		checkSuppression(t, *pub)
		page := p.as(rolePublic).get("/observatory")
		if !strings.Contains(page.body, `data-mark="s"`) && !strings.Contains(page.body, `data-mark="&lt; 5"`) {
			t.Errorf("the observatory page shows no suppressed cell")
		}
	})
}

// checkSuppression checks that no suppressed cell of a breakdown can be
// recomputed from the total and the other cells: a breakdown and its total
// hide none or at least two of their cells.
func checkSuppression(t *testing.T, pub model.Publication) {
	t.Helper()
	total := 0
	if _, ok := pub.Cell("victims", model.VarSupported); !ok {
		total = 1
	}
	suppressed := 0
	for _, tb := range pub.Tables {
		hidden := 0
		for _, c := range tb.Cells {
			if c.Mark != "" {
				if c.Value != nil {
					t.Errorf("%s/%s is marked %q and still has its value", tb.Key, c.Key, c.Mark)
				}
				hidden++
			}
		}
		suppressed += hidden
		if tb.Key == "victims" || tb.Key == "other" {
			continue
		}
		if hidden+total == 1 {
			t.Errorf("table %s hides one cell only: it can be recomputed from the total", tb.Key)
		}
	}
	if suppressed == 0 {
		t.Errorf("no cell suppressed, want the small counts hidden")
	}
}
