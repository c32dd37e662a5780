package backup_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"filippo.io/age"
	_ "modernc.org/sqlite"

	"id06desk/internal/backup"
	"id06desk/internal/core"
	"id06desk/internal/invitations"
	"id06desk/internal/order"
	"id06desk/internal/photo/phototest"
	"id06desk/internal/registration"
	"id06desk/internal/sqlite"
)

const pass = "correct horse battery staple"

func TestMain(m *testing.M) {
	backup.SetScryptWorkFactor(10) // age's default (18) costs a second per file
	os.Exit(m.Run())
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func openApp(t *testing.T, dir string, o core.Options) *core.App {
	t.Helper()
	o.DataDir = dir
	a, err := core.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

func configure(t *testing.T, a *core.App, folder string, more map[string]string) {
	t.Helper()
	ch := map[string]string{"backup.folder": folder, "backup.passphrase": pass}
	for k, v := range more {
		ch[k] = v
	}
	if err := a.Settings.Set(context.Background(), "test", ch); err != nil {
		t.Fatal(err)
	}
}

func ids(t *testing.T, a *core.App, table string) []string {
	t.Helper()
	rows, err := a.DB.Reader().Query(`SELECT id FROM ` + table + ` ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// register makes an order from an invitation through the registration
// service, photo included.
func register(t *testing.T, a *core.App, token, pnr string) {
	t.Helper()
	ctx := context.Background()
	r := a.Registration
	if _, err := r.Open(ctx, token, true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.SetMethod(ctx, token, order.MethodManual, true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.SavePersonal(ctx, token, registration.PersonalInput{FirstName: "Anna", LastName: "Berg",
		HasPersonnummer: true, Personnummer: pnr, Phone: "070-123 45 67"}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.UploadPhoto(ctx, token, bytes.NewReader(phototest.Face(t)), true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.SaveDelivery(ctx, token, registration.DeliveryInput{UseCompany: true}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Confirm(ctx, token, true); err != nil {
		t.Fatal(err)
	}
}

func seed(t *testing.T, a *core.App) {
	t.Helper()
	ctx := context.Background()
	if err := a.Settings.Set(ctx, "test", map[string]string{"company.name": "Bygg & Söner AB", "company.org_number": "556036-0793",
		"smtp.from": "id06@bygg.se", "company.address.street": "Storgatan 1", "company.address.postal_code": "111 22",
		"company.address.city": "Stockholm"}); err != nil {
		t.Fatal(err)
	}
	created, err := a.Invitations.Create(ctx, "admin", []invitations.Row{
		{Email: "a@example.se", CardType: "id06-rfid"}, {Email: "b@example.se", CardType: "id06-rfid"}, {Email: "c@example.se", CardType: "id06-rfid"},
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	for i, pnr := range []string{"811218-9876", "900101-0017"} {
		d, err := a.Invitations.Get(ctx, created[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		register(t, a, d.Invitation.Token, pnr)
	}
}

func restore(t *testing.T, file, db string, ids ...age.Identity) (backup.Restored, error) {
	t.Helper()
	if len(ids) == 0 {
		id, err := age.NewScryptIdentity(pass)
		if err != nil {
			t.Fatal(err)
		}
		ids = []age.Identity{id}
	}
	return backup.Restore(context.Background(), backup.RestoreOptions{File: file, Identities: ids, Database: db, Check: sqlite.Inspect})
}

func mode(t *testing.T, file string) os.FileMode {
	t.Helper()
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

// Backups taken while invitations are being created are consistent, and a
// backup restored into a fresh data folder holds every invitation and
// order (photos included) that existed when it was taken.
func TestBackupWhileWritingRestoresEverything(t *testing.T) {
	ctx := context.Background()
	a := openApp(t, filepath.Join(t.TempDir(), "A"), core.Options{})
	folder := t.TempDir()
	seed(t, a)
	configure(t, a, folder, map[string]string{"backup.keep": "10"})

	var stop atomic.Bool
	var writes atomic.Int64
	done := make(chan error, 1)
	go func() {
		for i := 0; i < 400 && !stop.Load(); i++ { // bounded
			if _, err := a.Invitations.Create(ctx, "admin", []invitations.Row{{Email: fmt.Sprintf("w%d@example.se", i), CardType: "id06-rfid"}}, false); err != nil {
				done <- err
				return
			}
			writes.Add(1)
		}
		done <- nil
	}()
	var during []backup.Result
	for range 3 {
		res, err := a.Backup.BackUp(ctx, backup.Options{})
		if err != nil {
			t.Fatal(err)
		}
		during = append(during, res)
		time.Sleep(20 * time.Millisecond)
	}
	stop.Store(true)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if writes.Load() == 0 {
		t.Fatal("no writes went on during the backups")
	}
	final, err := a.Backup.BackUp(ctx, backup.Options{})
	if err != nil {
		t.Fatal(err)
	}

	for _, r := range append(during, final) {
		if m := mode(t, r.File); m != 0o600 {
			t.Fatalf("%s has mode %v", r.File, m)
		}
		head := make([]byte, 21)
		f, _ := os.Open(r.File)
		f.Read(head)
		f.Close()
		if string(head) != "age-encryption.org/v1" || bytes.Contains(mustRead(t, r.File), []byte("SQLite format 3")) {
			t.Fatalf("%s is not an age file", r.File)
		}
		// Every backup taken during the writes restores and passes the
		// integrity check.
		fresh := filepath.Join(t.TempDir(), "R")
		os.MkdirAll(filepath.Join(fresh, "data"), 0o700)
		if _, err := restore(t, r.File, filepath.Join(fresh, "data", "id06desk.db")); err != nil {
			t.Fatalf("restore %s: %v", r.File, err)
		}
	}
	// No plain copy stays anywhere.
	for _, dir := range []string{a.Paths.Data, folder} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				t.Fatalf("left behind: %s/%s", dir, e.Name())
			}
		}
	}

	fresh := filepath.Join(t.TempDir(), "B")
	os.MkdirAll(filepath.Join(fresh, "data"), 0o700)
	db := filepath.Join(fresh, "data", "id06desk.db")
	if _, err := restore(t, final.File, db); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, db); m != 0o600 {
		t.Fatalf("restored database mode %v", m)
	}
	b := openApp(t, fresh, core.Options{})
	for _, table := range []string{"invitations", "orders", "order_photos"} {
		var want, got []string
		if table == "order_photos" {
			want, got = photoIDs(t, a), photoIDs(t, b)
		} else {
			want, got = ids(t, a, table), ids(t, b, table)
		}
		if len(want) == 0 || strings.Join(want, ",") != strings.Join(got, ",") {
			t.Fatalf("%s: %d in the app, %d restored", table, len(want), len(got))
		}
	}
	if n := len(ids(t, b, "orders")); n != 2 {
		t.Fatalf("%d orders restored", n)
	}
	if n := len(ids(t, b, "invitations")); n != 3+int(writes.Load()) {
		t.Fatalf("%d invitations restored, want %d", n, 3+writes.Load())
	}
	st, err := a.Backup.Status(ctx)
	if err != nil || st.Warning != "" || st.LastGood == nil || st.LastGood.File != final.File || st.LastGood.Size != final.Size || final.Size == 0 {
		t.Fatalf("status %+v %v", st, err)
	}
}

func photoIDs(t *testing.T, a *core.App) []string {
	rows, err := a.DB.Reader().Query(`SELECT order_id || ':' || length(photo) FROM order_photos ORDER BY order_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

func mustRead(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func digest(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(h, "%s\n", n)
		if b, err := os.ReadFile(filepath.Join(dir, n)); err == nil {
			h.Write(b)
		}
	}
	return fmt.Sprintf("%x %v", h.Sum(nil), names)
}

// encrypt writes plain, age-encrypted to the passphrase, to file.
func encrypt(t *testing.T, plain []byte, file string) {
	t.Helper()
	r, err := age.NewScryptRecipient(pass)
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(10)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	w.Close()
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A wrong passphrase, a truncated file, a file that is no backup, a
// database that is not id06desk's, a damaged one and one from a newer
// schema are refused with their own message, and the current database
// (and its folder) stays exactly as it was.
func TestRestoreRefusals(t *testing.T) {
	ctx := context.Background()
	src := openApp(t, filepath.Join(t.TempDir(), "S"), core.Options{})
	if _, err := src.Invitations.Create(ctx, "admin", []invitations.Row{{Email: "a@example.se", CardType: "id06-rfid"}}, false); err != nil {
		t.Fatal(err)
	}
	folder := t.TempDir()
	configure(t, src, folder, nil)
	good, err := src.Backup.BackUp(ctx, backup.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()

	truncated := filepath.Join(tmp, "truncated.db.age")
	whole := mustRead(t, good.File)
	os.WriteFile(truncated, whole[:len(whole)*2/3], 0o600)

	notAge := filepath.Join(tmp, "plain.db")
	os.WriteFile(notAge, []byte("SQLite format 3\x00 and then some"), 0o600)

	// Another application's SQLite database.
	other := filepath.Join(tmp, "other.db")
	odb, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := odb.Exec(`CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES ('x')`); err != nil {
		t.Fatal(err)
	}
	odb.Close()
	otherAge := filepath.Join(tmp, "other.db.age")
	encrypt(t, mustRead(t, other), otherAge)

	// An id06desk database from a newer release.
	newer := filepath.Join(tmp, "newer.db")
	if err := src.DB.VacuumInto(ctx, newer); err != nil {
		t.Fatal(err)
	}
	ndb, _ := sql.Open("sqlite", newer)
	if _, err := ndb.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, '9999_future.sql', 0)`, sqlite.SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	ndb.Close()
	newerAge := filepath.Join(tmp, "newer.db.age")
	encrypt(t, mustRead(t, newer), newerAge)

	// An id06desk database with a damaged page.
	damaged := filepath.Join(tmp, "damaged.db")
	src.DB.VacuumInto(ctx, damaged)
	d := mustRead(t, damaged)
	for i := 4096 * 2; i < 4096*3 && i < len(d); i++ {
		d[i] = 0xA5
	}
	damagedAge := filepath.Join(tmp, "damaged.db.age")
	encrypt(t, d, damagedAge)

	wrongID, _ := age.NewScryptIdentity("not the passphrase at all")

	cur := openApp(t, filepath.Join(t.TempDir(), "C"), core.Options{})
	if _, err := cur.Invitations.Create(ctx, "admin", []invitations.Row{{Email: "current@example.se", CardType: "id06-rfid"}}, false); err != nil {
		t.Fatal(err)
	}
	dbFile := cur.Paths.Database()
	cur.Close() // restore runs with the app closed
	before := digest(t, cur.Paths.Data)

	for _, c := range []struct {
		name string
		file string
		id   []age.Identity
		want error
		code string
	}{
		{"wrong passphrase", good.File, []age.Identity{wrongID}, backup.ErrWrongKey, "restore.wrong_key"},
		{"truncated", truncated, nil, backup.ErrDamaged, "restore.damaged"},
		{"not age", notAge, nil, backup.ErrNotBackup, "restore.not_backup"},
		{"not id06desk", otherAge, nil, backup.ErrNotID06, "restore.not_id06desk"},
		{"newer schema", newerAge, nil, backup.ErrNewer, "restore.newer"},
		{"damaged page", damagedAge, nil, backup.ErrDamaged, "restore.damaged"},
	} {
		_, err := restore(t, c.file, dbFile, c.id...)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
			continue
		}
		if !strings.Contains(err.Error(), "not changed") {
			t.Errorf("%s: the message does not say the database was not changed: %v", c.name, err)
		}
		if got := digest(t, cur.Paths.Data); got != before {
			t.Fatalf("%s: the data folder changed:\n%s\n%s", c.name, before, got)
		}
	}

	// The good one replaces it; the old one is kept aside.
	res, err := restore(t, good.File, dbFile)
	if err != nil {
		t.Fatal(err)
	}
	if res.Aside == "" || !strings.HasPrefix(filepath.Base(res.Aside), "id06desk.db.before-restore-") {
		t.Fatalf("kept aside as %q", res.Aside)
	}
	if _, err := os.Stat(res.Aside); err != nil {
		t.Fatal(err)
	}
	back := openApp(t, filepath.Dir(cur.Paths.Data), core.Options{})
	if got, want := ids(t, back, "invitations"), ids(t, src, "invitations"); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("restored %v, want %v", got, want)
	}
}

// Only the newest backup.keep backups stay in the folder; other files
// there are left alone.
func TestKeepLastN(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	a := openApp(t, filepath.Join(t.TempDir(), "A"), core.Options{Now: c.Now})
	folder := t.TempDir()
	os.WriteFile(filepath.Join(folder, "notes.txt"), []byte("mine"), 0o644)
	configure(t, a, folder, map[string]string{"backup.keep": "3"})
	var written []string
	for i := range 5 {
		c.Set(time.Date(2026, 12, 1, 10+i, 0, 0, 0, time.UTC))
		r, err := a.Backup.BackUp(ctx, backup.Options{})
		if err != nil {
			t.Fatal(err)
		}
		written = append(written, r.File)
	}
	files, err := backup.Files(folder)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(files, ",") != strings.Join(written[2:], ",") {
		t.Fatalf("kept %v, want %v", files, written[2:])
	}
	if filepath.Base(written[4]) != "id06desk-backup-20261201-140000Z.db.age" {
		t.Fatalf("named %s", written[4])
	}
	if _, err := os.Stat(filepath.Join(folder, "notes.txt")); err != nil {
		t.Fatal("another file was deleted")
	}
	// --out writes elsewhere and prunes nothing.
	out := filepath.Join(t.TempDir(), "x.age")
	if _, err := a.Backup.BackUp(ctx, backup.Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, out); m != 0o600 {
		t.Fatalf("--out mode %v", m)
	}
	if files, _ := backup.Files(folder); len(files) != 3 {
		t.Fatalf("%d files after --out", len(files))
	}
}

// The backup job writes when the schedule says: daily at backup.hour (at
// once when that slot was missed), not again until the next slot; a
// failure is recorded with the system's words, warned about and retried
// after an hour.
func TestScheduleWithClock(t *testing.T) {
	ctx := context.Background()
	day := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, time.Local) }
	c := &clock{t: day(1, 11, 0)}
	a := openApp(t, filepath.Join(t.TempDir(), "A"), core.Options{Now: c.Now})
	folder := t.TempDir()
	count := func() int {
		files, _ := backup.Files(folder)
		return len(files)
	}
	// Not set up: nothing, no error.
	if err := a.Backup.Round(ctx); err != nil || count() != 0 {
		t.Fatalf("unconfigured round: %v, %d files", err, count())
	}
	st, _ := a.Backup.Status(ctx)
	if st.Configured || st.Warning != backup.WarnNone {
		t.Fatalf("unconfigured status %+v", st)
	}
	configure(t, a, folder, map[string]string{"backup.schedule": "daily", "backup.hour": "12", "backup.keep": "30"})

	steps := []struct {
		at   time.Time
		want int
	}{
		{day(1, 11, 0), 1},  // yesterday's 12:00 was missed: at once
		{day(1, 11, 30), 1}, // not before today's slot
		{day(1, 12, 0), 2},  // today's slot
		{day(1, 18, 0), 2},
		{day(2, 11, 59), 2},
		{day(2, 12, 1), 3},
	}
	for _, s := range steps {
		c.Set(s.at)
		if err := a.Backup.Round(ctx); err != nil {
			t.Fatal(err)
		}
		if count() != s.want {
			t.Fatalf("at %s: %d backups, want %d", s.at.Format(time.DateTime), count(), s.want)
		}
	}
	st, _ = a.Backup.Status(ctx)
	if !st.Configured || st.Warning != "" || !st.Next.Equal(day(3, 12, 0)) {
		t.Fatalf("status %+v", st)
	}
	if w := a.Backup.Wait(ctx); w != backup.Every {
		t.Fatalf("wait %v", w)
	}
	c.Set(day(3, 11, 50))
	if w := a.Backup.Wait(ctx); w != 10*time.Minute {
		t.Fatalf("wait %v", w)
	}

	// A day and more later, the folder is gone (USB disk unplugged).
	c.Set(day(4, 12, 30))
	if st, _ := a.Backup.Status(ctx); st.Warning != backup.WarnStale {
		t.Fatalf("a day later: %+v", st)
	}
	os.RemoveAll(folder)
	if err := a.Backup.Round(ctx); err == nil {
		t.Fatal("a backup to a missing folder succeeded")
	}
	st, _ = a.Backup.Status(ctx)
	if st.Warning != backup.WarnFailed || st.Last == nil || !strings.Contains(st.Last.Error, "no such file or directory") || st.Last.Code != "backup.write_failed" {
		t.Fatalf("failed status %+v", st.Last)
	}
	if !st.Next.Equal(day(4, 13, 30)) {
		t.Fatalf("retry at %v", st.Next)
	}
	os.MkdirAll(folder, 0o700)
	c.Set(day(4, 13, 0))
	a.Backup.Round(ctx)
	if count() != 0 {
		t.Fatal("retried before an hour")
	}
	c.Set(day(4, 13, 31))
	if err := a.Backup.Round(ctx); err != nil || count() != 1 {
		t.Fatalf("retry: %v, %d", err, count())
	}
	if st, _ := a.Backup.Status(ctx); st.Warning != "" {
		t.Fatalf("after the retry: %+v", st)
	}

	// Hourly, and off.
	configure(t, a, folder, map[string]string{"backup.schedule": "hourly"})
	c.Set(day(4, 14, 0))
	a.Backup.Round(ctx)
	c.Set(day(4, 14, 32))
	a.Backup.Round(ctx)
	if count() != 2 {
		t.Fatalf("hourly: %d", count())
	}
	configure(t, a, folder, map[string]string{"backup.schedule": "off"})
	c.Set(day(9, 14, 32))
	a.Backup.Round(ctx)
	if count() != 2 {
		t.Fatalf("off: %d", count())
	}
}

// The App's job runner runs the backup job: with the App started, a
// configured backup is written without anyone asking.
func TestAppJobWritesBackup(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.Local)}
	dir := filepath.Join(t.TempDir(), "A")
	folder := t.TempDir()
	setup := openApp(t, dir, core.Options{})
	configure(t, setup, folder, nil)
	setup.Close()

	a := openApp(t, dir, core.Options{Lock: true, Now: c.Now})
	a.Start(ctx)
	deadline := time.Now().Add(20 * time.Second)
	for {
		files, _ := backup.Files(folder)
		if len(files) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no backup from the job: %+v", a.Jobs())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, j := range a.Jobs() {
		if j.Name == core.JobBackup && j.LastError != "" {
			t.Fatal(j.LastError)
		}
	}
}
