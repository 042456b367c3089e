package model

import "time"

// SearchKind is a kind of search result, as the filters name them.
type SearchKind string

// Search kinds, in the order the filters list them.
const (
	SearchMeeting        SearchKind = "meeting"
	SearchDocument       SearchKind = "document"
	SearchMeasure        SearchKind = "measure"
	SearchRecommendation SearchKind = "recommendation"
	SearchComment        SearchKind = "comment"
	SearchNews           SearchKind = "news"
)

// SearchKinds lists every kind.
var SearchKinds = []SearchKind{SearchMeeting, SearchDocument, SearchMeasure, SearchRecommendation, SearchComment, SearchNews}

// Label names the kind in the filters.
func (k SearchKind) Label() string {
	switch k {
	case SearchMeeting:
		return "Réunions"
	case SearchDocument:
		return "Documents"
	case SearchMeasure:
		return "Mesures"
	case SearchRecommendation:
		return "Recommandations"
	case SearchComment:
		return "Commentaires"
	case SearchNews:
		return "Actualités"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k SearchKind) Valid() bool {
	for _, each := range SearchKinds {
		if each == k {
			return true
		}
	}
	return false
}

// SearchHit is one result: where it leads, its title and an excerpt
// around the matched words.
type SearchHit struct {
	Kind SearchKind
	// Sub tells apart the parts of a kind: a meeting's minutes, agenda
	// item or decision; a measure's update.
	Sub   string
	ID    int64
	Link  string
	Title string
	At    *time.Time
	Year  int
	// Rank is ts_rank's relevance: titles weigh more than bodies.
	Rank float32
	// The highlights as ts_headline returns them, and as safe HTML.
	TitleHighlight, Excerpt string
	TitleHTML, ExcerptHTML  string
}

// SubLabel names what the result is, for its label.
func (h SearchHit) SubLabel() string {
	switch h.Sub {
	case "minutes":
		return "Compte rendu de réunion"
	case "agenda":
		return "Ordre du jour"
	case "decision":
		return "Décision"
	case "update":
		return "Mise à jour de mesure"
	case "meeting":
		return "Réunion"
	case "document":
		return "Document"
	case "measure":
		return "Mesure"
	case "recommendation":
		return "Recommandation"
	case "comment":
		return "Commentaire"
	case "news":
		return "Actualité"
	}
	return h.Sub
}
