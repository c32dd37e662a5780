package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"id06desk/internal/adminauth"
	"id06desk/internal/adminauth/adminauthtest"
	"id06desk/internal/httpapi"
	"id06desk/internal/invitations"
	"id06desk/internal/kiosk"
)

// parallel runs n requests released at the same moment. A 429 that only
// says "busy" (the server ran as many hashes as it may; the attempt was not
// counted) is tried again, as an attacker's script would, until the answer
// is final. It returns the final status of each.
func parallel(t *testing.T, e *env, n int, path string, body func(i int) string) []int {
	t.Helper()
	statuses := make([]int, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for try := 0; try < 1000; try++ {
				resp, m := e.do(t, "POST", path, body(i))
				statuses[i] = resp.StatusCode
				details, _ := m["error"].(map[string]any)["details"].(map[string]any)
				if resp.StatusCode != 429 || details["reason"] != "busy" {
					return
				}
				if resp.Header.Get("Retry-After") != "1" {
					t.Errorf("busy without Retry-After: 1: %v", resp.Header)
					return
				}
				time.Sleep(5 * time.Millisecond) // pacing only; the count does not depend on it
			}
			t.Errorf("request %d still busy after 1000 tries", i)
		}()
	}
	close(start)
	wg.Wait()
	return statuses
}

func count(statuses []int, code int) int {
	n := 0
	for _, s := range statuses {
		if s == code {
			n++
		}
	}
	return n
}

// 40 wrong passwords at once: each attempt is counted before its argon2
// hash runs, so exactly 5 are evaluated (before: 36 of 40); never more than
// 2 hashes run at once (the others are told "busy" at once).
func TestParallelWrongLoginsAreCountedBeforeTheHash(t *testing.T) {
	db := openDB(t)
	hasher := adminauthtest.SlowHasher() // hashes long enough to overlap, as in production
	auth := adminauth.New(db, nil, adminauth.WithHasher(hasher))
	if err := auth.SetPassword(context.Background(), "a long admin secret"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, DB: db, Auth: auth}))
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	e := &env{srv: srv, db: db, auth: auth, c: &http.Client{Jar: jar}}
	before := hasher.Stats().Hashes

	statuses := parallel(t, e, 40, "/api/login", func(i int) string { return fmt.Sprintf(`{"password":"guess %d"}`, i) })
	st := hasher.Stats()
	if got := st.Hashes - before; got != 5 {
		t.Errorf("%d of 40 parallel wrong passwords were hashed, want 5", got)
	}
	if count(statuses, 401) != 5 || count(statuses, 429) != 35 {
		t.Errorf("401: %d, 429: %d (want 5 and 35): %v", count(statuses, 401), count(statuses, 429), statuses)
	}
	if st.Peak > adminauth.DefaultConcurrentHashes {
		t.Errorf("%d hashes ran at once, the cap is %d", st.Peak, adminauth.DefaultConcurrentHashes)
	}
	resp, m := e.do(t, "POST", "/api/login", `{"password":"a long admin secret"}`)
	if resp.StatusCode != 429 || errCode(m) != "rate_limited" {
		t.Fatalf("the right password after 5 wrong ones: %d %v", resp.StatusCode, m)
	}
}

// 60 PINs at once (1200–1258 wrong, then 1259, the right one): 5 are
// evaluated, the kiosk locks, and the right PIN does not unlock it
// (before: all 60 were evaluated and 1259 unlocked the kiosk).
func TestParallelPINsDoNotUnlockTheKiosk(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t)
	st := kiosk.NewStation(func(context.Context) kiosk.Choice { return kiosk.Choice{} })
	t.Cleanup(st.Close)
	hasher := adminauthtest.SlowHasher() // hashes long enough to overlap, as in production
	pin := kiosk.NewPIN(filepath.Join(dir, "pin"), kiosk.PINHasher(hasher))
	if err := pin.Set("1259"); err != nil {
		t.Fatal(err)
	}
	var exited atomic.Bool
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, Kiosk: true, DB: db, Station: st, PIN: pin,
		OnKioskExit: func() { exited.Store(true) }})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	e := &env{srv: srv, db: db, c: kioskScreen(t, srv, api)}
	before := hasher.Stats().Hashes

	statuses := parallel(t, e, 59, "/api/kiosk/exit", func(i int) string { return fmt.Sprintf(`{"pin":"%d"}`, 1200+i) })
	if got := hasher.Stats().Hashes - before; got != 5 {
		t.Errorf("%d of 59 parallel wrong PINs were hashed, want 5", got)
	}
	if count(statuses, 401) != 5 || count(statuses, 429) != 54 {
		t.Errorf("401: %d, 429: %d (want 5 and 54)", count(statuses, 401), count(statuses, 429))
	}
	resp, m := e.do(t, "POST", "/api/kiosk/exit", `{"pin":"1259"}`)
	if resp.StatusCode != 429 || errCode(m) != "rate_limited" || resp.Header.Get("Retry-After") != "60" {
		t.Fatalf("the right PIN after 5 wrong ones: %d %v %v", resp.StatusCode, m, resp.Header)
	}
	if got := hasher.Stats().Hashes - before; got != 5 {
		t.Errorf("the locked right PIN was hashed: %d hashes", got)
	}
	time.Sleep(300 * time.Millisecond) // OnKioskExit runs 200 ms after a 204
	if exited.Load() {
		t.Fatal("the kiosk was unlocked")
	}
	if p := hasher.Stats().Peak; p > adminauth.DefaultConcurrentHashes {
		t.Errorf("%d hashes ran at once, the cap is %d", p, adminauth.DefaultConcurrentHashes)
	}
}

type registerEnv struct {
	*env
	inv *invitations.Service
}

func newRegisterEnv(t *testing.T, kioskMode bool) *registerEnv {
	t.Helper()
	s := newStack(t)
	srv := s.serve(t, kioskMode)
	return &registerEnv{env: &env{srv: srv, db: s.db, c: srv.Client()}, inv: s.inv}
}

func (e *registerEnv) validCode(t *testing.T) string {
	t.Helper()
	created, err := e.inv.Create(context.Background(), "admin", []invitations.Row{{Email: "anna@example.se"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	return created[0].Code
}

func (e *registerEnv) lookup(t *testing.T, code, visit string) (*http.Response, map[string]any) {
	t.Helper()
	body := `{"code":"` + code + `"}`
	if visit != "" {
		body = `{"code":"` + code + `","visit":"` + visit + `"}`
	}
	return e.do(t, "POST", "/api/register/lookup", body)
}

// Knowing one valid code must not buy more guesses: its lookup does not
// erase the wrong ones before it (before: it reset the count).
func TestValidCodeDoesNotResetTheLimit(t *testing.T) {
	e := newRegisterEnv(t, false)
	valid := e.validCode(t)
	for round := range 3 {
		for i := range 3 {
			if resp, m := e.lookup(t, fmt.Sprintf("ABCDE-FGH%d%d", round+2, i+2), ""); resp.StatusCode != 404 {
				t.Fatalf("wrong code: %d %v", resp.StatusCode, m)
			}
		}
		if resp, m := e.lookup(t, valid, ""); resp.StatusCode != 200 {
			t.Fatalf("the valid code: %d %v", resp.StatusCode, m)
		}
	}
	// 9 wrong codes so far; the 10th is the last.
	if resp, _ := e.lookup(t, "ABCDE-FGH99", ""); resp.StatusCode != 404 {
		t.Fatalf("the 10th wrong code: %d", resp.StatusCode)
	}
	for _, code := range []string{"ABCDE-FGH98", valid} {
		resp, m := e.lookup(t, code, "")
		if resp.StatusCode != 429 || errCode(m) != "rate_limited" || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("after 10 wrong codes and 3 right ones, %s: %d %v", code, resp.StatusCode, m)
		}
	}
}

// Parallel wrong codes do not get past the limit either.
func TestParallelWrongCodesAreCountedFirst(t *testing.T) {
	e := newRegisterEnv(t, false)
	statuses := parallel(t, e.env, 40, "/api/register/lookup", func(i int) string { return fmt.Sprintf(`{"code":"ABCDE-FG%03d"}`, 200+i) })
	if count(statuses, 404)+count(statuses, 400) != 10 || count(statuses, 429) != 30 {
		t.Fatalf("404: %d, 429: %d (want 10 and 30): %v", count(statuses, 404), count(statuses, 429), statuses)
	}
}

// At the kiosk each person (visit) gets a growing wait after 3 wrong codes;
// the next person is not locked out, and a script that invents visits meets
// the ceiling per address (before: ten wrong codes locked the kiosk for
// everybody for a minute).
func TestKioskCodeLimitIsPerVisit(t *testing.T) {
	e := newRegisterEnv(t, true)
	for i := range 3 {
		if resp, m := e.lookup(t, fmt.Sprintf("ABCDE-FGH2%d", i+2), "visit-anna"); resp.StatusCode != 404 {
			t.Fatalf("wrong code %d: %d %v", i+1, resp.StatusCode, m)
		}
	}
	resp, m := e.lookup(t, "ABCDE-FGH33", "visit-anna")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" || !strings.Contains(m["error"].(map[string]any)["message"].(string), "Wait 2 seconds") {
		t.Fatalf("the 4th wrong code of one visit: %d %v %v", resp.StatusCode, m, resp.Header)
	}
	// Ten wrong codes at the kiosk, and the next person still gets in.
	for i := range 7 {
		e.lookup(t, fmt.Sprintf("ABCDE-FGH4%d", i+2), fmt.Sprintf("visit-%d", i))
	}
	valid := e.validCode(t)
	if resp, m := e.lookup(t, valid, "visit-bo"); resp.StatusCode != 200 {
		t.Fatalf("the next person at the kiosk: %d %v", resp.StatusCode, m)
	}
	// A script inventing a visit per guess: at most 100 wrong codes.
	wrong := 10
	for i := 0; i < 200 && wrong < 200; i++ {
		resp, _ := e.lookup(t, fmt.Sprintf("ABCDE-F%04d", 2222+i), fmt.Sprintf("script-%d", i))
		if resp.StatusCode == 429 {
			break
		}
		wrong++
	}
	if wrong != 100 {
		t.Fatalf("the ceiling let %d wrong codes through, want 100", wrong)
	}
	// An id that is not one is refused.
	if resp, m := e.lookup(t, valid, "x\\u0000y"); resp.StatusCode != 400 {
		t.Fatalf("a bad visit id: %d %v", resp.StatusCode, m)
	}
}

// Away from the kiosk the visit id is ignored: a browser cannot buy the
// kiosk's higher ceiling by sending one.
func TestVisitIgnoredOutsideTheKiosk(t *testing.T) {
	e := newRegisterEnv(t, false)
	for i := range 10 {
		e.lookup(t, fmt.Sprintf("ABCDE-FGH5%d", i), fmt.Sprintf("v%d", i))
	}
	if resp, _ := e.lookup(t, "ABCDE-FGH66", "fresh"); resp.StatusCode != 429 {
		t.Fatalf("an 11th wrong code with a fresh visit id from a browser: %d", resp.StatusCode)
	}
}
