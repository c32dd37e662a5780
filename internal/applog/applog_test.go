package applog_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"id06desk/internal/applog"
)

func TestOpenForcesOwnerOnlyMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "id06desk.log")
	if err := os.WriteFile(path, []byte("old line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644) // whatever the umask
	log, c, err := applog.Open(path, nil, applog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	log.Info("started")
	c.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("existing log file has mode %v, want 0600", st.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "old line\n") || !strings.Contains(string(b), "msg=started") {
		t.Fatalf("log content %q", b)
	}
}

// Rotation by lumberjack: the log and Backups rotated copies remain, none
// larger than the cap, and every one is 0600 although the file was 0644
// before (lumberjack gives the new file the old one's mode and the copy
// keeps its own). An older release's id06desk.log.N copies are removed.
func TestFileRotatesBySizeOwnerOnly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "id06desk.log")
	for _, name := range []string{path, path + ".1", path + ".2"} {
		if err := os.WriteFile(name, []byte("old line\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chmod(name, 0o644) // whatever the umask
	}
	f, err := applog.OpenFile(path, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Repeat("x", 1023) + "\n" // 1 KiB
	for i := range 4*1024 + 100 {            // 4 MiB and a bit through a 1 MiB cap
		if _, err := fmt.Fprintf(f, "%s", line); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// lumberjack deletes the oldest copies in its own goroutine.
	var names []string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		entries, _ := os.ReadDir(dir)
		names = names[:0]
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if len(names) == 3 || time.Now().After(deadline) {
			break
		}
	}
	if len(names) != 3 || names[2] != "id06desk.log" || !strings.HasPrefix(names[0], "id06desk-") || !strings.HasPrefix(names[1], "id06desk-") {
		t.Fatalf("files %v, want the log and 2 rotated copies", names)
	}
	for _, n := range names {
		info, err := os.Stat(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		if info.Size() > 1<<20 {
			t.Errorf("%s is %d bytes, cap 1 MiB", n, info.Size())
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", n, info.Mode().Perm())
		}
	}
}

// A log folder that cannot be written is reported at Open, not at the
// first record.
func TestOpenFileReportsAnUnwritableFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere")
	}
	if _, err := applog.OpenFile(filepath.Join(dir, "id06desk.log"), 1, 1); err == nil {
		t.Fatal("no error for a folder that cannot be written")
	}
}

// records returns the lines the handler wrote.
func records(buf *bytes.Buffer) []string {
	return strings.Split(strings.TrimSpace(buf.String()), "\n")
}

func TestLimitSuppressesRepeatsAndSumsThemUp(t *testing.T) {
	var buf bytes.Buffer
	h := applog.Limit(slog.NewTextHandler(&buf, nil), 5, time.Minute)
	log := slog.New(h).With("route", "POST /api/login")
	t0 := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration, level slog.Level, msg string) {
		r := slog.NewRecord(t0.Add(d), level, msg, 0)
		if err := log.Handler().Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 1000 {
		at(time.Duration(i)*time.Millisecond, slog.LevelWarn, "request failed")
	}
	at(time.Second, slog.LevelInfo, "request failed") // another level: its own count
	at(2*time.Second, slog.LevelWarn, "other message")
	got := records(&buf)
	if len(got) != 7 || strings.Count(buf.String(), `msg="request failed"`) != 6 {
		t.Fatalf("%d lines within the minute, want 5+1+1:\n%s", len(got), buf.String())
	}
	// After the minute the next record brings the summary, then passes.
	buf.Reset()
	at(61*time.Second, slog.LevelWarn, "request failed")
	got = records(&buf)
	if len(got) != 2 || !strings.Contains(got[0], `msg="suppressed 995 similar records"`) ||
		!strings.Contains(got[0], `suppressed_msg="request failed"`) ||
		!strings.Contains(got[0], "level=WARN") || !strings.Contains(got[1], `msg="request failed"`) {
		t.Fatalf("after the window:\n%s", buf.String())
	}
	// A quiet key's summary also comes with any later record.
	buf.Reset()
	for i := range 10 {
		at(62*time.Second+time.Duration(i), slog.LevelError, "disk full")
	}
	at(62*time.Second+2*time.Minute, slog.LevelInfo, "unrelated")
	if !strings.Contains(buf.String(), `msg="suppressed 5 similar records"`) || !strings.Contains(buf.String(), "unrelated") {
		t.Fatalf("summary of a quiet key:\n%s", buf.String())
	}
}

// Redact masks e-mail local parts and personnummer-shaped numbers in every
// kind of value a record may carry, and leaves other numbers alone.
func TestRedactMasksAddressesAndPersonnummer(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(applog.Redact(slog.NewTextHandler(&buf, nil))).With("to", "anna.berg@bygg.se")
	log.Warn("mail failed", "detail", "550 5.1.1 <karl-erik.o'hara+id06@mail.example.se>: user unknown",
		"err", fmt.Errorf("check 19811218-9876 and 811218-9876, 198112189876, 8112189876, 811278+9876"),
		slog.Group("g", "who", "x.y@z.se"), "ms", int64(1796000000000), "n", "bytes 1048576000, at 2026-12-05T10:00:00Z, id 20261205")
	out := buf.String()
	for _, leak := range []string{"anna.berg", "karl-erik", "o'hara", "x.y@", "9876"} {
		if strings.Contains(out, leak) {
			t.Errorf("%q in %s", leak, out)
		}
	}
	for _, kept := range []string{"…@bygg.se", "…@mail.example.se", "[personnummer]", "1796000000000", "1048576000", "2026-12-05T10:00:00Z", "20261205", "550 5.1.1"} {
		if !strings.Contains(out, kept) {
			t.Errorf("%q missing from %s", kept, out)
		}
	}
}
