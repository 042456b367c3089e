package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"mime"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"comite/internal/export"
	"comite/internal/model"
	"comite/web/view"
)

const wantCSVHeader = "Catégorie;Organisme;Sigle;Qualité;Civilité;Prénom;Nom;Représentant;Début;Fin"

// readCSV checks the BOM and parses the rest as the exports write it.
func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	text, ok := strings.CutPrefix(body, export.BOM)
	if !ok {
		t.Fatalf("got %q at the start, want the UTF-8 BOM", body[:min(len(body), 8)])
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = ';'
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse back: %v", err)
	}
	return records
}

// openSeats is the store's view of the seats open today in the current mandate.
func openSeats(t *testing.T, p *portal) (model.Mandate, []model.Seat) {
	t.Helper()
	ctx := context.Background()
	m, err := p.store.CurrentMandate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seats, err := p.store.SeatsOn(ctx, m.ID, today())
	if err != nil {
		t.Fatal(err)
	}
	return m, seats
}

func today() time.Time {
	y, m, d := time.Now().In(view.Paris).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func TestMembersCSV(t *testing.T) {
	p := newPortal(t, nil)
	_, seats := openSeats(t, p)
	if got, want := len(seats), 2*31; got != want {
		t.Fatalf("seeded seats: got %v, want %v", got, want)
	}
	res := p.client().get("/members.csv")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status: got %v, want %v", res.StatusCode, http.StatusOK)
	}
	if got, want := res.Header.Get("Content-Type"), "text/csv; charset=utf-8"; got != want {
		t.Fatalf("Content-Type: got %v, want %v", got, want)
	}
	_, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := params["filename"], "membres-comite-"+today().Format(time.DateOnly)+".csv"; got != want {
		t.Fatalf("filename: got %v, want %v", got, want)
	}
	if got, want := res.Header.Get("Cache-Control"), "public, max-age=300"; got != want {
		t.Fatalf("Cache-Control: got %v, want %v", got, want)
	}

	if !strings.HasPrefix(res.body, export.BOM+wantCSVHeader+"\r\n") {
		t.Fatalf("got %q at the start, want BOM then %q and CRLF", res.body[:min(len(res.body), 120)], wantCSVHeader)
	}
	if strings.Contains(strings.ReplaceAll(res.body, "\r\n", ""), "\n") {
		t.Fatal("got a bare LF line end, want CRLF only")
	}
	if got, want := strings.Count(res.body, "\r\n"), len(seats)+1; got != want {
		t.Fatalf("lines: got %v, want %v (header and one per seat)", got, want)
	}
	for _, want := range []string{"Défenseur des droits", "Comité contre l'esclavage moderne;CCEM;Titulaire;",
		"Autorités et instances indépendantes", "Suppléant", ";2024-03-21;"} {
		if !strings.Contains(res.body, want) {
			t.Fatalf("CSV lacks %q", want)
		}
	}
	if strings.Contains(res.body, "@") {
		t.Fatal("got '@' in the CSV, want no e-mail address")
	}

	// It parses back into the cells the store holds.
	records := readCSV(t, res.body)
	if got, want := strings.Join(records[0], ";"), wantCSVHeader; got != want {
		t.Fatalf("header: got %v, want %v", got, want)
	}
	var got, want []string
	for _, r := range records[1:] {
		if len(r) != 10 {
			t.Fatalf("got %d cells in %q, want 10", len(r), r)
		}
		got = append(got, strings.Join([]string{r[0], r[1], r[3], r[4], r[5], r[6], r[7], r[8], r[9]}, "|"))
	}
	for _, st := range seats {
		want = append(want, strings.Join([]string{st.BodyCategory.Label(), st.BodyName, st.Role.Label(),
			st.Person.Civility, st.Person.GivenName, st.Person.FamilyName, st.PostLabel,
			st.StartsOn.Format(time.DateOnly), ""}, "|"))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("got rows %q, want %q", got, want)
	}
	// Categories come in the member list's order.
	rank := func(label string) int {
		return slices.IndexFunc(model.Categories, func(c model.Category) bool { return c.Label() == label })
	}
	for i := 2; i < len(records); i++ {
		if rank(records[i-1][0]) > rank(records[i][0]) {
			t.Fatalf("row %d: got category %q after %q, want model.Categories order", i, records[i][0], records[i-1][0])
		}
	}

	// A signed-in viewer's copy is not cached.
	if got, want := p.as(roleUnion).get("/members.csv").Header.Get("Cache-Control"), "no-store"; got != want {
		t.Fatalf("signed-in Cache-Control: got %v, want %v", got, want)
	}
}

func TestMembersCSVOnADay(t *testing.T) {
	p := newPortal(t, nil)
	c := p.client()

	res := c.get("/members.csv?date=2020-01-01")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status: got %v, want %v", res.StatusCode, http.StatusOK)
	}
	if got, want := res.body, export.BOM+wantCSVHeader+"\r\n"; got != want {
		t.Fatalf("before any mandate: got %q, want %q", got, want)
	}
	_, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := params["filename"], "membres-comite-2020-01-01.csv"; got != want {
		t.Fatalf("filename: got %v, want %v", got, want)
	}

	res = c.get("/members.csv?date=2024-03-21")
	if got, want := len(readCSV(t, res.body)), 2*31+1; got != want {
		t.Fatalf("records on the first day of the mandate: got %v, want %v", got, want)
	}

	res = c.get("/members.csv?date=nope")
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("status: got %v, want %v", res.StatusCode, http.StatusBadRequest)
	}
	if !strings.Contains(res.body, "AAAA-MM-JJ") {
		t.Fatalf("got %q, want a French message giving the format", res.body)
	}
}

func TestMembersAPI(t *testing.T) {
	p := newPortal(t, nil)
	m, seats := openSeats(t, p)
	res := p.client().get("/api/v1/members")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status: got %v, want %v", res.StatusCode, http.StatusOK)
	}
	for k, want := range map[string]string{
		"Content-Type":                "application/json; charset=utf-8",
		"Access-Control-Allow-Origin": "*",
		"Cache-Control":               "public, max-age=300",
	} {
		if got := res.Header.Get(k); got != want {
			t.Fatalf("%s: got %v, want %v", k, got, want)
		}
	}
	for _, banned := range []string{`"email"`, `"phone"`, "@"} {
		if strings.Contains(res.body, banned) {
			t.Fatalf("got %s in the API answer, want public fields only", banned)
		}
	}
	var page apiMembers
	dec := json.NewDecoder(strings.NewReader(res.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&page); err != nil {
		t.Fatal(err)
	}
	if page.Next != nil {
		t.Fatalf("next: got %q, want the whole committee on one page", *page.Next)
	}
	doc := page.PopoloMembers

	if doc.Mandate == nil {
		t.Fatal("got no mandate, want the one in force")
	}
	if got, want := doc.Mandate.Label, m.Label; got != want {
		t.Fatalf("mandate label: got %v, want %v", got, want)
	}
	if got, want := doc.Mandate.StartDate, "2024-03-21"; got != want {
		t.Fatalf("mandate start: got %v, want %v", got, want)
	}
	if doc.Mandate.EndDate != nil {
		t.Fatalf("mandate end: got %v, want null", *doc.Mandate.EndDate)
	}
	if !doc.Mandate.Illustrative {
		t.Fatal("mandate illustrative: got false, want true")
	}

	if got, want := len(doc.Posts), len(seats); got != want {
		t.Fatalf("posts: got %v, want %v", got, want)
	}
	if got, want := len(doc.Memberships), len(seats); got != want {
		t.Fatalf("memberships: got %v, want %v", got, want)
	}
	if got, want := len(doc.Organizations), 31; got != want {
		t.Fatalf("organizations: got %v, want %v", got, want)
	}
	if got, want := len(doc.Persons), 62; got != want {
		t.Fatalf("persons: got %v, want %v", got, want)
	}

	orgs := map[string]export.PopoloOrganization{}
	for _, o := range doc.Organizations {
		if _, dup := orgs[o.ID]; dup {
			t.Fatalf("organization %s: got it twice, want once", o.ID)
		}
		if !model.Category(o.Classification).Valid() {
			t.Fatalf("organization %s classification: got %q, want a category", o.ID, o.Classification)
		}
		orgs[o.ID] = o
	}
	for _, o := range doc.Organizations {
		if _, ok := orgs[o.ParentID]; o.ParentID != "" && !ok {
			t.Fatalf("organization %s parent_id %s: does not resolve", o.ID, o.ParentID)
		}
	}
	persons := map[string]bool{}
	for _, pe := range doc.Persons {
		persons[pe.ID] = true
		if pe.Name == "" || pe.FamilyName == "" || !strings.HasSuffix(pe.Name, pe.FamilyName) {
			t.Fatalf("person %s: got name %q family name %q, want both", pe.ID, pe.Name, pe.FamilyName)
		}
	}
	posts := map[string]export.PopoloPost{}
	for _, po := range doc.Posts {
		posts[po.ID] = po
		if _, ok := orgs[po.OrganizationID]; !ok {
			t.Fatalf("post %s organization_id %s: does not resolve", po.ID, po.OrganizationID)
		}
	}
	used := map[string]bool{}
	for _, ms := range doc.Memberships {
		if !persons[ms.PersonID] {
			t.Fatalf("membership %s person_id %q: does not resolve", ms.ID, ms.PersonID)
		}
		if _, ok := orgs[ms.OrganizationID]; !ok {
			t.Fatalf("membership %s organization_id %s: does not resolve", ms.ID, ms.OrganizationID)
		}
		po, ok := posts[ms.PostID]
		if !ok {
			t.Fatalf("membership %s post_id %s: does not resolve", ms.ID, ms.PostID)
		}
		if po.OrganizationID != ms.OrganizationID || po.Role != ms.Role {
			t.Fatalf("membership %s: got organization %s role %s, want its post's %s %s",
				ms.ID, ms.OrganizationID, ms.Role, po.OrganizationID, po.Role)
		}
		if ms.Role != string(model.SeatTitulaire) && ms.Role != string(model.SeatSuppleant) {
			t.Fatalf("membership %s role: got %q, want titulaire or suppleant", ms.ID, ms.Role)
		}
		if got, want := ms.StartDate, "2024-03-21"; got != want {
			t.Fatalf("membership %s start: got %v, want %v", ms.ID, got, want)
		}
		used[ms.OrganizationID] = true
	}
	if got, want := len(used), len(doc.Organizations); got != want {
		t.Fatalf("organizations holding a seat: got %v, want %v (every one listed)", got, want)
	}

	var ccem *export.PopoloOrganization
	for i, o := range doc.Organizations {
		if o.Name == "Comité contre l'esclavage moderne" {
			ccem = &doc.Organizations[i]
		}
	}
	if ccem == nil {
		t.Fatal("got no organization named \"Comité contre l'esclavage moderne\"")
	}
	if got, want := ccem.OtherNames, []export.PopoloOtherName{{Name: "CCEM", Note: "acronym"}}; !slices.Equal(got, want) {
		t.Fatalf("CCEM other_names: got %v, want %v", got, want)
	}
	if got, want := ccem.Classification, "association"; got != want {
		t.Fatalf("CCEM classification: got %v, want %v", got, want)
	}
	var labels []string
	for _, po := range doc.Posts {
		if po.OrganizationID == ccem.ID {
			labels = append(labels, po.Label)
		}
	}
	slices.Sort(labels)
	if want := []string{"Suppléant – Comité contre l'esclavage moderne", "Titulaire – Comité contre l'esclavage moderne"}; !slices.Equal(labels, want) {
		t.Fatalf("CCEM posts: got %q, want %q", labels, want)
	}
	// OCRTEH's parent is DGPN, which is listed.
	for _, o := range doc.Organizations {
		if o.Name == "Office central pour la répression de la traite des êtres humains" {
			if got, want := orgs[o.ParentID].Name, "Direction générale de la police nationale"; got != want {
				t.Fatalf("OCRTEH parent: got %q, want %q", got, want)
			}
		}
	}
}

func TestMembersAPIOnADay(t *testing.T) {
	p := newPortal(t, nil)
	c := p.client()

	res := c.get("/api/v1/members?date=2020-01-01")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status: got %v, want %v", res.StatusCode, http.StatusOK)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(res.body), &raw); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"mandate": "null", "organizations": "[]", "persons": "[]", "posts": "[]", "memberships": "[]", "next": "null"} {
		if got := string(raw[k]); got != want {
			t.Fatalf("%s before any mandate: got %v, want %v", k, got, want)
		}
	}

	res = c.get("/api/v1/members?date=nope")
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("status: got %v, want %v", res.StatusCode, http.StatusBadRequest)
	}
	if got, want := res.Header.Get("Content-Type"), "application/json; charset=utf-8"; got != want {
		t.Fatalf("Content-Type: got %v, want %v", got, want)
	}
	var e apiError
	if err := json.Unmarshal([]byte(res.body), &e); err != nil || e.Error.Code != "invalid_date" || !strings.Contains(e.Error.Message, "AAAA-MM-JJ") {
		t.Fatalf("got %q (%v), want a JSON error giving the format", res.body, err)
	}
}

// TestMemberExportsWithAddedBody adds a body whose name is a spreadsheet
// formula, with a website, a parent and a vacant seat for a representative,
// and follows it through both exports.
func TestMemberExportsWithAddedBody(t *testing.T) {
	p := newPortal(t, nil)
	ctx := context.Background()
	m, err := p.store.CurrentMandate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	parent, err := p.store.BodyBySlug(ctx, "miprof") // not seated itself
	if err != nil {
		t.Fatal(err)
	}
	const evil = `=HYPERLINK("http://evil")`
	bodyID, err := p.store.CreateBody(ctx, model.Body{Slug: "evil", Name: evil, Acronym: "+EVIL",
		Category: model.CategoryAssociation, Website: "https://evil.example/", ParentID: parent.ID})
	if err != nil {
		t.Fatal(err)
	}
	seatID, err := p.store.CreateSeat(ctx, model.Seat{MandateID: m.ID, BodyID: bodyID, Role: model.SeatTitulaire,
		PostLabel: "-représentant le ministre", StartsOn: m.StartsOn})
	if err != nil {
		t.Fatal(err)
	}

	res := p.client().get("/members.csv")
	if want := `;"'=HYPERLINK(""http://evil"")";'+EVIL;Titulaire;;;;'-représentant le ministre;2024-03-21;` + "\r\n"; !strings.Contains(res.body, want) {
		t.Fatalf("got CSV %q, want the line %q", res.body, want)
	}
	var row []string
	for _, r := range readCSV(t, res.body) {
		if r[1] == "'"+evil {
			row = r
		}
	}
	if want := []string{"Associations", "'" + evil, "'+EVIL", "Titulaire", "", "", "", "'-représentant le ministre", "2024-03-21", ""}; !slices.Equal(row, want) {
		t.Fatalf("parsed row: got %q, want %q", row, want)
	}

	res = p.client().get("/api/v1/members")
	var doc export.PopoloMembers
	if err := json.Unmarshal([]byte(res.body), &doc); err != nil {
		t.Fatal(err)
	}
	orgs := map[string]export.PopoloOrganization{}
	for _, o := range doc.Organizations {
		orgs[o.ID] = o
	}
	org, ok := orgs[popoloID("body", bodyID)]
	if !ok {
		t.Fatalf("got no organization %s", popoloID("body", bodyID))
	}
	if got, want := org.Name, evil; got != want {
		t.Fatalf("name: got %v, want %v (JSON needs no neutralising)", got, want)
	}
	if got, want := org.Links, []export.PopoloLink{{URL: "https://evil.example/", Note: "website"}}; !slices.Equal(got, want) {
		t.Fatalf("links: got %v, want %v", got, want)
	}
	if got, want := orgs[org.ParentID].Name, parent.Name; got != want {
		t.Fatalf("parent: got %q, want %q (listed so that parent_id resolves)", got, want)
	}
	if got, want := len(doc.Organizations), 31+2; got != want {
		t.Fatalf("organizations: got %v, want %v", got, want)
	}
	var ms *export.PopoloMembership
	for i := range doc.Memberships {
		if doc.Memberships[i].PostID == popoloID("seat", seatID) {
			ms = &doc.Memberships[i]
		}
	}
	if ms == nil {
		t.Fatalf("got no membership for seat %d", seatID)
	}
	want := export.PopoloMembership{ID: popoloID("membership", seatID), OrganizationID: org.ID, PostID: popoloID("seat", seatID),
		Role: "titulaire", Label: "-représentant le ministre", StartDate: "2024-03-21"}
	if *ms != want {
		t.Fatalf("vacant seat's membership: got %+v, want %+v", *ms, want)
	}
	if strings.Contains(res.body, `"person_id":""`) {
		t.Fatal(`got "person_id":"" for the vacant seat, want the key absent`)
	}
}
