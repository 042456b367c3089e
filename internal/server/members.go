package server

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"comite/internal/access"
	"comite/internal/model"
	"comite/web/view"
)

// parseDay reads a YYYY-MM-DD query value; empty means today.
func parseDay(v string, now time.Time) (time.Time, bool) {
	if v == "" {
		y, m, d := now.In(view.Paris).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), true
	}
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
	return t, err == nil && plausibleYear(t)
}

// groupSeats arranges seats by category (in the member list's order), then
// by body in the order received.
func groupSeats(seats []model.Seat) []view.CategoryGroup {
	var groups []view.CategoryGroup
	for _, c := range model.Categories {
		g := view.CategoryGroup{Category: c}
		index := map[int64]int{}
		for _, st := range seats {
			if st.BodyCategory != c {
				continue
			}
			i, ok := index[st.BodyID]
			if !ok {
				i = len(g.Bodies)
				index[st.BodyID] = i
				g.Bodies = append(g.Bodies, view.BodySeats{BodyID: st.BodyID, Name: st.BodyName})
			}
			g.Bodies[i].Seats = append(g.Bodies[i].Seats, st)
		}
		if len(g.Bodies) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

// composition counts bodies, seats, filled and vacant seats per category,
// and each category's share of the seats, with the totals last.
func composition(seats []model.Seat) []view.CompositionRow {
	var rows []view.CompositionRow
	total := view.CompositionRow{Label: "Total"}
	bodies := map[int64]bool{}
	for _, c := range model.Categories {
		row := view.CompositionRow{Label: c.Label()}
		seen := map[int64]bool{}
		for _, st := range seats {
			if st.BodyCategory != c {
				continue
			}
			row.Seats++
			if st.Vacant() {
				row.Vacant++
			} else {
				row.Filled++
			}
			if !seen[st.BodyID] {
				seen[st.BodyID] = true
				row.Bodies++
			}
			bodies[st.BodyID] = true
		}
		total.Seats += row.Seats
		total.Filled += row.Filled
		total.Vacant += row.Vacant
		rows = append(rows, row)
	}
	total.Bodies = len(bodies)
	for i := range rows {
		if total.Seats > 0 {
			rows[i].SharePercent = (rows[i].Seats*1000/total.Seats + 5) / 10
		}
	}
	if total.Seats > 0 {
		total.SharePercent = 100
	}
	return append(rows, total)
}

func (s *Server) members(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := view.MembersPage{Base: s.base(r, "Membres du comité"), DayInput: r.URL.Query().Get("date")}
	p.Nav = "members"
	day, ok := parseDay(p.DayInput, s.now())
	status := http.StatusOK
	if !ok {
		p.DayError = "Saisissez une date au format AAAA-MM-JJ, par exemple 2024-12-12."
		p.Title = "Erreur – Membres du comité"
		day, _ = parseDay("", s.now())
		status = http.StatusUnprocessableEntity
	}
	p.Day = day
	p.Today = p.DayInput == "" || !ok
	mandate, err := s.store.MandateOn(ctx, day)
	switch {
	case errors.Is(err, model.ErrNotFound):
	case err != nil:
		return err
	default:
		p.Mandate = &mandate
		seats, err := s.store.SeatsOn(ctx, mandate.ID, day)
		if err != nil {
			return err
		}
		p.Groups = groupSeats(seats)
		p.Composition = composition(seats)
	}
	if p.Mandates, err = s.store.Mandates(ctx); err != nil {
		return err
	}
	s.render(w, r, status, view.Members(p))
	return nil
}

func (s *Server) body(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return err
	}
	b, err := s.store.Body(ctx, id)
	if err != nil {
		return err
	}
	p := view.BodyPage{Base: s.base(r, b.DisplayName()), Body: b}
	p.Nav = "members"
	if b.ParentID != 0 {
		parent, err := s.store.Body(ctx, b.ParentID)
		if err != nil {
			return err
		}
		p.Parent = &parent
	}
	seats, err := s.store.SeatsOfBody(ctx, id)
	if err != nil {
		return err
	}
	today, _ := parseDay("", s.now())
	for _, st := range seats {
		if st.OpenOn(today) {
			p.Current = append(p.Current, st)
		} else {
			p.Past = append(p.Past, st)
		}
	}
	if p.Attendance, err = s.store.BodyAttendanceRates(ctx, id); err != nil {
		return err
	}
	if access.Allows(viewerOf(ctx), access.ReadMemberArea) {
		p.ShowActions = true
		if p.Actions, err = s.store.ActionsOfBody(ctx, id); err != nil {
			return err
		}
	}
	page, err := pageNumber(r.URL.Query())
	if err != nil {
		return err
	}
	if err := s.bodyComments(ctx, &p, page); err != nil {
		return err
	}
	p.Today = s.now()
	s.render(w, r, http.StatusOK, view.BodyDetail(p))
	return nil
}

func (s *Server) mandate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := s.mandateFromPath(r)
	if err != nil {
		return err
	}
	id := m.ID
	seats, err := s.store.SeatsOfMandate(ctx, id)
	if err != nil {
		return err
	}
	all, err := s.store.Mandates(ctx)
	if err != nil {
		return err
	}
	p := view.MandatePage{Base: s.base(r, m.Label), Mandate: m, Groups: groupSeats(seats)}
	p.Nav = "members"
	for _, other := range all {
		if other.ID != m.ID {
			p.Others = append(p.Others, other)
		}
	}
	s.render(w, r, http.StatusOK, view.MandateDetail(p))
	return nil
}
