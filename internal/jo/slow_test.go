package jo

import (
	"strings"
	"testing"
	"time"
)

func TestSlowShapes(t *testing.T) {
	shapes := map[string]string{
		"continuation": "Sont nommés :\n- Mme Alice\n" + strings.Repeat("DURAND\n", 20000),
		"civilities":   "Sont nommés :\n" + strings.Repeat("M. A ", 50000),
		"particles":    "Sont nommés :\nM. " + strings.Repeat("de ", 50000) + "X",
		"words":        "Sont nommés :\nM. " + strings.Repeat("Abc ", 50000),
		"pieces":       "Sont nommés :\nM. A" + strings.Repeat(", x", 50000),
		"lines":        strings.Repeat("Sont nommés :\n", 50000),
		"colons":       "Sont nommés :\nM. A" + strings.Repeat(" : x", 50000),
		"parens":       "Sont nommés :\nM. A" + strings.Repeat(" (x", 50000),
		"bigline":      strings.Repeat("é", 1000000),
	}
	for name, s := range shapes {
		start := time.Now()
		Parse(s)
		t.Logf("%s: %v", name, time.Since(start))
	}
}
