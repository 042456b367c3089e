// Package generate fills a database with a large synthetic committee for
// performance work: ten years of meetings with agendas, decisions and
// minutes, tens of thousands of documents with their extracted text,
// thousands of member accounts and hundreds of thousands of comments on
// the followed plan's measures, implementation updates and news.
//
// The database must be migrated and hold the demo committee
// (seed.Committee): the generator hangs its rows on the demo bodies and
// the followed plan. Text is French made from word lists and sentence
// templates with a seeded generator, so that a seed and a date always give
// the same rows. A few rare words (RareWords) are planted in a handful of
// rows and appear nowhere else, for the search benchmark.
//
// Everything is written in one transaction with COPY; every row goes in
// with its base columns only (columns computed by the database fill
// themselves), and rows of tables that have an illustrative column are
// marked illustrative. A database generated once refuses a second run
// (ErrAlreadyGenerated).
package generate

import (
	"context"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"comite/internal/markdown"
	"comite/internal/password"
)

// EmailDomain is the domain of every generated account's e-mail: a
// reserved .example name that never receives mail. The generator finds
// its earlier runs by it.
const EmailDomain = "generated.comite.example"

// ErrAlreadyGenerated is returned when the database already holds
// generated accounts: a second run would double everything.
var ErrAlreadyGenerated = errors.New("cette base contient déjà un comité généré")

// RareWords are planted in a handful of rows (see Result.Planted) and
// appear in no other generated text.
var RareWords = []string{"Quimperlé", "anthropométrique"}

// Options says how much to generate. Zero counts of accounts, meetings,
// updates and news take defaults scaled on documents and comments (3 000
// accounts, 300 meetings, 1 000 updates and 200 articles at 20 000
// documents and 200 000 comments).
type Options struct {
	Documents int
	Comments  int
	Accounts  int
	Meetings  int
	Updates   int
	News      int
	Seed      uint64
	// Now is the end of the ten years the data covers; zero means now.
	Now time.Time
	// Progress, when set, is called after each step.
	Progress func(Step)
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

func (o Options) withDefaults() Options {
	if o.Accounts == 0 {
		o.Accounts = clamp(o.Comments/65, 20, 3000)
	}
	if o.Meetings == 0 {
		o.Meetings = clamp(o.Documents/65, 10, 300)
	}
	if o.Updates == 0 {
		o.Updates = clamp(o.Documents/20, 10, 1000)
	}
	if o.News == 0 {
		o.News = clamp(o.Documents/100, 5, 200)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return o
}

// Step is one table's load.
type Step struct {
	Table string
	Rows  int
	Took  time.Duration
}

// Planted is a row that holds a rare word.
type Planted struct {
	Word  string
	Table string
	ID    int64
	// Note says who may see the row: a document's visibility, a
	// comment's state.
	Note string
}

// Result is what was inserted.
type Result struct {
	Accounts, Meetings, AgendaItems, Decisions, Documents, Versions, Comments, Updates, News int
	// TextBytes is the size of the documents' extracted text.
	TextBytes int64
	Planted   []Planted
	Steps     []Step
	// Load is the time of the transaction; Took adds VACUUM ANALYZE.
	Load, Took time.Duration
}

// PlantedIn counts the rows of table that hold word.
func (r Result) PlantedIn(word, table string) int {
	n := 0
	for _, p := range r.Planted {
		if p.Word == word && p.Table == table {
			n++
		}
	}
	return n
}

type gen struct {
	o     Options
	tx    pgx.Tx
	res   *Result
	paris *time.Location
	now   time.Time
	hash  string

	measures []measureRow
	weights  []float64 // cumulative, for picking a measure to comment on
	bodies   []bodyRow // seated bodies
	allBody  map[int64]bodyRow
	members  []accountRow
	pilots   map[int64][]accountRow // by body
	meetings []meetingRow
	held     []int // indexes of held meetings in meetings
	plants   map[plantKey]plant
}

type measureRow struct {
	id       int64
	status   string
	progress int
	pilots   []int64
}

type bodyRow struct {
	id                   int64
	slug, name, category string
}

type accountRow struct {
	id, body int64
	category string
}

type meetingRow struct {
	id       int64
	starts   time.Time
	status   string
	public   bool
	items    []int64
	itemText []string
}

func (m meetingRow) held() bool {
	return m.status == "held" || m.status == "minutes_draft" || m.status == "minutes_approved"
}

// Run generates the committee. It refuses a database that already holds
// one (ErrAlreadyGenerated) and one without the demo committee.
func Run(ctx context.Context, pool *pgxpool.Pool, o Options) (Result, error) {
	var res Result
	if o.Documents < 0 || o.Comments < 0 || o.Accounts < 0 || o.Meetings < 0 || o.Updates < 0 || o.News < 0 {
		return res, errors.New("generate: negative count")
	}
	o = o.withDefaults()
	started := time.Now()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return res, err
	}
	// One hash for every account: of a random password nobody knows, so
	// that no generated account can sign in.
	hash, err := password.Hash(crand.Text())
	if err != nil {
		return res, err
	}
	g := &gen{o: o, res: &res, paris: paris, now: o.Now, hash: hash, pilots: map[int64][]accountRow{}}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		g.tx = tx
		return g.run(ctx)
	})
	if err != nil {
		return res, err
	}
	res.Load = time.Since(started)
	// Statistics for the planner, the visibility map, and the GIN indexes'
	// pending lists merged.
	t := time.Now()
	for _, table := range []string{"accounts", "meetings", "minutes_versions", "agenda_items", "decisions", "documents",
		"document_versions", "document_links", "measure_updates", "comments", "comment_versions", "news_articles"} {
		if _, err := pool.Exec(ctx, "VACUUM (ANALYZE) "+table); err != nil {
			return res, fmt.Errorf("vacuum %s: %w", table, err)
		}
	}
	g.step("vacuum analyze", 0, t)
	res.Took = time.Since(started)
	return res, nil
}

func (g *gen) step(table string, rows int, since time.Time) {
	s := Step{Table: table, Rows: rows, Took: time.Since(since)}
	g.res.Steps = append(g.res.Steps, s)
	if g.o.Progress != nil {
		g.o.Progress(s)
	}
}

// rng is the random source of one row: the same seed, table and row
// number always give the same values, whatever else was generated.
func (g *gen) rng(table uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(g.o.Seed, table<<40|uint64(i)))
}

// Tables' salts for rng.
const (
	saltAccount = iota + 1
	saltMeeting
	saltDocument
	saltVersion
	saltUpdate
	saltComments
	saltNews
	saltWeights
)

func (g *gen) run(ctx context.Context) error {
	var done bool
	if err := g.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM accounts WHERE email LIKE $1)`, "%@"+EmailDomain).Scan(&done); err != nil {
		return err
	}
	if done {
		return ErrAlreadyGenerated
	}
	if err := g.load(ctx); err != nil {
		return err
	}
	g.placePlants()
	for _, f := range []func(context.Context) error{g.accounts, g.meetingRows, g.documents, g.updates, g.comments, g.news} {
		if err := f(ctx); err != nil {
			return err
		}
	}
	_, err := g.tx.Exec(ctx, `INSERT INTO audit_log (action, object_type, detail) VALUES ('generate', 'committee', $1)`,
		map[string]any{"by": "generate", "seed": g.o.Seed, "documents": g.res.Documents, "comments": g.res.Comments,
			"accounts": g.res.Accounts, "meetings": g.res.Meetings})
	return err
}

// load reads the demo committee: bodies, the followed plan's measures and
// their pilots.
func (g *gen) load(ctx context.Context) error {
	rows, _ := g.tx.Query(ctx, `SELECT b.id, b.slug, b.name, b.category FROM bodies b
		WHERE EXISTS (SELECT 1 FROM seats s WHERE s.body_id = b.id) ORDER BY b.id`)
	var err error
	g.bodies, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (bodyRow, error) {
		var b bodyRow
		return b, r.Scan(&b.id, &b.slug, &b.name, &b.category)
	})
	if err != nil {
		return fmt.Errorf("read bodies: %w", err)
	}
	rows, _ = g.tx.Query(ctx, `SELECT m.id, m.status, m.progress,
			coalesce(array_agg(mb.body_id ORDER BY mb.body_id) FILTER (WHERE mb.role = 'pilot'), '{}')
		FROM measures m JOIN plans p ON p.id = m.plan_id LEFT JOIN measure_bodies mb ON mb.measure_id = m.id
		WHERE p.id = (SELECT id FROM plans WHERE followed ORDER BY id LIMIT 1)
		GROUP BY m.id ORDER BY m.id`)
	g.measures, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (measureRow, error) {
		var m measureRow
		return m, r.Scan(&m.id, &m.status, &m.progress, &m.pilots)
	})
	if err != nil {
		return fmt.Errorf("read the followed plan: %w", err)
	}
	rows, _ = g.tx.Query(ctx, `SELECT id, slug, name, category FROM bodies`)
	all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (bodyRow, error) {
		var b bodyRow
		return b, r.Scan(&b.id, &b.slug, &b.name, &b.category)
	})
	if err != nil {
		return fmt.Errorf("read bodies: %w", err)
	}
	g.allBody = map[int64]bodyRow{}
	for _, b := range all {
		g.allBody[b.id] = b
	}
	if len(g.bodies) == 0 || len(g.measures) == 0 {
		return errors.New("generate: no demo committee (seated bodies and a followed plan with measures); load it first (comite seed)")
	}
	// Some measures draw far more comments than others.
	r := g.rng(saltWeights, 0)
	perm := r.Perm(len(g.measures))
	total := 0.0
	for i := range g.measures {
		total += 1 / math.Pow(float64(perm[i]+1), 0.8)
		g.weights = append(g.weights, total)
	}
	return nil
}

// reserve takes n ids from a table's identity sequence, so that rows can
// point to each other before they are copied.
func (g *gen) reserve(ctx context.Context, table string, n int) ([]int64, error) {
	rows, _ := g.tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("reserve %s ids: %w", table, err)
	}
	return ids, nil
}

// copyRows streams rows into table with COPY; next returns nil at the end.
func (g *gen) copyRows(ctx context.Context, table string, cols []string, next func() ([]any, error)) (int, error) {
	start := time.Now()
	n, err := g.tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(next))
	if err != nil {
		return 0, fmt.Errorf("copy %s: %w", table, err)
	}
	g.step(table, int(n), start)
	return int(n), nil
}

// copySlice copies rows held in memory.
func (g *gen) copySlice(ctx context.Context, table string, cols []string, rows [][]any) error {
	i := 0
	_, err := g.copyRows(ctx, table, cols, func() ([]any, error) {
		if i == len(rows) {
			return nil, nil
		}
		i++
		return rows[i-1], nil
	})
	return err
}

// Plants: where each rare word goes, as a fraction of a table's rows.

type plantKey struct {
	table string
	index int
}

type plant struct {
	word, sentence, note string
}

var plantSentences = map[string]string{
	"Quimperlé":        "Une réunion d'information s'est tenue à Quimperlé avec les acteurs locaux de la protection de l'enfance.",
	"anthropométrique": "Le recours à un examen anthropométrique pour estimer l'âge des jeunes reste contesté par les associations.",
}

var plantSpecs = []struct {
	word, table string
	at          float64
	note        string
}{
	{"Quimperlé", "documents", 0.25, "public"},
	{"Quimperlé", "documents", 0.5, "members"},
	{"Quimperlé", "documents", 0.75, "secretariat"},
	{"Quimperlé", "comments", 0.3, "published"},
	{"Quimperlé", "comments", 0.6, "pending"},
	{"Quimperlé", "decisions", 0.5, ""},
	{"anthropométrique", "documents", 0.33, "public"},
	{"anthropométrique", "documents", 0.66, "members"},
	{"anthropométrique", "comments", 0.9, "published"},
	{"anthropométrique", "measure_updates", 0.5, "published"},
}

func (g *gen) placePlants() {
	g.plants = map[plantKey]plant{}
	size := map[string]int{"documents": g.o.Documents, "comments": g.o.Comments, "decisions": g.o.Meetings,
		"measure_updates": g.o.Updates}
	for _, p := range plantSpecs {
		n := size[p.table]
		if n == 0 {
			continue
		}
		k := plantKey{p.table, min(int(p.at*float64(n)), n-1)}
		for tries := 0; tries < n; tries++ {
			if _, taken := g.plants[k]; !taken {
				break
			}
			k.index = (k.index + 1) % n
		}
		if _, taken := g.plants[k]; taken {
			continue
		}
		g.plants[k] = plant{word: p.word, sentence: plantSentences[p.word], note: p.note}
	}
}

func (g *gen) planted(table string, index int) (plant, bool) {
	p, ok := g.plants[plantKey{table, index}]
	return p, ok
}

func (g *gen) recordPlant(p plant, table string, id int64, note string) {
	g.res.Planted = append(g.res.Planted, Planted{Word: p.word, Table: table, ID: id, Note: note})
}

// day is midnight UTC of t's day in Paris, for date columns.
func (g *gen) day(t time.Time) time.Time {
	t = t.In(g.paris)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func (g *gen) notAfterNow(t time.Time) time.Time {
	if t.After(g.now) {
		return g.now
	}
	return t
}

// tenYears is the span the committee's history covers.
const tenYears = 10 * 365 * 24 * time.Hour

func (g *gen) accounts(ctx context.Context) error {
	var pilotBodies []int64
	for _, m := range g.measures {
		for _, b := range m.pilots {
			if !slices.Contains(pilotBodies, b) {
				pilotBodies = append(pilotBodies, b)
			}
		}
	}
	slices.Sort(pilotBodies)
	n := g.o.Accounts + 2*len(pilotBodies)
	ids, err := g.reserve(ctx, "accounts", n)
	if err != nil {
		return err
	}
	rows := make([][]any, 0, n)
	for i := range n {
		r := g.rng(saltAccount, i)
		created := g.now.Add(-time.Duration(r.Int64N(int64(3 * 365 * 24 * time.Hour))))
		var email, role string
		var body int64
		if i < g.o.Accounts {
			body = pick(r, g.bodies).id
			email, role = fmt.Sprintf("membre-%05d@%s", i+1, EmailDomain), "member"
			g.members = append(g.members, accountRow{id: ids[i], body: body, category: g.allBody[body].category})
		} else {
			k := i - g.o.Accounts
			body = pilotBodies[k/2]
			email, role = fmt.Sprintf("pilote-%s-%d@%s", g.allBody[body].slug, k%2+1, EmailDomain), "pilot"
			g.pilots[body] = append(g.pilots[body], accountRow{id: ids[i], body: body, category: g.allBody[body].category})
		}
		rows = append(rows, []any{ids[i], email, personName(r) + " (compte généré)", g.hash, role, body, created, created})
	}
	g.res.Accounts = n
	return g.copySlice(ctx, "accounts", []string{"id", "email", "display_name", "password_hash", "role", "body_id",
		"created_at", "password_changed_at"}, rows)
}

var meetingTitles = []string{
	"Réunion plénière du comité de coordination",
	"Réunion plénière du comité de coordination",
	"Réunion du bureau du comité",
	"Séminaire annuel du comité de coordination",
}

var places = []string{
	"Paris, 35 rue Saint-Dominique, salle de conférence",
	"Paris, 14 avenue Duquesne, salle Laroque",
	"Visioconférence",
	"Paris, 101 rue de Grenelle, salle 1",
}

var agendaOpeners = []string{
	"Point d'étape sur ", "Présentation des travaux sur ", "Bilan de ", "Échange sur ", "Suivi de ",
}

// meetingTables are the rows meetingRows copies, table by table.
type meetingTables struct {
	meetings, versions, items, decisions [][]any
}

// meetingRows makes ten years of meetings and a few to come, with their
// agendas, minutes and decisions.
func (g *gen) meetingRows(ctx context.Context) error {
	n := g.o.Meetings
	ids, err := g.reserve(ctx, "meetings", n)
	if err != nil {
		return err
	}
	future := max(1, n/75)
	var t meetingTables
	for i := range n {
		if err := g.meeting(ctx, &t, i, ids[i], n-future); err != nil {
			return err
		}
	}
	if err := g.decisionRows(ctx, &t); err != nil {
		return err
	}
	if err := g.copyMeetingTables(ctx, t); err != nil {
		return err
	}
	g.res.Meetings, g.res.AgendaItems, g.res.Decisions = len(t.meetings), len(t.items), len(t.decisions)
	return nil
}

// meeting makes meeting i of n, the first past of them held before now,
// with its agenda and minutes, and keeps it in g.meetings.
func (g *gen) meeting(ctx context.Context, t *meetingTables, i int, id int64, past int) error {
	r := g.rng(saltMeeting, i)
	start := g.meetingStart(i, past)
	status := "planned"
	if i < past {
		// The last past meeting awaits its minutes, as the latest one does.
		status = pastMeetingStatus(r, i == past-1)
	}
	title := meetingTitle(r)
	m := meetingRow{id: id, starts: start, status: status, public: i < past && r.IntN(5) < 3}
	reason := ""
	if status == "cancelled" {
		reason = "Réunion annulée faute de quorum."
	} else if err := g.agenda(ctx, r, t, &m); err != nil {
		return err
	}
	minutes, version, approved := g.minutes(r, t, m)
	minutesHTML := ""
	if minutes != "" {
		minutesHTML = markdown.Document(minutes)
	}
	summary := shortText(r, 2+r.IntN(2), 1000)
	t.meetings = append(t.meetings, []any{m.id, fmt.Sprintf("gen-%s-%d", start.Format(time.DateOnly), i+1), title, start,
		start.Add(3 * time.Hour), pick(r, places), status, summary, true, reason, m.public,
		m.public && status == "minutes_approved" && r.IntN(2) == 0, minutes, version, minutesHTML, approved})
	if m.held() {
		g.held = append(g.held, len(g.meetings))
	}
	g.meetings = append(g.meetings, m)
	return nil
}

// meetingStart is 14:00 in Paris on the day of meeting i: the past ones
// evenly spread over ten years up to a week ago, the others every three
// weeks from now.
func (g *gen) meetingStart(i, past int) time.Time {
	first := g.now.Add(-tenYears)
	var at time.Time
	if i < past {
		at = first.Add(time.Duration(float64(g.now.Sub(first)-7*24*time.Hour) * float64(i) / float64(past)))
	} else {
		at = g.now.AddDate(0, 0, 21*(i-past+1))
	}
	d := at.In(g.paris)
	return time.Date(d.Year(), d.Month(), d.Day(), 14, 0, 0, 0, g.paris)
}

// pastMeetingStatus is mostly approved minutes, with a few cancelled
// meetings and some still waiting for their minutes.
func pastMeetingStatus(r *rand.Rand, last bool) string {
	switch u := r.Float64(); {
	case u < 0.03:
		return "cancelled"
	case u < 0.07:
		return "held"
	case u < 0.11 || last:
		return "minutes_draft"
	}
	return "minutes_approved"
}

func meetingTitle(r *rand.Rand) string {
	title := pick(r, meetingTitles)
	if r.IntN(4) == 0 {
		title = "Groupe de travail « " + capitalize(pick(r, docSubjects)) + " »"
	}
	return title
}

// agenda gives m four to eight items, opened by the previous minutes and
// closed by any other business.
func (g *gen) agenda(ctx context.Context, r *rand.Rand, t *meetingTables, m *meetingRow) error {
	k := 4 + r.IntN(5)
	for j := range k {
		switch {
		case j == 0:
			m.itemText = append(m.itemText, "Approbation du compte rendu de la réunion précédente")
		case j == k-1:
			m.itemText = append(m.itemText, "Questions diverses")
		default:
			m.itemText = append(m.itemText, pick(r, agendaOpeners)+pickSkewed(r, objects))
		}
	}
	itemIDs, err := g.reserve(ctx, "agenda_items", k)
	if err != nil {
		return err
	}
	m.items = itemIDs
	for j, text := range m.itemText {
		t.items = append(t.items, []any{itemIDs[j], m.id, j + 1, text, pick(r, g.bodies).name, 10 + 5*r.IntN(11)})
	}
	return nil
}

// minutes writes the minutes of a meeting whose status says it has some,
// as their first version, and the day they were approved on (nil when
// they are not). A meeting without minutes gets "" and version 0.
func (g *gen) minutes(r *rand.Rand, t *meetingTables, m meetingRow) (text string, version int, approved any) {
	if m.status != "minutes_draft" && m.status != "minutes_approved" {
		return "", 0, nil
	}
	text = minutesText(r, m.itemText, 120+r.IntN(300))
	t.versions = append(t.versions, []any{m.id, 1, text, g.notAfterNow(m.starts.AddDate(0, 0, 10))})
	if m.status == "minutes_approved" {
		approved = g.day(g.notAfterNow(m.starts.AddDate(0, 0, 45)))
	}
	return text, 1, approved
}

// decisionRows gives each held meeting one to four decisions, and plants
// a rare word in one of them.
func (g *gen) decisionRows(ctx context.Context, t *meetingTables) error {
	for di, mi := range g.held {
		m := g.meetings[mi]
		// Drawn apart from the meeting's own rows, which are all made by now.
		r := g.rng(saltMeeting, 1<<20+mi)
		k := 1 + r.IntN(4)
		dids, err := g.reserve(ctx, "decisions", k)
		if err != nil {
			return err
		}
		for j := range k {
			text := "Le comité " + pick(r, []string{"adopte", "valide", "prend acte de", "approuve"}) + " " +
				pickSkewed(r, objects) + ". " + shortText(r, 1+r.IntN(2), 1500)
			if p, ok := g.planted("decisions", di); ok && j == 0 {
				text += " " + p.sentence
				g.recordPlant(p, "decisions", dids[j], "")
			}
			t.decisions = append(t.decisions, []any{dids[j], m.id, m.items[r.IntN(len(m.items))], text, m.starts.Add(3 * time.Hour)})
		}
	}
	return nil
}

func (g *gen) copyMeetingTables(ctx context.Context, t meetingTables) error {
	for _, c := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"meetings", []string{"id", "slug", "title", "starts_at", "ends_at", "place", "status", "summary", "illustrative",
			"status_reason", "public_details", "public_minutes", "minutes_text", "minutes_version", "minutes_html",
			"minutes_approved_on"}, t.meetings},
		{"minutes_versions", []string{"meeting_id", "version", "body", "created_at"}, t.versions},
		{"agenda_items", []string{"id", "meeting_id", "position", "title", "presenter", "duration_minutes"}, t.items},
		{"decisions", []string{"id", "meeting_id", "agenda_item_id", "text", "created_at"}, t.decisions},
	} {
		if err := g.copySlice(ctx, c.table, c.cols, c.rows); err != nil {
			return err
		}
	}
	return nil
}

// doc is a document's metadata, kept for its versions.
type doc struct {
	id       int64
	title    string
	date     time.Time
	versions int
	ext      string
	plant    *plant
}

var docKinds = []struct {
	kind   string
	weight int
}{
	{"report", 20}, {"contribution", 25}, {"intervention", 15}, {"agenda", 10}, {"minutes", 10}, {"jo_text", 5}, {"other", 15},
}

var media = map[string]string{
	".pdf":  "application/pdf",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".odt":  "application/vnd.oasis.opendocument.text",
}

var frenchMonths = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
	"octobre", "novembre", "décembre"}

func frenchDate(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + frenchMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// documents makes the documents spread over ten years, their versions with
// the extracted text, and the links of meetings' agendas and minutes.
func (g *gen) documents(ctx context.Context) error {
	n := g.o.Documents
	if n == 0 {
		return nil
	}
	ids, err := g.reserve(ctx, "documents", n)
	if err != nil {
		return err
	}
	docs := make([]doc, n)
	var rows, links [][]any
	for i := range n {
		d, row, link := g.document(i, ids[i])
		docs[i] = d
		rows = append(rows, row)
		if link != nil {
			links = append(links, link)
		}
	}
	if err := g.copySlice(ctx, "documents", []string{"id", "title", "kind", "language", "doc_date", "visibility",
		"embargo_until", "embargo_visibility", "description", "created_at", "updated_at"}, rows); err != nil {
		return err
	}
	g.res.Documents = n
	if g.res.Versions, err = g.documentVersions(ctx, docs); err != nil {
		return err
	}
	return g.copySlice(ctx, "document_links", []string{"document_id", "target_type", "target_id", "created_at"}, links)
}

// document makes document i: its metadata, kept for its versions, its row,
// and its link to a meeting when it is the meeting's agenda or minutes
// (nil otherwise).
func (g *gen) document(i int, id int64) (d doc, row, link []any) {
	r := g.rng(saltDocument, i)
	d = doc{id: id, versions: 1 + r.IntN(100)/65}
	first := g.now.Add(-tenYears)
	date := first.Add(time.Duration(r.Int64N(int64(g.now.Sub(first)))))
	kind := documentKind(r)
	var meeting meetingRow
	if kind == "agenda" || kind == "minutes" {
		if len(g.held) == 0 {
			kind = "other" // no meeting to be the agenda or minutes of
		} else {
			meeting = g.meetings[g.held[r.IntN(len(g.held))]]
			date = meeting.starts.AddDate(0, 0, -7)
			if kind == "minutes" {
				date = g.notAfterNow(meeting.starts.AddDate(0, 0, 30))
			}
		}
	}
	d.title = g.documentTitle(r, kind, date, meeting.starts)
	d.date = date
	vis := documentVisibility(r)
	if p, ok := g.planted("documents", i); ok {
		vis = p.note
		d.plant = &p
		g.recordPlant(p, "documents", d.id, vis)
	}
	// A few members' documents become public later; never a planted one,
	// whose visibility the search benchmark relies on.
	var embargo, embargoVis any
	if vis == "members" && r.IntN(25) == 0 && d.plant == nil {
		embargo, embargoVis = date.AddDate(0, 3, 0), "public"
	}
	d.ext = []string{".pdf", ".pdf", ".pdf", ".pdf", ".pdf", ".pdf", ".pdf", ".docx", ".docx", ".odt"}[r.IntN(10)]
	desc := "Document généré pour les essais de charge. " + shortText(r, 1, 400)
	row = []any{d.id, d.title, kind, "fr", g.day(date), vis, embargo, embargoVis, desc, date, date}
	if meeting.id != 0 {
		link = []any{d.id, "meeting", meeting.id, date}
	}
	return d, row, link
}

// documentKind draws a kind by the weights of docKinds.
func documentKind(r *rand.Rand) string {
	w := r.IntN(100)
	for _, k := range docKinds {
		if w < k.weight {
			return k.kind
		}
		w -= k.weight
	}
	return "other"
}

// documentTitle is a title as the kind of document has it; meetingDay is
// the day of the meeting an agenda or minutes are of.
func (g *gen) documentTitle(r *rand.Rand, kind string, date, meetingDay time.Time) string {
	body := pick(r, g.bodies)
	subject := pick(r, docSubjects)
	var title string
	switch kind {
	case "agenda":
		title = "Ordre du jour de la réunion du " + frenchDate(meetingDay.In(g.paris))
	case "minutes":
		title = "Compte rendu de la réunion du " + frenchDate(meetingDay.In(g.paris))
	case "report":
		title = pick(r, []string{"Rapport sur ", "Étude sur ", "Bilan annuel sur "}) + subject + " (" + strconv.Itoa(date.Year()) + ")"
	case "contribution":
		title = "Contribution de " + body.name + " sur " + subject
	case "intervention":
		title = "Intervention de " + personName(r) + " sur " + subject
	case "jo_text":
		title = "Arrêté du " + frenchDate(date.In(g.paris)) + " portant nomination au comité de coordination"
	default:
		title = "Note de synthèse n° " + strconv.Itoa(1+r.IntN(400)) + " sur " + subject
	}
	if len([]rune(title)) > 300 {
		title = string([]rune(title)[:300])
	}
	return title
}

// documentVisibility is half public, a third for members, the rest for
// the secretariat.
func documentVisibility(r *rand.Rand) string {
	switch u := r.IntN(100); {
	case u >= 85:
		return "secretariat"
	case u >= 50:
		return "members"
	}
	return "public"
}

// documentVersions copies the versions of docs. Their text is made as
// COPY asks for it, rather than held in memory all at once.
func (g *gen) documentVersions(ctx context.Context, docs []doc) (int, error) {
	i, v := 0, 1
	return g.copyRows(ctx, "document_versions", []string{"document_id", "number", "sha256", "size_bytes",
		"media_type", "filename", "uploaded_at", "extraction_status", "extracted_text"}, func() ([]any, error) {
		if i == len(docs) {
			return nil, nil
		}
		row := g.versionRow(docs[i], i, v)
		if v < docs[i].versions {
			v++
		} else {
			i, v = i+1, 1
		}
		return row, nil
	})
}

// versionRow makes version v of document d, the i-th: its text, with the
// document's rare word in the latest version only.
func (g *gen) versionRow(d doc, i, v int) []any {
	r := g.rng(saltVersion, 2*i+v-1)
	words := 200 + int(r.ExpFloat64()*600)
	text := documentText(r, d.title, min(words, 6000))
	if d.plant != nil && v == d.versions {
		text = insertMidway(text, d.plant.sentence)
	}
	g.res.TextBytes += int64(len(text))
	sum := sha256.Sum256([]byte(text))
	return []any{d.id, v, hex.EncodeToString(sum[:]), int64(len(text)) * 3, media[d.ext], fileName(d.title, v) + d.ext,
		g.notAfterNow(d.date.Add(time.Duration(v*26) * time.Hour)), "done", text}
}

// insertMidway puts sentence in the middle of text, as a sentence of its
// own, or at its end when the second half holds no sentence end.
func insertMidway(text, sentence string) string {
	cut := strings.Index(text[len(text)/2:], ". ")
	if cut < 0 {
		return text + " " + sentence
	}
	cut += len(text)/2 + 2
	return text[:cut] + sentence + " " + text[cut:]
}

var unaccent = strings.NewReplacer("à", "a", "â", "a", "ä", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "œ", "oe", "É", "E", "À", "A", "Î", "I")

// fileName is a plain file name made from a title.
func fileName(title string, version int) string {
	var b strings.Builder
	dash := false
	for _, c := range unaccent.Replace(title) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteRune(c)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	name := strings.TrimRight(b.String(), "-")
	if version > 1 {
		name += "-v" + strconv.Itoa(version)
	}
	return name
}

var updateOpeners = []string{
	"Au cours de la période, ", "Depuis le dernier point, ", "Pour ce trimestre, ", "À la date du rapport, ",
}

func (g *gen) updates(ctx context.Context) error {
	n := g.o.Updates
	if n == 0 {
		return nil
	}
	ids, err := g.reserve(ctx, "measure_updates", n)
	if err != nil {
		return err
	}
	first := g.now.AddDate(-3, 0, 0)
	var rows [][]any
	for i := range n {
		r := g.rng(saltUpdate, i)
		m := pick(r, g.measures)
		var author, body any
		if len(m.pilots) > 0 {
			b := pick(r, m.pilots)
			if as := g.pilots[b]; len(as) > 0 {
				author, body = pick(r, as).id, b
			}
		}
		state := "published"
		switch i % 10 {
		case 3:
			state = "pending"
		case 7:
			state = "returned"
		}
		text := pick(r, updateOpeners) + shortText(r, 3+r.IntN(8), 9000)
		if p, ok := g.planted("measure_updates", i); ok {
			state = p.note
			text += " " + p.sentence
			g.recordPlant(p, "measure_updates", ids[i], state)
		}
		happened := first.Add(time.Duration(r.Int64N(int64(g.now.Sub(first)))))
		created := g.notAfterNow(happened.Add(48 * time.Hour))
		var reviewed any
		remark := ""
		if state != "pending" {
			reviewed = g.notAfterNow(created.Add(5 * 24 * time.Hour))
		}
		if state == "returned" {
			remark = "Merci de préciser les indicateurs et les moyens mobilisés."
		}
		rows = append(rows, []any{ids[i], m.id, author, body, state, m.status, m.progress, text, g.day(happened), created,
			reviewed, remark, true})
	}
	g.res.Updates = n
	return g.copySlice(ctx, "measure_updates", []string{"id", "measure_id", "author_id", "body_id", "state", "status",
		"progress", "text", "happened_on", "created_at", "reviewed_at", "review_remark", "illustrative"}, rows)
}

// limitedHTML is markdown.Limited of the generator's plain texts, which
// hold no markdown syntax: escaped paragraphs. It is much faster, and
// TestGenerate checks that both agree.
func limitedHTML(text string) string {
	var b strings.Builder
	for i, p := range strings.Split(text, "\n\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("<p>")
		b.WriteString(html.EscapeString(p))
		b.WriteString("</p>")
	}
	b.WriteByte('\n')
	return b.String()
}

// comments makes the comments on the followed plan's measures, spread
// over two years, with their first versions.
func (g *gen) comments(ctx context.Context) error {
	n := g.o.Comments
	if n == 0 {
		return nil
	}
	ids, err := g.reserve(ctx, "comments", n)
	if err != nil {
		return err
	}
	start := g.now.AddDate(-2, 0, 0)
	step := g.now.Add(-time.Hour).Sub(start) / time.Duration(n)
	// The published top-level comments of each measure, which replies
	// answer.
	tops := make([][]int64, len(g.measures))
	r := g.rng(saltComments, 0)
	i := 0
	_, err = g.copyRows(ctx, "comments", []string{"id", "measure_id", "parent_id", "author_id", "body_id", "category",
		"text_md", "text_html", "official", "state", "version", "withdrawn_at", "hidden_at", "hidden_reason", "illustrative",
		"created_at"}, func() ([]any, error) {
		if i == n {
			return nil, nil
		}
		at := start.Add(step*time.Duration(i) + time.Duration(r.Int64N(int64(step)+1)))
		row := g.comment(r, tops, i, ids[i], at)
		i++
		return row, nil
	})
	if err != nil {
		return err
	}
	// Each thread's last activity, which pages a measure's threads, as
	// store.CreateComment keeps it (GREATEST leaves out a NULL).
	if _, err := g.tx.Exec(ctx, `UPDATE comments c SET activity_at = greatest(c.created_at,
		(SELECT max(r.created_at) FROM comments r WHERE r.parent_id = c.id))
		WHERE c.parent_id IS NULL AND c.activity_at IS NULL`); err != nil {
		return fmt.Errorf("thread activity: %w", err)
	}
	g.res.Comments = n
	return g.commentVersions(ctx, ids)
}

// comment makes comment i, written at: on a measure drawn by its weight,
// a reply to one of the measure's latest published comments a third of
// the time (some of them by a pilot, officially), moderated now and then.
func (g *gen) comment(r *rand.Rand, tops [][]int64, i int, id int64, at time.Time) []any {
	mi, _ := slices.BinarySearch(g.weights, r.Float64()*g.weights[len(g.weights)-1])
	mi = min(mi, len(g.measures)-1)
	m := g.measures[mi]
	p, planted := g.planted("comments", i)
	var parent any
	author := pick(r, g.members)
	official := false
	// A planted word goes in a top-level comment.
	reply := !planted && r.IntN(100) < 35 && len(tops[mi]) > 0
	if reply {
		ts := tops[mi][max(0, len(tops[mi])-30):]
		parent = pick(r, ts)
		if len(m.pilots) > 0 && r.IntN(100) < 8 {
			if as := g.pilots[pick(r, m.pilots)]; len(as) > 0 {
				author, official = pick(r, as), true
			}
		}
	}
	var text string
	if reply {
		text = shortText(r, 1+r.IntN(4), 4800)
	} else {
		text = shortText(r, 2+r.IntN(7), 4800)
	}
	mod := g.moderate(r, official, at)
	if planted {
		mod = moderation{state: p.note}
		text += "\n\n" + p.sentence
		g.recordPlant(p, "comments", id, mod.state)
	}
	if parent == nil && mod.state == "published" && mod.withdrawn == nil && mod.hidden == nil {
		tops[mi] = append(tops[mi], id)
	}
	return []any{id, m.id, parent, author.id, author.body, author.category, text, limitedHTML(text), official, mod.state, 1,
		mod.withdrawn, mod.hidden, mod.reason, true, at}
}

// moderation is what became of a comment.
type moderation struct {
	state             string
	withdrawn, hidden any // times, or nil
	reason            string
}

// moderate mostly publishes a comment written at; a few are pending,
// rejected, withdrawn by their author or hidden. An official answer is
// always published.
func (g *gen) moderate(r *rand.Rand, official bool, at time.Time) moderation {
	switch u := r.IntN(100); {
	case official:
	case u < 4:
		return moderation{state: "pending"}
	case u < 6:
		return moderation{state: "rejected", reason: "Hors du sujet de la mesure."}
	case u < 9:
		return moderation{state: "published", withdrawn: g.notAfterNow(at.Add(24 * time.Hour))}
	case u < 11:
		return moderation{state: "published", hidden: g.notAfterNow(at.Add(48 * time.Hour)),
			reason: "Propos contraires à la charte de la consultation."}
	}
	return moderation{state: "published"}
}

// commentVersions gives the comments ids their first version, their text.
func (g *gen) commentVersions(ctx context.Context, ids []int64) error {
	t := time.Now()
	tag, err := g.tx.Exec(ctx, `INSERT INTO comment_versions (comment_id, version, text_md, created_at)
		SELECT c.id, 1, c.text_md, c.created_at FROM comments c WHERE c.id = ANY($1)`, ids)
	if err != nil {
		return fmt.Errorf("comment versions: %w", err)
	}
	g.step("comment_versions", int(tag.RowsAffected()), t)
	return nil
}

var newsTitles = []string{
	"Le comité de coordination s'est réuni",
	"Publication du rapport sur ",
	"Lancement de la campagne sur ",
	"Nouvelle étape pour ",
	"Retour sur le séminaire consacré à ",
}

func (g *gen) news(ctx context.Context) error {
	n := g.o.News
	if n == 0 {
		return nil
	}
	first := g.now.Add(-tenYears)
	var rows [][]any
	for i := range n {
		r := g.rng(saltNews, i)
		at := first.Add(time.Duration(float64(g.now.Add(-time.Hour).Sub(first)) * float64(i) / float64(n)))
		title := pick(r, newsTitles)
		if strings.HasSuffix(title, " ") {
			title += pick(r, docSubjects)
		} else {
			title += " le " + frenchDate(at.In(g.paris))
		}
		slug := strings.ToLower(fileName(title, 1))
		slug = fmt.Sprintf("gen-%s-%d", slug[:min(len(slug), 60)], i+1)
		var body strings.Builder
		for k := range 2 + r.IntN(5) {
			if k > 0 {
				body.WriteString("\n\n")
			}
			body.WriteString(shortText(r, 3+r.IntN(4), 3000))
		}
		vis := "public"
		if r.IntN(10) == 0 {
			vis = "members"
		}
		// notify off and marked as mailed: no mail is ever queued for them.
		rows = append(rows, []any{slug, title, shortText(r, 2, 580), body.String(), markdown.Document(body.String()), vis, at,
			true, false, at, true, at, at})
	}
	g.res.News = n
	return g.copySlice(ctx, "news_articles", []string{"slug", "title", "summary", "body", "body_html", "visibility",
		"published_at", "slug_frozen", "notify", "news_mailed_at", "illustrative", "created_at", "updated_at"}, rows)
}
