package kiosk_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"id06desk/internal/adminauth/adminauthtest"
	"id06desk/internal/camera/cameratest"
	"id06desk/internal/kiosk"
)

const token = "v1.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5f.YGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn-AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq-w"

// qrFrame is a 1280×720 frame with the invitation link as a QR code.
func qrFrame(t *testing.T) image.Image {
	t.Helper()
	png, err := qrcode.Encode("http://127.0.0.1:8080/#/register/"+token, qrcode.Medium, 600)
	if err != nil {
		t.Fatal(err)
	}
	code, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	frame := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	draw.Draw(frame, frame.Rect, &image.Uniform{color.Gray{140}}, image.Point{}, draw.Src)
	draw.Draw(frame, image.Rect(340, 60, 940, 660), code, image.Point{}, draw.Src)
	return frame
}

func blank() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 640, 360))
	draw.Draw(img, img.Rect, &image.Uniform{color.Gray{90}}, image.Point{}, draw.Src)
	return img
}

func TestStationScansPreviewsAndSurvivesUnplug(t *testing.T) {
	label := "Kiosk test camera " + t.Name()
	_, unplug := cameratest.RegisterStillImages(label, []image.Image{qrFrame(t)}, 10)
	st := kiosk.NewStation(func(context.Context) kiosk.Choice { return kiosk.Choice{Label: label, Width: 1280, Height: 720} })
	defer st.Close()
	ctx := context.Background()

	if s := st.Status(ctx); s.State != kiosk.StateReady || s.Label == "" || s.Width != 1280 {
		t.Fatalf("status %+v", s)
	}
	jpg, seq, err := st.Preview(ctx, 0, 640)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(jpg))
	if err != nil || img.Bounds().Dx() != 640 || img.Bounds().Dy() != 360 {
		t.Fatalf("preview %v %v", img.Bounds(), err)
	}
	_, seq2, err := st.Preview(ctx, seq, 640)
	if err != nil || seq2 <= seq {
		t.Fatalf("next preview seq %d after %d: %v", seq2, seq, err)
	}

	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	tok, _, err := st.Scan(sctx, 0)
	cancel()
	if err != nil || tok != token {
		t.Fatalf("scan: %q %v", tok, err)
	}
	still, err := st.Still(ctx)
	if err != nil || still.Bounds().Dx() != 1280 {
		t.Fatalf("still %v %v", still, err)
	}

	unplug()
	deadline := time.Now().Add(5 * time.Second)
	var ue *kiosk.UnavailableError
	for time.Now().Before(deadline) {
		if _, _, err = st.Preview(ctx, 0, 640); errors.As(err, &ue) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if ue == nil || ue.State != kiosk.StateUnplugged {
		t.Fatalf("after unplug: %v", err)
	}
	if s := st.Status(ctx); s.State != kiosk.StateUnplugged {
		t.Fatalf("status after unplug %+v", s)
	}

	// A camera plugged in again works after Rescan, without a restart.
	_, unplug2 := cameratest.RegisterStillImages(label, []image.Image{qrFrame(t)}, 10)
	defer unplug2()
	if s := st.Rescan(ctx); s.State != kiosk.StateReady {
		t.Fatalf("rescan %+v", s)
	}
	if _, _, err := st.Preview(ctx, 0, 320); err != nil {
		t.Fatal(err)
	}
}

// An unattended kiosk picks a camera plugged in again by itself: its
// status, asked every few seconds by the screen, looks again once
// ReopenEvery has passed — not before, and still says "unplugged" while
// there is none.
func TestStationFindsRepluggedCameraByItself(t *testing.T) {
	label := "Kiosk test camera " + t.Name()
	_, unplug := cameratest.RegisterStillImages(label, []image.Image{blank()}, 10)
	st := kiosk.NewStation(func(context.Context) kiosk.Choice { return kiosk.Choice{Label: label, Width: 640, Height: 360} })
	defer st.Close()
	var mu sync.Mutex
	now := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	kiosk.SetNow(st, func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	ctx := context.Background()
	if s := st.Status(ctx); s.State != kiosk.StateReady {
		t.Fatalf("status %+v", s)
	}
	unplug()
	deadline := time.Now().Add(5 * time.Second)
	for st.Status(ctx).State != kiosk.StateUnplugged && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if s := st.Status(ctx); s.State != kiosk.StateUnplugged {
		t.Fatalf("after unplug %+v", s)
	}
	advance(kiosk.ReopenEvery)
	if s := st.Status(ctx); s.State != kiosk.StateUnplugged {
		t.Fatalf("looked again with no camera: %+v, want still unplugged", s)
	}
	_, unplug2 := cameratest.RegisterStillImages(label, []image.Image{blank()}, 10)
	defer unplug2()
	advance(kiosk.ReopenEvery / 2)
	if s := st.Status(ctx); s.State != kiosk.StateUnplugged {
		t.Fatalf("looked again before ReopenEvery: %+v", s)
	}
	advance(kiosk.ReopenEvery / 2)
	if s := st.Status(ctx); s.State != kiosk.StateReady {
		t.Fatalf("the camera plugged in again is not picked up: %+v", s)
	}
	if _, _, err := st.Preview(ctx, 0, 320); err != nil {
		t.Fatal(err)
	}
}

// The request that opens the camera may be gone by then (the kiosk page
// closed or navigated away): the camera opens all the same. Before, the
// cancelled open left the station "not working" until someone tapped Try
// again (found by the kiosk-screens e2e once pages loaded on demand).
func TestStationOpensForACancelledRequest(t *testing.T) {
	label := "Kiosk test camera " + t.Name()
	_, unplug := cameratest.RegisterStillImages(label, []image.Image{blank()}, 10)
	defer unplug()
	st := kiosk.NewStation(func(context.Context) kiosk.Choice { return kiosk.Choice{Label: label, Width: 640, Height: 360} })
	defer st.Close()
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if s := st.Status(gone); s.State != kiosk.StateReady {
		t.Fatalf("status for a cancelled request %+v, want ready", s)
	}
	if _, _, err := st.Preview(context.Background(), 0, 320); err != nil {
		t.Fatal(err)
	}
}

func TestScanWithoutCodeEndsWithContext(t *testing.T) {
	label := "Blank camera " + t.Name()
	_, unplug := cameratest.RegisterStillImages(label, []image.Image{blank()}, 10)
	defer unplug()
	st := kiosk.NewStation(func(context.Context) kiosk.Choice { return kiosk.Choice{Label: label, Width: 640, Height: 360} })
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	tok, seq, err := st.Scan(ctx, 0)
	if err != nil || tok != "" || seq == 0 {
		t.Fatalf("scan of a blank picture: %q %d %v", tok, seq, err)
	}
}

// cheapHash: the PIN tests below test the PIN and its lock, not the hash;
// TestPINProductionHash tests the hash with the production parameters.
func cheapHash() kiosk.PINOption { return kiosk.PINHasher(adminauthtest.Hasher()) }

func TestPIN(t *testing.T) {
	p := kiosk.NewPIN(filepath.Join(t.TempDir(), "kiosk-pin"), cheapHash())
	if p.IsSet() || !errors.Is(p.Check("c", "1234"), kiosk.ErrNoPIN) {
		t.Fatal("unset PIN")
	}
	for _, bad := range []string{"", "123", "12345678901234", "12a4", "１２３４"} {
		if !errors.Is(p.Set(bad), kiosk.ErrPINFormat) {
			t.Errorf("PIN %q accepted", bad)
		}
	}
	if err := p.Set("4711"); err != nil {
		t.Fatal(err)
	}
	if err := p.Check("c", "4711"); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if err := p.Check("c", "0000"); !errors.Is(err, kiosk.ErrWrongPIN) {
			t.Fatalf("wrong PIN: %v", err)
		}
	}
	err := p.Check("c", "4711")
	var le *kiosk.LimitedError
	if !errors.As(err, &le) || le.Wait <= 0 || !strings.Contains(err.Error(), "wait") {
		t.Fatalf("after 5 wrong PINs the right one must wait too: %v", err)
	}
	// The lock is the kiosk's: another address does not get around it.
	if err := p.Check("other", "4711"); !errors.As(err, &le) {
		t.Fatalf("another client: %v", err)
	}
}

type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { return c.t }

// 5 wrong PINs lock the exit for a minute; each wrong PIN after that
// doubles the lock. A restart keeps it; the right PIN ends it.
func TestPINLockEscalatesAndSurvivesARestart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "kiosk-pin")
	c := &testClock{t: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)}
	p := kiosk.NewPIN(file, kiosk.PINClock(c.now), cheapHash())
	if err := p.Set("4711"); err != nil {
		t.Fatal(err)
	}
	wantWait := func(p *kiosk.PIN, want time.Duration) {
		t.Helper()
		if w, err := p.Wait(); err != nil || w != want {
			t.Fatalf("wait %v (%v), want %v", w, err, want)
		}
		var le *kiosk.LimitedError
		if err := p.Check("c", "4711"); want > 0 && (!errors.As(err, &le) || le.Wait != want) {
			t.Fatalf("the right PIN while locked: %v", err)
		}
	}
	for range 5 {
		if err := p.Check("c", "0000"); !errors.Is(err, kiosk.ErrWrongPIN) {
			t.Fatalf("wrong PIN: %v", err)
		}
	}
	wantWait(p, time.Minute)
	c.t = c.t.Add(time.Minute)
	if err := p.Check("c", "0001"); !errors.Is(err, kiosk.ErrWrongPIN) {
		t.Fatal(err)
	}
	wantWait(p, 2*time.Minute)

	// A restart: a new PIN on the same file.
	p = kiosk.NewPIN(file, kiosk.PINClock(c.now), cheapHash())
	wantWait(p, 2*time.Minute)
	c.t = c.t.Add(2 * time.Minute)
	if err := p.Check("c", "0002"); !errors.Is(err, kiosk.ErrWrongPIN) {
		t.Fatal(err)
	}
	wantWait(p, 4*time.Minute)
	c.t = c.t.Add(4 * time.Minute)
	if err := p.Check("c", "4711"); err != nil {
		t.Fatalf("the right PIN after the lock: %v", err)
	}
	if _, err := os.Stat(file + ".lock"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the lock file stays after the right PIN: %v", err)
	}
	if err := p.Check("c", "0003"); !errors.Is(err, kiosk.ErrWrongPIN) {
		t.Fatalf("the right PIN did not start over: %v", err)
	}
	if got := kiosk.PINPolicy.Delay(100); got != time.Hour {
		t.Fatalf("the lock is not capped at an hour: %v", got)
	}
}

// What production stores: a PIN built without a Hasher hashes with the
// production parameters (64 MiB, 3 passes), and that hash verifies. The
// one test here that pays for production hashes (about 3 s each under
// -race), so that nobody can weaken them by accident.
func TestPINProductionHash(t *testing.T) {
	file := filepath.Join(t.TempDir(), "kiosk-pin")
	p := kiosk.NewPIN(file)
	if err := p.Set("4711"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(strings.TrimSpace(string(b)), "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[3] != "m=65536,t=3,p=2" || strings.Contains(string(b), "4711") {
		t.Fatalf("stored PIN hash %q: want argon2id with m=65536,t=3,p=2", b)
	}
	if err := p.Check("c", "4711"); err != nil {
		t.Fatalf("the right PIN against its production hash: %v", err)
	}
}
