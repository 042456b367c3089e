package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	goical "github.com/emersion/go-ical"

	"comite/web/view"
)

// meetingTabTimeout bounds the tabs of the meeting cycle, which visit many
// more pages than browsertest.TabTimeout allows a tab.
const meetingTabTimeout = 5 * time.Minute

// The demo member accounts' addresses, which receive their body's
// titulaire's convocations.
const associationEmail = "association@demo.comite.example"

// The CNCDH, seated in the demo mandate.
const cncdh = "Commission nationale consultative des droits de l'homme"

// outboxCalendarRe is the address of the iCalendar part of a mail.
var outboxCalendarRe = regexp.MustCompile(`^/admin/outbox/\d+/invitation\.ics$`)

// meetingPathRe is the address of a meeting page.
var meetingPathRe = regexp.MustCompile(`^/meetings/(\d+)$`)

func TestMeetingCycleInBrowser(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	now := time.Now().In(view.Paris)
	began := time.Now()
	step := func(what string) { t.Logf("%5.1fs %s", time.Since(began).Seconds(), what) }
	sec := meetingTab(t)
	signIn(t, sec, p, "secretariat")

	// 1. A meeting ten days ahead, the next one to come, and its agenda.
	step("1. create the upcoming meeting and its agenda")
	upcoming := meetingFixture{
		Title: "Réunion plénière du comité : suivi du plan national",
		Day:   now.AddDate(0, 0, 10),
		Place: "MIPROF, salle Simone-Veil, 14 avenue Duquesne, Paris",
	}
	upcoming.Path = createMeeting(t, sec, p, upcoming)
	items := []string{"Accueil des nouveaux membres", "Bilan d'étape du plan national", "Questions diverses"}
	for _, it := range items {
		addAgendaItem(t, sec, it)
	}
	wantAgenda(t, sec, "after adding three items", items...)
	reorderAgenda(t, sec, p, upcoming.Path, items)

	// 2. A members' document for one item.
	step("2. attach a PDF to an agenda item")
	doc := attachToAgendaItem(t, sec, p, upcoming.Path, items[1])

	// 3. The convocations and their invitation.
	step("3. publish the agenda and read a convocation's .ics")
	publishAgenda(t, sec, p, upcoming.Path)
	uid := "meeting-" + meetingID(t, upcoming.Path) + "@" + hostOf(t, p.URL)
	convocation := mailTo(t, sec, p, associationEmail, "Convocation : "+upcoming.Title)
	if !strings.Contains(convocation.Body, "1. "+items[2]) {
		t.Errorf("convocation to %s lists no « 1. %s » in its agenda:\n%s", associationEmail, items[2], convocation.Body)
	}
	seq := checkInvitation(t, sec, convocation, uid, upcoming)

	// 4. The CCEM titulaire answers.
	step("4. the CCEM member answers")
	member := meetingTab(t)
	signIn(t, member, p, "association")
	answerRepresented(t, member, p, upcoming.Path)
	checkAnswerSeen(t, sec, p, upcoming.Path)

	// 5. A new place: the invitees' calendars get an update.
	step("5. move the meeting and read the update's .ics")
	upcoming.Place = "Ministère du travail, salle 101, 127 rue de Grenelle, Paris"
	changePlace(t, sec, p, upcoming)
	update := mailTo(t, sec, p, associationEmail, "Modification : "+upcoming.Title)
	if got := checkInvitation(t, sec, update, uid, upcoming); got <= seq {
		t.Errorf("the update's SEQUENCE is %d, want more than the convocation's %d", got, seq)
	}

	// 6. A meeting held yesterday, and who came.
	step("6. hold yesterday's meeting and record the attendance")
	held := meetingFixture{
		Title: "Réunion extraordinaire du comité sur l'observatoire de la traite",
		Day:   now.AddDate(0, 0, -1),
		Place: "MIPROF, salle du comité",
	}
	held.Path = createMeeting(t, sec, p, held)
	addAgendaItem(t, sec, "Création de l'observatoire de la traite")
	declareHeld(t, sec, p, held.Path)
	recordAttendance(t, sec, p, held.Path)

	// 7. The minutes, their versions, and a concurrent save.
	step("7. write the minutes")
	minutes := writeMinutes(t, sec, p, held.Path)

	// 8. The draft: a remark and its answer, a dissenting position.
	step("8. submit the draft: remark, answer, dissent")
	submitDraft(t, sec, p, held.Path)
	remarkAndAnswer(t, sec, member, p, held.Path)
	instance := meetingTab(t)
	signIn(t, instance, p, "instance")
	dissent := annexDissent(t, instance, p, held.Path)

	// 9. A decision's action, proposed to the next meeting.
	step("9. record a decision and put its action on the next agenda")
	action := addDecision(t, sec, p, held.Path)
	proposeAction(t, sec, p, upcoming.Path, action)

	// 10. The approved minutes, read by a member.
	step("10. approve the minutes and read them as a member")
	approveMinutes(t, sec, p, held.Path)
	readApprovedMinutes(t, member, p, held, dissent)

	// 11. What the public sees.
	step("11. the public")
	checkPublicView(t, meetingTab(t), p, held, minutes, doc)
	step("done")
}

func TestCalendarFeedInBrowser(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	member := meetingTab(t)
	signIn(t, member, p, "association")

	if got := visit(t, member, p.URL+"/account"); got != 200 {
		t.Fatalf("GET /account: status %d, want 200", got)
	}
	if textOrNone(t, member, "[data-testid=calendar-url]") != "" || js[bool](t, member, `!!document.querySelector('[data-testid=revoke-calendar]')`) {
		t.Fatalf("/account of a new account already has a calendar address")
	}
	if got := followCSS(t, member, "[data-testid=create-calendar]"); got != 200 {
		t.Fatalf("create the calendar address: status %d, want 200", got)
	}
	feed := valueOf(t, member, "[data-testid=calendar-url]")
	u, err := url.Parse(feed)
	if err != nil || u.Path != "/meetings.ics" || u.Query().Get("token") == "" {
		t.Fatalf("calendar address %q, want %s/meetings.ics?token=…", feed, p.URL)
	}
	if !strings.HasPrefix(feed, p.URL+"/") {
		t.Errorf("calendar address %q is not on the portal %s", feed, p.URL)
	}
	if !js[bool](t, member, `!!document.querySelector('[data-testid=revoke-calendar]')`) {
		t.Errorf("/account with a calendar address offers no « Révoquer l'adresse »")
	}

	// A calendar app fetches it without any cookie.
	status, ctype, body := httpGet(t, feed)
	if status != 200 {
		t.Fatalf("GET the calendar address without a cookie: status %d, want 200:\n%s", status, body)
	}
	if !strings.HasPrefix(ctype, "text/calendar") {
		t.Errorf("calendar feed Content-Type %q, want text/calendar", ctype)
	}
	cal := parseCalendar(t, body)
	events := cal.Events()
	if len(events) == 0 {
		t.Fatalf("the member's calendar feed has no event:\n%s", body)
	}
	const next = "Réunion du comité de coordination\u00a0: point d'étape sur le plan national"
	if !strings.Contains(body, "TZID=Europe/Paris") {
		t.Errorf("the calendar feed names no TZID=Europe/Paris:\n%s", body)
	}
	for _, ev := range events {
		start := ev.Props.Get(goical.PropDateTimeStart)
		summary, _ := ev.Props.Text(goical.PropSummary)
		if start == nil || start.Params.Get(goical.PropTimezoneID) != "Europe/Paris" {
			t.Errorf("event %q: DTSTART %+v, want TZID=Europe/Paris", summary, start)
			continue
		}
		at, err := ev.DateTimeStart(nil)
		if err != nil {
			t.Errorf("event %q: DTSTART: %v", summary, err)
		} else if at.Location().String() != "Europe/Paris" {
			t.Errorf("event %q starts at %v, want a time in Europe/Paris", summary, at)
		} else if summary == next && (at.Hour() != 14 || at.Minute() != 0) {
			t.Errorf("event %q starts at %v, want 14:00 in Paris", summary, at)
		}
	}
	// The seeded meeting six weeks ahead, which only members may see before
	// it takes place, is in the feed: the token stands for the member.
	if !slices.ContainsFunc(events, func(ev goical.Event) bool {
		s, _ := ev.Props.Text(goical.PropSummary)
		return s == next
	}) {
		t.Errorf("the member's calendar feed has no event %q:\n%s", next, body)
	}

	if got := followCSS(t, member, "[data-testid=revoke-calendar]"); got != 200 {
		t.Fatalf("revoke the calendar address: status %d, want 200", got)
	}
	if got, want := textOrNone(t, member, "[data-testid=flash]"), "L'adresse d'abonnement est révoquée"; !strings.HasPrefix(got, want) {
		t.Errorf("flash after revoking: got %q, want it to start with %q", got, want)
	}
	if !js[bool](t, member, `!!document.querySelector('[data-testid=create-calendar]')`) {
		t.Errorf("/account after revoking offers no « Créer mon adresse d'abonnement »")
	}
	if status, _, body := httpGet(t, feed); status != 404 {
		t.Errorf("GET the revoked calendar address: status %d, want 404:\n%.300s", status, body)
	}
}

// meetingFixture is a meeting the test creates.
type meetingFixture struct {
	Title string
	Day   time.Time // the day, in Paris; the meeting runs from 14:00 to 17:00
	Place string
	Path  string // /meetings/{id}, once created
}

// start is the start of the meeting: 14:00 in Paris.
func (m meetingFixture) start() time.Time {
	return time.Date(m.Day.Year(), m.Day.Month(), m.Day.Day(), 14, 0, 0, 0, view.Paris)
}

// meetingTab opens a tab in a browser context of its own, which lives until
// the end of the test or meetingTabTimeout.
func meetingTab(t *testing.T) context.Context {
	t.Helper()
	tctx, tcancel := context.WithTimeout(alloc, meetingTabTimeout)
	ctx, cancel := chromedp.NewContext(tctx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		cancel()
		tcancel()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return ctx
}

// createMeeting programs a meeting from the list of meetings and returns
// the path of its page.
func createMeeting(t *testing.T, sec context.Context, p *portal, m meetingFixture) string {
	t.Helper()
	visit(t, sec, p.URL+"/meetings")
	if got := followCSS(t, sec, "[data-testid=new-meeting]"); got != 200 {
		t.Fatalf("GET /meetings/new: status %d, want 200", got)
	}
	if got, want := mustText(t, sec, "h1"), "Programmer une réunion"; got != want {
		t.Errorf("/meetings/new heading: got %q, want %q", got, want)
	}
	for sel, want := range map[string]string{"#champ-start": "14:00", "#champ-end": "17:00"} {
		if got := valueOf(t, sec, sel); got != want {
			t.Errorf("/meetings/new %s: got %q, want the default %q", sel, got, want)
		}
	}
	setField(t, sec, "#champ-title", m.Title)
	setField(t, sec, "#champ-date", m.Day.Format(time.DateOnly))
	setField(t, sec, "#champ-start", "14:00")
	setField(t, sec, "#champ-end", "17:00")
	setField(t, sec, "#champ-place", m.Place)
	if got := followCSS(t, sec, "[data-testid=submit]"); got != 200 {
		t.Fatalf("create meeting: status %d, want 200 (%s)", got, textOrNone(t, sec, "[data-testid=error-summary]"))
	}
	path := location(t, sec).Path
	if !meetingPathRe.MatchString(path) {
		t.Fatalf("after creating the meeting: landed on %s, want /meetings/{id}", path)
	}
	if got, want := textOrNone(t, sec, "[data-testid=flash]"), "La réunion est programmée."; !strings.HasPrefix(got, want) {
		t.Errorf("flash after creating the meeting: got %q, want it to start with %q", got, want)
	}
	if got := mustText(t, sec, "h1"); got != m.Title {
		t.Errorf("%s heading: got %q, want %q", path, got, m.Title)
	}
	facts := squeeze(mustText(t, sec, "[data-testid=meeting-facts]"))
	for _, want := range []string{squeeze(view.DateTime(m.start())), "fin prévue à 17 h 00", m.Place, "Programmée"} {
		if !strings.Contains(facts, want) {
			t.Errorf("%s facts %q, want %q", path, facts, want)
		}
	}
	return path
}

// addAgendaItem adds an item with the form under the agenda of the meeting
// page shown.
func addAgendaItem(t *testing.T, sec context.Context, title string) {
	t.Helper()
	setField(t, sec, "#champ-title", title)
	if got := followCSS(t, sec, "[data-testid=add-agenda-item]"); got != 200 {
		t.Fatalf("add agenda item %q: status %d, want 200 (%s)", title, got, textOrNone(t, sec, "[data-testid=error-summary]"))
	}
	if got, want := textOrNone(t, sec, "[data-testid=flash]"), "Le point « "+title+" » est ajouté à l'ordre du jour."; got != want {
		t.Errorf("flash after adding an item: got %q, want %q", got, want)
	}
}

// agendaTitles returns the titles of the agenda items, in page order.
func agendaTitles(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return js[[]string](t, ctx, `[...document.querySelectorAll('[data-testid=agenda] > [data-testid=agenda-item]')]
		.map(li => li.querySelector('.agenda-title').textContent.trim())`)
}

// wantAgenda checks the agenda's order on the page shown.
func wantAgenda(t *testing.T, ctx context.Context, when string, want ...string) {
	t.Helper()
	if got := agendaTitles(t, ctx); !slices.Equal(got, want) {
		t.Errorf("agenda %s: %q, want %q", when, got, want)
	}
}

// agendaItem is a JavaScript expression for the agenda item titled title.
func agendaItem(title string) string {
	return `[...document.querySelectorAll('[data-testid=agenda-item]')].find(li =>
		li.querySelector('.agenda-title').textContent.trim() === ` + jsString(title) + `)`
}

// reorderAgenda reorders items [a, b, c] with the buttons, then by drag and
// drop, and checks that the order persists.
func reorderAgenda(t *testing.T, sec context.Context, p *portal, path string, items []string) {
	t.Helper()
	a, b, c := items[0], items[1], items[2]
	if got := followElement(t, sec, agendaItem(a)+`?.querySelector('[data-testid=move-down]')`, "« Descendre » for "+a); got != 200 {
		t.Fatalf("move %q down: status %d, want 200", a, got)
	}
	if got, want := textOrNone(t, sec, "[data-testid=flash]"), "Le point « "+a+" » est désormais le point 2."; got != want {
		t.Errorf("flash after moving down: got %q, want %q", got, want)
	}
	wantAgenda(t, sec, "after « Descendre » on "+a, b, a, c)
	if got := followElement(t, sec, agendaItem(c)+`?.querySelector('[data-testid=move-up]')`, "« Monter » for "+c); got != 200 {
		t.Fatalf("move %q up: status %d, want 200", c, got)
	}
	if got, want := textOrNone(t, sec, "[data-testid=flash]"), "Le point « "+c+" » est désormais le point 2."; got != want {
		t.Errorf("flash after moving up: got %q, want %q", got, want)
	}
	wantAgenda(t, sec, "after « Monter » on "+c, b, c, a)
	// The first item has no « Monter », the last no « Descendre ».
	if js[bool](t, sec, `!!(`+agendaItem(b)+`)?.querySelector('[data-testid=move-up]') || !!(`+agendaItem(a)+`)?.querySelector('[data-testid=move-down]')`) {
		t.Errorf("the first item has « Monter » or the last one « Descendre »")
	}

	// Drag and drop: the first item dropped on the lower half of the last
	// one goes after it. agenda.js saves the order, then reloads the page.
	if !js[bool](t, sec, `(`+agendaItem(b)+`)?.draggable === true`) {
		t.Fatalf("%s: the agenda items are not draggable: agenda.js did not set them up", path)
	}
	dnd := `(() => {
		const from = ` + agendaItem(b) + `, to = ` + agendaItem(a) + `, list = from.parentElement;
		const data = new DataTransfer();
		from.dispatchEvent(new DragEvent('dragstart', {bubbles: true, cancelable: true, dataTransfer: data}));
		const box = to.getBoundingClientRect();
		to.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: data,
			clientX: box.left + box.width / 2, clientY: box.top + box.height * 0.75}));
		list.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: data}));
		from.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: data}));
	})()`
	if got := follow(t, sec, chromedp.Evaluate[chromedp.Void](dnd)); got != 200 {
		t.Fatalf("reload after the drop: status %d, want 200", got)
	}
	if got := location(t, sec).Path; got != path {
		t.Errorf("after the drop: on %s, want %s", got, path)
	}
	wantAgenda(t, sec, "after the drop, reloaded", c, a, b)
	visit(t, sec, p.URL+path)
	wantAgenda(t, sec, "after the drop, on a fresh visit", c, a, b)
}

// attachToAgendaItem uploads the sample PDF, for members only, through the
// item's « Joindre un document » link, checks that the item lists it, and
// returns the path of the document.
func attachToAgendaItem(t *testing.T, sec context.Context, p *portal, path, item string) string {
	t.Helper()
	const title = "Note d'étape sur le plan national"
	pdf := absPath(t, samplePDF)
	if got := followElement(t, sec, agendaItem(item)+`?.querySelector('[data-testid=attach-item-document]')`, "« Joindre un document » for "+item); got != 200 {
		t.Fatalf("GET the upload form for %q: status %d, want 200", item, got)
	}
	u := location(t, sec)
	if u.Path != "/documents/new" || u.Query().Get("agenda_item") == "" {
		t.Fatalf("« Joindre un document »: landed on %s, want /documents/new?agenda_item=…", u.RequestURI())
	}
	if got := textOrNone(t, sec, "main"); !strings.Contains(got, "Le document sera joint au point « "+item+" » de l'ordre du jour.") {
		t.Errorf("upload form for an agenda item does not say which item:\n%.500s", got)
	}
	setField(t, sec, "#champ-title", title)
	setField(t, sec, "#champ-visibility", "members")
	if got, want := selectedLabel(t, sec, "#champ-visibility"), "Membres du comité"; got != want {
		t.Errorf("visibility: selected %q, want %q", got, want)
	}
	do(t, sec, chromedp.SetUploadFiles(chromedp.CSS("#champ-file"), []string{pdf}))
	clickCSS(t, sec, "[data-testid=submit]")
	// upload.js writes the page the server redirected to, the meeting's.
	waitLong(t, sec, `location.pathname === `+jsString(path)+` && !!document.querySelector('[data-testid=flash]') || !!document.querySelector('[data-testid=error-summary]')`,
		`location.pathname + ': ' + (document.querySelector('main')?.innerText ?? '').slice(0, 300)`)
	if got, want := textOrNone(t, sec, "[data-testid=flash]"), "Le document « "+title+" » a été déposé et joint au point « "+item+" » de l'ordre du jour."; got != want {
		t.Errorf("flash after the upload: got %q, want %q (%s)", got, want, textOrNone(t, sec, "[data-testid=error-summary]"))
	}

	visit(t, sec, p.URL+path)
	type link struct {
		Text string `json:"text"`
		Href string `json:"href"`
	}
	docs := js[[]link](t, sec, `[...((`+agendaItem(item)+`)?.querySelectorAll('[data-testid=agenda-documents] a') ?? [])]
		.map(a => ({text: a.textContent.trim(), href: a.getAttribute('href')}))`)
	if len(docs) != 1 || docs[0].Text != title || !regexp.MustCompile(`^/documents/\d+$`).MatchString(docs[0].Href) {
		t.Fatalf("documents of the agenda item %q: %+v, want one link %q to /documents/{id}", item, docs, title)
	}
	if others := js[int](t, sec, `document.querySelectorAll('[data-testid=agenda-documents] a').length`); others != 1 {
		t.Errorf("%d documents under the agenda items, want only the one attached to %q", others, item)
	}
	return docs[0].Href
}

// transition opens the confirmation page of the move to status to from the
// meeting page, checks its heading, and returns with that page shown.
func transition(t *testing.T, sec context.Context, p *portal, path, to, label string) {
	t.Helper()
	visit(t, sec, p.URL+path)
	if got := followCSS(t, sec, "[data-testid=transition-"+to+"]"); got != 200 {
		t.Fatalf("GET %s/status?to=%s: status %d, want 200", path, to, got)
	}
	if u := location(t, sec); u.Path != path+"/status" || u.Query().Get("to") != to {
		t.Fatalf("transition link: landed on %s, want %s/status?to=%s (%s)", u.RequestURI(), path, to, textOrNone(t, sec, "[data-testid=flash]"))
	}
	if got := mustText(t, sec, "h1"); !strings.HasPrefix(got, label+" – ") {
		t.Errorf("confirmation heading %q, want it to start with %q", got, label+" – ")
	}
}

// confirmTransition submits the confirmation page and checks the new status.
func confirmTransition(t *testing.T, sec context.Context, path, status string) string {
	t.Helper()
	if got := followCSS(t, sec, "[data-testid=submit]"); got != 200 {
		t.Fatalf("confirm the status %q: status %d, want 200 (%s)", status, got, textOrNone(t, sec, "[data-testid=error-summary]"))
	}
	if got := location(t, sec).Path; got != path {
		t.Errorf("after the status change: landed on %s, want %s", got, path)
	}
	flash := textOrNone(t, sec, "[data-testid=flash]")
	if want := "Statut de la réunion : " + status + "."; !strings.HasPrefix(flash, want) {
		t.Errorf("flash after the status change: got %q, want it to start with %q", flash, want)
	}
	if got := mustText(t, sec, "[data-testid=meeting-status]"); got != status {
		t.Errorf("meeting status: got %q, want %q", got, status)
	}
	return flash
}

// publishAgenda publishes the agenda, which sends the convocations.
func publishAgenda(t *testing.T, sec context.Context, p *portal, path string) {
	t.Helper()
	transition(t, sec, p, path, "agenda_published", "Publier l'ordre du jour et convoquer")
	if got := textOrNone(t, sec, "main"); !strings.Contains(got, "recevront une convocation par courriel") {
		t.Errorf("publication page does not announce the convocations:\n%.600s", got)
	}
	flash := confirmTransition(t, sec, path, "Ordre du jour publié")
	if !regexp.MustCompile(`\. \d+ courriels aux personnes concernées attendent dans la boîte d'envoi\x{00a0}: aucun serveur d'envoi n'est configuré`).MatchString(flash) {
		t.Errorf("flash after publishing %q, want it to count the convocations waiting for an SMTP server", flash)
	}
}

// mail is one mail of the outbox page.
type mail struct {
	Subject  string `json:"subject"`
	Meta     string `json:"meta"`
	Body     string `json:"body"`
	Calendar string `json:"calendar"`
}

// mailTo walks the outbox from its newest mails to the first one to the
// address whose subject starts with subject.
func mailTo(t *testing.T, sec context.Context, p *portal, to, subject string) mail {
	t.Helper()
	if got := visit(t, sec, p.URL+"/admin/outbox"); got != 200 {
		t.Fatalf("GET /admin/outbox: status %d, want 200", got)
	}
	seen := 0
	for page := 1; page <= 10; page++ {
		mails := js[[]mail](t, sec, `[...document.querySelectorAll('[data-testid=mail]')].map(m => ({
			subject: (m.closest('[data-testid=mail-group]') ?? m).querySelector('h2').textContent.trim(),
			meta: m.querySelector('.meta').textContent,
			body: m.querySelector('pre').textContent,
			calendar: m.querySelector('[data-testid=mail-calendar]')?.getAttribute('href') ?? '',
		}))`)
		seen += len(mails)
		for _, m := range mails {
			if strings.Contains(squeeze(m.Meta), "À "+to+",") && strings.HasPrefix(m.Subject, subject) {
				return m
			}
		}
		next := linkByText("main nav.pager", "Page suivante")
		if !js[bool](t, sec, `!!(`+next+`)`) {
			break
		}
		followElement(t, sec, next, "link « Page suivante »")
	}
	t.Fatalf("the outbox has no mail « %s… » to %s among the %d newest", subject, to, seen)
	return mail{}
}

// fetched is a response read by fetch() in the page.
type fetched struct {
	Status int    `json:"status"`
	Type   string `json:"type"`
	Body   string `json:"body"`
}

// fetchInPage fetches path with the page's cookies.
func fetchInPage(t *testing.T, ctx context.Context, path string) fetched {
	t.Helper()
	return get(t, ctx, chromedp.Evaluate[fetched](`fetch(`+jsString(path)+`, {credentials: 'same-origin'})
		.then(async r => ({status: r.status, type: r.headers.get('Content-Type') ?? '', body: await r.text()}))`,
		chromedp.EvalAwaitPromise))
}

// checkInvitation downloads the iCalendar part of a mail found on the
// outbox page shown, parses it with go-ical, and checks that it invites
// associationEmail to the meeting, at its place, under the meeting's UID.
// It returns the event's SEQUENCE.
func checkInvitation(t *testing.T, sec context.Context, m mail, uid string, meeting meetingFixture) int {
	t.Helper()
	if !outboxCalendarRe.MatchString(m.Calendar) {
		t.Fatalf("mail « %s »: invitation link %q, want /admin/outbox/{id}/invitation.ics", m.Subject, m.Calendar)
	}
	res := fetchInPage(t, sec, m.Calendar)
	if res.Status != 200 || !strings.HasPrefix(res.Type, "text/calendar") {
		t.Fatalf("GET %s: status %d, Content-Type %q, want 200 text/calendar", m.Calendar, res.Status, res.Type)
	}
	for _, want := range []string{"BEGIN:VCALENDAR", "METHOD:REQUEST", "TZID=Europe/Paris", "UID:" + uid + "\r\n", "SEQUENCE:"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("%s (« %s »), want %q in:\n%s", m.Calendar, m.Subject, want, res.Body)
		}
	}
	cal := parseCalendar(t, res.Body)
	if method, _ := cal.Props.Text(goical.PropMethod); method != "REQUEST" {
		t.Errorf("%s: METHOD %q, want REQUEST", m.Calendar, method)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%s: %d events, want 1:\n%s", m.Calendar, len(events), res.Body)
	}
	ev := events[0]
	if got, _ := ev.Props.Text(goical.PropUID); got != uid {
		t.Errorf("%s: UID %q, want %q", m.Calendar, got, uid)
	}
	if got, _ := ev.Props.Text(goical.PropSummary); got != meeting.Title {
		t.Errorf("%s: SUMMARY %q, want %q", m.Calendar, got, meeting.Title)
	}
	if got, _ := ev.Props.Text(goical.PropLocation); got != meeting.Place {
		t.Errorf("%s: LOCATION %q, want %q", m.Calendar, got, meeting.Place)
	}
	start := ev.Props.Get(goical.PropDateTimeStart)
	if start == nil || start.Params.Get(goical.PropTimezoneID) != "Europe/Paris" {
		t.Errorf("%s: DTSTART %+v, want TZID=Europe/Paris", m.Calendar, start)
	}
	if at, err := ev.DateTimeStart(nil); err != nil {
		t.Errorf("%s: DTSTART: %v", m.Calendar, err)
	} else if want := meeting.start(); !at.Equal(want) || at.In(view.Paris).Hour() != 14 {
		t.Errorf("%s: DTSTART %v, want %v (14:00 in Paris)", m.Calendar, at, want)
	}
	if end, err := ev.DateTimeEnd(nil); err != nil || !end.Equal(meeting.start().Add(3*time.Hour)) {
		t.Errorf("%s: DTEND %v (%v), want 17:00 in Paris", m.Calendar, end, err)
	}
	attendee := ev.Props.Get(goical.PropAttendee)
	if attendee == nil || !strings.EqualFold(attendee.Value, "mailto:"+associationEmail) {
		t.Errorf("%s: ATTENDEE %+v, want mailto:%s", m.Calendar, attendee, associationEmail)
	}
	seqProp := ev.Props.Get(goical.PropSequence)
	if seqProp == nil {
		t.Fatalf("%s: no SEQUENCE", m.Calendar)
	}
	seq, err := seqProp.Int()
	if err != nil {
		t.Fatalf("%s: SEQUENCE %q: %v", m.Calendar, seqProp.Value, err)
	}
	return seq
}

// parseCalendar decodes an iCalendar text with go-ical.
func parseCalendar(t *testing.T, body string) *goical.Calendar {
	t.Helper()
	cal, err := goical.NewDecoder(strings.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("decode iCalendar: %v\n%s", err, body)
	}
	return cal
}

// answerRepresented answers the convocation as the signed-in CCEM member.
func answerRepresented(t *testing.T, member context.Context, p *portal, path string) {
	t.Helper()
	if got := visit(t, member, p.URL+path); got != 200 {
		t.Fatalf("GET %s as the CCEM member: status %d, want 200", path, got)
	}
	if got, want := mustText(t, member, "[data-testid=current-answer]"), "Pas de réponse"; got != want {
		t.Errorf("current answer before answering: got %q, want %q", got, want)
	}
	label := `[...document.querySelectorAll('[data-testid=invitation] label')].find(l => l.textContent.trim() === "Je serai représenté par mon suppléant")`
	if !js[bool](t, member, `!!(`+label+`)`) {
		t.Fatalf("%s: the invitation has no choice « Je serai représenté par mon suppléant »", path)
	}
	do(t, member, chromedp.Click(chromedp.JSPath(label)))
	if !js[bool](t, member, `document.querySelector('#reponse-represented')?.checked === true`) {
		t.Errorf("clicking « Je serai représenté par mon suppléant » does not check its radio")
	}
	if got := followCSS(t, member, "[data-testid=send-answer]"); got != 200 {
		t.Fatalf("send the answer: status %d, want 200", got)
	}
	if got, want := textOrNone(t, member, "[data-testid=flash]"), "Votre réponse est enregistrée : Représenté par son suppléant."; got != want {
		t.Errorf("flash after answering: got %q, want %q", got, want)
	}
	if got, want := mustText(t, member, "[data-testid=current-answer]"), "Représenté par son suppléant"; got != want {
		t.Errorf("current answer: got %q, want %q", got, want)
	}
}

// checkAnswerSeen checks that the secretariat sees the CCEM titulaire's
// answer in the answers by body.
func checkAnswerSeen(t *testing.T, sec context.Context, p *portal, path string) {
	t.Helper()
	visit(t, sec, p.URL+path)
	row := js[string](t, sec, `[...document.querySelectorAll('[data-testid=answers-by-body] tbody tr')]
		.find(tr => tr.cells[0].textContent.trim().startsWith(`+jsString(ccem)+`))?.cells[2].innerText ?? ''`)
	lines := strings.Split(strings.TrimSpace(row), "\n")
	if !slices.ContainsFunc(lines, func(l string) bool {
		return strings.HasSuffix(squeeze(l), "(titulaire) : Représenté par son suppléant")
	}) {
		t.Errorf("answers of %s: %q, want the titulaire « Représenté par son suppléant »", ccem, lines)
	}
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasSuffix(squeeze(l), "(suppléant) : Pas de réponse") }) {
		t.Errorf("answers of %s: %q, want the suppléant « Pas de réponse »", ccem, lines)
	}
	if got := squeeze(mustText(t, sec, "[data-testid=attendance-summary]")); !strings.Contains(got, "1 représentées par leur suppléant") {
		t.Errorf("attendance summary %q, want « 1 représentées par leur suppléant »", got)
	}
}

// changePlace moves the meeting to m.Place through its edit form.
func changePlace(t *testing.T, sec context.Context, p *portal, m meetingFixture) {
	t.Helper()
	visit(t, sec, p.URL+m.Path)
	if got := followElement(t, sec, linkByText("main", "Modifier la date, le lieu ou la visibilité"), "edit link"); got != 200 {
		t.Fatalf("GET %s/edit: status %d, want 200", m.Path, got)
	}
	if got := location(t, sec).Path; got != m.Path+"/edit" {
		t.Fatalf("edit link: landed on %s, want %s/edit", got, m.Path)
	}
	if got := valueOf(t, sec, "#champ-date"); got != m.Day.Format(time.DateOnly) {
		t.Errorf("edit form date: got %q, want %q", got, m.Day.Format(time.DateOnly))
	}
	setField(t, sec, "#champ-place", m.Place)
	if got := followCSS(t, sec, "[data-testid=submit]"); got != 200 {
		t.Fatalf("save the meeting: status %d, want 200 (%s)", got, textOrNone(t, sec, "[data-testid=error-summary]"))
	}
	flash := textOrNone(t, sec, "[data-testid=flash]")
	if !regexp.MustCompile(`^La réunion est modifiée\. \d+ membres convoqués ont reçu la mise à jour de leur invitation\.$`).MatchString(flash) {
		t.Errorf("flash after moving the meeting: got %q, want it to count the updates sent", flash)
	}
	if facts := squeeze(mustText(t, sec, "[data-testid=meeting-facts]")); !strings.Contains(facts, m.Place) {
		t.Errorf("meeting facts %q, want the new place %q", facts, m.Place)
	}
}

// declareHeld declares the meeting held.
func declareHeld(t *testing.T, sec context.Context, p *portal, path string) {
	t.Helper()
	transition(t, sec, p, path, "held", "Déclarer la réunion tenue")
	confirmTransition(t, sec, path, "Tenue")
}

// recordAttendance ticks four people, unticks one of them, saves, and
// checks the attendee list.
func recordAttendance(t *testing.T, sec context.Context, p *portal, path string) {
	t.Helper()
	visit(t, sec, p.URL+path)
	if got := followCSS(t, sec, "[data-testid=record-attendance]"); got != 200 {
		t.Fatalf("GET %s/attendance: status %d, want 200", path, got)
	}
	if got := location(t, sec).Path; got != path+"/attendance" {
		t.Fatalf("attendance link: landed on %s, want %s/attendance", got, path)
	}
	if n := js[int](t, sec, `document.querySelectorAll('input[name=present]:checked').length`); n != 0 {
		t.Errorf("attendance sheet: %d people ticked before anything is recorded, want 0 (nobody answered « présent »)", n)
	}
	// checkbox is a JavaScript expression for the box of body's holder in role.
	checkbox := func(body, role string) string {
		return `[...([...document.querySelectorAll('fieldset')].find(f => f.querySelector('legend').textContent.trim().startsWith(` + jsString(body) + `))
			?.querySelectorAll('.choice') ?? [])].find(c => c.querySelector('label').textContent.includes(', ' + ` + jsString(role) + `))
			?.querySelector('input[type=checkbox]')`
	}
	tick := func(body, role string) {
		t.Helper()
		box := checkbox(body, role)
		if !js[bool](t, sec, `!!(`+box+`)`) {
			t.Fatalf("attendance sheet: no box for the %s of %s", role, body)
		}
		do(t, sec, chromedp.Click(chromedp.JSPath(box)))
	}
	present := [][2]string{{ccem, "titulaire"}, {"Direction générale du travail", "titulaire"}, {"Défenseur des droits", "suppléant"}}
	for _, who := range present {
		tick(who[0], who[1])
	}
	tick(ecpat, "titulaire")
	tick(ecpat, "titulaire") // a slip, corrected
	if n := js[int](t, sec, `document.querySelectorAll('input[name=present]:checked').length`); n != len(present) {
		t.Errorf("attendance sheet: %d boxes ticked, want %d", n, len(present))
	}
	if js[bool](t, sec, `(`+checkbox(ecpat, "titulaire")+`).checked`) {
		t.Errorf("the %s titulaire's box is still ticked after the second click", ecpat)
	}
	if got := followCSS(t, sec, "[data-testid=save-attendance]"); got != 200 {
		t.Fatalf("save the attendance: status %d, want 200", got)
	}
	if got, want := textOrNone(t, sec, "[data-testid=flash]"), "3 personnes présentes sont enregistrées."; got != want {
		t.Errorf("flash after the attendance: got %q, want %q", got, want)
	}
	if got := squeeze(mustText(t, sec, "[data-testid=attendance-summary]")); !strings.HasPrefix(got, "3 personnes présentes, 3 organismes représentés sur ") {
		t.Errorf("attendance summary %q, want « 3 personnes présentes, 3 organismes représentés sur … »", got)
	}
	rows := js[[][]string](t, sec, `[...document.querySelectorAll('[data-testid=attendee-list] tbody tr')]
		.map(tr => [...tr.cells].map(td => td.textContent.trim()))`)
	row := func(body, seat string) []string {
		for _, r := range rows {
			if len(r) == 4 && strings.HasPrefix(r[0], body) && r[2] == seat {
				return r
			}
		}
		return nil
	}
	for _, who := range present {
		if r := row(who[0], who[1]); r == nil || r[3] != "Présent" {
			t.Errorf("attendee list: %s %s row %q, want « Présent »", who[0], who[1], r)
		}
	}
	if r := row(ccem, "suppléant"); r == nil || r[3] != "Absent" {
		t.Errorf("attendee list: %s suppléant row %q, want « Absent »", ccem, r)
	}
	if r := row(ecpat, "titulaire"); r == nil || r[3] != "Absent" {
		t.Errorf("attendee list: %s titulaire row %q, want « Absent » (unticked)", ecpat, r)
	}
}

// The minutes, in their successive versions.
const (
	minutesV1 = "# Ouverture\n\nLa séance est ouverte à 14 h 05 sous la présidence de la secrétaire générale.\n\n" +
		"- Accueil des membres présents\n- Adoption de l'ordre du jour\n"
	minutesV2 = "# Ouverture\n\nLa séance est ouverte à 14 h 10 sous la présidence de la secrétaire générale.\n\n" +
		"- Accueil des membres présents\n- Adoption de l'ordre du jour\n\n# Observatoire\n\nLe comité approuve le principe de l'observatoire.\n"
	minutesFirstTab  = minutesV2 + "\n# Clôture\n\nLa séance est levée à 16 h 45.\n"
	minutesSecondTab = minutesV2 + "\n# Questions diverses\n\nAucune question n'est soulevée.\n"
)

// writeMinutes writes two versions of the minutes with the preview, checks
// the history's diff and the refusal of a concurrent save, and returns the
// text saved.
func writeMinutes(t *testing.T, sec context.Context, p *portal, path string) string {
	t.Helper()
	openEditor := func(ctx context.Context) {
		t.Helper()
		visit(t, ctx, p.URL+path)
		if got := followCSS(t, ctx, "[data-testid=edit-minutes]"); got != 200 {
			t.Fatalf("GET %s/minutes/edit: status %d, want 200", path, got)
		}
		if got := location(t, ctx).Path; got != path+"/minutes/edit" {
			t.Fatalf("« Rédiger le compte rendu »: landed on %s, want %s/minutes/edit", got, path)
		}
	}
	save := func(ctx context.Context, version int) {
		t.Helper()
		if got := followCSS(t, ctx, "[data-testid=save-minutes]"); got != 200 {
			t.Fatalf("save the minutes: status %d, want 200 (%s)", got, textOrNone(t, ctx, "main"))
		}
		if got, want := textOrNone(t, ctx, "[data-testid=flash]"), fmt.Sprintf("Le compte rendu est enregistré (version %d).", version); got != want {
			t.Errorf("flash after saving the minutes: got %q, want %q", got, want)
		}
	}

	openEditor(sec)
	if got := valueOf(t, sec, "[data-testid=minutes-text]"); got != "" {
		t.Errorf("minutes editor of a new meeting: %q, want it empty", got)
	}
	setField(t, sec, "[data-testid=minutes-text]", minutesV1)
	if got := followCSS(t, sec, "[data-testid=preview-minutes]"); got != 200 {
		t.Fatalf("preview the minutes: status %d, want 200", got)
	}
	type preview struct {
		H2 []string `json:"h2"`
		LI []string `json:"li"`
	}
	got := js[preview](t, sec, `(() => {
		const p = document.querySelector('[data-testid=minutes-preview]');
		const texts = sel => p ? [...p.querySelectorAll(sel)].map(e => e.textContent.trim()) : null;
		return {h2: texts('h2'), li: texts('li')};
	})()`)
	if !slices.Equal(got.H2, []string{"Ouverture"}) || !slices.Equal(got.LI, []string{"Accueil des membres présents", "Adoption de l'ordre du jour"}) {
		t.Errorf("minutes preview: headings %q, list items %q, want [Ouverture] and the two items", got.H2, got.LI)
	}
	if v := valueOf(t, sec, "[data-testid=minutes-text]"); v != minutesV1 {
		t.Errorf("minutes editor after the preview: %q, want the typed text %q", v, minutesV1)
	}
	save(sec, 1)
	// « # Ouverture » sits under the page's « Compte rendu » (h2).
	if got := js[string](t, sec, `document.querySelector('[data-testid=minutes] h3')?.textContent ?? ''`); got != "Ouverture" {
		t.Errorf("meeting page minutes: first heading %q, want « Ouverture »", got)
	}

	openEditor(sec)
	if v := valueOf(t, sec, "[data-testid=minutes-text]"); v != minutesV1 {
		t.Errorf("minutes editor: %q, want version 1 %q", v, minutesV1)
	}
	setField(t, sec, "[data-testid=minutes-text]", minutesV2)
	save(sec, 2)

	visit(t, sec, p.URL+path)
	if got := followElement(t, sec, linkByText("main", "Versions du compte rendu"), "link « Versions du compte rendu »"); got != 200 {
		t.Fatalf("GET %s/minutes/history: status %d, want 200", path, got)
	}
	if got := location(t, sec).Path; got != path+"/minutes/history" {
		t.Fatalf("versions link: landed on %s, want %s/minutes/history", got, path)
	}
	versions := js[[]string](t, sec, `[...document.querySelectorAll('[data-testid=minutes-versions] tbody tr')].map(tr => tr.cells[0].textContent.trim())`)
	if !slices.Equal(versions, []string{"2", "1"}) {
		t.Errorf("versions table: %q, want [2 1]", versions)
	}
	if got := squeeze(mustText(t, sec, "[data-testid=diff-stats]")); !strings.Contains(got, "De la version 1") || !strings.Contains(got, "à la version 2") {
		t.Errorf("diff stats %q, want from version 1 to version 2", got)
	}
	type marks struct {
		Ins     []string `json:"ins"`
		Del     []string `json:"del"`
		InsLine []string `json:"insLine"`
	}
	diff := js[marks](t, sec, `(() => {
		const d = document.querySelector('[data-testid=diff]');
		const texts = sel => [...d.querySelectorAll(sel)].map(e => e.textContent.trim());
		return {ins: texts('ins mark'), del: texts('del mark'), insLine: texts('ins')};
	})()`)
	if !slices.Equal(diff.Del, []string{"05"}) || !slices.Equal(diff.Ins, []string{"10"}) {
		t.Errorf("diff marks: deleted %q, inserted %q, want « 05 » deleted and « 10 » inserted", diff.Del, diff.Ins)
	}
	if !slices.ContainsFunc(diff.InsLine, func(s string) bool { return strings.Contains(s, "Le comité approuve le principe de l'observatoire.") }) {
		t.Errorf("diff inserted lines %q, want the new paragraph on the observatory", diff.InsLine)
	}

	// Two editors open on version 2: the second save is refused.
	openEditor(sec)
	other, cancel := chromedp.NewContext(sec) // a second tab, signed in as well
	defer cancel()
	openEditor(other)
	setField(t, sec, "[data-testid=minutes-text]", minutesFirstTab)
	setField(t, other, "[data-testid=minutes-text]", minutesSecondTab)
	save(sec, 3)
	if got := followCSS(t, other, "[data-testid=save-minutes]"); got != 409 {
		t.Errorf("the second, concurrent save: status %d, want 409", got)
	}
	if got := squeeze(mustText(t, other, "[data-testid=minutes-conflict]")); !strings.Contains(got, "version 3") || !strings.Contains(got, p.names["secretariat"]) {
		t.Errorf("conflict notice %q, want it to name version 3 and its author %s", got, p.names["secretariat"])
	}
	insLines := js[[]string](t, other, `[...document.querySelectorAll('[data-testid=diff] ins')].map(e => e.textContent.trim())`)
	delLines := js[[]string](t, other, `[...document.querySelectorAll('[data-testid=diff] del')].map(e => e.textContent.trim())`)
	if !slices.ContainsFunc(insLines, func(s string) bool { return strings.Contains(s, "Aucune question n'est soulevée.") }) ||
		!slices.ContainsFunc(delLines, func(s string) bool { return strings.Contains(s, "La séance est levée à 16 h 45.") }) {
		t.Errorf("conflict diff: inserted %q, deleted %q, want the typed « Aucune question… » and the saved « La séance est levée… »", insLines, delLines)
	}
	if v := valueOf(t, other, "[data-testid=minutes-text]"); v != minutesSecondTab {
		t.Errorf("minutes editor after the conflict: %q, want the typed text kept %q", v, minutesSecondTab)
	}
	if err := chromedp.Cancel(other); err != nil {
		t.Errorf("closing the second tab: %v", err)
	}

	visit(t, sec, p.URL+path)
	shown := textOrNone(t, sec, "[data-testid=minutes]")
	if !strings.Contains(shown, "La séance est levée à 16 h 45.") || strings.Contains(shown, "Aucune question n'est soulevée.") {
		t.Errorf("minutes after the refused save:\n%s\nwant the first save's text, not the refused one", shown)
	}
	return minutesFirstTab
}

// submitDraft submits the draft minutes to the participants.
func submitDraft(t *testing.T, sec context.Context, p *portal, path string) {
	t.Helper()
	transition(t, sec, p, path, "minutes_draft", "Soumettre le projet de compte rendu aux participants")
	confirmTransition(t, sec, path, "Compte rendu en projet")
}

// remarkAndAnswer sends a remark as the CCEM member, present, and answers
// it as the secretariat.
func remarkAndAnswer(t *testing.T, sec, member context.Context, p *portal, path string) {
	t.Helper()
	const (
		remark = "Merci de préciser que le CCEM a demandé l'accès de l'observatoire aux données associatives."
		answer = "C'est ajouté au point sur l'observatoire."
	)
	if got := visit(t, member, p.URL+path); got != 200 {
		t.Fatalf("GET %s as the CCEM member: status %d, want 200", path, got)
	}
	if got := textOrNone(t, member, "[data-testid=minutes]"); !strings.Contains(got, "La séance est levée à 16 h 45.") {
		t.Errorf("the CCEM member, present, does not see the draft minutes:\n%s", got)
	}
	// The member, present and seated, has both forms: each field must have
	// an id of its own and its own label.
	type labelled struct {
		ID     string   `json:"id"`
		Count  int      `json:"count"`
		Labels []string `json:"labels"`
	}
	fields := js[[]labelled](t, member, `[...document.querySelectorAll('form[action$="/remarks"] textarea, form[action$="/dissent"] textarea')]
		.map(a => ({id: a.id, count: document.querySelectorAll('[id="' + a.id + '"]').length, labels: [...a.labels].map(l => l.textContent.trim())}))`)
	if len(fields) != 2 {
		t.Errorf("%s for the CCEM member: %d fields for a remark or a position, want 2", path, len(fields))
	}
	for i, want := range []string{"Votre remarque", "Position de votre organisme"} {
		if i >= len(fields) {
			break
		}
		f := fields[i]
		if f.Count != 1 || len(f.Labels) != 1 || !strings.HasPrefix(f.Labels[0], want) {
			t.Errorf("field « %s »: id %q used %d times, labels %q; want a unique id and the one label « %s »", want, f.ID, f.Count, f.Labels, want)
		}
	}
	remarkField := `form[action$="/remarks"] textarea[name=remark]`

	// An empty remark comes back with an error that leads to its field.
	if got := followCSS(t, member, "[data-testid=send-remark]"); got != 422 {
		t.Errorf("empty remark: status %d, want 422", got)
	}
	links := js[[]string](t, member, `[...document.querySelectorAll('[data-testid=error-summary] a')].map(a => a.getAttribute('href'))`)
	if len(links) != 1 || !js[bool](t, member, `document.querySelectorAll(`+jsString(links[0])+`).length === 1 &&
		document.querySelector(`+jsString(links[0])+`) === document.querySelector(`+jsString(remarkField)+`)`) {
		t.Errorf("error summary of an empty remark links to %q, want one link to the remark's field", links)
	}
	setField(t, member, remarkField, remark)
	if got := followCSS(t, member, "[data-testid=send-remark]"); got != 200 {
		t.Fatalf("send the remark: status %d, want 200 (%s)", got, textOrNone(t, member, "[data-testid=error-summary]"))
	}
	if got, want := textOrNone(t, member, "[data-testid=flash]"), "Votre remarque est transmise au secrétariat."; got != want {
		t.Errorf("flash after the remark: got %q, want %q", got, want)
	}
	if got := squeeze(textOrNone(t, member, "[data-testid=remarks]")); !strings.Contains(got, remark) || !strings.Contains(got, "En attente de réponse") {
		t.Errorf("remarks seen by their author: %q, want %q « En attente de réponse »", got, remark)
	}

	visit(t, sec, p.URL+path)
	item := `[...document.querySelectorAll('[data-testid=remarks] li')].find(li => li.textContent.includes(` + jsString(remark) + `))`
	if !js[bool](t, sec, `!!(`+item+`)`) {
		t.Fatalf("the secretariat does not see the remark on %s", path)
	}
	if !js[bool](t, sec, `!!(document.querySelector('[data-testid=minutes]')?.compareDocumentPosition(document.querySelector('[data-testid=remarks]')) & Node.DOCUMENT_POSITION_FOLLOWING)`) {
		t.Errorf("the remarks are not shown with the draft minutes")
	}
	if got := squeeze(js[string](t, sec, `(`+item+`).innerText`)); !strings.Contains(got, p.names["association"]) || !strings.Contains(got, ccem) {
		t.Errorf("remark %q, want its author and body", got)
	}
	setField(t, sec, `#`+js[string](t, sec, `(`+item+`).querySelector('textarea').id`), answer)
	if got := follow(t, sec, chromedp.Click(chromedp.JSPath(item+`.querySelector('button[name=state][value=answered]')`))); got != 200 {
		t.Fatalf("answer the remark: status %d, want 200", got)
	}
	if got, want := textOrNone(t, sec, "[data-testid=flash]"), "La remarque est marquée « Répondu »."; got != want {
		t.Errorf("flash after answering the remark: got %q, want %q", got, want)
	}
	if got := squeeze(js[string](t, sec, `(`+item+`)?.innerText ?? ''`)); !strings.Contains(got, "Répondu") || !strings.Contains(got, "Réponse du secrétariat : "+answer) {
		t.Errorf("answered remark %q, want « Répondu » and « Réponse du secrétariat : %s »", got, answer)
	}
	if js[bool](t, sec, `!!(`+item+`).querySelector('form')`) {
		t.Errorf("the answered remark still has its answer form")
	}

	visit(t, member, p.URL+path)
	if got := squeeze(textOrNone(t, member, "[data-testid=remarks]")); !strings.Contains(got, "Réponse du secrétariat : "+answer) {
		t.Errorf("remarks seen by their author after the answer: %q, want the answer", got)
	}
}

// annexDissent annexes the CNCDH's position to the draft minutes and returns it.
func annexDissent(t *testing.T, instance context.Context, p *portal, path string) string {
	t.Helper()
	const dissent = "La CNCDH regrette que l'observatoire ne dispose pas d'un budget propre."
	if got := visit(t, instance, p.URL+path); got != 200 {
		t.Fatalf("GET %s as the CNCDH member: status %d, want 200", path, got)
	}
	field := `form[action$="/dissent"] textarea[name=position]`
	if !js[bool](t, instance, `!!document.querySelector(`+jsString(field)+`)`) {
		t.Fatalf("%s: the CNCDH member, seated, has no form for a dissenting position", path)
	}
	setField(t, instance, field, dissent)
	if got := followCSS(t, instance, "[data-testid=send-dissent]"); got != 200 {
		t.Fatalf("annex the position: status %d, want 200 (%s)", got, textOrNone(t, instance, "[data-testid=error-summary]"))
	}
	if got, want := textOrNone(t, instance, "[data-testid=flash]"), "La position de votre organisme est annexée au projet de compte rendu."; got != want {
		t.Errorf("flash after the dissent: got %q, want %q", got, want)
	}
	if got := valueOf(t, instance, field); got != dissent {
		t.Errorf("dissent form after annexing: %q, want the annexed text", got)
	}
	return dissent
}

// addDecision records a decision with an action of the DGT and returns the
// action's title.
func addDecision(t *testing.T, sec context.Context, p *portal, path string) string {
	t.Helper()
	const (
		decision = "Le comité crée un groupe de travail sur l'observatoire de la traite."
		action   = "Réunir le groupe de travail sur l'observatoire"
		dgt      = "Direction générale du travail"
	)
	due := time.Now().In(view.Paris).AddDate(0, 2, 0)
	visit(t, sec, p.URL+path)
	item := js[string](t, sec, `[...document.querySelectorAll('#champ-item option')].find(o => o.textContent.includes("Création de l'observatoire de la traite"))?.value ?? ''`)
	body := js[string](t, sec, `[...document.querySelectorAll('#champ-action_body option')].find(o => o.textContent.trim().startsWith(`+jsString(dgt)+`))?.value ?? ''`)
	if item == "" || body == "" {
		t.Fatalf("decision form: agenda item option %q, body option %q: want both", item, body)
	}
	setField(t, sec, "#champ-item", item)
	setField(t, sec, "#champ-text", decision)
	setField(t, sec, "#champ-action_title", action)
	setField(t, sec, "#champ-action_body", body)
	setField(t, sec, "#champ-action_due", due.Format(time.DateOnly))
	if got := followCSS(t, sec, "[data-testid=add-decision]"); got != 200 {
		t.Fatalf("add the decision: status %d, want 200 (%s)", got, textOrNone(t, sec, "[data-testid=error-summary]"))
	}
	if got, want := textOrNone(t, sec, "[data-testid=flash]"), "La décision et l'action « "+action+" » sont enregistrées."; !strings.HasPrefix(got, want) {
		t.Errorf("flash after the decision: got %q, want it to start with %q", got, want)
	}
	decisions := squeeze(textOrNone(t, sec, "[data-testid=decisions]"))
	for _, want := range []string{"Point : Création de l'observatoire de la traite", decision, "Action : " + action + " (" + dgt + ", échéance le " + view.Date(due) + ")."} {
		if !strings.Contains(decisions, want) {
			t.Errorf("decisions %q, want %q", decisions, want)
		}
	}
	return action
}

// proposeAction checks that the next meeting proposes the action, and puts
// it on the agenda.
func proposeAction(t *testing.T, sec context.Context, p *portal, path, action string) {
	t.Helper()
	visit(t, sec, p.URL+path)
	proposed := squeeze(textOrNone(t, sec, "[data-testid=proposed-actions]"))
	if !strings.Contains(proposed, action+" (Direction générale du travail") {
		t.Fatalf("the next meeting %s does not propose the action %q:\n%s", path, action, proposed)
	}
	button := `[...document.querySelectorAll('[data-testid=proposed-actions] li')].find(li => li.textContent.includes(` + jsString(action) + `))?.querySelector('button')`
	if got := js[string](t, sec, `(`+button+`)?.textContent.trim() ?? ''`); got != "Inscrire à l'ordre du jour" {
		t.Fatalf("proposed action %q: button %q, want « Inscrire à l'ordre du jour »", action, got)
	}
	if got := follow(t, sec, chromedp.Click(chromedp.JSPath(button))); got != 200 {
		t.Fatalf("put the action on the agenda: status %d, want 200", got)
	}
	if got, want := textOrNone(t, sec, "[data-testid=flash]"), "Le suivi de l'action « "+action+" » est inscrit à l'ordre du jour."; got != want {
		t.Errorf("flash after putting the action on the agenda: got %q, want %q", got, want)
	}
	titles := agendaTitles(t, sec)
	if len(titles) == 0 || titles[len(titles)-1] != "Suivi de l'action : "+action {
		t.Errorf("agenda %q, want it to end with « Suivi de l'action : %s »", titles, action)
	}
	if got := textOrNone(t, sec, "[data-testid=proposed-actions]"); strings.Contains(got, action) {
		t.Errorf("the action on the agenda is still proposed:\n%s", got)
	}
}

// approveMinutes approves the minutes on today's date.
func approveMinutes(t *testing.T, sec context.Context, p *portal, path string) {
	t.Helper()
	transition(t, sec, p, path, "minutes_approved", "Approuver le compte rendu")
	today := time.Now().In(view.Paris)
	if got := valueOf(t, sec, "#champ-approved_on"); got != today.Format(time.DateOnly) {
		t.Errorf("approval date: got %q, want today %q", got, today.Format(time.DateOnly))
	}
	if got, want := selectedLabel(t, sec, "#champ-adopted_at"), "Approuvé par écrit, hors réunion"; got != want {
		t.Errorf("approval meeting: selected %q, want %q", got, want)
	}
	confirmTransition(t, sec, path, "Compte rendu approuvé")
	if got, want := squeeze(mustText(t, sec, "[data-testid=approval]")), "Compte rendu approuvé le "+view.Date(today)+"."; got != want {
		t.Errorf("approval: got %q, want %q", got, want)
	}
	if js[bool](t, sec, `!!document.querySelector('[data-testid=edit-minutes]')`) {
		t.Errorf("the approved minutes may still be edited")
	}
}

// readApprovedMinutes reads the approved minutes as the CCEM member, on the
// meeting page and on the printable page.
func readApprovedMinutes(t *testing.T, member context.Context, p *portal, m meetingFixture, dissent string) {
	t.Helper()
	if got := visit(t, member, p.URL+m.Path); got != 200 {
		t.Fatalf("GET %s as the CCEM member: status %d, want 200", m.Path, got)
	}
	shown := squeeze(textOrNone(t, member, "[data-testid=minutes]"))
	for _, want := range []string{"Ouverture", "La séance est levée à 16 h 45.", "Le comité approuve le principe de l'observatoire."} {
		if !strings.Contains(shown, want) {
			t.Errorf("approved minutes seen by the member: %q, want %q", shown, want)
		}
	}
	dissents := squeeze(textOrNone(t, member, "[data-testid=dissents]"))
	if !strings.Contains(dissents, "Position de "+cncdh) || !strings.Contains(dissents, dissent) {
		t.Errorf("annexed positions seen by the member: %q, want the %s's %q", dissents, cncdh, dissent)
	}
	if js[bool](t, member, `!!document.querySelector('[data-testid=send-remark], [data-testid=send-dissent]')`) {
		t.Errorf("the approved minutes still take remarks or positions")
	}
	if got := followElement(t, member, linkByText("main", "Version imprimable du compte rendu"), "link to the printable minutes"); got != 200 {
		t.Fatalf("GET %s/minutes: status %d, want 200", m.Path, got)
	}
	if got := location(t, member).Path; got != m.Path+"/minutes" {
		t.Errorf("printable minutes link: landed on %s, want %s/minutes", got, m.Path)
	}
	if got, want := mustText(t, member, "h1"), "Compte rendu – "+m.Title; got != want {
		t.Errorf("printable minutes heading: got %q, want %q", got, want)
	}
	printed := squeeze(mustText(t, member, "main"))
	for _, want := range []string{"Réunion du " + squeeze(view.DateTime(m.start())), "Approuvé le " + view.Date(time.Now().In(view.Paris)),
		"Organismes représentés", ccem, "La séance est levée à 16 h 45.", "Position de " + cncdh, dissent} {
		if !strings.Contains(printed, want) {
			t.Errorf("printable minutes:\n%s\nwant %q", printed, want)
		}
	}
}

// checkPublicView checks what a signed-out visitor sees of the held meeting.
func checkPublicView(t *testing.T, public context.Context, p *portal, m meetingFixture, minutes, doc string) {
	t.Helper()
	if got := visit(t, public, p.URL+m.Path); got != 200 {
		t.Fatalf("GET %s, signed out: status %d, want 200", m.Path, got)
	}
	if got := mustText(t, public, "h1"); got != m.Title {
		t.Errorf("%s heading, signed out: got %q, want %q", m.Path, got, m.Title)
	}
	facts := squeeze(mustText(t, public, "[data-testid=meeting-facts]"))
	if !strings.Contains(facts, view.Date(m.start())) {
		t.Errorf("%s facts, signed out: %q, want the date %q", m.Path, facts, view.Date(m.start()))
	}
	if strings.Contains(facts, m.Place) || strings.Contains(facts, "14 h 00") {
		t.Errorf("%s facts, signed out: %q, want neither the place nor the time of a meeting with no public details", m.Path, facts)
	}
	main := textOrNone(t, public, "main")
	if js[bool](t, public, `!!document.querySelector('[data-testid=minutes], [data-testid=dissents], [data-testid=agenda], [data-testid=decisions]')`) {
		t.Errorf("%s, signed out, shows the minutes, positions, agenda or decisions", m.Path)
	}
	secrets := []string{"observatoire ne dispose pas", "Réunir le groupe de travail"}
	for _, line := range strings.Split(minutes, "\n") {
		if line = strings.TrimLeft(line, "#- "); line != "" {
			secrets = append(secrets, line)
		}
	}
	for _, secret := range secrets {
		if strings.Contains(main, secret) {
			t.Errorf("%s, signed out, shows %q:\n%s", m.Path, secret, main)
		}
	}
	if !strings.Contains(main, "Le compte rendu approuvé est réservé aux membres du comité.") {
		t.Errorf("%s, signed out:\n%s\nwant « Le compte rendu approuvé est réservé aux membres du comité. »", m.Path, main)
	}

	status := visit(t, public, p.URL+m.Path+"/minutes")
	u := location(t, public)
	switch {
	case u.Path == "/login":
		wantLoginFor(t, public, m.Path+"/minutes")
	case status == 403 || status == 404:
	default:
		t.Errorf("GET %s/minutes, signed out: status %d on %s, want the login page or a refusal", m.Path, status, u.Path)
	}
	if got := textOrNone(t, public, "main"); strings.Contains(got, "La séance est levée") {
		t.Errorf("%s/minutes, signed out, shows the minutes:\n%s", m.Path, got)
	}

	visit(t, public, p.URL+doc)
	wantLoginFor(t, public, doc)
	if status, _, _ := httpGet(t, p.URL+doc+"/download"); status == 200 {
		t.Errorf("GET %s/download without a cookie: status 200, want a refusal", doc)
	}
}

// meetingID returns the id in a meeting's path.
func meetingID(t *testing.T, path string) string {
	t.Helper()
	m := meetingPathRe.FindStringSubmatch(path)
	if m == nil {
		t.Fatalf("%q is not a meeting's path", path)
	}
	return m[1]
}

// hostOf returns the host name of a URL.
func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Hostname()
}

// httpGet fetches u with no cookie and no redirect, and returns the status,
// the Content-Type and the body.
func httpGet(t *testing.T, u string) (int, string, string) {
	t.Helper()
	client := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

// mustText returns the visible text of the first element that matches sel
// on the page shown, trimmed; unlike text, it does not wait for the element
// and stops the test when there is none.
func mustText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	got := js[*string](t, ctx, `document.querySelector(`+jsString(sel)+`)?.innerText ?? null`)
	if got == nil {
		t.Fatalf("%s: no %s (%s)", location(t, ctx).Path, sel, textOrNone(t, ctx, "[data-testid=flash]"))
	}
	return strings.TrimSpace(*got)
}

// valueOf returns the value of the form field that matches sel on the page
// shown, without waiting; it stops the test when there is none.
func valueOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	got := js[*string](t, ctx, `document.querySelector(`+jsString(sel)+`)?.value ?? null`)
	if got == nil {
		t.Fatalf("%s: no field %s", location(t, ctx).Path, sel)
	}
	return *got
}

// followCSS clicks the element that matches sel on the page shown, as
// follow does; unlike a bare click, it stops the test at once when there is
// no such element instead of waiting for one.
func followCSS(t *testing.T, ctx context.Context, sel string) int64 {
	t.Helper()
	return followElement(t, ctx, `document.querySelector(`+jsString(sel)+`)`, sel)
}

// clickCSS clicks the element that matches sel on the page shown, and stops
// the test at once when there is none.
func clickCSS(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if !js[bool](t, ctx, `!!document.querySelector(`+jsString(sel)+`)`) {
		t.Fatalf("%s: no %s", location(t, ctx).Path, sel)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(sel)))
}

// TestPastMeetingPage checks the page of a meeting that took place, as a
// member reads it: an in-page menu to each section, what was said and
// decided before the agenda and the sign-in sheet, the minutes' own
// headings under the section's, and the sheet folded by category.
func TestPastMeetingPage(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	ctx := meetingTab(t)
	signIn(t, ctx, p, "association")
	visit(t, ctx, p.URL+"/meetings")
	href := js[string](t, ctx, `[...document.querySelectorAll('[data-testid=past-meetings] a')].find(a => a.textContent.trim() === `+jsString(meetingTitle)+`)?.getAttribute('href') ?? ''`)
	if href == "" {
		t.Fatalf("/meetings does not list %q", meetingTitle)
	}
	visit(t, ctx, p.URL+href)

	menu := js[[]string](t, ctx, `[...document.querySelectorAll('[data-testid=page-menu] a')].map(a => a.getAttribute('href'))`)
	if want := []string{"#compte-rendu", "#decisions", "#ordre-du-jour", "#documents", "#participation"}; !slices.Equal(menu, want) {
		t.Errorf("in-page menu %q, want %q", menu, want)
	}
	// Every entry leads to a section heading, in the menu's order.
	order := js[[]string](t, ctx, `[...document.querySelectorAll('main h2[id]')].map(h => '#' + h.id)`)
	var inOrder []string
	for _, id := range order {
		if slices.Contains(menu, id) {
			inOrder = append(inOrder, id)
		}
	}
	if !slices.Equal(inOrder, menu) {
		t.Errorf("sections in the page %q, want them in the menu's order %q", order, menu)
	}
	if !js[bool](t, ctx, `!!(document.getElementById('compte-rendu').compareDocumentPosition(document.getElementById('participation')) & Node.DOCUMENT_POSITION_FOLLOWING)`) {
		t.Errorf("the minutes do not come before the attendance")
	}
	if n := js[int](t, ctx, `document.querySelectorAll('[data-testid=minutes] h1, [data-testid=minutes] h2').length`); n != 0 {
		t.Errorf("the minutes have %d headings of level 1 or 2, want them under the section's h2", n)
	}
	if n := js[int](t, ctx, `document.querySelectorAll('[data-testid=minutes] h3').length`); n == 0 {
		t.Errorf("the minutes' own headings are not h3")
	}
	folds := js[[]string](t, ctx, `[...document.querySelectorAll('details[data-testid=attendance-category]')].map(d => (d.open ? 'open ' : '') + d.querySelector('summary').textContent.trim().replace(/\s+/g, ' '))`)
	if len(folds) < 2 || !slices.ContainsFunc(folds, func(s string) bool { return strings.HasPrefix(s, "Associations : ") }) {
		t.Errorf("sign-in sheet folds %q, want one closed fold per category, « Associations : … » among them", folds)
	}
	for _, f := range folds {
		if strings.HasPrefix(f, "open ") {
			t.Errorf("fold %q is open, want it folded", f)
		}
	}
}
