package core_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"id06desk/internal/batches"
	"id06desk/internal/core"
	"id06desk/internal/invitations"
	"id06desk/internal/order"
	"id06desk/internal/photo/phototest"
	"id06desk/internal/registration"
	"id06desk/internal/smtpsink"
)

// syncBuffer is a bytes.Buffer the App's goroutines may write at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var codeRE = regexp.MustCompile(`^[0-9A-Z]{10}$`)

// personalForms are the ways a value may appear in a log: as typed, and
// with spaces, dashes and a leading + taken out (a personnummer with and
// without dash or century, a phone number in any of its spellings, an
// invitation code with its dash).
func personalForms(values ...string) []string {
	var out []string
	for _, v := range values {
		out = append(out, v)
		if codeRE.MatchString(v) { // an invitation code as shown: XXXXX-XXXXX
			out = append(out, v[:5]+"-"+v[5:])
		}
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, v)
		if len(digits) < 6 || len(digits) <= len(v)/2 {
			continue
		}
		out = append(out, digits)
		if len(digits) >= 9 {
			out = append(out, digits[len(digits)-9:]) // 070… as +4670…
		}
		if len(digits) == 12 { // a personnummer with its century
			out = append(out, digits[2:], digits[2:8]+"-"+digits[8:], digits[:8]+"-"+digits[8:])
		}
	}
	return out
}

// The log holds no personal data: a registration with its mistakes, a
// refused invitation mail, the admin's mail and a Nexus batch, through the
// services with the log at debug level, both the copy the host would print
// and the file in the state folder. The cardholders' personnummer (with
// and without dash and century), names, phone, the local part of their
// e-mail addresses and the invitations' tokens and codes must not appear.
func TestLogsHoldNoPersonalData(t *testing.T) {
	ctx := context.Background()
	sink, err := smtpsink.Start(smtpsink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	var logged syncBuffer
	dir := filepath.Join(t.TempDir(), "D")
	a, err := core.Open(ctx, core.Options{DataDir: dir, LogTo: &logged, LogLevel: slog.LevelDebug})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Settings.Set(ctx, "test", map[string]string{"company.name": "Bygg & Söner AB", "company.org_number": "556036-0793",
		"company.address.street": "Storgatan 1", "company.address.postal_code": "111 22", "company.address.city": "Stockholm",
		"company.notify_email": "admin@bygg.se", "smtp.from": "id06@bygg.se",
		"smtp.host": "127.0.0.1", "smtp.port": strconv.Itoa(sink.Port()), "smtp.security": "none", "nexus.channel": "folder"}); err != nil {
		t.Fatal(err)
	}
	const (
		email, refusedEmail = "ingegerd.fjallstrom@example.se", "torbjorn.oqvist@example.se"
		first, last, phone  = "Ingegerd", "Fjällström", "070-918 27 36"
		pnr, badPnr         = "19811218-9876", "811218-9875"
	)
	invite := func(addr string) invitations.Created {
		t.Helper()
		c, err := a.Invitations.Create(ctx, "admin", []invitations.Row{{Email: addr, CardType: "id06-rfid"}}, true)
		if err != nil {
			t.Fatal(err)
		}
		return c[0]
	}
	// The relay refuses the first recipient, echoing the address as mail
	// servers do; the outbox logs why.
	refused := invite(refusedEmail)
	sink.FailRcpt(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "<" + refusedEmail + ">: Recipient address rejected: User unknown in virtual mailbox table"})
	if _, err := a.Outbox.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	created := []invitations.Created{invite(email), refused}
	if _, err := a.Outbox.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var secrets []string
	for _, c := range created {
		d, err := a.Invitations.Get(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, d.Invitation.Token, c.Code)
	}
	tok := secrets[0]
	r := a.Registration
	if _, err := r.Lookup(ctx, created[0].Code); err != nil {
		t.Fatalf("lookup by code: %v", err)
	}
	if _, err := r.Open(ctx, tok, false); err != nil {
		t.Fatal(err)
	}
	if _, err := r.SetMethod(ctx, tok, order.MethodManual, false); err != nil {
		t.Fatal(err)
	}
	// Mistakes first: a wrong check digit, a bad photo.
	if _, err := r.SavePersonal(ctx, tok, registration.PersonalInput{FirstName: first, LastName: last,
		HasPersonnummer: true, Personnummer: badPnr, Phone: phone}, false); err == nil {
		t.Fatal("a wrong check digit was accepted")
	}
	if _, err := r.SavePersonal(ctx, tok, registration.PersonalInput{FirstName: first, LastName: last,
		HasPersonnummer: true, Personnummer: pnr, Phone: phone}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := r.UploadPhoto(ctx, tok, strings.NewReader("not a photo of "+first), false); err == nil {
		t.Fatal("a text was accepted as a photo")
	}
	if _, err := r.UploadPhoto(ctx, tok, bytes.NewReader(phototest.Face(t)), false); err != nil {
		t.Fatal(err)
	}
	if _, err := r.SaveDelivery(ctx, tok, registration.DeliveryInput{UseCompany: true}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Confirm(ctx, tok, false); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Outbox.Flush(ctx); err != nil { // the admin's "ready" mail
		t.Fatal(err)
	}
	o, err := a.Orders.OrderOf(ctx, created[0].ID)
	if err != nil || o.Status != order.StatusReady {
		t.Fatalf("order %+v %v", o, err)
	}
	if _, err := a.Batches.Send(ctx, batches.Request{Actor: "admin", Lang: "sv", Folder: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	stored, err := a.DB.PersonalValues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range append([]string{"198112189876", first, last, email, refusedEmail, "+46709182736"}, secrets...) {
		if !slices.Contains(stored, want) && !slices.Contains(stored, strings.ReplaceAll(want, "-", "")) { // a code is stored without its dash
			t.Fatalf("PersonalValues misses %q: %q", want, stored)
		}
	}
	a.Close()

	file, err := os.ReadFile(core.LogFile(a.Paths))
	if err != nil {
		t.Fatal(err)
	}
	logs := map[string]string{"stderr copy": logged.String(), "log file": string(file)}
	if !strings.Contains(logs["log file"], "mail failed") && !strings.Contains(logs["log file"], "mail delayed") {
		t.Fatalf("the refused mail was not logged, so the test checks nothing:\n%s", file)
	}
	needles := append(personalForms(append(stored, pnr, badPnr, phone)...), "Fjallstrom",
		strings.Split(email, "@")[0], strings.Split(refusedEmail, "@")[0])
	needles = append(needles, secrets...)
	for name, text := range logs {
		low := strings.ToLower(text)
		for _, n := range needles {
			if strings.Contains(low, strings.ToLower(n)) {
				t.Errorf("the %s holds %q:\n%s", name, n, text)
			}
		}
	}
}
