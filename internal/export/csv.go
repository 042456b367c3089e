// Package export turns the portal's public data into open-data formats: a
// CSV file for spreadsheet users and JSON shaped on the Popolo standard. It
// holds pure functions and types only: no HTTP, no database.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
)

// BOM is the UTF-8 byte order mark. Excel needs it to read a CSV file as
// UTF-8 rather than Windows-1252; LibreOffice accepts it.
const BOM = "\ufeff"

// SafeCell neutralises spreadsheet formula injection (OWASP "CSV
// injection"): a value starting with '=', '+', '-', '@', a tab or a carriage
// return gets a leading apostrophe, so that a spreadsheet shows it as text
// instead of evaluating it. Other values are returned unchanged.
func SafeCell(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + v
	}
	return v
}

// WriteCSV writes a CSV file the way French Excel and LibreOffice users
// expect it: UTF-8 with a byte order mark, ';' between cells, CRLF line
// ends. Every cell, the header included, goes through SafeCell; quoting is
// left to encoding/csv.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	record := make([]string, 0, len(header))
	write := func(cells []string) error {
		record = record[:0]
		for _, c := range cells {
			record = append(record, SafeCell(c))
		}
		return cw.Write(record)
	}
	if err := write(header); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, row := range rows {
		if err := write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}
