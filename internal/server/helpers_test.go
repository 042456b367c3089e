package server

import (
	"testing"

	"comite/web/view"
)

// Counts take the singular for 0 and 1, as French does, in the server's
// messages and in the pages alike (one helper for both).
func TestPluralFrench(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "0 courriel envoyé"},
		{1, "1 courriel envoyé"},
		{2, "2 courriels envoyés"},
	} {
		if got := view.Plural(tc.n, "courriel envoyé", "courriels envoyés"); got != tc.want {
			t.Errorf("Plural(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
