package server

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"comite/internal/blob"
	"comite/internal/filetype"
	"comite/web/view"
)

// maxUploadParts caps the parts of an upload form: a few text fields and a file.
const maxUploadParts = 100

// upload is a multipart submission: its text fields and its file, staged.
type upload struct {
	form     *view.Form
	staged   *blob.Staged
	filename string
	tooLarge bool
}

// status is the answer to a refused upload: 413 when the file was too large.
func (up *upload) status() int {
	if up.tooLarge {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusUnprocessableEntity
}

// readUpload streams a multipart form: text fields into the form, the file
// into the blob store's staging area, never into memory. File problems are
// recorded on the form's "file" field.
func (s *Server) readUpload(r *http.Request, fields []view.Field) (*upload, error) {
	if s.files == nil {
		return nil, errNoStorage
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errBadRequest
	}
	up := &upload{form: view.NewForm()}
	if err := s.readParts(r.Context(), mr, up); err != nil {
		up.Discard()
		return nil, err
	}
	for _, f := range fields {
		up.form.Labels[f.Name] = f.Label
	}
	up.check(fields, s.cfg.MaxUploadBytes)
	return up, nil
}

// readParts reads the parts of the form into up. Text fields are held in
// memory: their number and total size are capped like an url-encoded
// form's, whatever the file's size.
func (s *Server) readParts(ctx context.Context, mr *multipart.Reader, up *upload) error {
	parts, textBytes := 0, int64(0)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return brokenRequest(err)
		}
		if parts++; parts > maxUploadParts {
			part.Close()
			return errBadRequest
		}
		if part.FormName() == "file" {
			err = s.stageFile(ctx, part, up)
		} else {
			err = s.readTextPart(part, up, &textBytes)
		}
		part.Close()
		if err != nil {
			return err
		}
	}
}

// brokenRequest is the error of a request body that broke off or was
// malformed: too large (413) or bad (400).
func brokenRequest(err error) error {
	var maxBytes *http.MaxBytesError
	if errors.As(err, &maxBytes) {
		return err
	}
	return errBadRequest
}

// readTextPart reads one text field; textBytes counts the bytes of the
// form's text fields so far.
func (s *Server) readTextPart(part *multipart.Part, up *upload, textBytes *int64) error {
	name := part.FormName()
	b, err := io.ReadAll(io.LimitReader(part, s.cfg.MaxFormBytes-*textBytes+1))
	if err != nil {
		return errBadRequest
	}
	if *textBytes += int64(len(b)); *textBytes > s.cfg.MaxFormBytes {
		return &http.MaxBytesError{Limit: s.cfg.MaxFormBytes}
	}
	if !cleanLine(name) || !cleanText(string(b)) {
		return errBadText
	}
	value := strings.TrimSpace(string(b))
	if prev, ok := up.form.Values[name]; ok && prev != "" && value != "" {
		// A repeated name is a group of checkboxes: the values are
		// joined as readForm joins them.
		value = prev + "," + value
	}
	up.form.Values[name] = value
	return nil
}

// stageFile streams the file part into the staging area; a second file,
// or a part without a file name, is read and dropped.
func (s *Server) stageFile(ctx context.Context, part *multipart.Part, up *upload) error {
	up.filename = cleanFilename(part.FileName())
	if up.filename == "" || up.staged != nil {
		_, _ = io.Copy(io.Discard, part)
		return nil
	}
	body := &bodyReader{r: part}
	var err error
	up.staged, err = s.files.Stage(ctx, body, s.cfg.MaxUploadBytes)
	switch {
	case errors.Is(err, blob.ErrTooLarge):
		up.tooLarge = true
		// Read what is left so that the browser gets our answer instead of a reset connection.
		_, _ = io.Copy(io.Discard, part)
	case err != nil && body.err != nil:
		// The request itself broke off or was malformed, not the storage.
		return brokenRequest(body.err)
	case err != nil:
		return err
	}
	return nil
}

// check records on the form's "file" field what is wrong with the file:
// too large, missing though required, empty, or not of an allowed type
// (extension and content must agree).
func (up *upload) check(fields []view.Field, maxBytes int64) {
	label := up.form.Labels["file"]
	switch {
	case up.tooLarge:
		up.form.Fail("file", label, "Le fichier dépasse la taille maximale autorisée ("+view.SizeLabel(maxBytes)+").")
	case up.staged == nil && !fileRequired(fields):
		// An optional file left empty: nothing to check.
	case up.staged == nil:
		up.form.Fail("file", label, "Choisissez un fichier à envoyer.")
	case up.staged.Size == 0:
		up.form.Fail("file", label, "Le fichier est vide.")
	default:
		media, err := filetype.Check(up.filename, up.staged.MediaType)
		if err != nil {
			up.form.Fail("file", label, err.Error())
		} else {
			up.staged.MediaType = media
		}
	}
}

// bodyReader remembers why reading the request failed, to tell a broken
// request (400) from a storage failure (500).
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

func fileRequired(fields []view.Field) bool {
	for _, f := range fields {
		if f.Name == "file" {
			return f.Required
		}
	}
	return false
}

// Discard removes the staged file, if any.
func (up *upload) Discard() {
	if up != nil && up.staged != nil {
		up.staged.Discard()
	}
}

// cleanFilename keeps the base name a browser sent, for the download's
// Content-Disposition; it never becomes a storage path. Invalid bytes,
// control characters and bidirectional controls go (a right-to-left
// override makes "rapport\u202Etxt.pdf" read "rapportfdp.txt"); a long name
// is cut on a character boundary, keeping its extension.
func cleanFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if isControl(r) || bidiControl(r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == "/" || name == ".." {
		return ""
	}
	const maxBytes = 200
	if len(name) <= maxBytes {
		return name
	}
	ext := filepath.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	stem := name[:len(name)-len(ext)]
	cut := maxBytes - len(ext)
	for cut > 0 && !utf8.RuneStart(stem[cut]) {
		cut--
	}
	return stem[:cut] + ext
}

// bidiControl is a Unicode bidirectional formatting character.
func bidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}
