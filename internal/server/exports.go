package server

import (
	"bytes"
	"cmp"
	"errors"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"comite/internal/export"
	"comite/internal/model"
)

// membersCSVHeader is the header line of /members.csv.
var membersCSVHeader = []string{"Catégorie", "Organisme", "Sigle", "Qualité", "Civilité", "Prénom", "Nom", "Représentant", "Début", "Fin"}

// badDayMessage answers a malformed ?date= on the exports.
const badDayMessage = "Date invalide : utilisez le format AAAA-MM-JJ, par exemple 2024-12-12."

// exportCacheControl is how long a signed-out viewer's cache may keep an export.
const exportCacheControl = "public, max-age=300"

// memberList is the published member list on a day: the mandate in force
// (nil when none), its open seats in the member list's order, and the
// bodies those seats refer to, with their parents.
type memberList struct {
	day     time.Time
	mandate *model.Mandate
	seats   []model.Seat
	bodies  map[int64]model.Body
}

// readMemberList reads the member list on the ?date= of the request
// (today by default). ok is false when the date is malformed.
func (s *Server) readMemberList(r *http.Request) (l memberList, ok bool, err error) {
	ctx := r.Context()
	l.day, ok = parseDay(r.URL.Query().Get("date"), s.now())
	if !ok {
		return l, false, nil
	}
	m, err := s.store.MandateOn(ctx, l.day)
	switch {
	case errors.Is(err, model.ErrNotFound):
		return l, true, nil
	case err != nil:
		return l, true, err
	}
	l.mandate = &m
	if l.seats, err = s.store.SeatsOn(ctx, m.ID, l.day); err != nil {
		return l, true, err
	}
	// Bodies are read after the seats: a body with seats cannot be deleted,
	// so every body the seats name is there.
	bodies, err := s.store.Bodies(ctx)
	if err != nil {
		return l, true, err
	}
	l.bodies = make(map[int64]model.Body, len(bodies))
	for _, b := range bodies {
		l.bodies[b.ID] = b
	}
	sortSeats(l.seats)
	return l, true, nil
}

// sortSeats puts seats in the order of the member list page: categories in
// model.Categories order, the store's order (body name, role) within each.
func sortSeats(seats []model.Seat) {
	rank := func(c model.Category) int {
		if i := slices.Index(model.Categories, c); i >= 0 {
			return i
		}
		return len(model.Categories)
	}
	slices.SortStableFunc(seats, func(a, b model.Seat) int { return cmp.Compare(rank(a.BodyCategory), rank(b.BodyCategory)) })
}

// bodyOf returns the seat's body, or what the seat itself says of it.
func (l memberList) bodyOf(st model.Seat) model.Body {
	if b, ok := l.bodies[st.BodyID]; ok {
		return b
	}
	return model.Body{ID: st.BodyID, Name: st.BodyName, Category: st.BodyCategory}
}

// sendAttachment sends body as a file to save: its type, its name and its
// length, then the bytes. Headers set before (exportHeaders) stay.
func sendAttachment(w http.ResponseWriter, contentType, filename string, body *bytes.Buffer) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	h.Set("Content-Length", strconv.Itoa(body.Len()))
	_, _ = body.WriteTo(w)
}

// exportHeaders sets the headers both exports share. The session
// middleware has already set no-store for a signed-in viewer; that stays.
func exportHeaders(w http.ResponseWriter, contentType string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Access-Control-Allow-Origin", "*")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", exportCacheControl)
	}
}

// membersCSV serves the published member list as a CSV file for
// spreadsheets. Names only: never an e-mail or a phone number.
func (s *Server) membersCSV(w http.ResponseWriter, r *http.Request) error {
	l, ok, err := s.readMemberList(r)
	if err != nil {
		return err
	}
	if !ok {
		return &plainError{status: http.StatusBadRequest, text: badDayMessage}
	}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, membersCSVHeader, membersCSVRows(l)); err != nil {
		return err
	}
	exportHeaders(w, "text/csv; charset=utf-8")
	sendAttachment(w, "text/csv; charset=utf-8", "membres-comite-"+export.Date(l.day)+".csv", &buf)
	return nil
}

// membersCSVRows is one row per seat, in the columns of membersCSVHeader.
func membersCSVRows(l memberList) [][]string {
	rows := make([][]string, 0, len(l.seats))
	for _, st := range l.seats {
		b := l.bodyOf(st)
		end := ""
		if st.EndsOn != nil {
			end = export.Date(*st.EndsOn)
		}
		var civility, given, family string
		if !st.Vacant() {
			civility, given, family = st.Person.Civility, st.Person.GivenName, st.Person.FamilyName
		}
		rows = append(rows, []string{b.Category.Label(), b.Name, b.Acronym, st.Role.Label(),
			civility, given, family, st.PostLabel, export.Date(st.StartsOn), end})
	}
	return rows
}

func popoloID(kind string, id int64) string { return kind + "-" + strconv.FormatInt(id, 10) }

// popoloMembers shapes the member list on Popolo: one post and one
// membership per seat, the bodies holding them (and their parents) as
// organizations, the holders as persons.
func popoloMembers(l memberList) export.PopoloMembers {
	doc := export.PopoloMembers{
		Organizations: []export.PopoloOrganization{},
		Persons:       []export.PopoloPerson{},
		Posts:         []export.PopoloPost{},
		Memberships:   []export.PopoloMembership{},
	}
	if l.mandate == nil {
		return doc
	}
	m := l.mandate
	doc.Mandate = &export.PopoloMandate{
		ID:        popoloID("mandate", m.ID),
		Label:     m.Label,
		StartDate: export.Date(m.StartsOn),
		EndDate:   export.OptionalDate(m.EndsOn),
		JO: export.PopoloJO{Title: m.JOTitle, Date: export.OptionalDate(m.JODate),
			NOR: m.NOR, JORF: m.JORF, ELI: m.ELIURL},
		Illustrative: m.Illustrative,
	}

	var bodies []model.Body
	seenBody := map[int64]bool{}
	seenPerson := map[int64]bool{}
	for _, st := range l.seats {
		b := l.bodyOf(st)
		if !seenBody[b.ID] {
			seenBody[b.ID] = true
			bodies = append(bodies, b)
		}
		orgID := popoloID("body", b.ID)
		postID := popoloID("seat", st.ID)
		doc.Posts = append(doc.Posts, export.PopoloPost{ID: postID, Label: st.Role.Label() + " – " + b.Name,
			Role: string(st.Role), OrganizationID: orgID})
		ms := export.PopoloMembership{ID: popoloID("membership", st.ID), OrganizationID: orgID, PostID: postID,
			Role: string(st.Role), Label: st.PostLabel, StartDate: export.Date(st.StartsOn), EndDate: export.OptionalDate(st.EndsOn)}
		if !st.Vacant() {
			ms.PersonID = popoloID("person", st.PersonID)
			if !seenPerson[st.PersonID] {
				seenPerson[st.PersonID] = true
				p := st.Person
				doc.Persons = append(doc.Persons, export.PopoloPerson{ID: ms.PersonID, Name: p.FullName(),
					GivenName: p.GivenName, FamilyName: p.FamilyName, HonorificPrefix: p.Civility})
			}
		}
		doc.Memberships = append(doc.Memberships, ms)
	}
	// Parents follow the seated bodies so that every parent_id resolves;
	// the list grows as it is walked, which takes in grandparents too.
	for i := 0; i < len(bodies); i++ {
		b := bodies[i]
		org := export.PopoloOrganization{ID: popoloID("body", b.ID), Name: b.Name, Classification: string(b.Category)}
		if b.Acronym != "" {
			org.OtherNames = []export.PopoloOtherName{{Name: b.Acronym, Note: "acronym"}}
		}
		if b.Website != "" {
			org.Links = []export.PopoloLink{{URL: b.Website, Note: "website"}}
		}
		if parent, ok := l.bodies[b.ParentID]; ok && b.ParentID != 0 {
			org.ParentID = popoloID("body", parent.ID)
			if !seenBody[parent.ID] {
				seenBody[parent.ID] = true
				bodies = append(bodies, parent)
			}
		}
		doc.Organizations = append(doc.Organizations, org)
	}
	return doc
}
