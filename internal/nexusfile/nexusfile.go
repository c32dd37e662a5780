// Package nexusfile writes the import file Nexus's order portal takes
// ("Import personal data from Excel file"): a zip holding one Excel file
// (built with excelize's StreamWriter) with one row per cardholder in the
// columns of nexus.Profile, one JPEG per row named in the row's
// photo_file_name column — and nothing else, since the portal's import takes
// the Excel file and the photos only. The batch's human-readable summary is
// rendered alongside for the caller to save or attach beside the zip.
// Photos are read from storage and written into the zip one at a time, so
// memory stays flat however many rows the file has.
package nexusfile

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"id06desk/internal/mail"
	"id06desk/internal/nexus"
	"id06desk/internal/order"
)

// Photos returns one order's card photo.
type Photos func(ctx context.Context, orderID string) ([]byte, error)

// Sheet is the name of the worksheet holding the rows.
const Sheet = "Sheet1"

// Input is what one import file holds.
type Input struct {
	// Name is the base name of the Excel file inside the zip (Name.xlsx)
	// and of the summary beside it (Name.html).
	Name string
	// Orders are the rows, at most nexus.MaxRowsPerFile, without photos.
	Orders []order.Order
	// Summary describes the file; Write fills its Rows and ZipName.
	Summary mail.NexusSummary
	// ZipName is the zip's file name, named in the summary.
	ZipName string
}

// Write writes the import zip to w and returns the batch's summary page
// (to be saved or attached beside the zip, not inside it). An order whose photo breaks Nexus's rules
// fails the whole file with a *nexus.PhotoError naming it.
func Write(ctx context.Context, w io.Writer, in Input, photos Photos) (summary []byte, err error) {
	if len(in.Orders) == 0 {
		return nil, fmt.Errorf("nexus file: no orders")
	}
	if len(in.Orders) > nexus.MaxRowsPerFile {
		return nil, fmt.Errorf("nexus file: %d orders, at most %d per file", len(in.Orders), nexus.MaxRowsPerFile)
	}
	if len(nexus.Profile) > nexus.MaxColumns {
		return nil, fmt.Errorf("nexus file: the profile has %d columns, at most %d", len(nexus.Profile), nexus.MaxColumns)
	}
	mod := in.Summary.Created
	if mod.IsZero() {
		mod = time.Now()
	}
	names := make([]string, len(in.Orders))
	rows := make([]mail.NexusSummaryRow, len(in.Orders))
	for i, o := range in.Orders {
		names[i] = nexus.PhotoName(o, i+1)
		rows[i] = mail.NexusSummaryRow{LastName: o.LastName, FirstName: o.FirstName, CardType: o.CardType, Photo: names[i]}
	}
	in.Summary.Rows, in.Summary.ZipName = rows, in.ZipName
	summary, err = mail.Renderer{}.RenderNexusSummary(in.Summary)
	if err != nil {
		return nil, err
	}

	zw := zip.NewWriter(w)
	// JPEGs and the xlsx (itself a zip) do not compress: store them.
	create := func(name string, method uint16) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: mod})
	}
	xw, err := create(in.Name+".xlsx", zip.Store)
	if err != nil {
		return nil, fmt.Errorf("nexus file: %w", err)
	}
	if err := writeSheet(xw, in.Orders, names); err != nil {
		return nil, err
	}
	for i, o := range in.Orders {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		photo, err := photos(ctx, o.ID)
		if err != nil {
			return nil, fmt.Errorf("nexus file: photo of order %s: %w", o.ID, err)
		}
		if err := nexus.CheckPhoto(o, photo); err != nil {
			return nil, err
		}
		pw, err := create(names[i], zip.Store)
		if err != nil {
			return nil, fmt.Errorf("nexus file: %w", err)
		}
		if _, err := pw.Write(photo); err != nil {
			return nil, fmt.Errorf("nexus file: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("nexus file: %w", err)
	}
	return summary, nil
}

// writeSheet writes the Excel file: the profile's header, then one row per
// order, every cell a string (a personnummer must not become a number).
func writeSheet(w io.Writer, orders []order.Order, photoNames []string) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter(Sheet)
	if err != nil {
		return fmt.Errorf("nexus file: sheet: %w", err)
	}
	cells := func(vals []string) []any {
		out := make([]any, len(vals))
		for i, v := range vals {
			out[i] = excelize.Cell{Value: v}
		}
		return out
	}
	if err := sw.SetRow("A1", cells(nexus.Header())); err != nil {
		return fmt.Errorf("nexus file: header: %w", err)
	}
	for i, o := range orders {
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return fmt.Errorf("nexus file: %w", err)
		}
		if err := sw.SetRow(cell, cells(nexus.Row(o, photoNames[i]))); err != nil {
			return fmt.Errorf("nexus file: row %d: %w", i+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("nexus file: sheet: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("nexus file: write xlsx: %w", err)
	}
	return nil
}
