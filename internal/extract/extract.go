// Package extract turns an uploaded file into plain text for search: poppler's
// pdftotext for PDF, the XML inside ODF and OOXML files, and plain text as is.
package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"
)

// MaxText is the most text Text returns, in bytes; longer text is cut there.
const MaxText = 2 << 20

// maxXML is the most XML inflated from one archive, whatever its headers say:
// a small zip may inflate to gigabytes (a zip bomb). A variable for tests.
var maxXML int64 = 50 << 20

var (
	// ErrUnsupported is returned for media types that hold no text (images).
	ErrUnsupported = errors.New("extract: no text in this type of file")
	// ErrInvalid wraps the errors due to the file itself: damaged, not of
	// its declared type, or inflating beyond reason. Trying again cannot help.
	ErrInvalid = errors.New("unreadable or damaged file")
	// ErrNoPdftotext is returned for a PDF when poppler's pdftotext is not
	// installed: a fault of the machine, not of the file.
	ErrNoPdftotext = errors.New("pdftotext not found: install poppler-utils")
)

// Media types of the files with text.
const (
	typePDF  = "application/pdf"
	typeODT  = "application/vnd.oasis.opendocument.text"
	typeODS  = "application/vnd.oasis.opendocument.spreadsheet"
	typeODP  = "application/vnd.oasis.opendocument.presentation"
	typeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	typeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	typePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	typeText = "text/plain"
	typeCSV  = "text/csv"
)

// Text returns the plain text of a file of the given media type read from r
// (size bytes). It returns ErrUnsupported for types without text (images), an
// error wrapping ErrInvalid for a damaged file, and other errors (reading r,
// ctx ending, pdftotext missing) for failures that another try may not have.
// It never holds more than a bounded amount in memory: the text is cut at
// MaxText bytes and at most 50 MiB of an archive is inflated.
func Text(ctx context.Context, mediaType string, r io.ReaderAt, size int64) (string, error) {
	mt, _, err := mime.ParseMediaType(mediaType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(mediaType))
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	switch mt {
	case typePDF:
		return pdfText(ctx, r, size)
	case typeODT, typeODS, typeODP:
		return odfText(ctx, r, size)
	case typeDOCX:
		return docxText(ctx, r, size)
	case typeXLSX:
		return xlsxText(ctx, r, size)
	case typePPTX:
		return pptxText(ctx, r, size)
	case typeText, typeCSV:
		return plainText(r, size)
	}
	return "", fmt.Errorf("%w (%s)", ErrUnsupported, mt)
}

// invalid marks err as a fault of the file.
func invalid(err error) error {
	return fmt.Errorf("%w: %w", ErrInvalid, err)
}

// plainText reads at most MaxText bytes of a text file. Text that is not
// UTF-8 but has no UTF-8 sequence at all is taken as Windows-1252, what
// spreadsheets on Windows export CSV in; otherwise invalid bytes become U+FFFD.
func plainText(r io.ReaderAt, size int64) (string, error) {
	n := min(size, MaxText)
	buf := make([]byte, n)
	got, err := r.ReadAt(buf, 0)
	if err != nil && !(errors.Is(err, io.EOF) && int64(got) == n) {
		return "", fmt.Errorf("read text: %w", err)
	}
	buf = buf[:got]
	if size > MaxText {
		buf = cutRune(buf)
	}
	s := strings.TrimPrefix(string(buf), "\uFEFF")
	return clean(toUTF8(s)), nil
}

// toUTF8 decodes s as UTF-8, or as Windows-1252 when s is not UTF-8 and has no
// multi-byte UTF-8 sequence at all.
func toUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError && n > 1 {
			return strings.ToValidUTF8(s, "\uFFFD")
		}
		i += n
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x80:
			b.WriteByte(c)
		case c < 0xa0:
			b.WriteRune(cp1252[c-0x80])
		default:
			b.WriteRune(rune(c)) // Latin-1
		}
	}
	return b.String()
}

// cp1252 maps bytes 0x80–0x9F of Windows-1252; the rest is Latin-1.
var cp1252 = [32]rune{
	'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
	'\uFFFD', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
}

// clean makes s fit for a PostgreSQL text column and the cap: valid UTF-8,
// no NUL byte (PostgreSQL refuses it), at most MaxText bytes.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	return truncate(s, MaxText)
}

// cutRune drops an incomplete character at the end of b, left by a cut.
func cutRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// truncate cuts valid UTF-8 s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
