package batches_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"id06desk/internal/audit"
	"image/jpeg"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"id06desk/internal/batches"
	"id06desk/internal/nexus"
	"id06desk/internal/nexusfile"
	"id06desk/internal/order"
)

// readZip opens an import zip and checks it the way Nexus reads it: one
// Excel file whose header is the profile, one row per order, and every
// row's photo_file_name a JPEG in the zip that decodes and meets the
// size rule. It returns the rows (without the header) and the zip's
// entry names.
func readZip(t *testing.T, b []byte) (rows [][]string, names []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	entries := map[string]*zip.File{}
	var xlsx []*zip.File
	for _, f := range zr.File {
		names = append(names, f.Name)
		entries[f.Name] = f
		if strings.HasSuffix(f.Name, ".xlsx") {
			xlsx = append(xlsx, f)
		}
	}
	if len(xlsx) != 1 {
		t.Fatalf("%d Excel files in the zip, want 1: %v", len(xlsx), names)
	}
	rc, err := xlsx[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	x, err := excelize.OpenReader(rc)
	if err != nil {
		t.Fatalf("excelize cannot read the Excel file: %v", err)
	}
	defer x.Close()
	all, err := x.GetRows(nexusfile.Sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 || !slices.Equal(all[0], nexus.Header()) {
		t.Fatalf("header %v, want the profile's %v", all[0], nexus.Header())
	}
	if n := len(all[0]); n > nexus.MaxColumns {
		t.Fatalf("%d columns, Nexus takes at most %d", n, nexus.MaxColumns)
	}
	for _, c := range []string{"first_name", "last_name", "nationality", "national_identity_number"} {
		if !slices.Contains(all[0], c) {
			t.Errorf("mandatory column %s missing", c)
		}
	}
	photoCol := slices.Index(all[0], "photo_file_name")
	rows = all[1:]
	if len(rows) > nexus.MaxRowsPerFile {
		t.Fatalf("%d rows, Nexus takes at most %d", len(rows), nexus.MaxRowsPerFile)
	}
	seen := map[string]bool{}
	for i, r := range rows {
		name := r[photoCol]
		if seen[name] {
			t.Errorf("row %d: photo %s used twice", i+1, name)
		}
		seen[name] = true
		f := entries[name]
		if f == nil {
			t.Fatalf("row %d: photo %q not in the zip %v", i+1, name, names)
		}
		pr, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(pr)
		pr.Close()
		if err != nil {
			t.Fatalf("row %d: photo %s is not a JPEG: %v", i+1, name, err)
		}
		if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 410 {
			t.Errorf("row %d: photo %dx%d", i+1, b.Dx(), b.Dy())
		}
	}
	return rows, names
}

func col(name string) int { return slices.Index(nexus.Header(), name) }

func TestBatchGolden(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0, nil)
	ids := f.addOrders(t,
		orderSpec{first: "Åsa", last: "Öberg-Lindström", pnr: "198112189876"},
		orderSpec{first: "John", last: "O'Neil", birth: "1990-05-17", nationality: "ie"},
		orderSpec{first: "Anna", last: "Berg", pnr: "200001012384", nationality: "SE"},
	)
	sent, err := f.svc.Send(ctx, batches.Request{Actor: "admin", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || len(sent[0].Files) != 2 || sent[0].Batch.OrderCount != 3 {
		t.Fatalf("sent %+v", sent)
	}
	b := sent[0].Batch
	if !regexp.MustCompile(`^NX-20260302-[A-Z2-9]{6}$`).MatchString(b.ID) {
		t.Errorf("batch id %q", b.ID)
	}
	folder := filepath.Join(f.dir, "nexus")
	if sent[0].Files[0] != filepath.Join(folder, "id06-nexus-"+b.ID+".zip") || sent[0].Files[1] != filepath.Join(folder, "id06-nexus-"+b.ID+".html") {
		t.Errorf("files %v", sent[0].Files)
	}
	// Personal data in clear: owner only.
	if st, err := os.Stat(folder); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v %v", st.Mode(), err)
	}
	for _, p := range sent[0].Files {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v %v", p, st.Mode(), err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(folder, ".nexus-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	zb, err := os.ReadFile(sent[0].Files[0])
	if err != nil {
		t.Fatal(err)
	}
	rows, names := readZip(t, zb)
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	// Rows by last name; the photo file names are ASCII.
	want := [][]string{
		{"Anna", "Berg", "SE", "200001012384", "", "Berg_Anna_1.jpg"},
		{"John", "O'Neil", "IE", "", "1990-05-17", "O-Neil_John_2.jpg"},
		{"Åsa", "Öberg-Lindström", "SE", "198112189876", "", "Oberg-Lindstrom_Asa_3.jpg"},
	}
	for i, w := range want {
		got := []string{rows[i][col("first_name")], rows[i][col("last_name")], rows[i][col("nationality")],
			rows[i][col("national_identity_number")], rows[i][col("date_of_birth")], rows[i][col("photo_file_name")]}
		if !slices.Equal(got, w) {
			t.Errorf("row %d: %q, want %q", i+1, got, w)
		}
		if rows[i][col("reference")] == "" || rows[i][col("card_type")] != "id06-rfid" || rows[i][col("delivery_city")] != "Stockholm" {
			t.Errorf("row %d: %q", i+1, rows[i])
		}
	}
	// The portal imports one Excel file and the photos: nothing else may
	// be in the zip (the summary is saved beside it).
	wantNames := []string{"id06-nexus-" + b.ID + ".xlsx", "Berg_Anna_1.jpg", "O-Neil_John_2.jpg", "Oberg-Lindstrom_Asa_3.jpg"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("zip holds %q, want %q", names, wantNames)
	}
	summary, _ := os.ReadFile(sent[0].Files[1])
	for _, s := range []string{b.ID, "3 orders", "Öberg-Lindström", "O&#39;Neil", "personal data in clear", "id06-rfid"} {
		if !strings.Contains(string(summary), s) {
			t.Errorf("summary lacks %q", s)
		}
	}
	if strings.Contains(string(summary), "198112189876") {
		t.Error("the summary holds a personnummer")
	}
	// The orders moved, with the batch id, on their timelines.
	for _, id := range ids {
		o, err := f.db.GetOrder(ctx, id)
		if err != nil || o.Status != order.StatusSentToNexus || o.NexusBatchID != b.ID {
			t.Fatalf("order %s: %s in %q %v", id, o.Status, o.NexusBatchID, err)
		}
		_, evs, _ := f.db.GetInvitation(ctx, o.InvitationID)
		last := evs[len(evs)-1]
		if last.Kind != "sent_to_nexus" || last.Detail != b.ID {
			t.Errorf("timeline ends with %+v", last)
		}
		inv, _, _ := f.db.GetInvitation(ctx, o.InvitationID)
		if string(inv.Status) != "sent_to_nexus" {
			t.Errorf("invitation %s", inv.Status)
		}
	}
	got, err := f.svc.Batch(ctx, b.ID)
	if err != nil || got.ZipPath != sent[0].Files[0] || got.ZipBytes != int64(len(zb)) || len(got.OrderIDs) != 3 {
		t.Fatalf("stored batch %+v %v", got, err)
	}
	if a := audits(t, f, batches.ActionBatchCreated); len(a) != 1 || a[0] != b.ID {
		t.Errorf("audit %v", a)
	}
}

func audits(t *testing.T, f *fixture, action audit.Action) []string {
	t.Helper()
	all, err := f.db.RecentAudit(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range all {
		if a.Action == action {
			out = append(out, a.Subject)
		}
	}
	return out
}

func TestThreeHundredAndOneOrdersMakeTwoFiles(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0, nil)
	f.addOrders(t, manyOrders(301)...)
	out := t.TempDir()
	sent, err := f.svc.Send(ctx, batches.Request{Actor: "cli", Folder: filepath.Join(out, "x")})
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 2 {
		t.Fatalf("%d batches, want 2", len(sent))
	}
	zips, _ := filepath.Glob(filepath.Join(out, "x", "*.zip"))
	if len(zips) != 2 {
		t.Fatalf("zips %v", zips)
	}
	total := 0
	for _, s := range sent {
		zb, _ := os.ReadFile(s.Files[0])
		rows, _ := readZip(t, zb)
		if len(rows) != s.Batch.OrderCount {
			t.Errorf("batch %s: %d rows, %d orders", s.Batch.ID, len(rows), s.Batch.OrderCount)
		}
		total += len(rows)
	}
	if total != 301 || sent[0].Batch.OrderCount != 300 {
		t.Errorf("%d rows in all, first batch %d", total, sent[0].Batch.OrderCount)
	}
	if ids, _ := f.db.OrderIDsInStatus(ctx, order.StatusReady); len(ids) != 0 {
		t.Errorf("%d still ready", len(ids))
	}
}

// An order goes in one batch only: sending it again is refused and
// changes nothing; so is a batch that names one sent order among ready
// ones.
func TestResendIsRefused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0, nil)
	ids := f.addOrders(t, manyOrders(2)...)
	first, err := f.svc.Send(ctx, batches.Request{Actor: "admin", OrderIDs: ids[:1]})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Send(ctx, batches.Request{Actor: "admin", OrderIDs: ids})
	var nr *nexus.NotReadyError
	if !errors.As(err, &nr) || nr.OrderID != ids[0] || nr.BatchID != first[0].Batch.ID {
		t.Fatalf("resend: %v", err)
	}
	if msg := nr.Msg().In("en"); !strings.Contains(msg, first[0].Batch.ID) || !strings.Contains(msg, "Anna Berg000") {
		t.Errorf("message %q", msg)
	}
	if o, _ := f.db.GetOrder(ctx, ids[1]); o.Status != order.StatusReady {
		t.Errorf("the ready order moved to %s", o.Status)
	}
	if p, _ := f.svc.List(ctx, nexus.Query{}); p.Total != 1 {
		t.Errorf("%d batches", p.Total)
	}
	if _, err := f.svc.Send(ctx, batches.Request{Actor: "admin", OrderIDs: []string{"nope"}}); !errors.Is(err, order.ErrNotFound) {
		t.Errorf("unknown order: %v", err)
	}
	// Everything sent: nothing ready.
	if _, err := f.svc.Send(ctx, batches.Request{Actor: "admin", OrderIDs: ids[1:]}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx, batches.Request{Actor: "admin"}); !errors.Is(err, batches.ErrNothingReady) {
		t.Errorf("nothing ready: %v", err)
	}
}

// Two sends of the same orders at once: one wins, the other is refused,
// and every order is in exactly one batch.
func TestConcurrentSendsOneWins(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0, nil)
	ids := f.addOrders(t, manyOrders(20)...)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	results := make([][]batches.Sent, 2)
	for i := range errs {
		wg.Go(func() {
			results[i], errs[i] = f.svc.Send(ctx, batches.Request{Actor: "admin", OrderIDs: ids, Folder: filepath.Join(f.dir, "out")})
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, nexus.ErrNotReady):
		default:
			t.Fatalf("send: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d sends won (%v), want 1", won, errs)
	}
	p, _ := f.svc.List(ctx, nexus.Query{})
	if p.Total != 1 {
		t.Fatalf("%d batches", p.Total)
	}
	b, _ := f.svc.Batch(ctx, p.Items[0].ID)
	if len(b.OrderIDs) != 20 {
		t.Errorf("batch holds %d orders", len(b.OrderIDs))
	}
	if zips, _ := filepath.Glob(filepath.Join(f.dir, "out", "*.zip")); len(zips) != 1 {
		t.Errorf("zips %v", zips)
	}
}

// A photo Nexus would refuse stops the send before anything moves, and
// the message names whose photo.
func TestPhotoThatBreaksNexusRulesIsRefused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0, nil)
	f.addOrders(t, orderSpec{first: "Anna", last: "Berg", pnr: "198112189876"})
	f.addOrders(t, orderSpec{first: "Lars", last: "Liten", pnr: "198112189876", photo: photoJPEG(t, 280, 360, 2)})
	_, err := f.svc.Send(ctx, batches.Request{Actor: "admin"})
	var pe *nexus.PhotoError
	if !errors.As(err, &pe) || !strings.Contains(pe.Msg().In("en"), "Lars Liten") || !strings.Contains(pe.Msg().In("en"), "280×360") {
		t.Fatalf("send: %v", err)
	}
	if ids, _ := f.db.OrderIDsInStatus(ctx, order.StatusReady); len(ids) != 2 {
		t.Errorf("%d ready after a refused send", len(ids))
	}
	if p, _ := f.svc.List(ctx, nexus.Query{}); p.Total != 0 {
		t.Errorf("%d batches", p.Total)
	}
}

func TestDownloadAgainRebuildsWhenTheFileIsGone(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0, nil)
	f.addOrders(t, manyOrders(3)...)
	sent, err := f.svc.Send(ctx, batches.Request{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	id := sent[0].Batch.ID
	saved, _ := os.ReadFile(sent[0].Files[0])
	var a bytes.Buffer
	if err := f.svc.Download(ctx, "admin", id, "sv", &a); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), saved) {
		t.Error("the download is not the saved file")
	}
	os.Remove(sent[0].Files[0])
	var b bytes.Buffer
	if err := f.svc.Download(ctx, "admin", id, "sv", &b); err != nil {
		t.Fatal(err)
	}
	rows, _ := readZip(t, b.Bytes())
	if len(rows) != 3 {
		t.Errorf("rebuilt: %d rows", len(rows))
	}
	if got := audits(t, f, batches.ActionBatchDownloaded); len(got) != 2 {
		t.Errorf("download audit %v", got)
	}
	if err := f.svc.Download(ctx, "admin", "NX-nope", "sv", io.Discard); !errors.Is(err, nexus.ErrBatchNotFound) {
		t.Errorf("unknown batch: %v", err)
	}
}

func TestCleanupDeletesOldFiles(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0, map[string]string{"nexus.file_days": "30"})
	f.addOrders(t, manyOrders(1)...)
	old, err := f.svc.Send(ctx, batches.Request{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(20 * 24 * time.Hour)
	f.addOrders(t, manyOrders(1)...)
	young, err := f.svc.Send(ctx, batches.Request{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(11 * 24 * time.Hour) // the first is 31 days old, the second 11
	if err := f.svc.Cleanup(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range old[0].Files {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s still there: %v", p, err)
		}
	}
	for _, p := range young[0].Files {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	b, _ := f.svc.Batch(ctx, old[0].Batch.ID)
	if b.ZipPath != "" || !b.FilesDeletedAt.Equal(f.now) {
		t.Errorf("old batch %+v", b)
	}
	if got := audits(t, f, batches.ActionBatchFilesDeleted); !slices.Equal(got, []string{old[0].Batch.ID}) {
		t.Errorf("audit %v", got)
	}
	// A second round has nothing to do.
	if err := f.svc.Cleanup(ctx); err != nil {
		t.Fatal(err)
	}
	if got := audits(t, f, batches.ActionBatchFilesDeleted); len(got) != 1 {
		t.Errorf("audit %v", got)
	}
}
