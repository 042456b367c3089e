package atom

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

func TestFeedParses(t *testing.T) {
	published := time.Date(2024, 3, 29, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	f := Feed{ID: "https://comite.example.fr/news.atom", Title: "Actualités & nouvelles <du> comité", Self: "https://comite.example.fr/news.atom",
		Alternate: "https://comite.example.fr/news", Author: "Secrétariat", Language: "fr",
		Entries: []Entry{{ID: "tag:comite.example.fr,2024-03-29:news/1", Title: `Réunion "plénière" <b>`, Link: "https://comite.example.fr/news/reunion",
			Published: published, Updated: published.Add(-time.Hour), Summary: "Résumé\x01 avec un caractère de contrôle",
			HTML: `<p>Voir <a href="https://comite.example.fr/meetings/1">la réunion</a> &amp; le reste.</p>`}}}
	b, err := f.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	// Strict XML first: the standard decoder refuses any ill-formed byte.
	d := xml.NewDecoder(strings.NewReader(string(b)))
	d.Strict = true
	for {
		if _, err := d.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed XML: %v\n%s", err, b)
			}
			break
		}
	}
	if !strings.Contains(string(b), `xml:lang="fr"`) || !strings.Contains(string(b), `xmlns="http://www.w3.org/2005/Atom"`) {
		t.Errorf("no Atom namespace or xml:lang:\n%s", b)
	}
	feed, err := gofeed.NewParser().ParseString(string(b))
	if err != nil {
		t.Fatal(err)
	}
	if feed.FeedType != "atom" || feed.FeedVersion != "1.0" || feed.Title != f.Title || feed.Link != f.Alternate || feed.Language != "fr" {
		t.Errorf("feed: %s %s %q %q %q", feed.FeedType, feed.FeedVersion, feed.Title, feed.Link, feed.Language)
	}
	if len(feed.Items) != 1 {
		t.Fatalf("%d entries, want 1", len(feed.Items))
	}
	it := feed.Items[0]
	if it.Title != f.Entries[0].Title || it.Link != f.Entries[0].Link || it.GUID != f.Entries[0].ID || it.Content != f.Entries[0].HTML {
		t.Errorf("entry: %+v", it)
	}
	// updated is never before published; the feed's updated is its latest entry's.
	if it.UpdatedParsed == nil || !it.UpdatedParsed.Equal(published) || feed.UpdatedParsed == nil || !feed.UpdatedParsed.Equal(published) {
		t.Errorf("updated: entry %v, feed %v, want %v", it.UpdatedParsed, feed.UpdatedParsed, published)
	}
	if len(feed.Authors) != 1 || feed.Authors[0].Name != "Secrétariat" {
		t.Errorf("authors %+v", feed.Authors)
	}
}
