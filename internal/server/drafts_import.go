package server

import (
	"errors"
)

// importDraft converts an uploaded .docx or .odt into the markdown of a
// draft text, with the list of what the conversion lost.
func (s *Server) importDraft(up *upload) (string, []string, error) {
	return "", nil, errors.New("L'import de fichiers .docx et .odt n'est pas encore disponible : collez le texte en markdown.")
}
