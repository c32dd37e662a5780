package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"id06desk/internal/invitations"
	"id06desk/internal/invite"
	"id06desk/internal/outbox"
	"id06desk/internal/sqlite"
)

// The counts kept by triggers and the trigram search must agree with the
// rows themselves after inserts, status changes and deletes.
func TestListCountsAndSearchFollowChanges(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "l.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seedInvitations(t, db, 40)
	draft := invite.Invitation{ID: "00000000-0000-4000-8000-999999999999", Code: "DRAFT00001", Email: "åsa.öberg@example.se",
		Name: "Åsa Öberg", CardType: "visitor", Language: "sv", Status: invite.StatusDraft, Token: "v1.x"}
	if err := db.CreateInvitations(ctx, "t", []invite.Invitation{draft}, []*outbox.Message{nil}); err != nil {
		t.Fatal(err)
	}

	check := func(when string) {
		t.Helper()
		want := map[invite.Status]int{}
		rows, err := db.Reader().QueryContext(ctx, `SELECT status, count(*) FROM invitations GROUP BY status`)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for rows.Next() {
			var s string
			var n int
			rows.Scan(&s, &n)
			want[invite.Status(s)] = n
			total += n
		}
		rows.Close()
		p, err := db.ListInvitations(ctx, invite.ListQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Counts) != len(want) || p.Total != total {
			t.Fatalf("%s: counts %v total %d, rows say %v total %d", when, p.Counts, p.Total, want, total)
		}
		for s, n := range want {
			if p.Counts[s] != n {
				t.Fatalf("%s: %s counted %d, rows say %d", when, s, p.Counts[s], n)
			}
		}
	}
	search := func(text string) []string {
		t.Helper()
		p, err := db.ListInvitations(ctx, invite.ListQuery{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, i := range p.Items {
			ids = append(ids, i.Email)
		}
		if p.Total != len(ids) {
			t.Fatalf("search %q: total %d for %d items", text, p.Total, len(ids))
		}
		return ids
	}

	check("after insert")
	if got := search("person000017"); len(got) != 1 || got[0] != "person000017@example.se" {
		t.Fatalf("substring search: %v", got)
	}
	if got := search("ÖBERG"); len(got) != 1 {
		t.Fatalf("case-insensitive search for Swedish letters: %v", got)
	}
	if got := search("son 1"); len(got) != 11 { // "Person 1", "Person 10".."Person 19"
		t.Fatalf("name search: %d hits %v", len(got), got)
	}
	if got := search("DRAFT-00001"); len(got) != 1 {
		t.Fatalf("code search: %v", got)
	}
	if got := search("50%"); len(got) != 0 {
		t.Fatalf("LIKE wildcards are literal: %v", got)
	}

	if _, err := db.UpdateInvitation(ctx, "00000000-0000-4000-8000-000000000000", func(inv *invite.Invitation) (invite.Change, error) {
		inv.Status = invite.StatusRevoked
		return invite.Change{Events: []invite.Event{{Kind: invite.EventRevoked}}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	check("after a status change")
	if err := db.DeleteInvitation(ctx, draft.ID, invitations.DeleteRule("t")); err != nil {
		t.Fatal(err)
	}
	check("after a delete")
	if got := search("öberg"); len(got) != 0 {
		t.Fatalf("deleted row still found: %v", got)
	}

	p, err := db.ListInvitations(ctx, invite.ListQuery{Status: invite.StatusRevoked, Sort: "email"})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range p.Items {
		if i.Status != invite.StatusRevoked {
			t.Fatalf("status filter with email sort returned %s", i.Status)
		}
	}
	if p.Total != p.Counts[invite.StatusRevoked] || p.Total != len(p.Items) {
		t.Fatalf("revoked: total %d, counted %d, items %d", p.Total, p.Counts[invite.StatusRevoked], len(p.Items))
	}
}
