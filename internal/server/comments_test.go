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

	"comite/internal/model"
)

// commentsOf returns every comment of a measure, replies included.
func commentsOf(t *testing.T, p *portal, measure int64) []model.Comment {
	t.Helper()
	threads, err := p.store.Threads(context.Background(), measure)
	if err != nil {
		t.Fatal(err)
	}
	var all []model.Comment
	for _, c := range threads {
		all = append(all, c)
		all = append(all, c.Replies...)
	}
	return all
}

func lastComment(t *testing.T, p *portal, measure int64) model.Comment {
	t.Helper()
	all := commentsOf(t, p, measure)
	if len(all) == 0 {
		t.Fatal("no comment stored")
	}
	last := all[0]
	for _, c := range all {
		if c.ID > last.ID {
			last = c
		}
	}
	return last
}

// A thread from the first comment to its withdrawal: the markup a member
// types cannot reach the page, the pilot's official answer comes first,
// followers get a mail whose link unsubscribes without signing in, the
// author edits within 30 minutes only, and a withdrawn comment leaves a
// mention that keeps the replies in context.
func TestCommentThread(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	measure := id("/measures/", f.measure)
	assoc, union, pilot := p.as(roleAssociation), p.as(roleUnion), p.as(rolePilot)

	xss := "Très bien <script>alert(1)</script> [lien](javascript:alert(2)) et [site](https://exemple.fr) **gras**"
	res := assoc.postForm(measure+"/comments", url.Values{"text": {xss}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: got %d\n%s", res.StatusCode, res.body)
	}
	first := lastComment(t, p, f.measure)
	page := union.get(measure).body
	for _, bad := range []string{"<script>alert(1)", `href="javascript:`} {
		if strings.Contains(page, bad) {
			t.Errorf("the page carries %q", bad)
		}
	}
	if !strings.Contains(page, `<a href="https://exemple.fr" rel="nofollow noopener">site</a>`) || !strings.Contains(page, "<strong>gras</strong>") {
		t.Errorf("the limited markdown is not rendered: %s", first.HTML)
	}
	if !strings.Contains(page, "&lt;script&gt;") {
		t.Error("typed markup is not shown as text")
	}

	// The union replies, then the pilot answers officially: the answer
	// comes first in the thread and the earlier authors are told.
	if res := union.postForm(measure+"/comments", url.Values{"parent": {strconv.FormatInt(first.ID, 10)}, "text": {"Nous partageons ce constat."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: got %d\n%s", res.StatusCode, res.body)
	}
	if res := assoc.postForm(measure+"/comments", url.Values{"parent": {strconv.FormatInt(first.ID, 10)}, "official": {"1"}, "text": {"Je réponds au nom de tous."}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("official answer by a non-pilot: got %d, want 403", res.StatusCode)
	}
	if res := pilot.postForm(measure+"/comments", url.Values{"parent": {strconv.FormatInt(first.ID, 10)}, "official": {"1"}, "text": {"La DGT prévoit une formation commune."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("official answer: got %d\n%s", res.StatusCode, res.body)
	}
	threads, err := p.store.Threads(context.Background(), f.measure)
	if err != nil || len(threads) != 1 || len(threads[0].Replies) != 2 || !threads[0].Replies[0].Official {
		t.Fatalf("thread: %+v, %v", threads, err)
	}
	page = p.client().get(measure).body
	if strings.Contains(page, "Nous partageons") {
		t.Fatal("the public reads comments of a plan whose consultation is for members")
	}
	mails := calendarMails(t, p, "Réponse officielle : ")
	if len(mails) != 2 {
		t.Fatalf("mails about the official answer: %+v", mails)
	}
	for _, m := range mails {
		if m.To == p.emails[rolePilot] || strings.Contains(m.Text, "La DGT prévoit") {
			t.Errorf("mail %q to %s: sent to its author or carries the text", m.Subject, m.To)
		}
	}
	var toUnion model.Mail
	for _, m := range mails {
		if m.To == p.emails[roleUnion] {
			toUnion = m
		}
	}
	unsubscribe := regexp.MustCompile(`/unsubscribe/[A-Za-z0-9_-]+`).FindString(toUnion.Text)
	if unsubscribe == "" {
		t.Fatalf("no unsubscribe link in the union's mail %q", toUnion.Text)
	}
	anonymous := p.client()
	if res := anonymous.get(unsubscribe); res.StatusCode != http.StatusOK || !strings.Contains(res.body, "Ne plus recevoir") {
		t.Fatalf("unsubscribe page: %d", res.StatusCode)
	}
	if res := anonymous.postForm(unsubscribe, url.Values{}); res.StatusCode != http.StatusOK || !strings.Contains(res.body, "Vous ne recevrez plus") {
		t.Fatalf("unsubscribe: %d", res.StatusCode)
	}
	if res := assoc.postForm(measure+"/comments", url.Values{"text": {"Un second commentaire."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second comment: %d", res.StatusCode)
	}
	var stillMailed []string
	for _, m := range calendarMails(t, p, "Nouveau commentaire : ") {
		stillMailed = append(stillMailed, m.To)
	}
	// The pilot follows since answering; the union stopped; the author
	// is not told of their own comment.
	if len(stillMailed) != 1 || stillMailed[0] != p.emails[rolePilot] {
		t.Errorf("new comment mailed to %v, want the pilot only", stillMailed)
	}
	if res := anonymous.postForm(unsubscribe, url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("a used unsubscribe link: got %d, want 404", res.StatusCode)
	}

	// Editing: the author only, within 30 minutes; each text is kept.
	edit := id("/comments/", first.ID) + "/edit"
	if res := union.get(edit); res.StatusCode != http.StatusForbidden {
		t.Errorf("edit by another member: got %d", res.StatusCode)
	}
	if res := assoc.postForm(edit, url.Values{"version": {"1"}, "text": {"Texte corrigé."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: got %d\n%s", res.StatusCode, res.body)
	}
	if res := assoc.postForm(edit, url.Values{"version": {"1"}, "text": {"Texte d'un onglet oublié."}}); res.StatusCode != http.StatusConflict {
		t.Errorf("stale edit: got %d, want 409", res.StatusCode)
	}
	versions, err := p.store.CommentVersions(context.Background(), first.ID)
	if err != nil || len(versions) != 2 || versions[0].Text != xss || versions[1].Text != "Texte corrigé." {
		t.Fatalf("versions: %+v, %v", versions, err)
	}
	if !strings.Contains(union.get(measure).body, `data-testid="edited"`) {
		t.Error("an edited comment does not say so")
	}
	p.srv.now = func() time.Time { return time.Now().Add(31 * time.Minute) }
	if res := assoc.postForm(edit, url.Values{"version": {"2"}, "text": {"Trop tard."}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != commentLink(first) {
		t.Errorf("edit after 30 minutes: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if c, _ := p.store.Comment(context.Background(), first.ID); c.Text != "Texte corrigé." {
		t.Errorf("an edit after 30 minutes was saved: %q", c.Text)
	}

	// Withdrawal keeps a mention and the replies.
	if res := assoc.postForm(id("/comments/", first.ID)+"/withdraw", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: got %d", res.StatusCode)
	}
	page = union.get(measure).body
	if !strings.Contains(page, "Commentaire retiré par son auteur.") || strings.Contains(page, "Texte corrigé.") || !strings.Contains(page, "Nous partageons ce constat.") {
		t.Error("a withdrawn comment: mention missing, text still shown or replies lost")
	}
	// A reply written while the parent was being withdrawn is handed back.
	late := "Réponse écrite pendant le retrait."
	res = union.postForm(measure+"/comments", url.Values{"parent": {strconv.FormatInt(first.ID, 10)}, "text": {late}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.body, "accepte plus de réponse") || !strings.Contains(res.body, late) {
		t.Errorf("reply to a withdrawn comment: got %d, reason shown %v, text kept %v", res.StatusCode,
			strings.Contains(res.body, "accepte plus de réponse"), strings.Contains(res.body, late))
	}
}

// Who may post: the plan's categories decide, even for a crafted request;
// a closed window keeps the text and writes nothing; posting is limited
// per account.
func TestWhoMayComment(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	ctx := context.Background()
	measure := id("/measures/", f.measure)
	if err := p.store.SetPlanConsultation(ctx, f.plan, []model.Category{model.CategoryAssociation}, false, false); err != nil {
		t.Fatal(err)
	}
	union := p.as(roleUnion)
	if page := union.get(measure).body; strings.Contains(page, `data-testid="comment-form-0"`) || !strings.Contains(page, "seuls les membres des catégories suivantes") {
		t.Error("a member of a category not allowed is offered the form, or not told why")
	}
	if res := union.postForm(measure+"/comments", url.Values{"text": {"Je commente quand même."}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("crafted post by a category not allowed: got %d, want 403", res.StatusCode)
	}
	if n := len(commentsOf(t, p, f.measure)); n != 0 {
		t.Fatalf("%d comments stored", n)
	}

	// Closed by the secretariat from the measure's page.
	sec := p.as(roleSecretariat)
	if res := sec.postForm(id("/admin/plans/", f.plan)+"/consultation/windows", url.Values{"scope": {"measure:" + strconv.FormatInt(f.measure, 10)}, "now": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: got %d", res.StatusCode)
	}
	assoc := p.as(roleAssociation)
	page := assoc.get(measure).body
	if !strings.Contains(page, "La consultation sur cette mesure est close") || strings.Contains(page, `data-testid="comment-form-0"`) {
		t.Error("a closed thread: no notice, or the form is still offered")
	}
	if strings.Contains(page, " .") {
		t.Error("the closed notice has a space before its full stop")
	}
	res := assoc.postForm(measure+"/comments", url.Values{"text": {"Un avis arrivé trop tard."}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.body, "Un avis arrivé trop tard.") {
		t.Errorf("post to a closed thread: got %d, text kept: %v", res.StatusCode, strings.Contains(res.body, "Un avis arrivé trop tard."))
	}
	if n := len(commentsOf(t, p, f.measure)); n != 0 {
		t.Fatalf("%d comments stored in a closed thread", n)
	}

	// A window on the axis does not reopen a measure closed on its own.
	if res := sec.postForm(id("/admin/plans/", f.plan)+"/consultation/windows", url.Values{"scope": {"axis:" + strconv.FormatInt(f.axis, 10)},
		"opens": {p.srv.now().AddDate(0, 0, -1).Format(time.DateOnly)}, "closes": {p.srv.now().AddDate(0, 0, 10).Format(time.DateOnly)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("axis window: got %d\n%s", res.StatusCode, res.body)
	}
	if !strings.Contains(assoc.get(measure).body, "est close") {
		t.Error("the axis window overrides the measure's own")
	}
	windows, err := p.store.PlanWindows(ctx, f.plan)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range windows {
		if w.MeasureID == f.measure {
			if err := p.store.DeleteConsultationWindow(ctx, w.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if page := assoc.get(measure).body; !strings.Contains(page, "ouverte jusqu'au") {
		t.Error("the measure does not follow its axis's window once its own is gone")
	}

	// Rate limit.
	for i := range model.CommentBurst {
		if res := assoc.postForm(measure+"/comments", url.Values{"text": {"Commentaire " + strconv.Itoa(i)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment %d: got %d", i, res.StatusCode)
		}
	}
	res = assoc.postForm(measure+"/comments", url.Values{"text": {"Un de trop."}})
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(res.body, "Un de trop.") {
		t.Errorf("comment over the limit: got %d", res.StatusCode)
	}
	if n := len(commentsOf(t, p, f.measure)); n != model.CommentBurst {
		t.Errorf("%d comments stored, want %d", n, model.CommentBurst)
	}
}

// Moderation: a flag reaches the secretariat, who hides the comment with
// a public reason (the author is told) and restores it; in
// pre-moderation a comment is seen by its author and the secretariat only
// until approved.
func TestModeration(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	ctx := context.Background()
	measure := id("/measures/", f.measure)
	assoc, union, sec := p.as(roleAssociation), p.as(roleUnion), p.as(roleSecretariat)
	if res := assoc.postForm(measure+"/comments", url.Values{"text": {"Madame X, hébergée à Lyon, a témoigné."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatal(res.StatusCode)
	}
	c := lastComment(t, p, f.measure)
	flag := id("/comments/", c.ID) + "/flag"
	if res := union.postForm(flag, url.Values{"reason": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("flag without a reason: got %d", res.StatusCode)
	}
	if res := union.postForm(flag, url.Values{"reason": {"Permet d'identifier une victime."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("flag: got %d", res.StatusCode)
	}
	if !strings.Contains(sec.get("/admin/moderation").body, "Permet d&#39;identifier une victime.") {
		t.Fatal("the flag is not on the moderation page")
	}
	moderate := id("/admin/comments/", c.ID) + "/moderate"
	if res := sec.postForm(moderate, url.Values{"decision": {"hide"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatal(res.StatusCode)
	}
	if got, _ := p.store.Comment(ctx, c.ID); got.Hidden() {
		t.Fatal("hidden without a reason")
	}
	if res := sec.postForm(moderate, url.Values{"decision": {"hide"}, "reason": {"propos permettant d'identifier une personne"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatal(res.StatusCode)
	}
	page := union.get(measure).body
	if !strings.Contains(page, "Masqué par la modération\u00a0: propos permettant d&#39;identifier une personne") || strings.Contains(page, "Madame X") {
		t.Error("a hidden comment: reason missing or text still shown to members")
	}
	if !strings.Contains(assoc.get(measure).body, "Madame X") {
		t.Error("the author no longer sees the hidden text")
	}
	if mails := calendarMails(t, p, "Votre commentaire a été masqué"); len(mails) != 1 || mails[0].To != p.emails[roleAssociation] {
		t.Errorf("mail to the author: %+v", mails)
	}
	if flags, _ := p.store.OpenFlags(ctx, 50); len(flags) != 0 {
		t.Errorf("flags still open after hiding: %+v", flags)
	}
	if res := sec.postForm(moderate, url.Values{"decision": {"restore"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatal(res.StatusCode)
	}
	if !strings.Contains(union.get(measure).body, "Madame X") {
		t.Error("a restored comment is not shown")
	}

	// Pre-moderation, and a consultation opened to the public.
	if err := p.store.SetPlanConsultation(ctx, f.plan, model.Categories, true, true); err != nil {
		t.Fatal(err)
	}
	if res := union.postForm(measure+"/comments", url.Values{"text": {"Un avis à valider."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatal(res.StatusCode)
	}
	pending := lastComment(t, p, f.measure)
	if pending.State != model.CommentPending {
		t.Fatalf("state %s", pending.State)
	}
	if page := union.get(measure).body; !strings.Contains(page, "Un avis à valider.") || !strings.Contains(page, "En attente de validation") {
		t.Error("the author does not see their comment as waiting")
	}
	for _, who := range []*client{assoc, p.client()} {
		if strings.Contains(who.get(measure).body, "Un avis à valider.") {
			t.Error("a comment waiting for approval is shown to someone other than its author")
		}
	}
	if !strings.Contains(p.client().get(measure).body, "Madame X") {
		t.Error("the public does not read a public consultation")
	}
	if res := sec.postForm(id("/admin/comments/", pending.ID)+"/moderate", url.Values{"decision": {"approve"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatal(res.StatusCode)
	}
	if !strings.Contains(p.client().get(measure).body, "Un avis à valider.") {
		t.Error("an approved comment is not published")
	}
	// The body's page lists its comments.
	if !strings.Contains(p.client().get(id("/members/", c.BodyID)).body, "Madame X") {
		t.Error("the body's page does not list its comment")
	}
}
