package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"id06desk/internal/backup"
	"id06desk/internal/httpapi"
)

// Settings → Backup's routes: the status says no backup yet; Back up now
// without a folder is not_configured; with a folder and a passphrase it
// writes a file and the status shows it; a folder that is gone answers
// backup_failed with the system's words, in the caller's language.
func TestBackupRoutes(t *testing.T) {
	s := newStack(t)
	cfg := s.config(false)
	cfg.Mode = httpapi.ModeWindow
	cfg.Backup = backup.New(backup.Config{Source: s.db, Settings: s.st.Load, TempDir: s.dir, StatusFile: filepath.Join(s.dir, "backup.json")})
	srv := httptest.NewServer(httpapi.New(cfg))
	defer srv.Close()
	call := func(method, lang string) (int, map[string]any) {
		req, _ := http.NewRequest(method, srv.URL+"/api/backup", nil)
		req.Header.Set("Accept-Language", lang)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}
	if st, body := call("GET", "en"); st != 200 || body["warning"] != "none" || body["configured"] != false || body["last"] != nil {
		t.Fatalf("%d %v", st, body)
	}
	if st, body := call("POST", "sv"); st != 409 || !strings.Contains(body["error"].(map[string]any)["message"].(string), "Ingen mapp") {
		t.Fatalf("no folder: %d %v", st, body)
	}
	folder := t.TempDir()
	if err := s.st.Set(t.Context(), "t", map[string]string{"backup.folder": folder, "backup.passphrase": "correct horse battery staple"}); err != nil {
		t.Fatal(err)
	}
	st, body := call("POST", "en")
	good, _ := body["lastGood"].(map[string]any)
	if st != 200 || body["warning"] != "" || body["configured"] != true || good == nil || good["size"].(float64) <= 0 || body["next"] == nil {
		t.Fatalf("%d %v", st, body)
	}
	if _, err := os.Stat(good["file"].(string)); err != nil || filepath.Dir(good["file"].(string)) != folder {
		t.Fatalf("file %v: %v", good["file"], err)
	}
	os.RemoveAll(folder)
	st, body = call("POST", "sv")
	e, _ := body["error"].(map[string]any)
	if st != http.StatusBadGateway || e["code"] != "backup_failed" || !strings.Contains(e["message"].(string), "kunde inte skrivas: no such file or directory") {
		t.Fatalf("gone folder: %d %v", st, body)
	}
	if _, body := call("GET", "en"); body["warning"] != "failed" || body["last"].(map[string]any)["code"] != "backup.write_failed" || body["lastGood"] == nil {
		t.Fatalf("after the failure: %v", body)
	}
}
