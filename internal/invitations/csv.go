package invitations

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"id06desk/internal/i18n"
)

// LineError is a problem with one line of an imported CSV file.
type LineError struct {
	Line int
	Msg  i18n.Message
}

func lineError(line int, t i18n.Text, params ...any) LineError {
	return LineError{Line: line, Msg: t.With(params...)}
}

// csvColumns are the accepted header names (email is required).
var csvColumns = map[string]string{
	"email": "email", "e-post": "email", "epost": "email",
	"card_type": "cardType", "korttyp": "cardType",
	"industry": "industry", "bransch": "industry",
	"language": "language", "språk": "language",
	"name": "name", "namn": "name",
}

// MaxCSVBytes limits imported files.
const MaxCSVBytes = 2 << 20

// MaxCSVLineErrors is how many line errors ParseCSV reports one by one; the
// rest are counted in one last error, so a file of bad lines cannot make an
// answer many times its own size.
const MaxCSVLineErrors = 100

// ParseCSV reads `email,card_type,industry,language,name` rows (header
// required, any column order, comma or semicolon separated, UTF-8 with or
// without BOM). Rows are returned for the lines that parse; errors name the
// line and what to fix (a name that breaks the cardholder name rules is such
// a line: the form has no field to correct it in). A file-level problem is
// a single error at line 0.
func ParseCSV(r io.Reader) ([]Row, []LineError) {
	data, err := io.ReadAll(io.LimitReader(r, MaxCSVBytes+1))
	if err != nil {
		return nil, []LineError{lineError(0, msgCSVRead)}
	}
	if len(data) > MaxCSVBytes {
		return nil, []LineError{lineError(0, msgCSVTooLarge, "max", MaxCSVBytes>>20)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, []LineError{lineError(0, msgCSVNotUTF8)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, []LineError{lineError(0, msgCSVEmpty)}
	}
	firstLine, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(firstLine, []byte(";")) > bytes.Count(firstLine, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, []LineError{lineError(1, csvLineText(err))}
	}
	cols := make([]string, len(header))
	hasEmail := false
	var unknown []string
	for i, h := range header {
		name := csvColumns[strings.ToLower(strings.TrimSpace(h))]
		if name == "" {
			unknown = append(unknown, strings.TrimSpace(h))
		}
		cols[i] = name
		hasEmail = hasEmail || name == "email"
	}
	if !hasEmail || len(unknown) > 0 {
		if len(unknown) > 0 {
			return nil, []LineError{lineError(1, msgCSVUnknownColumn, "columns", strings.Join(unknown, ", "))}
		}
		return nil, []LineError{lineError(1, msgCSVHeader)}
	}
	var rows []Row
	var errs []LineError
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs = append(errs, lineError(pe.StartLine, csvLineText(pe.Err)))
				continue
			}
			return rows, append(errs, lineError(0, csvLineText(err)))
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) > len(cols) {
			errs = append(errs, lineError(line, msgCSVFields, "fields", len(rec), "header", len(cols)))
			continue
		}
		var row Row
		var badName *FieldError
		for i, v := range rec {
			v = strings.TrimSpace(v)
			switch cols[i] {
			case "email":
				row.Email = v
			case "cardType":
				row.CardType = v
			case "industry":
				row.Industry = v
			case "language":
				row.Language = v
			case "name":
				row.Name, badName = checkName(v)
			}
		}
		if badName != nil {
			errs = append(errs, LineError{Line: line, Msg: badName.Msg})
			continue
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 && len(errs) == 0 {
		errs = append(errs, lineError(0, msgCSVNoRows))
	}
	if len(errs) > MaxCSVLineErrors {
		more := len(errs) - MaxCSVLineErrors
		errs = append(errs[:MaxCSVLineErrors:MaxCSVLineErrors], lineError(0, msgCSVMoreErrors, "count", more))
	}
	return rows, errs
}

// ImportCSV parses a CSV file as ParseCSV does and writes each row's card
// type and industry as the catalog's code when the file names them by code
// or by their Swedish or English name, in any case. Values the catalog does
// not know are kept as written: validating the rows reports them.
func (s *Service) ImportCSV(ctx context.Context, r io.Reader) ([]Row, []LineError, error) {
	cat, err := s.store.LoadCatalog(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("import CSV: %w", err)
	}
	rows, errs := ParseCSV(r)
	for i, row := range rows {
		if c, ok := cat.MatchCardType(row.CardType); ok && row.CardType != "" {
			rows[i].CardType = c.Code
		}
		if ind, ok := cat.MatchIndustry(row.Industry); ok && row.Industry != "" {
			rows[i].Industry = ind.Code
		}
	}
	return rows, errs, nil
}
