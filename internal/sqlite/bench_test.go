package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"id06desk/internal/invite"
	"id06desk/internal/outbox"
	"id06desk/internal/sqlite"
)

// seedInvitations writes n invitations in batches, spread over statuses,
// card types and creation times like a company's history.
func seedInvitations(tb testing.TB, db *sqlite.DB, n int) {
	tb.Helper()
	ctx := context.Background()
	statuses := []invite.Status{invite.StatusSent, invite.StatusSent, invite.StatusSent, invite.StatusQueued,
		invite.StatusRegistered, invite.StatusReady, invite.StatusExpired, invite.StatusRevoked}
	types := []string{"id06-rfid", "id06-rfid", "visitor"}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	const batch = 2000
	for done := 0; done < n; done += batch {
		invs := make([]invite.Invitation, 0, batch)
		for i := done; i < done+batch && i < n; i++ {
			created := start.Add(time.Duration(i) * 7 * time.Minute)
			invs = append(invs, invite.Invitation{
				ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Code: fmt.Sprintf("C%09d", i),
				Email: fmt.Sprintf("person%06d@example.se", i), Name: fmt.Sprintf("Person %d", i),
				CardType: types[i%len(types)], Language: "sv", Status: statuses[i%len(statuses)],
				Token: "v1.bench", CreatedAt: created, UpdatedAt: created, ExpiresAt: created.Add(30 * 24 * time.Hour),
			})
		}
		if err := db.CreateInvitations(ctx, "bench", invs, make([]*outbox.Message, len(invs))); err != nil {
			tb.Fatal(err)
		}
	}
}

func openBench(b *testing.B) *sqlite.DB {
	b.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkList100k is what "Handle invitations" runs at 100,000 rows: the
// first page sorted by creation, a status filter, and a text search, each
// with the filtered total and the status counts. BaselinePage is the bare
// primary-key read of 50 rows in the same database, for the ratio.
func BenchmarkList100k(b *testing.B) {
	db := openBench(b)
	seedInvitations(b, db, 100_000)
	ctx := context.Background()
	cases := []struct {
		name string
		q    invite.ListQuery
	}{
		{"FirstPage", invite.ListQuery{Sort: "created", Desc: true}},
		{"Page100", invite.ListQuery{Sort: "created", Desc: true, Page: 100}},
		{"Status", invite.ListQuery{Status: invite.StatusReady, Sort: "created", Desc: true}},
		{"CardType", invite.ListQuery{CardType: "visitor", Sort: "email"}},
		{"Search", invite.ListQuery{Text: "person0999", Sort: "created", Desc: true}},
	}
	b.Run("BaselinePage", func(b *testing.B) {
		for b.Loop() {
			rows, err := db.Reader().QueryContext(ctx, `SELECT id, email FROM invitations ORDER BY id LIMIT 50`)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
		}
	})
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				p, err := db.ListInvitations(ctx, c.q)
				if err != nil || len(p.Items) == 0 {
					b.Fatalf("%d items, %v", len(p.Items), err)
				}
			}
		})
	}
}
