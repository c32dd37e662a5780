package core_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"

	"id06desk/internal/core"
	"id06desk/internal/syncwire"
	"id06desk/internal/token"
)

// A kiosk paired with a console verifies the console's invitation tokens
// (offline) after the join and after every start, and is not paired before.
func TestPairedKioskVerifiesTheConsolesTokens(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "K")
	pairing, tok := consolePairing(t)

	a, err := core.Open(ctx, core.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if a.KioskSync.Paired() {
		t.Fatal("a new App is a paired kiosk")
	}
	if _, err := a.Keys.Verify(tok, time.Now()); err == nil {
		t.Fatal("an unpaired App verifies another console's token")
	}
	if _, err := a.KioskSync.Join(ctx, pairing); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Keys.Verify(tok, time.Now()); err != nil {
		t.Fatalf("after the join: %v", err)
	}
	a.Close()

	a, err = core.Open(ctx, core.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if !a.KioskSync.Paired() {
		t.Fatal("not paired after a restart")
	}
	if _, err := a.Keys.Verify(tok, time.Now()); err != nil {
		t.Fatalf("after a restart: %v", err)
	}
}

// `id06desk pair join` and `pair leave` on the data folder of a running
// kiosk (a host App with its jobs, and a second App as a command opens
// it): the running kiosk verifies the console's tokens and opens their
// registrations without a restart, and stops after the leave.
func TestRunningKioskSeesTheCommandLinesJoinAndLeave(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "K")
	pairing, tok := consolePairing(t)

	host, err := core.Open(ctx, core.Options{DataDir: dir, Lock: true})
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	host.Start(ctx)
	if _, err := host.Registration.Open(ctx, tok, true); err == nil {
		t.Fatal("an unpaired kiosk opened another console's invitation")
	}

	cmd, err := core.Open(ctx, core.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer cmd.Close()
	if _, err := cmd.KioskSync.Join(ctx, pairing); err != nil {
		t.Fatal(err)
	}
	// The kiosk_pairing job notices within its period (2 s); nothing
	// else asks the kiosk's sync in between.
	within := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(3 * core.KioskPairingEvery)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("the running kiosk did not notice %s", what)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	within("the join", func() bool { _, err := host.Keys.Verify(tok, time.Now()); return err == nil })
	if _, err := host.Registration.Open(ctx, tok, true); err != nil {
		t.Fatalf("the running kiosk after the command line's join: %v", err)
	}
	if st, err := host.KioskSync.Status(ctx); err != nil || !st.Paired || st.KioskID != "kiosk-1" {
		t.Fatalf("status %+v %v", st, err)
	}

	if _, err := cmd.KioskSync.Leave(ctx, false); err != nil {
		t.Fatal(err)
	}
	within("the leave", func() bool { _, err := host.Keys.Verify(tok, time.Now()); return err != nil })
	if host.KioskSync.Paired() {
		t.Fatal("still paired after the command line's leave")
	}
}

// consolePairing is a console's pairing file for kiosk "kiosk-1" and a
// token of an invitation the console signed.
func consolePairing(t *testing.T) (pairing *bytes.Buffer, tok string) {
	t.Helper()
	ck, _ := syncwire.NewConsoleKeys()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	ring := token.New(priv)
	secret, _ := syncwire.NewSecret()
	pairing = &bytes.Buffer{}
	if err := syncwire.WritePairing(pairing, &syncwire.Pairing{ConsoleID: "console-1", ConsoleName: "Office",
		TokenKeys: syncwire.TokenKeysOf(ring.PublicKeys()), KioskID: "kiosk-1", KioskName: "Gate", Secret: secret, Created: time.Now()}, ck); err != nil {
		t.Fatal(err)
	}
	tok, _ = ring.Sign(token.Claims{InvitationID: "9b2f4c1e-3a5d-4e6f-8a7b-1c2d3e4f5a6b", Company: "5560360793", CardType: "id06-rfid", ExpiresAt: time.Now().Add(time.Hour)})
	return pairing, tok
}
