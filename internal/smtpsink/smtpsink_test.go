package smtpsink

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
)

// TestMaildirReceivesEachMessage: with Options.Maildir every accepted
// message lands whole in Maildir/new (nothing left in tmp/), besides the
// recorded copy and the .eml in Dir.
func TestMaildirReceivesEachMessage(t *testing.T) {
	md := filepath.Join(t.TempDir(), "Maildir")
	dir := t.TempDir()
	s, err := Start(Options{Dir: dir, Maildir: md})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	raw := []byte("From: a@example.com\r\nTo: b@example.com\r\nSubject: one\r\n\r\nhello\r\n")
	for i := 0; i < 2; i++ {
		if err := send(s.Addr(), "a@example.com", []string{"b@example.com"}, bytes.NewReader(raw)); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(md, "new"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("Maildir/new has %d files, want 2", len(entries))
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(md, "new", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, raw) {
			t.Errorf("%s: %q, want %q", e.Name(), b, raw)
		}
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("%s looks unfinished", e.Name())
		}
	}
	if tmp, _ := os.ReadDir(filepath.Join(md, "tmp")); len(tmp) != 0 {
		t.Errorf("tmp/ keeps %d files", len(tmp))
	}
	if emls, _ := filepath.Glob(filepath.Join(dir, "*.eml")); len(emls) != 2 || s.Count() != 2 {
		t.Errorf("the other records: %d .eml, %d recorded", len(emls), s.Count())
	}
}

// TestForgetKeepsOnlyTheEnvelope: with Options.Forget the message lands
// whole in the Maildir, and the sink holds its envelope, not its text.
func TestForgetKeepsOnlyTheEnvelope(t *testing.T) {
	md := filepath.Join(t.TempDir(), "Maildir")
	s, err := Start(Options{Maildir: md, Forget: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	raw := []byte("From: a@example.com\r\nTo: b@example.com\r\nSubject: big\r\n\r\n" + strings.Repeat(strings.Repeat("x", 76)+"\r\n", 14000))
	if err := send(s.Addr(), "a@example.com", []string{"b@example.com"}, bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	got := s.Messages()
	if len(got) != 1 || got[0].From != "a@example.com" || len(got[0].To) != 1 || got[0].Data != nil {
		t.Fatalf("recorded %+v", got)
	}
	entries, err := os.ReadDir(filepath.Join(md, "new"))
	if err != nil || len(entries) != 1 {
		t.Fatalf("Maildir/new: %d files, %v", len(entries), err)
	}
	if b, _ := os.ReadFile(filepath.Join(md, "new", entries[0].Name())); !bytes.Equal(b, raw) {
		t.Fatalf("the delivered mail has %d bytes, want %d", len(b), len(raw))
	}
}

// send delivers over plain SMTP (the sink offers no STARTTLS).
func send(addr, from string, to []string, r *bytes.Reader) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SendMail(from, to, r); err != nil {
		return err
	}
	return c.Quit()
}
