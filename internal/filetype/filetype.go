// Package filetype decides which uploaded files are accepted: the extension
// and the sniffed content must both be on the allow-list and agree.
package filetype

import (
	"fmt"
	"mime"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// format is one accepted kind of file.
type format struct {
	ext   string
	serve string   // media type stored and served
	sniff []string // sniffed types that fit, each including its subtypes
	label string   // what the user is told the content looks like
}

const (
	odt  = "application/vnd.oasis.opendocument.text"
	ods  = "application/vnd.oasis.opendocument.spreadsheet"
	odp  = "application/vnd.oasis.opendocument.presentation"
	docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)

var formats = []format{
	{".pdf", "application/pdf", []string{"application/pdf"}, "un document PDF"},
	{".odt", odt, []string{odt}, "un texte OpenDocument (.odt)"},
	{".ods", ods, []string{ods}, "un tableur OpenDocument (.ods)"},
	{".odp", odp, []string{odp}, "une présentation OpenDocument (.odp)"},
	{".docx", docx, []string{docx}, "un document Word (.docx)"},
	{".xlsx", xlsx, []string{xlsx}, "un classeur Excel (.xlsx)"},
	{".pptx", pptx, []string{pptx}, "une présentation PowerPoint (.pptx)"},
	{".png", "image/png", []string{"image/png"}, "une image PNG"},
	{".jpg", "image/jpeg", []string{"image/jpeg"}, "une image JPEG"},
	{".jpeg", "image/jpeg", []string{"image/jpeg"}, "une image JPEG"},
	// Any text fits .txt and .csv: HTML, JSON, SVG… are served as plain
	// text, never as what they were sniffed as. mimetype only says text/csv
	// for comma-separated files, not for the semicolons of a French Excel.
	{".txt", "text/plain", []string{"text/plain"}, "du texte"},
	{".csv", "text/csv", []string{"text/csv", "text/plain"}, "du texte"},
}

// others name, for the user, common contents that are refused.
var others = []struct{ mime, label string }{
	{"application/vnd.microsoft.portable-executable", "un programme Windows"},
	{"application/x-elf", "un programme"},
	{"application/msword", "un document Word ancien (.doc)"},
	{"application/vnd.ms-excel", "un classeur Excel ancien (.xls)"},
	{"application/vnd.ms-powerpoint", "une présentation PowerPoint ancienne (.ppt)"},
	{"application/zip", "une archive ZIP"},
	{"image/gif", "une image GIF"},
	{"image/webp", "une image WebP"},
	{"image/heic", "une photo HEIC"},
}

// Allowed lists the accepted extensions, for the upload form's hint.
func Allowed() []string {
	exts := make([]string, len(formats))
	for i, f := range formats {
		exts[i] = f.ext
	}
	return exts
}

// Check returns the media type to store and serve for a file named name
// whose content was sniffed as sniffed, or an error whose message is a French
// sentence for the user.
func Check(name, sniffed string) (string, error) {
	ext := strings.ToLower(filepath.Ext(strings.TrimSpace(name)))
	i := slices.IndexFunc(formats, func(f format) bool { return f.ext == ext })
	if i < 0 {
		//lint:ignore ST1005 a sentence shown to the user as is
		return "", fmt.Errorf("Ce type de fichier n'est pas accepté. Formats acceptés : %s.", strings.Join(Allowed(), ", "))
	}
	for _, want := range formats[i].sniff {
		if isA(sniffed, want) {
			return formats[i].serve, nil
		}
	}
	//lint:ignore ST1005 a sentence shown to the user as is
	return "", fmt.Errorf("Le contenu du fichier ne correspond pas à son extension %s : %s.", ext, describe(sniffed))
}

// isA reports whether sniffed is want, one of its aliases or one of its
// subtypes (a DOCX is a ZIP, but a ZIP is not a DOCX).
func isA(sniffed, want string) bool {
	m := mimetype.Lookup(sniffed)
	if m == nil {
		t, _, _ := mime.ParseMediaType(sniffed)
		return t == want
	}
	for ; m != nil; m = m.Parent() {
		if m.Is(want) {
			return true
		}
	}
	return false
}

// describe tells the user what the content looks like.
func describe(sniffed string) string {
	for _, f := range formats {
		if isA(sniffed, f.sniff[0]) {
			return "il ressemble à " + f.label
		}
	}
	for _, o := range others {
		if isA(sniffed, o.mime) {
			return "il ressemble à " + o.label
		}
	}
	return "son type n'a pas été reconnu"
}
