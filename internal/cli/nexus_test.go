package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"id06desk/internal/batches"
	"id06desk/internal/cli"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/outbox"
	"id06desk/internal/settings"
	"id06desk/internal/sqlite"
)

func TestNexusBatchCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)
	db, err := sqlite.Open(ctx, filepath.Join(dir, "t.db"), sqlite.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st := settings.NewService(db, dir)
	var photo bytes.Buffer
	jpeg.Encode(&photo, image.NewGray(image.Rect(0, 0, 322, 414)), nil)
	osvc := orders.New(orders.Config{Store: db, Now: db.Now})
	for i := 1; i <= 2; i++ {
		inv := invite.Invitation{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Code: fmt.Sprintf("CLINX%05d", i),
			Email: fmt.Sprintf("p%d@example.se", i), CardType: "id06-rfid", Language: "sv", Status: invite.StatusSent,
			Token: "v1.t", CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := db.CreateInvitations(ctx, "admin", []invite.Invitation{inv}, []*outbox.Message{nil}); err != nil {
			t.Fatal(err)
		}
		o := order.Order{ID: fmt.Sprintf("o%d", i), InvitationID: inv.ID, Status: order.StatusReady, FirstName: "Anna", LastName: fmt.Sprintf("Berg%d", i),
			Personnummer: "198112189876", Email: inv.Email, Phone: "+46701234567", CardType: "id06-rfid", Language: "sv",
			Photo: photo.Bytes(), Thumb: []byte{1}, IdentityMethod: order.MethodBankID, IdentityCheck: order.CheckBankID,
			RegisteredAt: now, RegisteredWhere: order.WhereWeb}
		if err := osvc.Create(ctx, o, nil); err != nil {
			t.Fatal(err)
		}
	}
	s := cli.Services{Settings: st, Batches: batches.New(batches.Config{Store: db, Settings: st.Load, DefaultFolder: filepath.Join(dir, "default")})}
	out := filepath.Join(dir, "out")
	stdout, _, err := run(s, "nexus", "batch", "--order", "o1", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`batch (NX-\S+): 1 orders`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("stdout %q", stdout)
	}
	zipPath := filepath.Join(out, "id06-nexus-"+m[1]+".zip")
	if !strings.Contains(stdout, zipPath) || !strings.Contains(stdout, "personal data in clear") {
		t.Errorf("stdout %q", stdout)
	}
	if st, err := os.Stat(zipPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("zip: %v %v", st, err)
	}
	// Again: refused with the batch named; all ready (o2) to the default folder.
	if _, _, err := run(s, "nexus", "batch", "--order", "o1"); err == nil || !strings.Contains(err.Error(), m[1]) {
		t.Fatalf("resend: %v", err)
	}
	stdout, _, err = run(s, "nexus", "batch")
	if err != nil || !strings.Contains(stdout, filepath.Join(dir, "default")) {
		t.Fatalf("all ready: %q %v", stdout, err)
	}
	if _, _, err := run(s, "nexus", "batch"); err == nil || !strings.Contains(err.Error(), "no orders ready") {
		t.Fatalf("nothing ready: %v", err)
	}
}
