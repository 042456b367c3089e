package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"comite/internal/access"
	"comite/internal/model"
)

// apiMeeting is a meeting in the open-data JSON: what the public may see,
// whoever asks, so that the answer can be cached and shared.
type apiMeeting struct {
	ID       int64   `json:"id"`
	Title    string  `json:"title"`
	Date     string  `json:"date"`
	Status   string  `json:"status"`
	URL      string  `json:"url"`
	StartsAt *string `json:"starts_at,omitempty"`
	EndsAt   *string `json:"ends_at,omitempty"`
	Place    string  `json:"place,omitempty"`
	Agenda   []struct {
		Position int    `json:"position"`
		Title    string `json:"title"`
	} `json:"agenda,omitempty"`
	Decisions         []string `json:"decisions,omitempty"`
	MinutesApprovedOn string   `json:"minutes_approved_on,omitempty"`
	Illustrative      bool     `json:"illustrative"`
}

// meetingsAPI lists, as JSON, the meetings the public may see, with the
// details the secretariat opened.
func (s *Server) meetingsAPI(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now := s.now()
	ms, err := s.store.MeetingsAfter(ctx, time.Time{}, 1000)
	if err != nil {
		return err
	}
	public := access.Viewer{}
	out := struct {
		Meetings []apiMeeting `json:"meetings"`
	}{Meetings: []apiMeeting{}}
	for _, m := range ms {
		if !access.CanSeeMeeting(public, m, now) {
			continue
		}
		a := apiMeeting{ID: m.ID, Title: m.Title, Date: day(m).Format(time.DateOnly), Status: string(m.Status),
			URL: s.baseURL() + "/meetings/" + strconv.FormatInt(m.ID, 10), Illustrative: m.Illustrative}
		if access.CanSeeMeetingDetails(public, m) {
			start := m.StartsAt.Format(time.RFC3339)
			a.StartsAt, a.Place = &start, m.Place
			if m.EndsAt != nil {
				end := m.EndsAt.Format(time.RFC3339)
				a.EndsAt = &end
			}
		}
		if access.CanSeeAgenda(public, m) {
			items, err := s.store.AgendaItems(ctx, m.ID)
			if err != nil {
				return err
			}
			for _, it := range items {
				a.Agenda = append(a.Agenda, struct {
					Position int    `json:"position"`
					Title    string `json:"title"`
				}{it.Position, it.Title})
			}
		}
		if access.CanSeeMeetingDetails(public, m) {
			decisions, err := s.store.Decisions(ctx, m.ID)
			if err != nil {
				return err
			}
			for _, d := range decisions {
				a.Decisions = append(a.Decisions, d.Text)
			}
		}
		if m.Status == model.MeetingMinutesApproved && m.MinutesApprovedOn != nil {
			a.MinutesApprovedOn = m.MinutesApprovedOn.Format(time.DateOnly)
		}
		out.Meetings = append(out.Meetings, a)
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(out); err != nil {
		return err
	}
	exportHeaders(w, "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
	return nil
}
