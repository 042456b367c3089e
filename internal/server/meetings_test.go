package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"comite/internal/model"
	"comite/internal/store"
)

// standFor links the role's account to its body's titulaire, as an
// invitation from a seat does, and returns the person's id.
func (p *portal) standFor(t *testing.T, r role) int64 {
	t.Helper()
	var person int64
	err := p.store.Pool().QueryRow(context.Background(), `UPDATE accounts a SET person_id = (
			SELECT s.person_id FROM seats s WHERE s.body_id = a.body_id AND s.role = 'titulaire' AND s.ends_on IS NULL
			ORDER BY s.id LIMIT 1)
		WHERE a.email = $1 RETURNING a.person_id`, p.emails[r]).Scan(&person)
	if err != nil || person == 0 {
		t.Fatalf("link %s to a titulaire: %v", r, err)
	}
	return person
}

// newMeetingAt creates a meeting through the form and returns its id.
func newMeetingAt(t *testing.T, sec *client, title string, at time.Time) int64 {
	t.Helper()
	at = at.In(parisTZ)
	form := url.Values{"title": {title}, "date": {at.Format(time.DateOnly)}, "start": {at.Format("15:04")}, "place": {"Paris, salle 1"}}
	// Three hours, unless that passes midnight: the form takes an end on
	// the start's day, and a run after 21:00 in Paris leaves the end out.
	if end := at.Add(3 * time.Hour); end.Day() == at.Day() {
		form.Set("end", end.Format("15:04"))
	}
	res := sec.postForm("/meetings/new", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create meeting: got %d\n%s", res.StatusCode, res.body)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/meetings/"), 10, 64)
	if err != nil {
		t.Fatalf("create meeting: redirected to %q", res.Header.Get("Location"))
	}
	return id
}

var parisTZ = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

func move(t *testing.T, sec *client, id int64, to model.MeetingStatus, form url.Values) response {
	t.Helper()
	return sec.postForm("/meetings/"+strconv.FormatInt(id, 10)+"/status?to="+string(to), form)
}

func meetingStatus(t *testing.T, p *portal, id int64) model.MeetingStatus {
	t.Helper()
	m, err := p.store.Meeting(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m.Status
}

// calendarMails returns the outbox's mails whose subject starts with prefix.
func calendarMails(t *testing.T, p *portal, prefix string) []model.Mail {
	t.Helper()
	all, _, err := p.store.Mails(context.Background(), 1000, store.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	var out []model.Mail
	for _, m := range all {
		if strings.HasPrefix(m.Subject, prefix) {
			out = append(out, m)
		}
	}
	return out
}

func parseEvent(t *testing.T, text string) (*ical.Calendar, *ical.Event) {
	t.Helper()
	cal, err := ical.NewDecoder(strings.NewReader(text)).Decode()
	if err != nil {
		t.Fatalf("invalid iCalendar: %v\n%s", err, text)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events, want 1", len(events))
	}
	return cal, &events[0]
}

func prop(t *testing.T, c *ical.Component, name string) string {
	t.Helper()
	p := c.Props.Get(name)
	if p == nil {
		t.Fatalf("no %s property", name)
	}
	if p.ValueType() != ical.ValueText {
		return p.Value
	}
	v, err := p.Text()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// The whole invitation cycle: only allowed moves, a REQUEST to every seated
// person on publication, an update with a higher SEQUENCE and the same UID,
// then a CANCEL, each move in the audit log.
func TestMeetingInvitationsFollowTheLifecycle(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	id := newMeetingAt(t, sec, "Réunion plénière d'automne", p.srv.now().AddDate(0, 0, 10))
	if got := meetingStatus(t, p, id); got != model.MeetingPlanned {
		t.Fatalf("new meeting: status %s", got)
	}

	res := move(t, sec, id, model.MeetingHeld, url.Values{})
	if res.StatusCode != http.StatusSeeOther || meetingStatus(t, p, id) != model.MeetingPlanned {
		t.Fatalf("planned → held must be refused: got %d, status %s", res.StatusCode, meetingStatus(t, p, id))
	}

	confirm := sec.get("/meetings/" + strconv.FormatInt(id, 10) + "/status?to=agenda_published").body
	res = move(t, sec, id, model.MeetingAgendaPublished, url.Values{})
	if res.StatusCode != http.StatusSeeOther || meetingStatus(t, p, id) != model.MeetingAgendaPublished {
		t.Fatalf("publish: got %d, status %s", res.StatusCode, meetingStatus(t, p, id))
	}
	mandate, err := p.store.CurrentMandate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seats, err := p.store.SeatsOn(context.Background(), mandate.ID, p.srv.now().AddDate(0, 0, 10))
	if err != nil {
		t.Fatal(err)
	}
	if want := "les " + strconv.Itoa(len(seats)) + " personnes qui siègent"; !strings.Contains(confirm, want) {
		t.Errorf("the confirmation page does not say how many people will be convened (%q)", want)
	}
	invitations := calendarMails(t, p, "Convocation : Réunion plénière d'automne")
	if len(invitations) != len(seats) {
		t.Fatalf("%d convocations for %d seated people", len(invitations), len(seats))
	}
	cal, ev := parseEvent(t, invitations[0].Calendar)
	if prop(t, cal.Component, ical.PropMethod) != "REQUEST" || prop(t, ev.Component, ical.PropSequence) != "0" {
		t.Fatalf("convocation: method %s, sequence %s", prop(t, cal.Component, ical.PropMethod), prop(t, ev.Component, ical.PropSequence))
	}
	uid := prop(t, ev.Component, ical.PropUID)
	if !strings.HasPrefix(uid, "meeting-"+strconv.FormatInt(id, 10)+"@") {
		t.Fatalf("UID %q does not name the meeting", uid)
	}
	start, err := ev.DateTimeStart(parisTZ)
	if err != nil || start.In(parisTZ).Format("15:04") != p.srv.now().In(parisTZ).Format("15:04") {
		t.Fatalf("DTSTART %v (%v), want the meeting's local time", start, err)
	}

	// A new place: an update with the same UID and a higher SEQUENCE.
	edit := url.Values{"title": {"Réunion plénière d'automne"}, "date": {start.In(parisTZ).Format(time.DateOnly)},
		"start": {start.In(parisTZ).Format("15:04")}, "place": {"Paris, salle 2"}}
	if res := sec.postForm("/meetings/"+strconv.FormatInt(id, 10)+"/edit", edit); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: got %d\n%s", res.StatusCode, res.body)
	}
	updates := calendarMails(t, p, "Modification : ")
	if len(updates) != len(seats) {
		t.Fatalf("%d updates for %d invitees", len(updates), len(seats))
	}
	_, ev = parseEvent(t, updates[0].Calendar)
	if prop(t, ev.Component, ical.PropUID) != uid || prop(t, ev.Component, ical.PropSequence) != "1" ||
		prop(t, ev.Component, ical.PropLocation) != "Paris, salle 2" {
		t.Fatalf("update: uid %s sequence %s location %s", prop(t, ev.Component, ical.PropUID),
			prop(t, ev.Component, ical.PropSequence), prop(t, ev.Component, ical.PropLocation))
	}

	// Cancelling needs a reason, kept with what was typed otherwise.
	res = move(t, sec, id, model.MeetingCancelled, url.Values{"reason": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Ce champ est obligatoire") {
		t.Fatalf("cancel without a reason: got %d", res.StatusCode)
	}
	res = move(t, sec, id, model.MeetingCancelled, url.Values{"reason": {"Indisponibilité de la salle"}})
	if res.StatusCode != http.StatusSeeOther || meetingStatus(t, p, id) != model.MeetingCancelled {
		t.Fatalf("cancel: got %d, status %s", res.StatusCode, meetingStatus(t, p, id))
	}
	cancels := calendarMails(t, p, "Annulation : ")
	if len(cancels) != len(seats) || !strings.Contains(cancels[0].Text, "Indisponibilité de la salle") {
		t.Fatalf("%d cancellations for %d invitees", len(cancels), len(seats))
	}
	cal, ev = parseEvent(t, cancels[0].Calendar)
	if prop(t, cal.Component, ical.PropMethod) != "CANCEL" || prop(t, ev.Component, ical.PropUID) != uid ||
		prop(t, ev.Component, ical.PropSequence) != "2" || prop(t, ev.Component, ical.PropStatus) != "CANCELLED" {
		t.Fatal("the cancellation does not cancel the same event with a higher sequence")
	}
	var moves int
	if err := p.store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM audit_log
		WHERE action = 'meeting.status' AND object_type = 'meeting' AND object_id = $1`, id).Scan(&moves); err != nil {
		t.Fatal(err)
	}
	if moves != 2 {
		t.Fatalf("%d status changes in the audit log, want 2", moves)
	}
}

// heldMeeting records a meeting that took place yesterday, with its
// attendance (presentPeople present); nobody can be convened to it.
func heldMeeting(t *testing.T, p *portal, sec *client, presentPeople ...int64) int64 {
	t.Helper()
	id := newMeetingAt(t, sec, "Réunion tenue hier", p.srv.now().AddDate(0, 0, -1))
	if res := move(t, sec, id, model.MeetingAgendaPublished, url.Values{}); res.StatusCode != http.StatusSeeOther || meetingStatus(t, p, id) != model.MeetingPlanned {
		t.Fatalf("convening a past meeting: got %d, status %s; want it refused", res.StatusCode, meetingStatus(t, p, id))
	}
	for _, to := range []model.MeetingStatus{model.MeetingHeld} {
		if res := move(t, sec, id, to, url.Values{}); res.StatusCode != http.StatusSeeOther || meetingStatus(t, p, id) != to {
			t.Fatalf("move to %s: got %d, status %s", to, res.StatusCode, meetingStatus(t, p, id))
		}
	}
	form := url.Values{}
	for _, person := range presentPeople {
		form.Add("present", strconv.FormatInt(person, 10))
	}
	if res := sec.postForm("/meetings/"+strconv.FormatInt(id, 10)+"/attendance", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("attendance: got %d", res.StatusCode)
	}
	return id
}

var textareaPattern = regexp.MustCompile(`(?s)<textarea[^>]*name="text"[^>]*>(.*?)</textarea>`)

// Two secretaries edit the minutes at once: the second save is refused,
// shows what the first saved and keeps the second's text; nothing is lost.
func TestMinutesConcurrentEditIsCaught(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	id := heldMeeting(t, p, sec)
	path := "/meetings/" + strconv.FormatInt(id, 10) + "/minutes/edit"
	first := sec.postForm(path, url.Values{"base": {"0"}, "action": {"save"}, "text": {"# Ouverture\n\nLa séance est ouverte à 14 h."}})
	if first.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: got %d", first.StatusCode)
	}
	second := sec.postForm(path, url.Values{"base": {"0"}, "action": {"save"}, "text": {"# Ouverture\n\nLa séance est ouverte à 14 h 15."}})
	if second.StatusCode != http.StatusConflict || !strings.Contains(second.body, `data-testid="minutes-conflict"`) {
		t.Fatalf("stale save: got %d, want 409 with the conflict notice", second.StatusCode)
	}
	if m := textareaPattern.FindStringSubmatch(second.body); m == nil || !strings.Contains(m[1], "14 h 15") {
		t.Fatal("the refused text is not kept in the editor")
	}
	if !strings.Contains(second.body, `name="base" value="1"`) {
		t.Fatal("the editor does not move on to the version it has now shown")
	}
	m, err := p.store.Meeting(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if m.MinutesVersion != 1 || !strings.Contains(m.MinutesText, "14 h.") {
		t.Fatalf("stored minutes: version %d %q, want the first save", m.MinutesVersion, m.MinutesText)
	}
	versions, err := p.store.MinutesVersions(context.Background(), id)
	if err != nil || len(versions) != 1 {
		t.Fatalf("versions: %d, %v", len(versions), err)
	}
	// Saved again knowingly, it becomes version 2, and the history shows the change.
	if res := sec.postForm(path, url.Values{"base": {"1"}, "action": {"save"}, "text": {"# Ouverture\n\nLa séance est ouverte à 14 h 15."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deliberate save: got %d", res.StatusCode)
	}
	history := sec.get("/meetings/" + strconv.FormatInt(id, 10) + "/minutes/history")
	if !strings.Contains(history.body, "<mark>14 h.</mark>") && !strings.Contains(history.body, "<mark>h.</mark>") {
		t.Fatalf("the history does not highlight the changed words:\n%s", history.body)
	}
}

// Draft minutes reach the attendees only; approved minutes reach members,
// and the public only when the secretariat opens them.
func TestMinutesVisibility(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	present := p.standFor(t, roleAssociation)
	p.standFor(t, roleUnion)
	id := heldMeeting(t, p, sec, present)
	sid := strconv.FormatInt(id, 10)
	secret := "Texte confidentiel du projet de compte rendu"
	if res := sec.postForm("/meetings/"+sid+"/minutes/edit", url.Values{"base": {"0"}, "action": {"save"}, "text": {secret}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: got %d", res.StatusCode)
	}
	if res := move(t, sec, id, model.MeetingMinutesDraft, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: got %d", res.StatusCode)
	}
	drafts := calendarMails(t, p, "Projet de compte rendu : ")
	if len(drafts) != 1 {
		t.Fatalf("%d mails announce the draft, want 1 (to the one person present)", len(drafts))
	}
	sees := func(c *client) bool { return strings.Contains(c.get("/meetings/"+sid).body, secret) }
	attendee, absent, public := p.as(roleAssociation), p.as(roleUnion), p.client()
	if !sees(attendee) || sees(absent) || sees(public) {
		t.Fatalf("draft minutes: attendee %v, absent member %v, public %v; want true, false, false", sees(attendee), sees(absent), sees(public))
	}
	if got := public.get("/meetings/" + sid + "/minutes").StatusCode; got != http.StatusNotFound && got != http.StatusSeeOther {
		t.Fatalf("printable draft for the public: got %d", got)
	}
	// Only attendees send remarks.
	if got := absent.postForm("/meetings/"+sid+"/remarks", url.Values{"remark": {"Remarque"}}).StatusCode; got != http.StatusForbidden {
		t.Fatalf("remark from an absent member: got %d, want 403", got)
	}
	if got := attendee.postForm("/meetings/"+sid+"/remarks", url.Values{"remark": {""}}).StatusCode; got != http.StatusUnprocessableEntity {
		t.Fatalf("empty remark: got %d, want 422", got)
	}
	if got := attendee.postForm("/meetings/"+sid+"/remarks", url.Values{"remark": {"Merci de préciser le point 2."}}).StatusCode; got != http.StatusSeeOther {
		t.Fatalf("remark: got %d", got)
	}
	if !strings.Contains(sec.get("/meetings/"+sid).body, "Merci de préciser le point 2.") {
		t.Fatal("the secretariat does not see the remark beside the draft")
	}
	if res := move(t, sec, id, model.MeetingMinutesApproved, url.Values{"approved_on": {"2026-11-20"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: got %d\n%s", res.StatusCode, res.body)
	}
	if !sees(absent) || sees(public) {
		t.Fatalf("approved minutes: member %v, public %v; want true, false", sees(absent), sees(public))
	}
	m, err := p.store.Meeting(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	m.PublicMinutes = true
	if err := p.store.UpdateMeeting(context.Background(), m, false); err != nil {
		t.Fatal(err)
	}
	if !sees(public) {
		t.Fatal("minutes opened to the public are not shown to the public")
	}
}

// A member answers for themself; someone not invited cannot.
func TestAnswerInvitation(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	person := p.standFor(t, roleAssociation)
	id := newMeetingAt(t, sec, "Réunion à venir", p.srv.now().AddDate(0, 0, 7))
	sid := strconv.FormatInt(id, 10)
	member := p.as(roleAssociation)
	if got := member.postForm("/meetings/"+sid+"/answer", url.Values{"answer": {"attending"}}).StatusCode; got != http.StatusForbidden {
		t.Fatalf("answer before any invitation: got %d, want 403", got)
	}
	if res := move(t, sec, id, model.MeetingAgendaPublished, url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatal("publish")
	}
	if got := member.postForm("/meetings/"+sid+"/answer", url.Values{"answer": {"represented"}}).StatusCode; got != http.StatusSeeOther {
		t.Fatalf("answer: got %d", got)
	}
	attendees, err := p.store.Attendees(context.Background(), id, p.srv.now().AddDate(0, 0, 7))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range attendees {
		if a.PersonID == person && a.Answer != model.AnswerRepresented {
			t.Fatalf("stored answer %s, want represented", a.Answer)
		}
	}
	if !strings.Contains(sec.get("/meetings/"+sid).body, "Représenté par son suppléant") {
		t.Fatal("the secretariat does not see the answer")
	}
	if got := p.as(roleUnion).postForm("/meetings/"+sid+"/answer", url.Values{"answer": {"attending"}}).StatusCode; got != http.StatusForbidden {
		t.Fatalf("answer by a member who stands for nobody invited: got %d, want 403", got)
	}
}

// A drag and drop posted after someone else changed the agenda is refused.
func TestStaleAgendaOrderIsRefused(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	id := newMeetingAt(t, sec, "Réunion", p.srv.now().AddDate(0, 0, 7))
	sid := strconv.FormatInt(id, 10)
	for _, title := range []string{"Ouverture", "Plan national", "Questions diverses"} {
		if res := sec.postForm("/meetings/"+sid+"/agenda", url.Values{"title": {title}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add item: got %d", res.StatusCode)
		}
	}
	items, err := p.store.AgendaItems(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(order ...int) string {
		var s []string
		for _, i := range order {
			s = append(s, strconv.FormatInt(items[i].ID, 10))
		}
		return strings.Join(s, ",")
	}
	fetch := map[string]string{"X-Requested-With": "fetch"}
	if res := sec.postFormWith("/meetings/"+sid+"/agenda/order", url.Values{"order": {ids(2, 0, 1)}}, fetch); res.StatusCode != http.StatusNoContent {
		t.Fatalf("reorder: got %d", res.StatusCode)
	}
	if res := sec.postFormWith("/meetings/"+sid+"/agenda/order", url.Values{"order": {ids(0, 1)}}, fetch); res.StatusCode != http.StatusConflict {
		t.Fatalf("stale order: got %d, want 409", res.StatusCode)
	}
	items, err = p.store.AgendaItems(context.Background(), id)
	if err != nil || items[0].Title != "Questions diverses" || items[2].Title != "Plan national" {
		t.Fatalf("agenda after reorder: %+v %v", items, err)
	}
}

// The private feed works without a cookie until revoked.
func TestCalendarFeedToken(t *testing.T) {
	p := newPortal(t, nil)
	member := p.as(roleAssociation)
	res := member.postForm("/account/calendar", url.Values{})
	feed := regexp.MustCompile(`value="(https?://[^"]+/meetings\.ics\?token=[^"]+)"`).FindStringSubmatch(res.body)
	if res.StatusCode != http.StatusOK || feed == nil {
		t.Fatalf("create feed: got %d without the address", res.StatusCode)
	}
	u, err := url.Parse(strings.ReplaceAll(feed[1], "&amp;", "&"))
	if err != nil {
		t.Fatal(err)
	}
	anonymous := p.client()
	got := anonymous.get(u.RequestURI())
	if got.StatusCode != http.StatusOK || !strings.Contains(got.body, "BEGIN:VCALENDAR") {
		t.Fatalf("feed: got %d", got.StatusCode)
	}
	cal, err := ical.NewDecoder(strings.NewReader(got.body)).Decode()
	if err != nil || len(cal.Events()) == 0 {
		t.Fatalf("feed: %v, %d events", err, len(cal.Events()))
	}
	if res := member.postForm("/account/calendar/revoke", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: got %d", res.StatusCode)
	}
	if got := anonymous.get(u.RequestURI()).StatusCode; got != http.StatusNotFound {
		t.Fatalf("revoked feed: got %d, want 404", got)
	}
}

// A body's member page shows how often it came, mandate by mandate.
func TestBodyAttendanceRate(t *testing.T) {
	p := newPortal(t, nil)
	sec := p.as(roleSecretariat)
	person := p.standFor(t, roleAssociation)
	heldMeeting(t, p, sec, person)
	heldMeeting(t, p, sec)
	body, err := p.store.BodyBySlug(context.Background(), "ccem")
	if err != nil {
		t.Fatal(err)
	}
	rates, err := p.store.BodyAttendanceRates(context.Background(), body.ID)
	if err != nil || len(rates) != 1 {
		t.Fatalf("rates: %+v, %v", rates, err)
	}
	// The demo's 21 March 2024 meeting counts too: CCEM was there.
	if rates[0].Held != 3 || rates[0].Attended != 2 {
		t.Fatalf("CCEM: %d of %d meetings, want 2 of 3", rates[0].Attended, rates[0].Held)
	}
	if page := p.client().get("/members/" + strconv.FormatInt(body.ID, 10)); !strings.Contains(page.body, "67 %") {
		t.Fatal("the member page does not show the 67 % attendance rate")
	}
}
