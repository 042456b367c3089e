package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"comite/internal/access"
	"comite/web/static"
)

// Handler returns the portal's routes wrapped in its middleware. This file is
// the table of contents: every route and who may use it.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(s.requestID, s.compress, s.metrics.instrument, s.logRequests, s.recoverPanics, s.securityHeaders, s.crossOrigin, s.limitBody, s.checkInput, middleware.GetHead, s.serveCached)
	r.NotFound(s.handle(func(w http.ResponseWriter, r *http.Request) error { return errNotFound }))
	r.MethodNotAllowed(s.handle(func(w http.ResponseWriter, r *http.Request) error { return errMethodNotAllowed }))

	// Operations: no session, no page shell.
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Get("/metrics", s.serveMetrics)
	r.Handle("/static/*", static.Handler())

	r.Group(func(r chi.Router) {
		r.Use(s.sessions.LoadAndSave, s.loadViewer)

		// Public pages: a signed-out viewer's answers carry an ETag and
		// are revalidated (etag.go), and kept in the cache of signed-out
		// pages (pagecache.go).
		r.Group(func(r chi.Router) {
			r.Use(s.require(access.ReadPublic), s.fillCache, s.revalidate)
			r.Get("/", s.handle(s.home))
			r.Get("/members", s.handle(s.members))
			r.Get("/members.csv", s.handle(s.membersCSV))
			r.Get("/members/{id}", s.handle(s.body))
			r.Get("/mandates/{id}", s.handle(s.mandate))
			r.Get("/api/v1/members", s.handle(s.membersAPI))
			r.Get("/api/v1/meetings", s.handle(s.meetingsAPI))
			r.Get("/api/v1/openapi.yaml", s.openAPI)
			// Meetings: the public sees past meetings and what the
			// secretariat opened; each handler checks the meeting.
			r.Get("/meetings", s.handle(s.meetings))
			r.Get("/meetings.ics", s.handle(s.meetingsICS))
			r.Get("/meetings/{id}", s.handle(s.meeting))
			r.Get("/meetings/{id}.ics", s.handle(s.meetingICS))
			r.Get("/meetings/{id}/minutes", s.handle(s.printableMinutes))
			// The plan: pages anyone may read.
			r.Get("/plans", s.handle(s.plans))
			r.Get("/plans/matrix", s.handle(s.matrix))
			r.Get("/plans/{id}", s.handle(s.plan))
			r.Get("/measures/{id}", s.handle(s.measure))
			r.Get("/comments/{id}", s.handle(s.commentLocation))
			r.Get("/recommendations", s.handle(s.recommendations))
			r.Get("/search", s.handle(s.search))
			r.Get("/plans/{id}.csv", s.handle(s.planCSV))
			r.Get("/plans/{id}/report", s.handle(s.planReport))
			r.Get("/api/v1/measures", s.handle(s.measuresAPI))
			r.Get("/documents", s.handle(s.documents))
			r.Get("/documents/{id}", s.handle(s.document))
			r.Get("/documents/{id}/download", s.handle(s.download))
			r.Get("/documents/{id}/versions/{n}/download", s.handle(s.download))
			// News: drafts, scheduled and members' articles are decided per article.
			r.Get("/news", s.handle(s.newsList))
			r.Get("/news.atom", s.handle(s.newsFeed))
			r.Get("/news/{slug}", s.handle(s.newsArticle))
			// The observatory's published aggregates (its tables announce
			// their changes since migration 20).
			r.Get("/observatory", s.handle(s.observatory))
			r.Get("/observatory.csv", s.handle(s.observatoryCSV))
			r.Get("/observatory.json", s.handle(s.observatoryJSON))
			r.Get("/accessibility", s.handle(s.accessibility))
			r.Get("/privacy", s.handle(s.privacy))
			r.Get("/legal", s.handle(s.legal))
		})

		// Signing in and links sent by mail: public, never cached (their
		// answers depend on the session or on a token's state).
		r.Group(func(r chi.Router) {
			r.Use(s.require(access.ReadPublic), s.revalidate)
			r.Get("/login", s.handle(s.loginForm))
			r.Post("/login", s.handle(s.login))
			r.Post("/logout", s.handle(s.logout))
			r.Get("/password-reset", s.handle(s.passwordReset))
			r.Post("/password-reset", s.handle(s.passwordReset))
			r.Get("/unsubscribe/{token}", s.handle(s.unsubscribe))
			r.Post("/unsubscribe/{token}", s.handle(s.unsubscribe))
			r.Get("/password-reset/{token}", s.handle(s.setPasswordByLink("reset")))
			r.Post("/password-reset/{token}", s.handle(s.setPasswordByLink("reset")))
			r.Get("/invitation/{token}", s.handle(s.setPasswordByLink("invite")))
			r.Post("/invitation/{token}", s.handle(s.setPasswordByLink("invite")))
		})

		// An association's figures, decided per return (it may make them
		// public): never revalidated nor cached, since every reading from
		// outside the association is recorded and listed to it.
		r.Group(func(r chi.Router) {
			r.Use(s.require(access.ReadPublic))
			r.Get("/observatory/returns/{id}", s.handle(s.surveyReturn))
		})

		// Members' area.
		r.Group(func(r chi.Router) {
			r.Use(s.require(access.ReadMemberArea))
			// Meetings: answering, remarks and dissents are decided per meeting.
			r.Post("/meetings/{id}/answer", s.handle(s.answerInvitation))
			r.Post("/meetings/{id}/remarks", s.handle(s.addRemark))
			r.Post("/meetings/{id}/dissent", s.handle(s.setDissent))

			// The plan: pilots report on their measures, decided per measure.
			r.Post("/measures/{id}/comments", s.handle(s.postComment))
			r.Post("/measures/{id}/follow", s.handle(s.followMeasure))
			r.Get("/comments/{id}/edit", s.handle(s.editComment))
			r.Post("/comments/{id}/edit", s.handle(s.editComment))
			r.Get("/comments/{id}/withdraw", s.handle(s.withdrawComment))
			r.Post("/comments/{id}/withdraw", s.handle(s.withdrawComment))
			r.Get("/comments/{id}/history", s.handle(s.commentHistory))
			r.Post("/comments/{id}/official", s.handle(s.markOfficial))
			r.Get("/comments/{id}/flag", s.handle(s.flagComment))
			r.Post("/comments/{id}/flag", s.handle(s.flagComment))

			// Draft texts put to consultation: reading is for members;
			// who may contribute, edit, withdraw or support is decided per
			// text and contribution (drafts.go, drafts_contributions.go).
			r.Get("/consultations", s.handle(s.draftTexts))
			r.Get("/consultations/{id}", s.handle(s.draftText))
			r.Get("/consultations/{id}/compare", s.handle(s.compareVersions))
			r.Get("/consultations/{id}/synthesis", s.handle(s.synthesisPage))
			r.Get("/consultations/{id}/synthesis.csv", s.handle(s.synthesisCSV))
			r.Get("/consultations/{id}/synthesis.json", s.handle(s.synthesisJSON))
			r.Post("/consultations/{id}/contributions", s.handle(s.postContribution))
			r.Post("/consultations/{id}/follow", s.handle(s.followDraftText))
			r.Get("/contributions/{id}/edit", s.handle(s.editContribution))
			r.Post("/contributions/{id}/edit", s.handle(s.editContribution))
			r.Post("/contributions/{id}/withdraw", s.handle(s.withdrawContribution))
			r.Post("/contributions/{id}/support", s.handle(s.supportContribution))

			r.Get("/measures/{id}/updates/new", s.handle(s.newMeasureUpdate))
			r.Post("/measures/{id}/updates/new", s.handle(s.newMeasureUpdate))

			// Documents: who may upload, edit or attach is decided per object.
			r.Get("/documents/new", s.handle(s.newDocument))
			r.Post("/documents/new", s.handle(s.newDocument))
			r.Get("/documents/{id}/edit", s.handle(s.editDocument))
			r.Post("/documents/{id}/edit", s.handle(s.editDocument))
			r.Post("/documents/{id}/versions", s.handle(s.newVersion))
			r.Post("/documents/{id}/links", s.handle(s.linkDocument))
			r.Get("/documents/{id}/delete", s.handle(s.deleteDocument))
			r.Post("/documents/{id}/delete", s.handle(s.deleteDocument))

			// The observatory: associations file their returns, statisticians
			// read those shared with them (observatory_returns.go).
			r.Get("/observatory/returns", s.handle(s.observatoryReturns))
			r.Post("/observatory/returns/{id}/note", s.handle(s.attachNote))
			r.Get("/observatory/surveys/{id}/return", s.handle(s.fileReturn))
			r.Post("/observatory/surveys/{id}/return", s.handle(s.fileReturn))
			r.Get("/observatory/surveys/{id}/return.csv", s.handle(s.returnTemplate))
			r.Get("/observatory/surveys/{id}/return/import", s.handle(s.importReturn))
			r.Post("/observatory/surveys/{id}/return/import", s.handle(s.importReturn))
		})

		// The viewer's own account.
		r.Group(func(r chi.Router) {
			r.Use(s.require(access.ManageOwnAccount))
			r.Get("/account", s.handle(s.account))
			r.Post("/account/password", s.handle(s.changePassword))
			r.Post("/account/calendar", s.handle(s.createCalendarToken))
			r.Post("/account/calendar/revoke", s.handle(s.revokeCalendarToken))
			r.Post("/account/news", s.handle(s.setNewsByMail))
		})

		// Back office.
		r.Group(func(r chi.Router) {
			r.Use(s.require(access.Administer))
			r.Get("/admin", s.handle(s.admin))
			r.Get("/admin/audit", s.handle(s.auditLog))
			r.Post("/admin/accounts/{id}", s.handle(s.accountAction))
			r.Get("/admin/outbox", s.handle(s.outbox))
			r.Get("/admin/outbox/groups/{id}", s.handle(s.outboxGroup))
			r.Get("/admin/outbox/{id}/invitation.ics", s.handle(s.outboxCalendar))

			// Meetings, written under their own paths.
			r.Get("/meetings/new", s.handle(s.newMeeting))
			r.Post("/meetings/new", s.handle(s.newMeeting))
			r.Get("/meetings/{id}/edit", s.handle(s.editMeeting))
			r.Post("/meetings/{id}/edit", s.handle(s.editMeeting))
			r.Get("/meetings/{id}/delete", s.handle(s.deleteMeeting))
			r.Post("/meetings/{id}/delete", s.handle(s.deleteMeeting))
			r.Get("/meetings/{id}/status", s.handle(s.meetingStatus))
			r.Post("/meetings/{id}/status", s.handle(s.meetingStatus))
			r.Post("/meetings/{id}/agenda", s.handle(s.addAgendaItem))
			r.Post("/meetings/{id}/agenda/order", s.handle(s.reorderAgenda))
			r.Post("/meetings/{id}/agenda/actions", s.handle(s.addActionToAgenda))
			r.Get("/meetings/{id}/agenda/{item}/edit", s.handle(s.editAgendaItem))
			r.Post("/meetings/{id}/agenda/{item}/edit", s.handle(s.editAgendaItem))
			r.Post("/meetings/{id}/agenda/{item}/move", s.handle(s.moveAgendaItem))
			r.Get("/meetings/{id}/agenda/{item}/delete", s.handle(s.deleteAgendaItem))
			r.Post("/meetings/{id}/agenda/{item}/delete", s.handle(s.deleteAgendaItem))
			r.Get("/meetings/{id}/attendance", s.handle(s.recordAttendance))
			r.Post("/meetings/{id}/attendance", s.handle(s.recordAttendance))
			r.Get("/meetings/{id}/minutes/edit", s.handle(s.editMinutes))
			r.Post("/meetings/{id}/minutes/edit", s.handle(s.editMinutes))
			r.Get("/meetings/{id}/minutes/history", s.handle(s.minutesHistory))
			r.Post("/meetings/{id}/remarks/{remark}", s.handle(s.answerRemark))
			r.Post("/meetings/{id}/decisions", s.handle(s.addDecision))
			r.Get("/meetings/{id}/decisions/{decision}/delete", s.handle(s.deleteDecision))
			r.Post("/meetings/{id}/decisions/{decision}/delete", s.handle(s.deleteDecision))
			r.Post("/actions/{id}/close", s.handle(s.closeAction))

			// The plan: validation of updates and campaigns.
			r.Get("/admin/moderation", s.handle(s.moderation))
			r.Post("/admin/comments/{id}/moderate", s.handle(s.moderateComment))
			r.Get("/admin/plans/{id}/consultation", s.handle(s.consultationAdmin))
			r.Post("/admin/plans/{id}/consultation", s.handle(s.consultationAdmin))
			r.Post("/admin/plans/{id}/consultation/windows", s.handle(s.addWindow))
			r.Post("/admin/windows/{id}/close", s.handle(s.closeWindow))
			r.Get("/admin/windows/{id}/delete", s.handle(s.deleteWindow))
			r.Post("/admin/windows/{id}/delete", s.handle(s.deleteWindow))

			r.Get("/admin/updates", s.handle(s.pendingUpdates))
			r.Post("/measures/{id}/updates/{update}/review", s.handle(s.reviewUpdate))
			r.Get("/plans/{id}/campaigns/new", s.handle(s.newCampaign))
			r.Post("/plans/{id}/campaigns/new", s.handle(s.newCampaign))
			r.Get("/campaigns/{id}", s.handle(s.campaign))

			// The plan's back office: plans, axes, measures, indicators,
			// recommendations and links (plan_admin*.go, one file per object).
			r.Get("/admin/plans", s.handle(s.adminPlans))
			r.Get("/admin/plans/new", s.handle(s.newPlan))
			r.Post("/admin/plans/new", s.handle(s.newPlan))
			r.Get("/admin/plans/{id}", s.handle(s.adminPlan))
			r.Get("/admin/plans/{id}/edit", s.handle(s.editPlan))
			r.Post("/admin/plans/{id}/edit", s.handle(s.editPlan))
			r.Post("/admin/plans/{id}/axes", s.handle(s.addAxis))
			r.Get("/admin/axes/{id}/edit", s.handle(s.editAxis))
			r.Post("/admin/axes/{id}/edit", s.handle(s.editAxis))
			r.Get("/admin/axes/{id}/delete", s.handle(s.deleteAxis))
			r.Post("/admin/axes/{id}/delete", s.handle(s.deleteAxis))
			r.Get("/admin/plans/{id}/measures/new", s.handle(s.newMeasure))
			r.Post("/admin/plans/{id}/measures/new", s.handle(s.newMeasure))
			r.Get("/admin/measures/{id}/edit", s.handle(s.editMeasure))
			r.Post("/admin/measures/{id}/edit", s.handle(s.editMeasure))
			r.Get("/admin/measures/{id}/delete", s.handle(s.deleteMeasure))
			r.Post("/admin/measures/{id}/delete", s.handle(s.deleteMeasure))
			r.Post("/admin/measures/{id}/indicators", s.handle(s.addIndicator))
			r.Get("/admin/measures/{id}/indicators/{indicator}/edit", s.handle(s.editIndicator))
			r.Post("/admin/measures/{id}/indicators/{indicator}/edit", s.handle(s.editIndicator))
			r.Get("/admin/measures/{id}/indicators/{indicator}/delete", s.handle(s.deleteIndicator))
			r.Post("/admin/measures/{id}/indicators/{indicator}/delete", s.handle(s.deleteIndicator))
			r.Post("/admin/measures/{id}/recommendations", s.handle(s.measureRecommendations))
			r.Post("/admin/measures/{id}/links", s.handle(s.measureLinksForm))
			r.Get("/admin/recommendations", s.handle(s.adminRecommendations))
			r.Get("/admin/recommendations/new", s.handle(s.newRecommendation))
			r.Post("/admin/recommendations/new", s.handle(s.newRecommendation))
			r.Get("/admin/recommendations/{id}/edit", s.handle(s.editRecommendation))
			r.Post("/admin/recommendations/{id}/edit", s.handle(s.editRecommendation))

			// Draft texts: creation, settings, versions (drafts_admin.go),
			// answers and moderation (drafts_answers.go).
			r.Get("/consultations/new", s.handle(s.newDraftText))
			r.Post("/consultations/new", s.handle(s.newDraftText))
			r.Get("/consultations/{id}/edit", s.handle(s.editDraftText))
			r.Post("/consultations/{id}/edit", s.handle(s.editDraftText))
			r.Post("/consultations/{id}/close", s.handle(s.closeDraftText))
			r.Get("/consultations/{id}/versions/new", s.handle(s.newTextVersion))
			r.Post("/consultations/{id}/versions/new", s.handle(s.newTextVersion))
			r.Post("/contributions/{id}/answer", s.handle(s.answerContribution))
			r.Post("/contributions/{id}/moderate", s.handle(s.moderateContribution))

			// News, written under their own paths (news_admin.go).
			r.Get("/news/new", s.handle(s.newNews))
			r.Post("/news/new", s.handle(s.newNews))
			r.Get("/news/{slug}/edit", s.handle(s.editNews))
			r.Post("/news/{slug}/edit", s.handle(s.editNews))
			r.Get("/news/{slug}/delete", s.handle(s.deleteNews))
			r.Post("/news/{slug}/delete", s.handle(s.deleteNews))
			r.Post("/news/{slug}/links", s.handle(s.addNewsLink))
			r.Post("/news/{slug}/links/{n}/delete", s.handle(s.removeNewsLink))
			r.Post("/news/{slug}/attachments", s.handle(s.attachNews))

			// The observatory's campaigns and statisticians (observatory_admin.go).
			r.Get("/admin/observatory", s.handle(s.surveysAdmin))
			r.Get("/admin/observatory/new", s.handle(s.newSurvey))
			r.Post("/admin/observatory/new", s.handle(s.newSurvey))
			r.Get("/admin/observatory/import", s.handle(s.importSurveys))
			r.Post("/admin/observatory/import", s.handle(s.importSurveys))
			r.Post("/admin/observatory/statisticians", s.handle(s.setStatistician))
			r.Get("/admin/observatory/{id}", s.handle(s.surveyAdmin))
			r.Post("/admin/observatory/{id}/remind", s.handle(s.remindSurvey))
			r.Post("/admin/observatory/{id}/close", s.handle(s.closeSurvey))

			r.Get("/admin/bodies", s.handle(s.adminBodies))
			r.Get("/admin/bodies/new", s.handle(s.newBody))
			r.Post("/admin/bodies/new", s.handle(s.newBody))
			r.Get("/admin/bodies/{id}/edit", s.handle(s.editBody))
			r.Post("/admin/bodies/{id}/edit", s.handle(s.editBody))
			r.Get("/admin/bodies/{id}/delete", s.handle(s.deleteBody))
			r.Post("/admin/bodies/{id}/delete", s.handle(s.deleteBody))

			r.Get("/admin/people", s.handle(s.adminPeople))
			r.Get("/admin/people/new", s.handle(s.newPerson))
			r.Post("/admin/people/new", s.handle(s.newPerson))
			r.Get("/admin/people/{id}/edit", s.handle(s.editPerson))
			r.Post("/admin/people/{id}/edit", s.handle(s.editPerson))
			r.Get("/admin/people/{id}/delete", s.handle(s.deletePerson))
			r.Post("/admin/people/{id}/delete", s.handle(s.deletePerson))

			r.Get("/admin/mandates", s.handle(s.adminMandates))
			r.Get("/admin/mandates/new", s.handle(s.newMandate))
			r.Post("/admin/mandates/new", s.handle(s.newMandate))
			r.Get("/admin/mandates/{id}", s.handle(s.adminMandate))
			r.Get("/admin/mandates/{id}/edit", s.handle(s.editMandate))
			r.Post("/admin/mandates/{id}/edit", s.handle(s.editMandate))
			r.Get("/admin/mandates/{id}/import", s.handle(s.importMandate))
			r.Post("/admin/mandates/{id}/import", s.handle(s.importMandate))
			r.Get("/admin/mandates/{id}/seats/new", s.handle(s.newSeat))
			r.Post("/admin/mandates/{id}/seats/new", s.handle(s.newSeat))
			r.Get("/admin/seats/{id}/edit", s.handle(s.editSeat))
			r.Post("/admin/seats/{id}/edit", s.handle(s.editSeat))
			r.Get("/admin/seats/{id}/replace", s.handle(s.replaceSeat))
			r.Post("/admin/seats/{id}/replace", s.handle(s.replaceSeat))
			r.Get("/admin/seats/{id}/delete", s.handle(s.deleteSeat))
			r.Post("/admin/seats/{id}/delete", s.handle(s.deleteSeat))
			r.Get("/admin/seats/{id}/invite", s.handle(s.inviteSeat))
			r.Post("/admin/seats/{id}/invite", s.handle(s.inviteSeat))
		})
	})

	return r
}
