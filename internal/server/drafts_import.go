package server

import (
	"path/filepath"
	"strings"

	"comite/internal/docimport"
)

// importDraft converts an uploaded .docx or .odt into the markdown of a
// draft text, with the list of what the conversion lost and the file's
// title ("" when it has none). The file has
// passed the upload checks (extension and content agree); an error is a
// French message for the form.
func (s *Server) importDraft(up *upload) (string, []string, string, error) {
	convert := docimport.DOCX
	switch strings.ToLower(filepath.Ext(up.filename)) {
	case ".docx":
	case ".odt":
		convert = docimport.ODT
	default:
		return "", nil, "", importError("Choisissez un fichier .docx ou .odt : les autres formats ne se découpent pas en paragraphes.")
	}
	f, err := up.staged.Open()
	if err != nil {
		return "", nil, "", err
	}
	defer f.Close()
	doc, err := convert(f, up.staged.Size)
	if err != nil {
		return "", nil, "", err
	}
	return docimport.Markdown(doc), doc.Lost, doc.Title, nil
}

// importError is a file the form refuses, with its French message.
type importError string

func (e importError) Error() string { return string(e) }
