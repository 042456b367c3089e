package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"comite/internal/model"
)

// pagedThreads gives the measure n threads by the association, thread i
// posted i minutes after the first, so that the latest comes first; the
// second oldest gets eight replies soon after it, the last the pilot's
// official answer. It returns the threads' ids, oldest first, and the
// replies' ids.
func pagedThreads(t *testing.T, p *portal, measure int64, n int) (threads, replies []int64) {
	t.Helper()
	ctx := context.Background()
	assoc, err := p.store.AccountByEmail(ctx, p.emails[roleAssociation])
	if err != nil {
		t.Fatal(err)
	}
	pilot, err := p.store.AccountByEmail(ctx, p.emails[rolePilot])
	if err != nil {
		t.Fatal(err)
	}
	start := p.srv.now().Add(-72 * time.Hour)
	post := func(c model.Comment) int64 {
		t.Helper()
		c.MeasureID, c.State, c.HTML = measure, model.CommentPublished, "<p>"+c.Text+"</p>"
		id, err := p.store.CreateComment(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	for i := range n {
		threads = append(threads, post(model.Comment{AuthorID: assoc.ID, BodyID: assoc.BodyID, Category: assoc.BodyCategory,
			Text: fmt.Sprintf("Fil numéro %d", i), CreatedAt: start.Add(time.Duration(i) * time.Minute)}))
	}
	for j := range 8 {
		c := model.Comment{ParentID: threads[1], AuthorID: assoc.ID, BodyID: assoc.BodyID, Category: assoc.BodyCategory,
			Text: fmt.Sprintf("Réponse numéro %d", j), CreatedAt: start.Add(time.Minute + time.Duration(j+1)*time.Second)}
		if j == 7 {
			c.AuthorID, c.BodyID, c.Category, c.Official, c.Text = pilot.ID, pilot.BodyID, pilot.BodyCategory, true, "Réponse officielle du pilote"
		}
		replies = append(replies, post(c))
	}
	return threads, replies
}

func threadCount(page string) int { return strings.Count(page, `data-testid="thread"`) }

func anchor(id int64) string { return fmt.Sprintf(`id="commentaire-%d"`, id) }

// A measure with 70 threads shows them 20 a page, latest activity first,
// with the count of all comments, the links to the other pages and
// views, a capped thread's link to its whole page, and the official
// answers in a view of their own.
func TestMeasureCommentsPaged(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	threads, replies := pagedThreads(t, p, f.measure, 70)
	measure := id("/measures/", f.measure)
	union := p.as(roleUnion)

	first := union.get(measure)
	if first.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", measure, first.StatusCode)
	}
	if n := threadCount(first.body); n != 20 {
		t.Errorf("page 1 shows %d threads, want 20", n)
	}
	for _, want := range []string{"78 commentaires, dont 1 réponse officielle", anchor(threads[69]), anchor(threads[50]),
		`href="` + measure + `?page=2#titre-commentaires"`, "Page suivante", "Réponses officielles", "Activité récente",
		`href="` + measure + `?page=4#titre-commentaires"`} {
		if !strings.Contains(first.body, want) {
			t.Errorf("page 1 lacks %q", want)
		}
	}
	if strings.Contains(first.body, anchor(threads[49])) || strings.Contains(first.body, "Page précédente") {
		t.Error("page 1 shows a thread of page 2 or a link to a previous page")
	}

	second := union.get(measure + "?page=2")
	if n := threadCount(second.body); n != 20 || !strings.Contains(second.body, anchor(threads[49])) ||
		!strings.Contains(second.body, anchor(threads[30])) || strings.Contains(second.body, anchor(threads[69])) {
		t.Errorf("page 2: %d threads, or not threads 49 to 30", n)
	}
	if !strings.Contains(second.body, "Page précédente") {
		t.Error("page 2 lacks « Page précédente »")
	}

	last := union.get(measure + "?page=4")
	if n := threadCount(last.body); n != 10 || !strings.Contains(last.body, anchor(threads[0])) {
		t.Errorf("page 4: %d threads, want the last 10", n)
	}
	// The capped thread: the official answer and the 4 latest replies,
	// and a link to the whole thread.
	if !strings.Contains(last.body, anchor(replies[7])) || !strings.Contains(last.body, anchor(replies[6])) ||
		strings.Contains(last.body, anchor(replies[0])) || !strings.Contains(last.body, "Voir les 8 réponses") {
		t.Error("the thread with 8 replies is not capped to the official answer and the latest, with a link to them all")
	}
	whole := union.get(fmt.Sprintf("%s?fil=%d", measure, threads[1]))
	for _, r := range replies {
		if !strings.Contains(whole.body, anchor(r)) {
			t.Errorf("the whole thread lacks reply %d", r)
		}
	}
	if res := union.get(measure + "?page=5"); res.StatusCode != http.StatusNotFound {
		t.Errorf("page 5 of 4: %d, want 404", res.StatusCode)
	}

	official := union.get(measure + "?vue=officielles")
	if !strings.Contains(official.body, anchor(replies[7])) || !strings.Contains(official.body, anchor(threads[1])) ||
		threadCount(official.body) != 1 || strings.Contains(official.body, anchor(replies[6])) {
		t.Error("the official answers view does not list the answer with the comment it answers, alone")
	}
}

// A link to a comment finds the page that holds it: an old thread's on
// its page, a recent one on the first, a reply a page does not show on
// its thread's page; a comment the viewer may not read is not found.
func TestCommentLinkFindsItsPage(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	threads, replies := pagedThreads(t, p, f.measure, 70)
	union := p.as(roleUnion)
	for _, c := range []struct {
		id   int64
		want string
	}{
		{threads[0], fmt.Sprintf("/measures/%d?page=4#commentaire-%d", f.measure, threads[0])},
		{threads[45], fmt.Sprintf("/measures/%d?page=2#commentaire-%d", f.measure, threads[45])},
		{threads[69], fmt.Sprintf("/measures/%d#commentaire-%d", f.measure, threads[69])},
		{replies[7], fmt.Sprintf("/measures/%d?page=4#commentaire-%d", f.measure, replies[7])},
		{replies[0], fmt.Sprintf("/measures/%d?fil=%d#commentaire-%d", f.measure, threads[1], replies[0])},
	} {
		res := union.get(fmt.Sprintf("/comments/%d", c.id))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != c.want {
			t.Errorf("/comments/%d: %d to %q, want 303 to %q", c.id, res.StatusCode, res.Header.Get("Location"), c.want)
			continue
		}
		if page := union.get(c.want); !strings.Contains(page.body, anchor(c.id)) {
			t.Errorf("%s does not hold comment %d", c.want, c.id)
		}
	}
	// A reply brings its thread back to the first page.
	if res := union.postForm(id("/measures/", f.measure)+"/comments", map[string][]string{"parent": {fmt.Sprint(threads[0])}, "text": {"Une relance."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d", res.StatusCode)
	}
	if res := union.get(fmt.Sprintf("/comments/%d", threads[0])); res.Header.Get("Location") != fmt.Sprintf("/measures/%d#commentaire-%d", f.measure, threads[0]) {
		t.Errorf("after a reply, the thread is found at %q, want the first page", res.Header.Get("Location"))
	}
	// Signed out, a mail's link leads to the login page, then to the
	// comment; a comment that does not exist looks the same.
	for _, c := range []int64{threads[0], threads[69] + 1000} {
		res := p.client().get(fmt.Sprintf("/comments/%d", c))
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != fmt.Sprintf("/login?next=%%2Fcomments%%2F%d", c) {
			t.Errorf("/comments/%d signed out: %d to %q, want the login page", c, res.StatusCode, loc)
		}
	}
}

// A body's page lists its comments 20 a page, latest first.
func TestBodyCommentsPaged(t *testing.T) {
	p := newPortal(t, nil)
	f := planFixtures(t, p)
	threads, _ := pagedThreads(t, p, f.measure, 45)
	assoc, err := p.store.AccountByEmail(context.Background(), p.emails[roleAssociation])
	if err != nil {
		t.Fatal(err)
	}
	body := id("/members/", assoc.BodyID)
	union := p.as(roleUnion)
	// The association posted 45 threads and 7 replies: 52 comments, the
	// latest the replies (by date, threads[44] is the latest thread).
	first := union.get(body)
	if n := strings.Count(first.body, `href="/comments/`); n != 20 {
		t.Errorf("page 1 of the body lists %d comments, want 20", n)
	}
	if !strings.Contains(first.body, fmt.Sprintf(`href="/comments/%d#commentaire-%d"`, threads[44], threads[44])) ||
		!strings.Contains(first.body, "Page suivante") {
		t.Error("page 1 of the body lacks its latest comment or « Page suivante »")
	}
	third := union.get(body + "?page=3")
	if n := strings.Count(third.body, `href="/comments/`); n != 12 {
		t.Errorf("page 3 of the body lists %d comments, want 12", n)
	}
	if !strings.Contains(third.body, fmt.Sprintf(`href="/comments/%d#`, threads[0])) || !strings.Contains(third.body, "Page précédente") ||
		strings.Contains(third.body, "Page suivante") {
		t.Error("page 3 of the body lacks the oldest comment or has the wrong page links")
	}
	if res := union.get(body + "?page=4"); res.StatusCode != http.StatusNotFound {
		t.Errorf("page 4 of 3: %d, want 404", res.StatusCode)
	}
}
