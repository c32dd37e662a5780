package kiosksync_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"id06desk/internal/invite"
	"id06desk/internal/registration"
	"id06desk/internal/syncwire"
)

// A site pack the console made before it imported the kiosk's bundle still
// lists the invitations the kiosk registered as open. Applying it must not
// open them again: the token (QR) and the short code of an invitation
// sealed here stay refused as already registered. One invitation was
// adopted from its QR before any pack, one came by a pack and was
// registered by its code.
func TestUsedTokenStaysRefusedAfterAPackThatListsIt(t *testing.T) {
	ctx := context.Background()
	f := newKiosk(t)
	f.join(t)
	expires := f.clock().Add(30 * 24 * time.Hour)
	byQR, byCode := newID(t), newID(t)
	qrTok, codeTok := f.token(t, byQR, expires), f.token(t, byCode, expires)
	listed := func(ids ...string) func(p *syncwire.SitePack) {
		return func(p *syncwire.SitePack) {
			for _, id := range ids {
				code, tok := "QRQR2345XY", qrTok
				if id == byCode {
					code, tok = "CDEF2345XY", codeTok
				}
				p.Invitations = append(p.Invitations, syncwire.Invitation{ID: id, Code: code, Token: tok, ExpiresAt: expires,
					CardType: "id06-rfid", Industry: "civil", Language: "sv"})
			}
		}
	}
	if _, err := f.sync.ApplySitePack(ctx, bytes.NewReader(f.pack(t, 1, kioskID, listed(byCode)))); err != nil {
		t.Fatal(err)
	}
	f.register(t, qrTok)
	if _, err := f.reg.Confirm(ctx, qrTok, true); err != nil {
		t.Fatal(err)
	}
	tok, err := f.reg.Lookup(ctx, "CDEF2345XY")
	if err != nil || tok != codeTok {
		t.Fatalf("code before registering: %q %v", tok, err)
	}
	f.register(t, codeTok)
	if _, err := f.reg.Confirm(ctx, codeTok, true); err != nil {
		t.Fatal(err)
	}

	// The console has not imported the bundle yet: its next pack lists
	// both as open, and acknowledges nothing.
	applied, err := f.sync.ApplySitePack(ctx, bytes.NewReader(f.pack(t, 2, kioskID, listed(byQR, byCode))))
	if err != nil {
		t.Fatal(err)
	}
	if applied.Forgotten != 0 {
		t.Fatalf("applied %+v", applied)
	}
	for _, c := range []struct{ name, tok, code string }{{"QR", qrTok, "QRQR2345XY"}, {"code", codeTok, "CDEF2345XY"}} {
		if inv, _, err := f.db.GetInvitation(ctx, map[string]string{"QR": byQR, "code": byCode}[c.name]); err != nil || inv.Status != invite.StatusRegistered {
			t.Fatalf("%s invitation after the pack: %s %v", c.name, inv.Status, err)
		}
		if _, err := f.reg.Open(ctx, c.tok, true); linkCode(err) != registration.LinkAlreadyRegistered {
			t.Errorf("%s: the token after a pack that lists it: %v", c.name, err)
		}
		// The short code leads to the same refusal, not to an open
		// registration (nor to "no such code").
		got, err := f.reg.Lookup(ctx, c.code)
		if err != nil || got != c.tok {
			t.Errorf("%s: the code after a pack that lists it: %q %v", c.name, got, err)
			continue
		}
		if _, err := f.reg.Open(ctx, got, true); linkCode(err) != registration.LinkAlreadyRegistered {
			t.Errorf("%s: opened by its code after a pack that lists it: %v", c.name, err)
		}
		if _, err := f.reg.Confirm(ctx, got, true); linkCode(err) != registration.LinkAlreadyRegistered && !errors.Is(err, invite.ErrNotFound) {
			t.Errorf("%s: Confirm again: %v", c.name, err)
		}
	}
	st, err := f.sync.Status(ctx)
	if err != nil || st.Pending != 2 {
		t.Fatalf("status %+v %v", st, err)
	}
}
