package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"comite/internal/model"
)

// Many threads on the DGT's demo measure, in the browser: the page shows
// 20 of them and the count of all, « Page suivante » leads to the next
// ones, and a mail's link to an old comment lands on that comment, on
// the page that holds it.
func TestCommentPagesInBrowser(t *testing.T) {
	t.Parallel()
	p := newPortal(t)
	ctx := context.Background()
	assoc := consultationTab(t, "association")
	signInAs(t, assoc, p, "association")
	openFollowedPlan(t, assoc, p)
	var measure string
	for _, r := range measureRows(t, assoc) {
		if strings.HasPrefix(r.Label, dgtMeasure) {
			measure = r.Href
		}
	}
	measureID, err := strconv.ParseInt(strings.TrimPrefix(measure, "/measures/"), 10, 64)
	if err != nil {
		t.Fatalf("%s lists %q at %q, want /measures/{id}", "the plan", dgtMeasure, measure)
	}
	author, err := p.store.AccountByEmail(ctx, p.creds["association"].Email)
	if err != nil {
		t.Fatal(err)
	}
	// 45 threads older than the demo's comments: the first is the oldest
	// of all and sits on the last page.
	start := time.Date(2020, 1, 6, 9, 0, 0, 0, time.UTC)
	var oldest, second int64
	for i := range 45 {
		text := fmt.Sprintf("Contribution ancienne numéro %d", i)
		id, err := p.store.CreateComment(ctx, model.Comment{MeasureID: measureID, AuthorID: author.ID, BodyID: author.BodyID,
			Category: author.BodyCategory, Text: text, HTML: "<p>" + text + "</p>", State: model.CommentPublished,
			CreatedAt: start.Add(time.Duration(i) * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		switch i {
		case 0:
			oldest = id
		case 1:
			second = id
		}
	}

	if got := visit(t, assoc, p.URL+measure); got != 200 {
		t.Fatalf("GET %s: %d", measure, got)
	}
	threads := `document.querySelectorAll('[data-testid=thread]').length`
	if n := js[int](t, assoc, threads); n != 20 {
		t.Errorf("%s shows %d threads, want 20", measure, n)
	}
	summary := textOrNone(t, assoc, "[data-testid=comments-summary]")
	if !strings.Contains(summary, "commentaires") {
		t.Errorf("comments summary: %q, want the count of all comments", summary)
	}
	firstOnPage := js[string](t, assoc, `document.querySelector('[data-testid=thread] [data-testid=comment]').id`)
	if got := followElement(t, assoc, `document.querySelector("[data-testid=next-page]")`, "« Page suivante »"); got != 200 {
		t.Fatalf("« Page suivante »: %d", got)
	}
	if u := location(t, assoc); u.Query().Get("page") != "2" {
		t.Errorf("« Page suivante » led to %s, want page 2", u)
	}
	if n := js[int](t, assoc, threads); n != 20 || has(t, assoc, "#"+firstOnPage) || !has(t, assoc, "[data-testid=previous-page]") {
		t.Errorf("page 2: %d threads, or the first page's, or no « Page précédente »", n)
	}

	// The link of a mail about the oldest comment.
	if got := reopen(t, assoc, fmt.Sprintf("%s/comments/%d", p.URL, oldest)); got != 200 {
		t.Fatalf("GET /comments/%d: %d", oldest, got)
	}
	u := location(t, assoc)
	page, _ := strconv.Atoi(u.Query().Get("page"))
	if u.Path != measure || page < 3 || u.Fragment != "commentaire-"+strconv.FormatInt(oldest, 10) {
		t.Fatalf("the link to the oldest comment landed on %s, want %s?page={last}#commentaire-%d", u, measure, oldest)
	}
	sel := commentSel(strconv.FormatInt(oldest, 10))
	if got := textOrNone(t, assoc, sel+" [data-testid=comment-text]"); got != "Contribution ancienne numéro 0" {
		t.Errorf("the oldest comment's text: %q", got)
	}
	if !js[bool](t, assoc, `(r => r.top >= 0 && r.top < innerHeight)(document.querySelector(`+jsString(sel)+`).getBoundingClientRect())`) {
		t.Error("the page holding the oldest comment is not scrolled to it")
	}
	if has(t, assoc, "[data-testid=next-page]") {
		t.Error("the oldest comment is not on the last page")
	}

	// An older mail's link names the first page: the page finds the
	// comment's own.
	old := strconv.FormatInt(second, 10)
	reopen(t, assoc, p.URL+measure+"#commentaire-"+old)
	deadline := time.Now().Add(10 * time.Second)
	for !has(t, assoc, commentSel(old)) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if u := location(t, assoc); u.Path != measure || u.Query().Get("page") == "" || u.Fragment != "commentaire-"+old || !has(t, assoc, commentSel(old)) {
		t.Errorf("the older link to comment %s landed on %s, without the comment", old, u)
	}
}
