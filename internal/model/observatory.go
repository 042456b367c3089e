package model

import (
	"strconv"
	"time"
)

// SurveyState is where a yearly survey of the associations stands.
type SurveyState string

// A survey is open to returns, then closed, then published once its
// tables passed the disclosure check. Earlier years are imported published.
const (
	SurveyOpen      SurveyState = "open"
	SurveyClosed    SurveyState = "closed"
	SurveyPublished SurveyState = "published"
)

// Label is the state as the back office shows it.
func (s SurveyState) Label() string {
	switch s {
	case SurveyOpen:
		return "Ouverte"
	case SurveyClosed:
		return "Close, non publiée"
	case SurveyPublished:
		return "Publiée"
	}
	return "Inconnu"
}

// Survey is one yearly campaign of the observatory: the associations send
// the counts of the victims they supported during DataYear.
type Survey struct {
	ID          int64
	Year        int
	OpensOn     *time.Time
	ClosesOn    *time.Time
	State       SurveyState
	Publication *Publication
	PublishedAt *time.Time
	// Source is where an imported year's figures were published.
	Source string
	// Answered is how many associations submitted a return.
	Answered int
}

// AcceptsReturns reports whether associations may still send or correct
// their return on day now.
func (s Survey) AcceptsReturns(now time.Time) bool {
	if s.State != SurveyOpen {
		return false
	}
	return s.ClosesOn == nil || !now.After(s.ClosesOn.AddDate(0, 0, 1))
}

// Sharing is who, besides its association, may read a return's own figures.
type Sharing string

// An association chooses one per return; the aggregate is published in
// every case.
const (
	SharingAggregate     Sharing = "aggregate"
	SharingStatisticians Sharing = "statisticians"
	SharingPublic        Sharing = "public"
)

// Sharings lists the choices in the order the form offers them.
var Sharings = []Sharing{SharingAggregate, SharingStatisticians, SharingPublic}

// Valid reports whether s is a known choice.
func (s Sharing) Valid() bool {
	return s == SharingAggregate || s == SharingStatisticians || s == SharingPublic
}

// Label is the choice as the association reads it.
func (s Sharing) Label() string {
	switch s {
	case SharingAggregate:
		return "Uniquement dans l'agrégat : personne d'autre ne lit nos chiffres"
	case SharingStatisticians:
		return "Les statisticiens de l'observatoire peuvent lire nos chiffres"
	case SharingPublic:
		return "Tout le monde peut lire nos chiffres, avec le nom de l'association"
	}
	return "Inconnu"
}

// ReturnState says whether the association has sent its return.
type ReturnState string

// A return is a draft until submitted; it may be corrected (and submitted
// again) while the survey is open.
const (
	ReturnDraft     ReturnState = "draft"
	ReturnSubmitted ReturnState = "submitted"
)

// Label is the state as pages show it.
func (s ReturnState) Label() string {
	if s == ReturnSubmitted {
		return "Transmis"
	}
	return "Brouillon"
}

// Counts are a return's figures by variable key (SurveyVariables); a key
// left blank is absent.
type Counts map[string]int

// SurveyReturn is one association's answer to one survey.
type SurveyReturn struct {
	ID             int64
	SurveyID       int64
	Year           int
	BodyID         int64
	BodyName       string
	State          ReturnState
	Sharing        Sharing
	Counts         Counts
	Version        int
	Example        bool
	NoteDocumentID int64
	SubmittedAt    *time.Time
	UpdatedAt      time.Time
}

// ReturnReading is one reading of a return by someone outside its
// association.
type ReturnReading struct {
	Reader   string
	Capacity string
	ReadAt   time.Time
}

// Variable is one count of the questionnaire.
type Variable struct {
	Key, Label string
}

// VariableGroup is a block of the questionnaire: a breakdown whose counts
// must add up to the supported victims (Breakdown), or counts that may not
// exceed another (AtMost).
type VariableGroup struct {
	Key, Title string
	// Breakdown names the group in the mismatch message (« par forme
	// d'exploitation »); empty for a group that is not a breakdown.
	Breakdown string
	Vars      []Variable
}

// The keys of the counts other checks refer to.
const (
	VarIdentified = "identified"
	VarSupported  = "supported"
	VarComplaint  = "complaint"
	VarMinor      = "minor"
	VarMNA        = "mna"
)

// SurveyGroups is the questionnaire: the variables of the survey since
// 2015 (domain-facts.md, section 4), the four purposes of article 225-4-1
// of the Code pénal plus « autre ».
var SurveyGroups = []VariableGroup{
	{Key: "victims", Title: "Victimes", Vars: []Variable{
		{VarIdentified, "Victimes repérées"},
		{VarSupported, "Victimes accompagnées"},
	}},
	{Key: "form", Title: "Forme d'exploitation", Breakdown: "par forme d'exploitation", Vars: []Variable{
		{"form_sexual", "Exploitation sexuelle"},
		{"form_labour", "Exploitation par le travail (y compris domestique)"},
		{"form_begging", "Mendicité forcée"},
		{"form_crime", "Contrainte à commettre des crimes ou délits"},
		{"form_other", "Autre forme"},
	}},
	{Key: "sex", Title: "Sexe", Breakdown: "par sexe", Vars: []Variable{
		{"sex_female", "Femmes et filles"},
		{"sex_male", "Hommes et garçons"},
	}},
	{Key: "age", Title: "Âge", Breakdown: "par âge", Vars: []Variable{
		{VarMinor, "Mineures"},
		{"adult", "Majeures"},
	}},
	{Key: "origin", Title: "Région d'origine", Breakdown: "par région d'origine", Vars: []Variable{
		{"origin_france", "France"},
		{"origin_europe", "Europe (hors France)"},
		{"origin_africa", "Afrique"},
		{"origin_asia", "Asie"},
		{"origin_americas", "Amériques et Caraïbes"},
		{"origin_other", "Autre ou inconnue"},
	}},
	{Key: "place", Title: "Lieu d'exploitation", Breakdown: "par lieu d'exploitation", Vars: []Variable{
		{"place_france", "En France, au moins en partie"},
		{"place_abroad", "Uniquement à l'étranger"},
	}},
	{Key: "other", Title: "Autres indicateurs", Vars: []Variable{
		{VarComplaint, "Victimes ayant déposé plainte"},
		{VarMNA, "Mineurs potentiellement non accompagnés"},
	}},
}

// SurveyVariables lists every variable of the questionnaire in order.
func SurveyVariables() []Variable {
	var vs []Variable
	for _, g := range SurveyGroups {
		vs = append(vs, g.Vars...)
	}
	return vs
}

// VariableLabel is the label of variable key, or the key itself.
func VariableLabel(key string) string {
	for _, v := range SurveyVariables() {
		if v.Key == key {
			return v.Label
		}
	}
	return key
}

// Mismatch is one inconsistency of a return, attached to the field the
// association should look at.
type Mismatch struct {
	Field, Message string
}

// Mismatches checks a complete return's totals across variables and
// explains each inconsistency in French. Blank counts are reported by
// Missing, not here.
func (c Counts) Mismatches() []Mismatch {
	var out []Mismatch
	supported, hasSupported := c[VarSupported]
	if id, ok := c[VarIdentified]; ok && hasSupported && supported > id {
		out = append(out, Mismatch{VarSupported, "Le nombre de victimes accompagnées (" + FormatCount(supported) +
			") dépasse le nombre de victimes repérées (" + FormatCount(id) + ")."})
	}
	for _, g := range SurveyGroups {
		if g.Breakdown == "" || !hasSupported {
			continue
		}
		sum, complete := 0, true
		for _, v := range g.Vars {
			n, ok := c[v.Key]
			complete = complete && ok
			sum += n
		}
		if complete && sum != supported {
			out = append(out, Mismatch{g.Vars[0].Key, "La somme " + g.Breakdown + " (" + FormatCount(sum) +
				") ne correspond pas au nombre de victimes accompagnées (" + FormatCount(supported) + ")."})
		}
	}
	if n, ok := c[VarComplaint]; ok && hasSupported && n > supported {
		out = append(out, Mismatch{VarComplaint, "Le nombre de victimes ayant déposé plainte (" + FormatCount(n) +
			") dépasse le nombre de victimes accompagnées (" + FormatCount(supported) + ")."})
	}
	if n, ok := c[VarMNA]; ok {
		if minors, ok := c[VarMinor]; ok && n > minors {
			out = append(out, Mismatch{VarMNA, "Le nombre de mineurs potentiellement non accompagnés (" + FormatCount(n) +
				") dépasse le nombre de victimes mineures (" + FormatCount(minors) + ")."})
		}
	}
	return out
}

// Missing lists the variables left blank, which a submitted return must fill.
func (c Counts) Missing() []string {
	var out []string
	for _, v := range SurveyVariables() {
		if _, ok := c[v.Key]; !ok {
			out = append(out, v.Key)
		}
	}
	return out
}

// FormatCount writes a count as French figures are written, with a narrow
// no-break space between thousands (« 4 823 »).
func FormatCount(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + FormatCount(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "\u202f" + s[i:]
	}
	return s
}

// Publication is a year's published tables, as the observatory page and
// its downloads show them.
type Publication struct {
	Year        int              `json:"annee"`
	Respondents int              `json:"associations_repondantes"`
	Source      string           `json:"source,omitempty"`
	Note        string           `json:"note,omitempty"`
	Tables      []PublishedTable `json:"tableaux"`
}

// PublishedTable is one table of a publication: a breakdown of the
// supported victims, in counts (Unit "victimes") or in shares (Unit "%").
type PublishedTable struct {
	Key   string          `json:"cle"`
	Title string          `json:"titre"`
	Unit  string          `json:"unite"`
	Cells []PublishedCell `json:"cases"`
}

// PublishedCell is one published figure: its value, or nil with a mark
// when suppressed (« < 5 » for a small count, « s » for a cell hidden so
// that another cannot be worked out).
type PublishedCell struct {
	Key   string `json:"cle"`
	Label string `json:"libelle"`
	Value *int   `json:"valeur"`
	Mark  string `json:"marque,omitempty"`
}

// Display is the cell as tables show it: its value or its mark.
func (c PublishedCell) Display() string {
	switch {
	case c.Mark != "":
		return c.Mark
	case c.Value == nil:
		return "–"
	}
	return FormatCount(*c.Value)
}

// Cell returns the value of the cell key of table, if published.
func (p Publication) Cell(table, key string) (int, bool) {
	for _, t := range p.Tables {
		if t.Key != table {
			continue
		}
		for _, c := range t.Cells {
			if c.Key == key && c.Value != nil && c.Mark == "" {
				return *c.Value, true
			}
		}
	}
	return 0, false
}

// Mark returns the mark the publication showed in place of the cell key
// of table, and whether it suppressed that cell.
func (p Publication) Mark(table, key string) (string, bool) {
	for _, t := range p.Tables {
		if t.Key != table {
			continue
		}
		for _, c := range t.Cells {
			if c.Key == key && c.Mark != "" {
				return c.Mark, true
			}
		}
	}
	return "", false
}

// StatCell is one cell of a year's tables before suppression: the sum of
// the returns and how many associations contributed to it.
type StatCell struct {
	Table, Key, Label string
	Value             int
	Contributors      int
	// Largest is the largest single association's count, for the
	// dominance rule.
	Largest int
}

// StatRelation says that the cell Total is the sum of the cells Parts
// (indexes into the cells).
type StatRelation struct {
	Total int
	Parts []int
}

// YearTables turns the submitted returns of a year into the cells of its
// tables and the relations between them: the total of supported victims,
// every breakdown summing to it, and the standalone counts.
func YearTables(returns []Counts) ([]StatCell, []StatRelation) {
	add := func(table, key string) StatCell {
		c := StatCell{Table: table, Key: key, Label: VariableLabel(key)}
		for _, r := range returns {
			if n := r[key]; n > 0 {
				c.Value += n
				c.Contributors++
				c.Largest = max(c.Largest, n)
			}
		}
		return c
	}
	cells := []StatCell{add("victims", VarSupported), add("victims", VarIdentified)}
	var rels []StatRelation
	for _, g := range SurveyGroups {
		switch {
		case g.Breakdown != "":
			rel := StatRelation{Total: 0}
			for _, v := range g.Vars {
				rel.Parts = append(rel.Parts, len(cells))
				cells = append(cells, add(g.Key, v.Key))
			}
			rels = append(rels, rel)
		case g.Key != "victims":
			for _, v := range g.Vars {
				cells = append(cells, add(g.Key, v.Key))
			}
		}
	}
	return cells, rels
}

// GroupTitle is the title of the questionnaire block key.
func GroupTitle(key string) string {
	for _, g := range SurveyGroups {
		if g.Key == key {
			return g.Title
		}
	}
	return key
}
