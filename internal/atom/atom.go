// Package atom writes Atom 1.0 feeds (RFC 4287) with encoding/xml, for the
// portal's news feed. It knows nothing of the portal: the caller gives
// absolute addresses and texts, the package gives well-formed, escaped XML
// with the elements RFC 4287 requires.
package atom

import (
	"encoding/xml"
	"time"
)

// ContentType is the media type of an Atom document.
const ContentType = "application/atom+xml; charset=utf-8"

// Feed is a feed and its entries, newest first.
type Feed struct {
	// ID is a permanent, absolute IRI for the feed, such as its address.
	ID    string
	Title string
	// Subtitle is optional.
	Subtitle string
	// Self is the feed's own address; Alternate the HTML page it mirrors.
	Self, Alternate string
	// Author names who publishes the feed: RFC 4287 requires an author on
	// the feed or on every entry.
	Author string
	// Updated is the last change of the feed; the zero time means the
	// latest Updated of the entries (or Unix time 0 for an empty feed).
	Updated time.Time
	// Language is the xml:lang of the feed, such as "fr".
	Language string
	Entries  []Entry
}

// Entry is one article.
type Entry struct {
	// ID is permanent and absolute: it must not change when the entry is
	// edited, or readers show it again as new.
	ID        string
	Title     string
	Link      string
	Published time.Time
	Updated   time.Time
	Summary   string
	// HTML is the entry's content as HTML, already sanitised by the caller;
	// it is escaped here as RFC 4287 asks for type="html".
	HTML string
}

type xmlFeed struct {
	XMLName  xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string     `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID       string     `xml:"id"`
	Title    xmlText    `xml:"title"`
	Subtitle *xmlText   `xml:"subtitle,omitempty"`
	Updated  string     `xml:"updated"`
	Links    []xmlLink  `xml:"link"`
	Author   xmlPerson  `xml:"author"`
	Entries  []xmlEntry `xml:"entry"`
}

type xmlText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type xmlLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type xmlPerson struct {
	Name string `xml:"name"`
}

type xmlEntry struct {
	ID        string   `xml:"id"`
	Title     xmlText  `xml:"title"`
	Link      xmlLink  `xml:"link"`
	Published string   `xml:"published"`
	Updated   string   `xml:"updated"`
	Summary   *xmlText `xml:"summary,omitempty"`
	Content   *xmlText `xml:"content,omitempty"`
}

// lastChange is the entry's updated date, which RFC 4287 wants no earlier
// than its publication (an article edited before its scheduled time).
func (e Entry) lastChange() time.Time {
	if e.Updated.Before(e.Published) {
		return e.Published
	}
	return e.Updated
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Bytes writes the feed as an XML document.
func (f Feed) Bytes() ([]byte, error) {
	updated := f.Updated
	if updated.IsZero() {
		updated = time.Unix(0, 0)
		for _, e := range f.Entries {
			if u := e.lastChange(); u.After(updated) {
				updated = u
			}
		}
	}
	x := xmlFeed{Lang: f.Language, ID: f.ID, Title: xmlText{Type: "text", Body: f.Title}, Updated: stamp(updated),
		Author: xmlPerson{Name: f.Author}}
	if f.Subtitle != "" {
		x.Subtitle = &xmlText{Type: "text", Body: f.Subtitle}
	}
	if f.Self != "" {
		x.Links = append(x.Links, xmlLink{Rel: "self", Type: "application/atom+xml", Href: f.Self})
	}
	if f.Alternate != "" {
		x.Links = append(x.Links, xmlLink{Rel: "alternate", Type: "text/html", Href: f.Alternate})
	}
	for _, e := range f.Entries {
		xe := xmlEntry{ID: e.ID, Title: xmlText{Type: "text", Body: e.Title},
			Link:      xmlLink{Rel: "alternate", Type: "text/html", Href: e.Link},
			Published: stamp(e.Published), Updated: stamp(e.lastChange())}
		if e.Summary != "" {
			xe.Summary = &xmlText{Type: "text", Body: e.Summary}
		}
		if e.HTML != "" {
			xe.Content = &xmlText{Type: "html", Body: e.HTML}
		}
		x.Entries = append(x.Entries, xe)
	}
	out, err := xml.MarshalIndent(x, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}
