package server

import (
	"net/http"
	"strconv"
	"time"

	"comite/internal/access"
	"comite/internal/model"
	"comite/internal/store"
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

// apiMeetings is a page of /api/v1/meetings.
type apiMeetings struct {
	Meetings []apiMeeting `json:"meetings"`
	Next     *string      `json:"next"`
}

// meetingsAPI lists, as JSON, the meetings the public may see, soonest
// first, a page at a time, with the details the secretariat opened. A page
// takes three queries: the meetings, their agendas, their decisions.
func (s *Server) meetingsAPI(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var after *store.MeetingKey
	limit, err := readPage(r, "meetings", apiDefaultLimit, &after)
	if err != nil {
		return err
	}
	now := s.now()
	ms, next, err := s.store.PublicMeetings(ctx, now, after, limit)
	if err != nil {
		return err
	}
	public := access.Viewer{}
	var withAgenda, withDecisions []int64
	for _, m := range ms {
		if access.CanSeeAgenda(public, m) {
			withAgenda = append(withAgenda, m.ID)
		}
		if access.CanSeeMeetingDetails(public, m) {
			withDecisions = append(withDecisions, m.ID)
		}
	}
	agendas, decisions := map[int64][]model.AgendaItem{}, map[int64][]model.Decision{}
	if len(withAgenda) > 0 {
		if agendas, err = s.store.AgendaItemsOf(ctx, withAgenda); err != nil {
			return err
		}
	}
	if len(withDecisions) > 0 {
		if decisions, err = s.store.DecisionsOf(ctx, withDecisions); err != nil {
			return err
		}
	}
	out := apiMeetings{Meetings: make([]apiMeeting, 0, len(ms))}
	for _, m := range ms {
		if !access.CanSeeMeeting(public, m, now) {
			// The store's query applies the same rule; this is the policy's
			// word, should the two ever differ.
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
		for _, it := range agendas[m.ID] {
			a.Agenda = append(a.Agenda, struct {
				Position int    `json:"position"`
				Title    string `json:"title"`
			}{it.Position, it.Title})
		}
		for _, d := range decisions[m.ID] {
			a.Decisions = append(a.Decisions, d.Text)
		}
		if m.Status == model.MeetingMinutesApproved && m.MinutesApprovedOn != nil {
			a.MinutesApprovedOn = m.MinutesApprovedOn.Format(time.DateOnly)
		}
		out.Meetings = append(out.Meetings, a)
	}
	out.Next = s.nextLink("/api/v1/meetings", nil, "meetings", limit, next, next == nil)
	return writeAPI(w, http.StatusOK, out)
}
