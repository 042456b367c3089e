package server

import (
	"cmp"
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"comite/internal/model"
	"comite/web/static"
)

// expectation gives the status each role must get on a route.
type expectation func(r role) int

func everyone(status int) expectation { return func(role) int { return status } }

// signedIn: the public is sent to the login page; every account gets status.
func signedIn(status int) expectation {
	return func(r role) int {
		if r == rolePublic {
			return http.StatusSeeOther
		}
		return status
	}
}

// secretariatOnly: the public goes to the login page, other accounts are refused.
func secretariatOnly(r role) int {
	switch r {
	case rolePublic:
		return http.StatusSeeOther
	case roleSecretariat:
		return http.StatusOK
	}
	return http.StatusForbidden
}

// formSignedIn: an unsafe request from the public is refused outright (no
// redirect after a POST); an account gets status.
func formSignedIn(status int) expectation {
	return func(r role) int {
		if r == rolePublic {
			return http.StatusForbidden
		}
		return status
	}
}

// author: a page for a comment's author (the association role) and, with
// secretariat's status, for the secretariat; the public goes to the login
// page, other members are refused.
func author(status, secretariat int) expectation {
	return func(r role) int {
		switch r {
		case rolePublic:
			return http.StatusSeeOther
		case roleAssociation:
			return status
		case roleSecretariat:
			return secretariat
		}
		return http.StatusForbidden
	}
}

// authorForm: a form only a comment's author (the association role) may
// send.
func authorForm(status, others int) expectation {
	return func(r role) int {
		if r == roleAssociation {
			return status
		}
		return others
	}
}

// adminForm: a back-office form; only the secretariat gets status, the
// public and other accounts are refused.
func adminForm(status int) expectation {
	return func(r role) int {
		if r == roleSecretariat {
			return status
		}
		return http.StatusForbidden
	}
}

// routeCase is how to call one route and what each role must get. Every
// route the router has must appear in the matrix: a new route without a
// declared answer for each role fails TestRouteMatrix.
type routeCase struct {
	path   string
	form   url.Values // sent as POST body when the method is POST
	expect expectation
	// fresh asks for a new signed-in client, for routes that end the session.
	fresh bool
}

// fixtures are the ids of seeded objects the matrix's paths point to.
type fixtures struct {
	meeting, body, mandate, person, seat, spareSeat, account int64
	document, spareDocument                                  int64
	// planned is a future meeting with two agenda items; held a past one
	// with a decision, an action and a remark.
	planned, spareMeeting, item, spareItem int64
	held, decision, action, remark         int64
	calendarMail                           int64
	// plan is the followed plan with an axis and a measure piloted by the
	// pilot role's body (with an indicator, a pending update, a linked
	// recommendation and a link to otherMeasure of otherPlan); campaign is
	// one of its reporting campaigns.
	plan, axis, measure, indicator, update  int64
	otherPlan, otherMeasure, recommendation int64
	campaign                                int64

	// spareMeasure (of otherPlan) and spareIndicator (of otherMeasure)
	// are there for the back office's deletions.
	spareMeasure, spareIndicator int64

	// comment (by the association role) and its reply (by the pilot,
	// an official answer) are on the fixture measure; spareComment is
	// there to be withdrawn. window and spareWindow are consultation
	// windows to come on otherMeasure; followToken unsubscribes the
	// association from the fixture measure.
	comment, reply, spareComment int64
	window, spareWindow          int64
	followToken                  string

	// news is a public article with a link, draft an unpublished one,
	// spareNews one for the deletion (news_test.go).
	news, draft, spareNews string

	// survey is the demo's open survey, ownReturn the association role's
	// return to it (kept in the aggregate); spareSurvey is there to be
	// closed.
	survey, ownReturn, spareSurvey int64
	// drafts are the draft texts put to consultation (drafts_routes_test.go).
	drafts draftFixtures
}

func loadFixtures(t *testing.T, p *portal) fixtures {
	t.Helper()
	ctx := context.Background()
	past, err := p.store.MeetingChoices(ctx, p.srv.now(), 1)
	if err != nil || len(past) != 1 {
		t.Fatalf("seeded meeting: got %v, %v", past, err)
	}
	body, err := p.store.BodyBySlug(ctx, "ccem")
	if err != nil {
		t.Fatal(err)
	}
	mandate, err := p.store.CurrentMandate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seats, err := p.store.SeatsOn(ctx, mandate.ID, p.srv.now())
	if err != nil {
		t.Fatal(err)
	}
	var seat model.Seat
	for _, st := range seats {
		if st.BodyID == body.ID && st.Role == model.SeatTitulaire {
			seat = st
		}
	}
	person, err := p.store.Person(ctx, seat.PersonID)
	if err != nil {
		t.Fatal(err)
	}
	person.Email = "titulaire.ccem@test.example"
	if err := p.store.UpdatePerson(ctx, person); err != nil {
		t.Fatal(err)
	}
	spare, err := p.store.CreateSeat(ctx, model.Seat{MandateID: mandate.ID, BodyID: body.ID, Role: model.SeatSuppleant, StartsOn: mandate.StartsOn})
	if err != nil {
		t.Fatal(err)
	}
	account, err := p.store.AccountByEmail(ctx, p.emails[roleUnion])
	if err != nil {
		t.Fatal(err)
	}
	meetings := meetingFixtures(t, p, account.ID, body.ID)
	news := newsFixtures(t, p, past[0].ID)
	plans := planFixtures(t, p)
	comments := commentFixtures(t, p, plans)
	obs := observatoryFixtures(t, p, body.ID)
	return fixtures{meeting: past[0].ID, planned: meetings.planned, spareMeeting: meetings.spareMeeting, item: meetings.item,
		spareItem: meetings.spareItem, held: meetings.held, decision: meetings.decision, action: meetings.action, remark: meetings.remark,
		calendarMail: meetings.calendarMail,
		plan:         plans.plan, axis: plans.axis, measure: plans.measure, indicator: plans.indicator, update: plans.update,
		otherPlan: plans.otherPlan, otherMeasure: plans.otherMeasure, recommendation: plans.recommendation, campaign: plans.campaign, spareMeasure: plans.spareMeasure, spareIndicator: plans.spareIndicator,
		comment: comments.comment, reply: comments.reply, spareComment: comments.spareComment, window: comments.window,
		spareWindow: comments.spareWindow, followToken: comments.followToken, body: body.ID, mandate: mandate.ID, person: person.ID, seat: seat.ID,
		spareSeat: spare, account: account.ID, news: news.news, draft: news.draft, spareNews: news.spareNews,
		survey: obs.survey, ownReturn: obs.ownReturn, spareSurvey: obs.spareSurvey,
		drafts:        loadDraftFixtures(t, p),
		document:      p.addDocument(t, "Compte rendu", model.VisibilityMembers, model.KindMinutes, "cr.txt", "Compte rendu du comité"),
		spareDocument: p.addDocument(t, "Brouillon", model.VisibilityMembers, model.KindOther, "brouillon.txt", "À supprimer"),
	}
}

func meetingFixtures(t *testing.T, p *portal, accountID, bodyID int64) fixtures {
	t.Helper()
	ctx := context.Background()
	var f fixtures
	must := func(id int64, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	soon := p.srv.now().AddDate(0, 1, 0)
	f.planned = must(p.store.CreateMeeting(ctx, model.Meeting{Title: "Réunion à venir", StartsAt: soon}))
	f.spareMeeting = must(p.store.CreateMeeting(ctx, model.Meeting{Title: "Réunion à supprimer", StartsAt: soon.AddDate(0, 1, 0)}))
	f.item = must(p.store.AddAgendaItem(ctx, model.AgendaItem{MeetingID: f.planned, Title: "Ouverture"}))
	f.spareItem = must(p.store.AddAgendaItem(ctx, model.AgendaItem{MeetingID: f.planned, Title: "Point à retirer"}))
	f.held = must(p.store.EnsureMeeting(ctx, model.Meeting{Slug: "tenue", Title: "Réunion tenue", StartsAt: p.srv.now().AddDate(0, -1, 0),
		Status: model.MeetingHeld}))
	f.decision = must(p.store.AddDecision(ctx, model.Decision{MeetingID: f.held, Text: "Le comité adopte son règlement intérieur."}))
	f.action = must(p.store.AddAction(ctx, model.Action{DecisionID: f.decision, Title: "Diffuser le règlement", OwnerBodyID: bodyID}))
	f.remark = must(p.store.AddRemark(ctx, f.held, accountID, bodyID, "Une remarque.", "<p>Une remarque.</p>"))
	f.calendarMail = must(p.store.QueueCalendarMail(ctx, "titulaire.ccem@test.example", "Convocation", "Texte", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
	return f
}

func planFixtures(t *testing.T, p *portal) fixtures {
	t.Helper()
	ctx := context.Background()
	var f fixtures
	must := func(id int64, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	pilot, err := p.store.AccountByEmail(ctx, p.emails[rolePilot])
	if err != nil {
		t.Fatal(err)
	}
	f.plan = must(p.store.CreatePlan(ctx, model.Plan{Slug: "plan-test", Title: "Plan national de test", Followed: true, Period: "2024-2027"}))
	f.axis = must(p.store.CreateAxis(ctx, model.Axis{PlanID: f.plan, Number: 1, Title: "Prévenir"}))
	f.measure = must(p.store.CreateMeasure(ctx, model.Measure{PlanID: f.plan, AxisID: f.axis, Number: "1", Title: "Former les professionnels",
		Status: model.MeasureInProgress, Progress: 20}))
	if err := p.store.SetMeasureBodies(ctx, f.measure, []int64{pilot.BodyID}, nil); err != nil {
		t.Fatal(err)
	}
	f.indicator = must(p.store.CreateIndicator(ctx, model.Indicator{MeasureID: f.measure, Label: "Professionnels formés", Target: "5 000"}))
	f.update = must(p.store.AddMeasureUpdate(ctx, model.MeasureUpdate{MeasureID: f.measure, AuthorID: pilot.ID, BodyID: pilot.BodyID,
		State: model.UpdatePending, Status: model.MeasureInProgress, Progress: 40, Text: "Premières sessions tenues.", HappenedOn: p.srv.now()}))
	f.otherPlan = must(p.store.CreatePlan(ctx, model.Plan{Slug: "autre-plan", Title: "Autre plan national", Period: "2023-2027"}))
	f.otherMeasure = must(p.store.CreateMeasure(ctx, model.Measure{PlanID: f.otherPlan, Number: "3", Title: "Mesure d'un autre plan",
		Status: model.MeasureNotStarted}))
	if err := p.store.LinkMeasures(ctx, f.measure, f.otherMeasure); err != nil {
		t.Fatal(err)
	}
	f.recommendation = must(p.store.CreateRecommendation(ctx, model.Recommendation{Source: "GRETA", Round: 3, Paragraph: "12",
		Text: "Le GRETA exhorte les autorités à former les professionnels.", Strength: model.StrengthUrges}))
	if err := p.store.LinkRecommendation(ctx, f.recommendation, f.measure); err != nil {
		t.Fatal(err)
	}
	f.campaign = must(p.store.CreateCampaign(ctx, model.Campaign{PlanID: f.plan, Title: "Bilan à mi-parcours",
		OpensOn: p.srv.now().AddDate(0, 0, -7), DueOn: p.srv.now().AddDate(0, 1, 0)}))
	f.spareMeasure = must(p.store.CreateMeasure(ctx, model.Measure{PlanID: f.otherPlan, Number: "9", Title: "Mesure à supprimer",
		Status: model.MeasureNotStarted}))
	f.spareIndicator = must(p.store.CreateIndicator(ctx, model.Indicator{MeasureID: f.otherMeasure, Label: "Indicateur à supprimer"}))
	return f
}

func commentFixtures(t *testing.T, p *portal, plans fixtures) fixtures {
	t.Helper()
	ctx := context.Background()
	var f fixtures
	must := func(id int64, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	account := func(r role) model.Account {
		t.Helper()
		a, err := p.store.AccountByEmail(ctx, p.emails[r])
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	assoc, pilot := account(roleAssociation), account(rolePilot)
	comment := func(author model.Account, parent int64, official bool, text string) int64 {
		return must(p.store.CreateComment(ctx, model.Comment{MeasureID: plans.measure, ParentID: parent, AuthorID: author.ID,
			BodyID: author.BodyID, Category: author.BodyCategory, Text: text, HTML: "<p>" + text + "</p>", Official: official,
			State: model.CommentPublished}))
	}
	f.comment = comment(assoc, 0, false, "Un commentaire de l'association.")
	f.reply = comment(pilot, f.comment, true, "La réponse officielle du pilote.")
	f.spareComment = comment(assoc, 0, false, "Un commentaire à retirer.")
	soon := p.srv.now().AddDate(0, 1, 0)
	win := model.ConsultationWindow{MeasureID: plans.otherMeasure, OpensAt: soon, ClosesAt: soon.AddDate(0, 1, 0)}
	f.window = must(p.store.AddConsultationWindow(ctx, win, 0))
	f.spareWindow = must(p.store.AddConsultationWindow(ctx, win, 0))
	f.followToken = "jeton-de-test-" + strconv.FormatInt(assoc.ID, 10)
	if err := p.store.Follow(ctx, assoc.ID, plans.measure); err != nil {
		t.Fatal(err)
	}
	if err := p.store.AddUnsubscribeToken(ctx, assoc.ID, plans.measure, hashToken(f.followToken)); err != nil {
		t.Fatal(err)
	}
	return f
}

func id(prefix string, n int64) string { return prefix + strconv.FormatInt(n, 10) }

// observatoryFixtures are the demo's open survey, the return of bodyID
// (the association role's) to it, and a spare survey.
func observatoryFixtures(t *testing.T, p *portal, bodyID int64) fixtures {
	t.Helper()
	ctx := context.Background()
	sv, err := p.store.SurveyByYear(ctx, 2025)
	if err != nil {
		t.Fatal(err)
	}
	ret, err := p.store.ReturnOf(ctx, sv.ID, bodyID)
	if err != nil {
		t.Fatal(err)
	}
	spare, err := p.store.CreateSurvey(ctx, model.Survey{Year: 2030})
	if err != nil {
		t.Fatal(err)
	}
	return fixtures{survey: sv.ID, ownReturn: ret.ID, spareSurvey: spare}
}

// associationOnly: a page only the association role (whose body owns the
// fixture return) may use; the public goes to the login page.
func associationOnly(status int) expectation {
	return func(r role) int {
		switch r {
		case roleAssociation:
			return status
		case rolePublic:
			return http.StatusSeeOther
		}
		return http.StatusForbidden
	}
}

func routeMatrix(f fixtures) map[string]routeCase {
	m := map[string]routeCase{
		"GET /healthz":  {path: "/healthz", expect: everyone(http.StatusOK)},
		"GET /readyz":   {path: "/readyz", expect: everyone(http.StatusOK)},
		"GET /metrics":  {path: "/metrics", expect: everyone(http.StatusOK)},
		"GET /static/*": {path: static.Path("css/app.css"), expect: everyone(http.StatusOK)},

		"GET /":                    {path: "/", expect: everyone(http.StatusOK)},
		"GET /members":             {path: "/members", expect: everyone(http.StatusOK)},
		"GET /members.csv":         {path: "/members.csv", expect: everyone(http.StatusOK)},
		"GET /members/{id}":        {path: id("/members/", f.body), expect: everyone(http.StatusOK)},
		"GET /mandates/{id}":       {path: id("/mandates/", f.mandate), expect: everyone(http.StatusOK)},
		"GET /api/v1/members":      {path: "/api/v1/members", expect: everyone(http.StatusOK)},
		"GET /api/v1/meetings":     {path: "/api/v1/meetings", expect: everyone(http.StatusOK)},
		"GET /api/v1/openapi.yaml": {path: "/api/v1/openapi.yaml", expect: everyone(http.StatusOK)},
		"GET /plans":               {path: "/plans", expect: everyone(http.StatusOK)},
		"GET /plans/matrix":        {path: "/plans/matrix", expect: everyone(http.StatusOK)},
		"GET /plans/{id}":          {path: id("/plans/", f.plan), expect: everyone(http.StatusOK)},
		"GET /measures/{id}":       {path: id("/measures/", f.measure), expect: everyone(http.StatusOK)},
		"GET /recommendations":     {path: "/recommendations", expect: everyone(http.StatusOK)},
		"GET /search":              {path: "/search?q=traite", expect: everyone(http.StatusOK)},

		"GET /plans/{id}.csv":    {path: id("/plans/", f.plan) + ".csv", expect: everyone(http.StatusOK)},
		"GET /plans/{id}/report": {path: id("/plans/", f.plan) + "/report", expect: everyone(http.StatusOK)},
		"GET /api/v1/measures":   {path: "/api/v1/measures", expect: everyone(http.StatusOK)},

		"GET /measures/{id}/updates/new": {path: id("/measures/", f.measure) + "/updates/new", expect: func(r role) int {
			switch r {
			case rolePublic:
				return http.StatusSeeOther
			case rolePilot, roleSecretariat: // the pilot role's body pilots the fixture measure
				return http.StatusOK
			}
			return http.StatusForbidden
		}},
		"POST /measures/{id}/updates/new": {path: id("/measures/", f.measure) + "/updates/new", form: url.Values{}, expect: func(r role) int {
			switch r {
			case rolePilot, roleSecretariat:
				return http.StatusBadRequest // not a multipart form
			}
			return http.StatusForbidden
		}},
		"GET /admin/updates": {path: "/admin/updates", expect: secretariatOnly},

		"GET /unsubscribe/{token}":  {path: "/unsubscribe/" + f.followToken, expect: everyone(http.StatusOK)},
		"POST /unsubscribe/{token}": {path: "/unsubscribe/inconnu", form: url.Values{}, expect: everyone(http.StatusNotFound)},
		"POST /measures/{id}/comments": {path: id("/measures/", f.measure) + "/comments", form: url.Values{}, expect: func(r role) int {
			switch r {
			case rolePublic, roleSecretariat: // the secretariat moderates and does not take part
				return http.StatusForbidden
			}
			return http.StatusUnprocessableEntity // every category may comment by default; the text is missing
		}},
		"POST /measures/{id}/follow": {path: id("/measures/", f.measure) + "/follow", form: url.Values{}, expect: formSignedIn(http.StatusSeeOther)},
		"GET /comments/{id}/edit":    {path: id("/comments/", f.comment) + "/edit", expect: author(http.StatusOK, http.StatusForbidden)},
		"POST /comments/{id}/edit": {path: id("/comments/", f.comment) + "/edit", form: url.Values{},
			expect: authorForm(http.StatusBadRequest, http.StatusForbidden)}, // no version
		"GET /comments/{id}/withdraw":  {path: id("/comments/", f.comment) + "/withdraw", expect: author(http.StatusOK, http.StatusForbidden)},
		"POST /comments/{id}/withdraw": {path: id("/comments/", f.spareComment) + "/withdraw", form: url.Values{}, expect: authorForm(http.StatusSeeOther, http.StatusForbidden)},
		"GET /comments/{id}":           {path: id("/comments/", f.comment), expect: everyone(http.StatusSeeOther)},
		"GET /comments/{id}/history":   {path: id("/comments/", f.comment) + "/history", expect: author(http.StatusOK, http.StatusOK)},
		"POST /comments/{id}/official": {path: id("/comments/", f.reply) + "/official", form: url.Values{}, expect: func(r role) int {
			if r == rolePilot {
				return http.StatusSeeOther
			}
			return http.StatusForbidden
		}},
		"GET /comments/{id}/flag": {path: id("/comments/", f.comment) + "/flag", expect: func(r role) int {
			switch r {
			case rolePublic:
				return http.StatusSeeOther
			case roleAssociation, roleSecretariat: // its author; the moderator
				return http.StatusForbidden
			}
			return http.StatusOK
		}},
		"POST /comments/{id}/flag": {path: id("/comments/", f.comment) + "/flag", form: url.Values{}, expect: func(r role) int {
			switch r {
			case rolePublic, roleAssociation, roleSecretariat:
				return http.StatusForbidden
			}
			return http.StatusUnprocessableEntity // no reason
		}},
		"GET /admin/moderation":                       {path: "/admin/moderation", expect: secretariatOnly},
		"POST /admin/comments/{id}/moderate":          {path: id("/admin/comments/", f.comment) + "/moderate", form: url.Values{}, expect: adminForm(http.StatusBadRequest)},
		"GET /admin/plans/{id}/consultation":          {path: id("/admin/plans/", f.plan) + "/consultation", expect: secretariatOnly},
		"POST /admin/plans/{id}/consultation":         {path: id("/admin/plans/", f.otherPlan) + "/consultation", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"POST /admin/plans/{id}/consultation/windows": {path: id("/admin/plans/", f.plan) + "/consultation/windows", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"POST /admin/windows/{id}/close":              {path: id("/admin/windows/", f.window) + "/close", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"GET /admin/windows/{id}/delete":              {path: id("/admin/windows/", f.spareWindow) + "/delete", expect: secretariatOnly},
		"POST /admin/windows/{id}/delete":             {path: id("/admin/windows/", f.spareWindow) + "/delete", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"POST /measures/{id}/updates/{update}/review": {path: id("/measures/", f.measure) + id("/updates/", f.update) + "/review",
			form: url.Values{}, expect: adminForm(http.StatusBadRequest)},
		"GET /plans/{id}/campaigns/new":             {path: id("/plans/", f.plan) + "/campaigns/new", expect: secretariatOnly},
		"POST /plans/{id}/campaigns/new":            {path: id("/plans/", f.plan) + "/campaigns/new", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /campaigns/{id}":                       {path: id("/campaigns/", f.campaign), expect: secretariatOnly},
		"GET /documents":                            {path: "/documents", expect: everyone(http.StatusOK)},
		"GET /documents/{id}":                       {path: id("/documents/", f.document), expect: signedIn(http.StatusOK)},
		"GET /documents/{id}/download":              {path: id("/documents/", f.document) + "/download", expect: signedIn(http.StatusOK)},
		"GET /documents/{id}/versions/{n}/download": {path: id("/documents/", f.document) + "/versions/1/download", expect: signedIn(http.StatusOK)},
		"GET /documents/new":                        {path: "/documents/new", expect: signedIn(http.StatusOK)},
		"POST /documents/new":                       {path: "/documents/new", form: url.Values{}, expect: formSignedIn(http.StatusBadRequest)},
		"GET /documents/{id}/edit":                  {path: id("/documents/", f.document) + "/edit", expect: secretariatOnly},
		"POST /documents/{id}/edit":                 {path: id("/documents/", f.document) + "/edit", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"POST /documents/{id}/versions":             {path: id("/documents/", f.document) + "/versions", form: url.Values{}, expect: adminForm(http.StatusBadRequest)},
		"POST /documents/{id}/links":                {path: id("/documents/", f.document) + "/links", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"GET /documents/{id}/delete":                {path: id("/documents/", f.spareDocument) + "/delete", expect: secretariatOnly},
		"POST /documents/{id}/delete":               {path: id("/documents/", f.spareDocument) + "/delete", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"GET /news":                                 {path: "/news", expect: everyone(http.StatusOK)},
		"GET /news.atom":                            {path: "/news.atom", expect: everyone(http.StatusOK)},
		"GET /news/{slug}":                          {path: "/news/" + f.news, expect: everyone(http.StatusOK)},
		"GET /news/new":                             {path: "/news/new", expect: secretariatOnly},
		"POST /news/new":                            {path: "/news/new", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /news/{slug}/edit":                     {path: "/news/" + f.draft + "/edit", expect: secretariatOnly},
		"POST /news/{slug}/edit":                    {path: "/news/" + f.draft + "/edit", form: url.Values{}, expect: adminForm(http.StatusBadRequest)},
		"GET /news/{slug}/delete":                   {path: "/news/" + f.spareNews + "/delete", expect: secretariatOnly},
		"POST /news/{slug}/delete":                  {path: "/news/" + f.spareNews + "/delete", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"POST /news/{slug}/links":                   {path: "/news/" + f.news + "/links", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"POST /news/{slug}/links/{n}/delete":        {path: "/news/" + f.news + "/links/1/delete", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"POST /news/{slug}/attachments":             {path: "/news/" + f.news + "/attachments", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"POST /account/news":                        {path: "/account/news", form: url.Values{}, expect: formSignedIn(http.StatusSeeOther)},
		"GET /accessibility":                        {path: "/accessibility", expect: everyone(http.StatusOK)},
		"GET /privacy":                              {path: "/privacy", expect: everyone(http.StatusOK)},
		"GET /legal":                                {path: "/legal", expect: everyone(http.StatusOK)},
		"GET /login": {path: "/login", expect: func(r role) int {
			if r == rolePublic {
				return http.StatusOK
			}
			return http.StatusSeeOther // already signed in: sent on
		}},
		"POST /login":  {path: "/login", form: url.Values{}, expect: everyone(http.StatusUnprocessableEntity)},
		"POST /logout": {path: "/logout", form: url.Values{}, expect: everyone(http.StatusSeeOther), fresh: true},

		"GET /meetings":                         {path: "/meetings", expect: everyone(http.StatusOK)},
		"GET /meetings.ics":                     {path: "/meetings.ics", expect: everyone(http.StatusOK)},
		"GET /meetings/{id}":                    {path: id("/meetings/", f.meeting), expect: everyone(http.StatusOK)},
		"GET /meetings/{id}.ics":                {path: id("/meetings/", f.meeting) + ".ics", expect: everyone(http.StatusOK)},
		"GET /meetings/{id}/minutes":            {path: id("/meetings/", f.meeting) + "/minutes", expect: signedIn(http.StatusOK)},
		"POST /meetings/{id}/answer":            {path: id("/meetings/", f.planned) + "/answer", form: url.Values{}, expect: everyone(http.StatusForbidden)},
		"POST /meetings/{id}/remarks":           {path: id("/meetings/", f.held) + "/remarks", form: url.Values{}, expect: everyone(http.StatusForbidden)},
		"POST /meetings/{id}/dissent":           {path: id("/meetings/", f.held) + "/dissent", form: url.Values{}, expect: everyone(http.StatusForbidden)},
		"GET /meetings/new":                     {path: "/meetings/new", expect: secretariatOnly},
		"POST /meetings/new":                    {path: "/meetings/new", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /meetings/{id}/edit":               {path: id("/meetings/", f.planned) + "/edit", expect: secretariatOnly},
		"POST /meetings/{id}/edit":              {path: id("/meetings/", f.planned) + "/edit", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /meetings/{id}/delete":             {path: id("/meetings/", f.spareMeeting) + "/delete", expect: secretariatOnly},
		"POST /meetings/{id}/delete":            {path: id("/meetings/", f.spareMeeting) + "/delete", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"GET /meetings/{id}/status":             {path: id("/meetings/", f.planned) + "/status?to=agenda_published", expect: secretariatOnly},
		"POST /meetings/{id}/status":            {path: id("/meetings/", f.planned) + "/status?to=cancelled", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"POST /meetings/{id}/agenda":            {path: id("/meetings/", f.planned) + "/agenda", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"POST /meetings/{id}/agenda/order":      {path: id("/meetings/", f.planned) + "/agenda/order", form: url.Values{}, expect: adminForm(http.StatusBadRequest)},
		"POST /meetings/{id}/agenda/actions":    {path: id("/meetings/", f.planned) + "/agenda/actions", form: url.Values{}, expect: adminForm(http.StatusBadRequest)},
		"GET /meetings/{id}/agenda/{item}/edit": {path: id("/meetings/", f.planned) + id("/agenda/", f.item) + "/edit", expect: secretariatOnly},
		"POST /meetings/{id}/agenda/{item}/edit": {path: id("/meetings/", f.planned) + id("/agenda/", f.item) + "/edit", form: url.Values{},
			expect: adminForm(http.StatusUnprocessableEntity)},
		"POST /meetings/{id}/agenda/{item}/move": {path: id("/meetings/", f.planned) + id("/agenda/", f.item) + "/move", form: url.Values{},
			expect: adminForm(http.StatusSeeOther)},
		"GET /meetings/{id}/agenda/{item}/delete": {path: id("/meetings/", f.planned) + id("/agenda/", f.spareItem) + "/delete", expect: secretariatOnly},
		"POST /meetings/{id}/agenda/{item}/delete": {path: id("/meetings/", f.planned) + id("/agenda/", f.spareItem) + "/delete", form: url.Values{},
			expect: adminForm(http.StatusSeeOther)},
		"GET /meetings/{id}/attendance":                  {path: id("/meetings/", f.held) + "/attendance", expect: secretariatOnly},
		"POST /meetings/{id}/attendance":                 {path: id("/meetings/", f.held) + "/attendance", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"GET /meetings/{id}/minutes/edit":                {path: id("/meetings/", f.held) + "/minutes/edit", expect: secretariatOnly},
		"POST /meetings/{id}/minutes/edit":               {path: id("/meetings/", f.held) + "/minutes/edit", form: url.Values{}, expect: adminForm(http.StatusBadRequest)},
		"GET /meetings/{id}/minutes/history":             {path: id("/meetings/", f.held) + "/minutes/history", expect: secretariatOnly},
		"POST /meetings/{id}/remarks/{remark}":           {path: id("/meetings/", f.held) + id("/remarks/", f.remark), form: url.Values{}, expect: adminForm(http.StatusBadRequest)},
		"POST /meetings/{id}/decisions":                  {path: id("/meetings/", f.held) + "/decisions", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /meetings/{id}/decisions/{decision}/delete": {path: id("/meetings/", f.held) + id("/decisions/", f.decision) + "/delete", expect: secretariatOnly},
		"POST /meetings/{id}/decisions/{decision}/delete": {path: id("/meetings/", f.held) + id("/decisions/", f.decision) + "/delete", form: url.Values{},
			expect: adminForm(http.StatusSeeOther)},
		"POST /actions/{id}/close": {path: id("/actions/", f.action) + "/close", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},

		"GET /account":                          {path: "/account", expect: signedIn(http.StatusOK)},
		"POST /account/password":                {path: "/account/password", form: url.Values{}, expect: formSignedIn(http.StatusUnprocessableEntity)},
		"POST /account/calendar":                {path: "/account/calendar", form: url.Values{}, expect: formSignedIn(http.StatusOK)},
		"POST /account/calendar/revoke":         {path: "/account/calendar/revoke", form: url.Values{}, expect: formSignedIn(http.StatusSeeOther)},
		"GET /admin/outbox/{id}/invitation.ics": {path: id("/admin/outbox/", f.calendarMail) + "/invitation.ics", expect: secretariatOnly},

		"GET /password-reset":          {path: "/password-reset", expect: everyone(http.StatusOK)},
		"POST /password-reset":         {path: "/password-reset", form: url.Values{}, expect: everyone(http.StatusUnprocessableEntity)},
		"GET /password-reset/{token}":  {path: "/password-reset/inconnu", expect: everyone(http.StatusNotFound)},
		"POST /password-reset/{token}": {path: "/password-reset/inconnu", form: url.Values{}, expect: everyone(http.StatusNotFound)},
		"GET /invitation/{token}":      {path: "/invitation/inconnu", expect: everyone(http.StatusNotFound)},
		"POST /invitation/{token}":     {path: "/invitation/inconnu", form: url.Values{}, expect: everyone(http.StatusNotFound)},

		"GET /admin":                    {path: "/admin", expect: secretariatOnly},
		"GET /admin/audit":              {path: "/admin/audit", expect: secretariatOnly},
		"GET /admin/outbox":             {path: "/admin/outbox", expect: secretariatOnly},
		"GET /admin/outbox/groups/{id}": {path: id("/admin/outbox/groups/", f.calendarMail), expect: secretariatOnly},
		"POST /admin/accounts/{id}":     {path: id("/admin/accounts/", f.account), form: url.Values{}, expect: adminForm(http.StatusBadRequest)},

		"GET /admin/plans":                                        {path: "/admin/plans", expect: secretariatOnly},
		"GET /admin/plans/new":                                    {path: "/admin/plans/new", expect: secretariatOnly},
		"POST /admin/plans/new":                                   {path: "/admin/plans/new", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/plans/{id}":                                   {path: id("/admin/plans/", f.plan), expect: secretariatOnly},
		"GET /admin/plans/{id}/edit":                              {path: id("/admin/plans/", f.plan) + "/edit", expect: secretariatOnly},
		"POST /admin/plans/{id}/edit":                             {path: id("/admin/plans/", f.plan) + "/edit", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"POST /admin/plans/{id}/axes":                             {path: id("/admin/plans/", f.plan) + "/axes", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/axes/{id}/edit":                               {path: id("/admin/axes/", f.axis) + "/edit", expect: secretariatOnly},
		"POST /admin/axes/{id}/edit":                              {path: id("/admin/axes/", f.axis) + "/edit", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/axes/{id}/delete":                             {path: id("/admin/axes/", f.axis) + "/delete", expect: secretariatOnly},
		"POST /admin/axes/{id}/delete":                            {path: id("/admin/axes/", f.axis) + "/delete", form: url.Values{}, expect: adminForm(http.StatusSeeOther)}, // refused: the axis has f.measure
		"GET /admin/plans/{id}/measures/new":                      {path: id("/admin/plans/", f.plan) + "/measures/new", expect: secretariatOnly},
		"POST /admin/plans/{id}/measures/new":                     {path: id("/admin/plans/", f.plan) + "/measures/new", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/measures/{id}/edit":                           {path: id("/admin/measures/", f.measure) + "/edit", expect: secretariatOnly},
		"POST /admin/measures/{id}/edit":                          {path: id("/admin/measures/", f.measure) + "/edit", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/measures/{id}/delete":                         {path: id("/admin/measures/", f.spareMeasure) + "/delete", expect: secretariatOnly},
		"POST /admin/measures/{id}/delete":                        {path: id("/admin/measures/", f.spareMeasure) + "/delete", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"POST /admin/measures/{id}/indicators":                    {path: id("/admin/measures/", f.measure) + "/indicators", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/measures/{id}/indicators/{indicator}/edit":    {path: id("/admin/measures/", f.measure) + id("/indicators/", f.indicator) + "/edit", expect: secretariatOnly},
		"POST /admin/measures/{id}/indicators/{indicator}/edit":   {path: id("/admin/measures/", f.measure) + id("/indicators/", f.indicator) + "/edit", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/measures/{id}/indicators/{indicator}/delete":  {path: id("/admin/measures/", f.otherMeasure) + id("/indicators/", f.spareIndicator) + "/delete", expect: secretariatOnly},
		"POST /admin/measures/{id}/indicators/{indicator}/delete": {path: id("/admin/measures/", f.otherMeasure) + id("/indicators/", f.spareIndicator) + "/delete", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"POST /admin/measures/{id}/recommendations":               {path: id("/admin/measures/", f.measure) + "/recommendations", form: url.Values{}, expect: adminForm(http.StatusBadRequest)},
		"POST /admin/measures/{id}/links":                         {path: id("/admin/measures/", f.measure) + "/links", form: url.Values{}, expect: adminForm(http.StatusBadRequest)},
		"GET /admin/recommendations":                              {path: "/admin/recommendations", expect: secretariatOnly},
		"GET /admin/recommendations/new":                          {path: "/admin/recommendations/new", expect: secretariatOnly},
		"POST /admin/recommendations/new":                         {path: "/admin/recommendations/new", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/recommendations/{id}/edit":                    {path: id("/admin/recommendations/", f.recommendation) + "/edit", expect: secretariatOnly},
		"POST /admin/recommendations/{id}/edit":                   {path: id("/admin/recommendations/", f.recommendation) + "/edit", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},

		"GET /observatory":                             {path: "/observatory", expect: everyone(http.StatusOK)},
		"GET /observatory.csv":                         {path: "/observatory.csv", expect: everyone(http.StatusOK)},
		"GET /observatory.json":                        {path: "/observatory.json", expect: everyone(http.StatusOK)},
		"GET /observatory/returns":                     {path: "/observatory/returns", expect: signedIn(http.StatusOK)},
		"GET /observatory/returns/{id}":                {path: id("/observatory/returns/", f.ownReturn), expect: associationOnly(http.StatusOK)},                                                        // the secretariat included: kept in the aggregate
		"POST /observatory/returns/{id}/note":          {path: id("/observatory/returns/", f.ownReturn) + "/note", form: url.Values{}, expect: authorForm(http.StatusBadRequest, http.StatusForbidden)}, // not multipart
		"GET /observatory/surveys/{id}/return":         {path: id("/observatory/surveys/", f.survey) + "/return", expect: associationOnly(http.StatusOK)},
		"POST /observatory/surveys/{id}/return":        {path: id("/observatory/surveys/", f.survey) + "/return", form: url.Values{}, expect: authorForm(http.StatusUnprocessableEntity, http.StatusForbidden)},
		"GET /observatory/surveys/{id}/return.csv":     {path: id("/observatory/surveys/", f.survey) + "/return.csv", expect: associationOnly(http.StatusOK)},
		"GET /observatory/surveys/{id}/return/import":  {path: id("/observatory/surveys/", f.survey) + "/return/import", expect: associationOnly(http.StatusOK)},
		"POST /observatory/surveys/{id}/return/import": {path: id("/observatory/surveys/", f.survey) + "/return/import", form: url.Values{}, expect: authorForm(http.StatusBadRequest, http.StatusForbidden)},
		"GET /admin/observatory":                       {path: "/admin/observatory", expect: secretariatOnly},
		"GET /admin/observatory/new":                   {path: "/admin/observatory/new", expect: secretariatOnly},
		"POST /admin/observatory/new":                  {path: "/admin/observatory/new", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/observatory/import":                {path: "/admin/observatory/import", expect: secretariatOnly},
		"POST /admin/observatory/import":               {path: "/admin/observatory/import", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"POST /admin/observatory/statisticians":        {path: "/admin/observatory/statisticians", form: url.Values{}, expect: adminForm(http.StatusBadRequest)},
		"GET /admin/observatory/{id}":                  {path: id("/admin/observatory/", f.survey), expect: secretariatOnly},
		"POST /admin/observatory/{id}/remind":          {path: id("/admin/observatory/", f.survey) + "/remind", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"POST /admin/observatory/{id}/close":           {path: id("/admin/observatory/", f.spareSurvey) + "/close", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},

		"GET /admin/bodies":              {path: "/admin/bodies", expect: secretariatOnly},
		"GET /admin/bodies/new":          {path: "/admin/bodies/new", expect: secretariatOnly},
		"POST /admin/bodies/new":         {path: "/admin/bodies/new", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/bodies/{id}/edit":    {path: id("/admin/bodies/", f.body) + "/edit", expect: secretariatOnly},
		"POST /admin/bodies/{id}/edit":   {path: id("/admin/bodies/", f.body) + "/edit", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/bodies/{id}/delete":  {path: id("/admin/bodies/", f.body) + "/delete", expect: secretariatOnly},
		"POST /admin/bodies/{id}/delete": {path: id("/admin/bodies/", f.body) + "/delete", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},

		"GET /admin/people":              {path: "/admin/people", expect: secretariatOnly},
		"GET /admin/people/new":          {path: "/admin/people/new", expect: secretariatOnly},
		"POST /admin/people/new":         {path: "/admin/people/new", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/people/{id}/edit":    {path: id("/admin/people/", f.person) + "/edit", expect: secretariatOnly},
		"POST /admin/people/{id}/edit":   {path: id("/admin/people/", f.person) + "/edit", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/people/{id}/delete":  {path: id("/admin/people/", f.person) + "/delete", expect: secretariatOnly},
		"POST /admin/people/{id}/delete": {path: id("/admin/people/", f.person) + "/delete", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},

		"GET /admin/mandates":                 {path: "/admin/mandates", expect: secretariatOnly},
		"GET /admin/mandates/new":             {path: "/admin/mandates/new", expect: secretariatOnly},
		"POST /admin/mandates/new":            {path: "/admin/mandates/new", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/mandates/{id}":            {path: id("/admin/mandates/", f.mandate), expect: secretariatOnly},
		"GET /admin/mandates/{id}/edit":       {path: id("/admin/mandates/", f.mandate) + "/edit", expect: secretariatOnly},
		"POST /admin/mandates/{id}/edit":      {path: id("/admin/mandates/", f.mandate) + "/edit", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/mandates/{id}/import":     {path: id("/admin/mandates/", f.mandate) + "/import", expect: secretariatOnly},
		"POST /admin/mandates/{id}/import":    {path: id("/admin/mandates/", f.mandate) + "/import", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/mandates/{id}/seats/new":  {path: id("/admin/mandates/", f.mandate) + "/seats/new", expect: secretariatOnly},
		"POST /admin/mandates/{id}/seats/new": {path: id("/admin/mandates/", f.mandate) + "/seats/new", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},

		"GET /admin/seats/{id}/edit":     {path: id("/admin/seats/", f.seat) + "/edit", expect: secretariatOnly},
		"POST /admin/seats/{id}/edit":    {path: id("/admin/seats/", f.seat) + "/edit", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/seats/{id}/replace":  {path: id("/admin/seats/", f.seat) + "/replace", expect: secretariatOnly},
		"POST /admin/seats/{id}/replace": {path: id("/admin/seats/", f.seat) + "/replace", form: url.Values{}, expect: adminForm(http.StatusUnprocessableEntity)},
		"GET /admin/seats/{id}/invite":   {path: id("/admin/seats/", f.seat) + "/invite", expect: secretariatOnly},
		"POST /admin/seats/{id}/invite":  {path: id("/admin/seats/", f.seat) + "/invite", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
		"GET /admin/seats/{id}/delete":   {path: id("/admin/seats/", f.spareSeat) + "/delete", expect: secretariatOnly},
		"POST /admin/seats/{id}/delete":  {path: id("/admin/seats/", f.spareSeat) + "/delete", form: url.Values{}, expect: adminForm(http.StatusSeeOther)},
	}
	maps.Copy(m, draftRouteMatrix(f.drafts))
	return m
}

func TestRouteMatrix(t *testing.T) {
	p := newPortal(t, nil)
	matrix := routeMatrix(loadFixtures(t, p))

	var routes []string
	err := chi.Walk(p.srv.Handler().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == http.MethodHead || (strings.HasPrefix(route, "/static/") && method != http.MethodGet) {
			return nil
		}
		routes = append(routes, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range routes {
		seen[r] = true
		if _, ok := matrix[r]; !ok {
			t.Errorf("route %q has no line in the role matrix: declare what each role gets", r)
		}
	}
	for r := range matrix {
		if !seen[r] {
			t.Errorf("matrix line %q matches no route", r)
		}
	}

	clients := map[role]*client{}
	for _, r := range allRoles {
		clients[r] = p.as(r)
	}
	// Reads first: a POST may delete the fixture a GET line points to.
	isPost := func(r string) int {
		if strings.HasPrefix(r, "POST ") {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(routes, func(a, b string) int { return cmp.Compare(isPost(a), isPost(b)) })
	for _, key := range routes {
		rc, ok := matrix[key]
		if !ok {
			continue
		}
		method := strings.SplitN(key, " ", 2)[0]
		for _, r := range allRoles {
			c := clients[r]
			if rc.fresh {
				c = p.as(r)
			}
			var res response
			if method == http.MethodPost {
				res = c.postForm(rc.path, rc.form)
			} else {
				res = c.get(rc.path)
			}
			if want := rc.expect(r); res.StatusCode != want {
				t.Errorf("%s as %s: got status %d, want %d", key, r, res.StatusCode, want)
			}
			if r == rolePublic && res.StatusCode == http.StatusSeeOther && method == http.MethodGet && rc.path != "/login" {
				if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/login?next=") {
					t.Errorf("%s as public: redirected to %q, want the login page", key, loc)
				}
			}
		}
	}
}
