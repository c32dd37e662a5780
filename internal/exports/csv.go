// Package exports writes the CSV files the admin takes out of id06desk:
// invitations, orders and the audit log, from the same filters as the
// console's lists. Each export is streamed row by row from storage (never
// built in memory) and is itself audited; an order export leaves out the
// personnummer, birth date and ID number unless asked for them, and that
// request is audited as such. Photos are never exported.
//
// The files are UTF-8 with a byte-order mark (so that Excel shows å, ä, ö),
// comma-separated with CRLF line ends and a header row of English column names (the lists
// below are the documentation), and safe to open in a spreadsheet: a cell
// that a spreadsheet would read as a formula gets a leading apostrophe.
package exports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"
)

// bom is the UTF-8 byte-order mark.
const bom = "\uFEFF"

// Writer writes one CSV file.
type Writer struct {
	w    *csv.Writer
	cols int
	rows int
}

// NewWriter writes the byte-order mark and the header row.
func NewWriter(w io.Writer, header []string) (*Writer, error) {
	if _, err := io.WriteString(w, bom); err != nil {
		return nil, fmt.Errorf("write CSV: %w", err)
	}
	cw := &Writer{w: csv.NewWriter(w), cols: len(header)}
	cw.w.UseCRLF = true // RFC 4180, what spreadsheets expect
	if err := cw.w.Write(header); err != nil {
		return nil, fmt.Errorf("write CSV: %w", err)
	}
	return cw, nil
}

// Row writes one row; cells are made safe (Cell).
func (cw *Writer) Row(cells ...string) error {
	if len(cells) != cw.cols {
		return fmt.Errorf("write CSV: a row of %d cells under %d columns", len(cells), cw.cols)
	}
	for i, c := range cells {
		cells[i] = Cell(c)
	}
	if err := cw.w.Write(cells); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	cw.rows++
	// Each row goes out at once (csv buffers 4 KB): a long export streams.
	if cw.rows%100 == 0 {
		cw.w.Flush()
	}
	return cw.w.Error()
}

// Rows is how many rows were written (without the header).
func (cw *Writer) Rows() int { return cw.rows }

// Close flushes what is buffered.
func (cw *Writer) Close() error {
	cw.w.Flush()
	if err := cw.w.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

// Cell makes a value safe to open in a spreadsheet: one starting with
// = + - @, a tab or a carriage return would be read as a formula (CSV
// injection, OWASP), so it gets a leading apostrophe, which spreadsheets
// show as text. Other values are unchanged.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Time is a stored time in a cell: RFC 3339 in UTC, "" for none.
func Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
