package httpapi_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"id06desk/internal/adminauth"
	"id06desk/internal/httpapi"
)

// The other tests here set passwords and PINs with the cheap hashes of
// adminauthtest. This one pays for a production hash (about 3 s under
// -race), as main.go builds it: a Service without a Hasher of the test's
// own stores 64 MiB, 3 passes, and a login over HTTP against it works.
func TestLoginWithProductionHash(t *testing.T) {
	db := openDB(t)
	auth := adminauth.New(db, nil, adminauth.WithHasher(adminauth.NewHasher(adminauth.DefaultConcurrentHashes)))
	if err := auth.SetPassword(context.Background(), "a long admin secret"); err != nil {
		t.Fatal(err)
	}
	stored, _ := db.AdminPasswordHash(context.Background())
	if !strings.HasPrefix(stored, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("stored hash %q: want the production parameters m=65536,t=3,p=2", stored)
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Mode: httpapi.ModeServe, DB: db, Auth: auth}))
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	e := &env{srv: srv, db: db, auth: auth, c: &http.Client{Jar: jar}}
	if resp, m := e.do(t, "POST", "/api/login", `{"password":"a long admin secret"}`); resp.StatusCode != 200 {
		t.Fatalf("login against a production hash: %d %v", resp.StatusCode, m)
	}
	if resp, m := e.do(t, "GET", "/api/audit", ""); resp.StatusCode != 200 {
		t.Fatalf("after the login: %d %v", resp.StatusCode, m)
	}
}
