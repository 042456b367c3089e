// Package seed loads the demo committee: the member bodies, the 2024 mandate
// and its first meeting, from a data file written from public facts and kept
// inside the binary. Loading twice changes nothing.
package seed

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"comite/internal/markdown"
	"comite/internal/model"
	"comite/internal/password"
	"comite/internal/store"
)

//go:embed demo.json
var demoJSON []byte

type demoData struct {
	Bodies []struct {
		Slug         string         `json:"slug"`
		Name         string         `json:"name"`
		Acronym      string         `json:"acronym"`
		Category     model.Category `json:"category"`
		Parent       string         `json:"parent"`
		Seated       bool           `json:"seated"`
		Illustrative bool           `json:"illustrative"`
	} `json:"bodies"`
	Mandates []struct {
		Slug         string `json:"slug"`
		Label        string `json:"label"`
		StartsOn     string `json:"starts_on"`
		JOTitle      string `json:"jo_title"`
		NOR          string `json:"nor"`
		JORF         string `json:"jorf"`
		ELIURL       string `json:"eli_url"`
		Illustrative bool   `json:"illustrative"`
	} `json:"mandates"`
	Meetings     []demoMeeting `json:"meetings"`
	DemoAccounts []struct {
		Email string     `json:"email"`
		Name  string     `json:"name"`
		Role  model.Role `json:"role"`
		Body  string     `json:"body"`
	} `json:"demo_accounts"`
}

type demoMeeting struct {
	Slug     string     `json:"slug"`
	Title    string     `json:"title"`
	StartsAt time.Time  `json:"starts_at"`
	EndsAt   *time.Time `json:"ends_at"`
	// UpcomingWeeks places a meeting to come that many weeks after the
	// first load, on a Thursday at 14:00, so that the demo always has one.
	UpcomingWeeks int    `json:"upcoming_weeks"`
	Place         string `json:"place"`
	// Status agenda_published convenes the meeting on creation, as the
	// portal's publication does (without mails: see ensureMeeting).
	Status           model.MeetingStatus `json:"status"`
	Summary          string              `json:"summary"`
	IllustrativeTime bool                `json:"illustrative_time"`
	PublicDetails    bool                `json:"public_details"`
	Agenda           []struct {
		Title     string `json:"title"`
		Presenter string `json:"presenter"`
		Minutes   int    `json:"minutes"`
		// Intervention marks the item the demo intervention (news.go) is
		// attached to, with its meeting.
		Intervention bool `json:"intervention"`
	} `json:"agenda"`
	MinutesFile       string         `json:"minutes_file"`
	MinutesApprovedOn string         `json:"minutes_approved_on"`
	Decisions         []demoDecision `json:"decisions"`
	// ExcusedSuppleants are the bodies whose suppléant excused themselves;
	// everyone else invited was present.
	ExcusedSuppleants []string `json:"excused_suppleants"`
}

// demoDecision is a decision of a held meeting, on its agenda item number
// Item (from 1; 0 for none), with the action it calls for.
type demoDecision struct {
	Item   int    `json:"item"`
	Text   string `json:"text"`
	Action *struct {
		Title  string `json:"title"`
		Body   string `json:"body"`
		Due    string `json:"due"`
		Closed string `json:"closed"`
	} `json:"action"`
}

func load() (demoData, error) {
	var d demoData
	if err := json.Unmarshal(demoJSON, &d); err != nil {
		return d, fmt.Errorf("read demo data: %w", err)
	}
	return d, nil
}

// Committee loads the demo bodies, mandate, seats and meetings in one
// transaction, creating only what is missing.
func Committee(ctx context.Context, st *store.Store) error {
	d, err := load()
	if err != nil {
		return err
	}
	return st.InTx(ctx, func(tx *store.Store) error {
		ids := map[string]int64{}
		for _, b := range d.Bodies {
			if !b.Category.Valid() {
				return fmt.Errorf("demo body %q: unknown category %q", b.Slug, b.Category)
			}
			id, err := tx.EnsureBody(ctx, model.Body{Slug: b.Slug, Name: b.Name, Acronym: b.Acronym,
				Category: b.Category, ParentID: ids[b.Parent], Illustrative: b.Illustrative})
			if err != nil {
				return err
			}
			ids[b.Slug] = id
		}
		for _, m := range d.Mandates {
			start, err := time.Parse(time.DateOnly, m.StartsOn)
			if err != nil {
				return fmt.Errorf("demo mandate %q: %w", m.Slug, err)
			}
			mandateID, err := tx.EnsureMandate(ctx, model.Mandate{Slug: m.Slug, Label: m.Label, StartsOn: start,
				JOTitle: m.JOTitle, NOR: m.NOR, JORF: m.JORF, ELIURL: m.ELIURL, Illustrative: m.Illustrative})
			if err != nil {
				return err
			}
			n := 0
			for _, b := range d.Bodies {
				if !b.Seated {
					continue
				}
				for _, role := range []model.SeatRole{model.SeatTitulaire, model.SeatSuppleant} {
					person, err := demoPerson(ctx, tx, ids[b.Slug], n)
					if err != nil {
						return err
					}
					n++
					if _, err := tx.EnsureSeat(ctx, mandateID, ids[b.Slug], person, role, start); err != nil {
						return err
					}
				}
			}
		}
		for _, m := range d.Meetings {
			if err := ensureMeeting(ctx, tx, m, ids); err != nil {
				return fmt.Errorf("demo meeting %q: %w", m.Slug, err)
			}
		}
		if err := ensurePlans(ctx, tx, ids); err != nil {
			return err
		}
		if err := ensureObservatory(ctx, tx, ids, time.Now()); err != nil {
			return err
		}
		return nil
	})
}

//go:embed minutes-2024-03-21.md
var demoMinutes string

// ensureMeeting creates a demo meeting with its agenda, invitations,
// attendance, minutes and decisions; a meeting that exists is left as it is.
func ensureMeeting(ctx context.Context, tx *store.Store, m demoMeeting, bodies map[string]int64) error {
	if _, err := tx.MeetingBySlug(ctx, m.Slug); err == nil {
		return nil
	} else if !errors.Is(err, model.ErrNotFound) {
		return err
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return err
	}
	start, end := demoMeetingTime(m, paris)
	status := m.Status
	if status == model.MeetingAgendaPublished {
		status = model.MeetingPlanned // convened below, once it has its agenda
	}
	id, err := tx.EnsureMeeting(ctx, model.Meeting{Slug: m.Slug, Title: m.Title, StartsAt: start, EndsAt: end, Place: m.Place,
		Status: status, Summary: m.Summary, Illustrative: m.IllustrativeTime, PublicDetails: m.PublicDetails})
	if err != nil {
		return err
	}
	items, err := addAgenda(ctx, tx, id, m)
	if err != nil {
		return err
	}
	t := start.In(paris)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if m.Status == model.MeetingAgendaPublished {
		return convene(ctx, tx, id, day)
	}
	if !m.Status.Held() {
		return nil
	}
	return recordHeldMeeting(ctx, tx, id, day, m, items, bodies)
}

// demoMeetingTime is when the meeting starts and ends: as demo.json says,
// or for a meeting to come, on the Thursday at 14:00 UpcomingWeeks after
// today.
func demoMeetingTime(m demoMeeting, paris *time.Location) (start time.Time, end *time.Time) {
	if m.UpcomingWeeks <= 0 {
		return m.StartsAt, m.EndsAt
	}
	d := time.Now().In(paris).AddDate(0, 0, 7*m.UpcomingWeeks)
	for d.Weekday() != time.Thursday {
		d = d.AddDate(0, 0, 1)
	}
	start = time.Date(d.Year(), d.Month(), d.Day(), 14, 0, 0, 0, paris)
	e := start.Add(3 * time.Hour)
	return start, &e
}

// addAgenda adds the meeting's agenda items and returns their ids, in order.
func addAgenda(ctx context.Context, tx *store.Store, meetingID int64, m demoMeeting) ([]int64, error) {
	var items []int64
	for _, it := range m.Agenda {
		itemID, err := tx.AddAgendaItem(ctx, model.AgendaItem{MeetingID: meetingID, Title: it.Title, Presenter: it.Presenter, DurationMinutes: it.Minutes})
		if err != nil {
			return nil, err
		}
		items = append(items, itemID)
	}
	return items, nil
}

// convene publishes the agenda, as the portal does, so that the member
// accounts have a convocation to answer. No mail is queued: the demo's
// people have fictitious addresses, a convocation's text and calendar are
// the server's to write, with the portal's address, which the seed does
// not know.
func convene(ctx context.Context, tx *store.Store, meetingID int64, day time.Time) error {
	invited, err := tx.ConveneMeeting(ctx, meetingID, model.MeetingPlanned, day, false)
	if err != nil {
		return err
	}
	return tx.Record(ctx, store.Audit{Action: "meeting.status", ObjectType: "meeting", ObjectID: meetingID,
		Detail: map[string]any{"by": "seed", "from": model.MeetingPlanned, "to": model.MeetingAgendaPublished, "invited": invited}})
}

// recordHeldMeeting gives a meeting that was held its invitations,
// attendance, minutes and decisions.
func recordHeldMeeting(ctx context.Context, tx *store.Store, id int64, day time.Time, m demoMeeting, items []int64, bodies map[string]int64) error {
	if err := recordAttendance(ctx, tx, id, day, m.ExcusedSuppleants, bodies); err != nil {
		return err
	}
	if m.MinutesFile != "" {
		if _, err := tx.SaveMinutes(ctx, id, 0, demoMinutes, markdown.Document(demoMinutes), 0); err != nil {
			return err
		}
	}
	for _, dec := range m.Decisions {
		if err := addDecision(ctx, tx, id, dec, items, bodies); err != nil {
			return err
		}
	}
	if m.MinutesApprovedOn != "" {
		on, err := time.Parse(time.DateOnly, m.MinutesApprovedOn)
		if err != nil {
			return err
		}
		// The status was set on creation; the approval's record is what remains.
		if err := tx.SetMinutesApproval(ctx, id, on, 0); err != nil {
			return err
		}
	}
	return nil
}

// recordAttendance invites the seated members, as sent, and records
// everyone as present but the suppléants of the excused bodies.
func recordAttendance(ctx context.Context, tx *store.Store, id int64, day time.Time, excusedSuppleants []string, bodies map[string]int64) error {
	if _, err := tx.InviteSeated(ctx, id, day); err != nil {
		return err
	}
	if err := tx.MarkInvitationsSent(ctx, id); err != nil {
		return err
	}
	attendees, err := tx.Attendees(ctx, id, day)
	if err != nil {
		return err
	}
	excused := map[int64]bool{}
	for _, slug := range excusedSuppleants {
		excused[bodies[slug]] = true
	}
	var present []int64
	for _, a := range attendees {
		answer := model.AnswerAttending
		if a.SeatRole == model.SeatSuppleant && excused[a.BodyID] {
			answer = model.AnswerExcused
		} else {
			present = append(present, a.PersonID)
		}
		if err := tx.SetAnswer(ctx, id, a.PersonID, answer, 0); err != nil {
			return err
		}
	}
	return tx.SetPresence(ctx, id, present)
}

// addDecision adds a decision of the meeting, on its agenda item when it
// names one, with its action.
func addDecision(ctx context.Context, tx *store.Store, meetingID int64, dec demoDecision, items []int64, bodies map[string]int64) error {
	d := model.Decision{MeetingID: meetingID, Text: dec.Text}
	if dec.Item > 0 && dec.Item <= len(items) {
		d.AgendaItemID = items[dec.Item-1]
	}
	decisionID, err := tx.AddDecision(ctx, d)
	if err != nil {
		return err
	}
	if dec.Action == nil {
		return nil
	}
	a := model.Action{DecisionID: decisionID, Title: dec.Action.Title, OwnerBodyID: bodies[dec.Action.Body]}
	if due, err := time.Parse(time.DateOnly, dec.Action.Due); err == nil {
		a.DueOn = &due
	}
	actionID, err := tx.AddAction(ctx, a)
	if err != nil {
		return err
	}
	if closed, err := time.Parse(time.DateOnly, dec.Action.Closed); err == nil {
		return tx.CloseAction(ctx, actionID, closed, "Matrice diffusée aux membres.")
	}
	return nil
}

// Credential is a demo account and its password, shown once to the developer.
type Credential struct {
	Role     model.Role
	Body     string
	Email    string
	Password string
}

// Accounts creates the demo accounts that do not exist yet, each with a newly
// generated password, and returns those it created. With reset, it also gives
// the existing demo accounts new passwords (the developer lost the list).
func Accounts(ctx context.Context, st *store.Store, reset bool) ([]Credential, error) {
	d, err := load()
	if err != nil {
		return nil, err
	}
	var created []Credential
	err = st.InTx(ctx, func(tx *store.Store) error {
		for _, a := range d.DemoAccounts {
			body, err := tx.BodyBySlug(ctx, a.Body)
			if err != nil {
				return err
			}
			pw := password.Generate()
			hash, err := password.Hash(pw)
			if err != nil {
				return err
			}
			existing, err := tx.AccountByEmail(ctx, a.Email)
			switch {
			case err != nil && !errors.Is(err, model.ErrNotFound):
				return err
			case err == nil && !reset:
				continue
			case err == nil:
				if _, err := tx.SetPassword(ctx, existing.ID, hash); err != nil {
					return err
				}
			default:
				personID, err := demoHolder(ctx, tx, body.ID, a.Email)
				if err != nil {
					return err
				}
				id, err := tx.CreateAccount(ctx, store.NewAccount{Email: a.Email, DisplayName: a.Name,
					PasswordHash: hash, Role: a.Role, BodyID: body.ID, PersonID: personID})
				if err != nil {
					return err
				}
				if err := tx.Record(ctx, store.Audit{Action: "account.create", ObjectType: "account", ObjectID: id,
					Detail: map[string]any{"by": "seed", "role": a.Role}}); err != nil {
					return err
				}
			}
			created = append(created, Credential{Role: a.Role, Body: body.DisplayName(), Email: a.Email, Password: pw})
		}
		return nil
	})
	return created, err
}

// demoHolder is the person a member's demo account stands for: the body's
// titulaire in the mandate in force, who then receives its convocations at
// the account's address. 0 when the body holds no seat (the secretariat).
func demoHolder(ctx context.Context, tx *store.Store, bodyID int64, email string) (int64, error) {
	mandate, err := tx.CurrentMandate(ctx)
	if errors.Is(err, model.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	seats, err := tx.SeatsOn(ctx, mandate.ID, time.Now())
	if err != nil {
		return 0, err
	}
	for _, st := range seats {
		if st.BodyID != bodyID || st.Role != model.SeatTitulaire || st.PersonID == 0 {
			continue
		}
		p, err := tx.Person(ctx, st.PersonID)
		if err != nil {
			return 0, err
		}
		p.Email = email
		return p.ID, tx.UpdatePerson(ctx, p)
	}
	return 0, nil
}

// Fictitious names for the demo seats: the 2024 JO list was not found, and
// real people must not appear as members they are not.
var (
	demoGiven  = []string{"Camille", "Dominique", "Claude", "Alix", "Sacha", "Morgan", "Yannick", "Maxime", "Lou", "Charlie", "Andréa", "Noa"}
	demoFamily = []string{"ROUSSEL", "FONTAINE", "LEROUX", "MARCHAND", "PERRIN", "BARBIER", "GAUTIER", "COLIN", "LEMAIRE", "RENAUD", "BRUNET", "GIRAUD", "ÉTIENNE", "AUBRY", "CARPENTIER"}
)

// demoPerson returns the n-th fictitious person of the body, creating it on
// the first run only.
func demoPerson(ctx context.Context, tx *store.Store, bodyID int64, n int) (int64, error) {
	given := demoGiven[n%len(demoGiven)]
	family := demoFamily[(n/len(demoGiven)+n)%len(demoFamily)]
	p, err := tx.PersonByName(ctx, bodyID, given, family)
	if err == nil {
		return p.ID, nil
	}
	if !errors.Is(err, model.ErrNotFound) {
		return 0, err
	}
	civility := "Mme"
	if n%2 == 1 {
		civility = "M."
	}
	return tx.CreatePerson(ctx, model.Person{Civility: civility, GivenName: given, FamilyName: family,
		BodyID: bodyID, Email: demoEmail(given, family, n), Illustrative: true})
}

// demoEmail is a fictitious address on the reserved example domain, so that
// demo invitations reach the outbox and nobody's mailbox.
func demoEmail(given, family string, n int) string {
	local := strings.Map(func(r rune) rune {
		switch r {
		case 'é', 'è', 'ê', 'É', 'È':
			return 'e'
		case ' ', '\'':
			return '-'
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, given+"."+family)
	return fmt.Sprintf("%s.%d@personnes.demo.comite.example", local, n)
}
