package server

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"comite/internal/export"
	"comite/internal/model"
	"comite/web/view"
)

// The return as a CSV file: the template an association downloads, fills
// in its spreadsheet and sends back. One row per variable: its key, its
// label, the count.

var returnCSVHeader = []string{"cle", "variable", "nombre"}

// returnCSV writes the template, with the association's figures when it
// has some.
func returnCSV(w io.Writer, c model.Counts) error {
	var rows [][]string
	for _, v := range model.SurveyVariables() {
		n := ""
		if x, ok := c[v.Key]; ok {
			n = strconv.Itoa(x)
		}
		rows = append(rows, []string{v.Key, v.Label, n})
	}
	return export.WriteCSV(w, returnCSVHeader, rows)
}

// readReturnCSV reads a filled template (';' or ',' between cells, with or
// without a byte order mark) into the values of the return form. problem
// is what is wrong with it, in French, for the person who sent it.
func readReturnCSV(r io.Reader) (values map[string]string, problem string) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<10))
	if err != nil {
		return nil, "Le fichier n'a pas pu être lu. Recommencez."
	}
	data = bytes.TrimPrefix(data, []byte(export.BOM))
	comma := ';'
	if first, _, _ := bytes.Cut(data, []byte("\n")); !bytes.ContainsRune(first, ';') && bytes.ContainsRune(first, ',') {
		comma = ','
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma, cr.FieldsPerRecord, cr.TrimLeadingSpace = comma, -1, true
	records, err := cr.ReadAll()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Sprintf("Le fichier n'est pas un CSV lisible (ligne %d). Repartez du modèle.", pe.Line)
		}
		return nil, "Le fichier n'est pas un CSV lisible. Repartez du modèle."
	}
	if len(records) == 0 || len(records[0]) < 3 || strings.TrimSpace(records[0][0]) != returnCSVHeader[0] {
		return nil, "La première ligne doit être celle du modèle : cle;variable;nombre."
	}
	known := map[string]bool{}
	for _, v := range model.SurveyVariables() {
		known[v.Key] = true
	}
	values = map[string]string{}
	for i, rec := range records[1:] {
		line := i + 2
		if len(rec) < 3 {
			return nil, fmt.Sprintf("Ligne %d : il faut trois colonnes (cle, variable, nombre).", line)
		}
		key, n := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[2])
		if !known[key] {
			return nil, fmt.Sprintf("Ligne %d : la clé « %s » n'est pas une variable de l'enquête. Ne modifiez pas la première colonne du modèle.", line, key)
		}
		if _, dup := values[key]; dup {
			return nil, fmt.Sprintf("Ligne %d : la variable « %s » apparaît deux fois.", line, model.VariableLabel(key))
		}
		values[key] = strings.ReplaceAll(strings.ReplaceAll(n, "\u202f", ""), " ", "")
	}
	return values, ""
}

// returnTemplate serves the CSV template of a survey, filled with the
// association's figures when it has some.
func (s *Server) returnTemplate(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.surveyForReturn(r)
	if err != nil {
		return err
	}
	ret, err := s.ownReturn(r.Context(), sv, viewerOf(r.Context()))
	if err != nil {
		return err
	}
	figures, err := s.ownFigures(r.Context(), ret)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := returnCSV(&buf, figures); err != nil {
		return err
	}
	sendAttachment(w, "text/csv; charset=utf-8", "enquete-"+strconv.Itoa(sv.Year)+"-reponse.csv", &buf)
	return nil
}

func (s *Server) importPage(r *http.Request, sv model.Survey, f *view.Form) view.EditPage {
	p := view.EditPage{Base: s.base(r, "Importer notre réponse "+strconv.Itoa(sv.Year)), Back: "/observatory/returns",
		BackLabel: "Retour à l'espace de l'observatoire", Action: fmt.Sprintf("/observatory/surveys/%d/return/import", sv.ID),
		Intro:  "Envoyez le modèle CSV rempli (séparateur point-virgule, enregistré en UTF-8). Les chiffres s'affichent ensuite dans le formulaire : vérifiez-les avant d'enregistrer.",
		Submit: "Lire le fichier", Form: f, Fields: []view.Field{s.csvField()}, Multipart: true}
	p.Nav = "observatory"
	return p
}

func (s *Server) csvField() view.Field {
	f := s.fileField("Modèle CSV rempli")
	f.Accept, f.Hint = ".csv", "Le fichier téléchargé depuis l'espace de l'observatoire, rempli dans un tableur."
	return f
}

// importReturn reads a filled template and shows its figures in the
// return form, to check and save: nothing is written until then.
func (s *Server) importReturn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sv, err := s.surveyForReturn(r)
	if err != nil {
		return err
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, view.Edit(s.importPage(r, sv, view.NewForm())))
		return nil
	}
	fields := []view.Field{s.csvField()}
	up, err := s.readUpload(r, fields)
	if err != nil {
		return err
	}
	defer up.Discard()
	if up.form.Valid() && !strings.HasSuffix(strings.ToLower(up.filename), ".csv") {
		up.form.Fail("file", fields[0].Label, "Envoyez le modèle au format CSV (.csv).")
	}
	if !up.form.Valid() {
		s.render(w, r, up.status(), view.Edit(s.importPage(r, sv, up.form)))
		return nil
	}
	file, err := up.staged.Open()
	if err != nil {
		return err
	}
	defer file.Close()
	values, problem := readReturnCSV(file)
	if problem != "" {
		up.form.Fail("file", fields[0].Label, problem)
		s.render(w, r, http.StatusUnprocessableEntity, view.Edit(s.importPage(r, sv, up.form)))
		return nil
	}
	ret, err := s.ownReturn(ctx, sv, viewerOf(ctx))
	if err != nil {
		return err
	}
	f := returnForm(nil, ret.Sharing, model.ReturnDraft)
	for k, v := range values {
		f.Values[k] = v
	}
	s.render(w, r, http.StatusOK, view.Edit(s.returnPage(r, sv, f,
		"Les chiffres du fichier sont repris ci-dessous et ne sont pas encore enregistrés : vérifiez-les, choisissez qui peut les lire, puis enregistrez.")))
	return nil
}
