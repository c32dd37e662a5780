package registration_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"id06desk/internal/registration"
)

// onDisk reports which of the byte runs are in the database file, its
// write-ahead log or its shared-memory index, read raw while it is open.
func onDisk(t *testing.T, f *fixture, runs map[string][]byte) []string {
	t.Helper()
	var hits []string
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(f.db.Path + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for name, run := range runs {
			if bytes.Contains(b, run) {
				hits = append(hits, name+" in id06desk.db"+suffix)
			}
		}
	}
	return hits
}

// Every way a registration ends without an order, and Confirm, leaves
// nothing of the draft readable in the files: the uploaded photo (as
// stored: a run of its bytes) and the draft's JSON with the personnummer.
// A link that expired loses its draft on its first use, before the hourly
// sweep; a revoked one at once.
func TestEndedRegistrationsLeaveNothingOnDisk(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		end  func(t *testing.T, f *fixture, id, tok string)
	}{
		{"confirm", func(t *testing.T, f *fixture, id, tok string) {
			if _, err := f.reg.Confirm(ctx, tok, false); err != nil {
				t.Fatal(err)
			}
		}},
		{"cancel or idle wipe", func(t *testing.T, f *fixture, id, tok string) {
			if err := f.reg.Discard(ctx, tok, false); err != nil {
				t.Fatal(err)
			}
		}},
		{"revoke", func(t *testing.T, f *fixture, id, tok string) {
			if err := f.inv.Revoke(ctx, "admin", id); err != nil {
				t.Fatal(err)
			}
		}},
		{"first use after expiry", func(t *testing.T, f *fixture, id, tok string) {
			f.advance(31 * 24 * time.Hour)
			if _, err := f.reg.Open(ctx, tok, false); linkCode(err) != registration.LinkExpired {
				t.Fatalf("open after expiry: %v", err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			id, tok := f.invite(t, "marker@example.se")
			fillAll(t, f, tok)
			src, err := f.db.DraftPhoto(ctx, id, true)
			if err != nil || len(src) < 10_000 {
				t.Fatalf("stored photo: %d bytes, %v", len(src), err)
			}
			runs := map[string][]byte{
				"the uploaded photo":       src[len(src)/2 : len(src)/2+64],
				"the draft's personnummer": []byte(`"personnummer":"198112189876"`),
			}
			if hits := onDisk(t, f, runs); len(hits) < len(runs) {
				t.Fatalf("markers not found before the end (%v): the test cannot see them", hits)
			}
			c.end(t, f, id, tok)
			if d, _ := registration.LoadDraft(ctx, f.db, id); d.Personal != nil {
				t.Fatal("the draft is still there")
			}
			if hits := onDisk(t, f, runs); len(hits) > 0 {
				t.Errorf("still readable: %v", hits)
			}
		})
	}
}
