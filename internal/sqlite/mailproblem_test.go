package sqlite

import (
	"context"
	"testing"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/pairing"
)

// A kiosk's last mail problem is kept with its code and both languages;
// an English sentence stored by an older version reads as it is; none is
// none.
func TestKioskLastMailProblem(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	k := pairing.Kiosk{ID: "k1", Name: "Grind", PairedAt: time.Now(), Secret: make([]byte, 32), SecretHash: make([]byte, 32)}
	if err := db.CreateKiosk(ctx, k, audit.Entry{Action: audit.SyncKioskPaired, Subject: k.ID}); err != nil {
		t.Fatal(err)
	}
	want := pairing.MailProblem{Code: "sync.mail.pack_not_sent", SV: "Sajtpaketet har inte skickats", EN: "The site pack has not been sent"}
	if _, err := db.UpdateKiosk(ctx, k.ID, func(k *pairing.Kiosk) ([]audit.Entry, error) {
		k.LastMailError = want
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Kiosk(ctx, k.ID); err != nil || got.LastMailError != want {
		t.Fatalf("stored %+v, read %+v %v", want, got.LastMailError, err)
	}
	if _, err := db.writer.ExecContext(ctx, `UPDATE sync_kiosks SET last_mail_error = 'relay said no' WHERE id = ?`, k.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Kiosk(ctx, k.ID); got.LastMailError.SV != "relay said no" || got.LastMailError.EN != "relay said no" || got.LastMailError.Code == "" {
		t.Fatalf("an older plain-text error: %+v", got.LastMailError)
	}
	if _, err := db.UpdateKiosk(ctx, k.ID, func(k *pairing.Kiosk) ([]audit.Entry, error) {
		k.LastMailError = pairing.MailProblem{}
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	var raw string
	if err := db.reader.QueryRowContext(ctx, `SELECT last_mail_error FROM sync_kiosks WHERE id = ?`, k.ID).Scan(&raw); err != nil || raw != "" {
		t.Fatalf("none is stored as %q %v", raw, err)
	}
}
