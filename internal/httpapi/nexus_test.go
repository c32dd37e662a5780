package httpapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"id06desk/internal/batches"
	"id06desk/internal/httpapi"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/outbox"
	"id06desk/internal/settings"
	"id06desk/internal/sqlite"
)

func nexusEnv(t *testing.T) (*env, *sqlite.DB, string) {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	now := time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)
	db, err := sqlite.Open(ctx, filepath.Join(dir, "t.db"), sqlite.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st := settings.NewService(db, dir)
	folder := filepath.Join(dir, "nexus")
	osvc := orders.New(orders.Config{Store: db, Now: db.Now})
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeWindow, DB: db, Settings: st, Orders: osvc, Log: slog.New(slog.DiscardHandler),
		Batches: batches.New(batches.Config{Store: db, Settings: st.Load, DefaultFolder: folder, Now: db.Now})})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	var b bytes.Buffer
	jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 322, 414)), nil)
	for i := 1; i <= 3; i++ {
		inv := invite.Invitation{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Code: fmt.Sprintf("NEXUS%05d", i),
			Email: fmt.Sprintf("p%d@example.se", i), CardType: "id06-rfid", Language: "sv", Status: invite.StatusSent,
			Token: "v1.t", CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := db.CreateInvitations(ctx, "admin", []invite.Invitation{inv}, []*outbox.Message{nil}); err != nil {
			t.Fatal(err)
		}
		o := order.Order{ID: fmt.Sprintf("o%d", i), InvitationID: inv.ID, Status: order.StatusReady, FirstName: "Anna", LastName: fmt.Sprintf("Berg%d", i),
			Personnummer: "198112189876", Email: inv.Email, Phone: "+46701234567", CardType: "id06-rfid", Language: "sv",
			Photo: b.Bytes(), Thumb: []byte{1}, IdentityMethod: order.MethodBankID, IdentityCheck: order.CheckBankID,
			RegisteredAt: now, RegisteredWhere: order.WhereWeb}
		if err := osvc.Create(ctx, o, nil); err != nil {
			t.Fatal(err)
		}
	}
	return &env{srv: srv, db: db, c: srv.Client()}, db, folder
}

func TestNexusBatchEndpoints(t *testing.T) {
	e, db, folder := nexusEnv(t)
	resp, m := e.do(t, "POST", "/api/nexus/batches", `{"orderIds":["o1","o2"]}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %v", resp.StatusCode, m)
	}
	list := m["batches"].([]any)
	b := list[0].(map[string]any)
	id := b["id"].(string)
	if len(list) != 1 || b["orderCount"].(float64) != 2 || b["personalData"] != true || !strings.HasPrefix(b["zipPath"].(string), folder) {
		t.Fatalf("batch %v", b)
	}
	if n, _ := m["personalDataNotice"].(string); !strings.Contains(n, "personal data in clear") || !strings.Contains(n, "30 days") {
		t.Errorf("notice %q", n)
	}
	// The same order again: refused, naming it.
	resp, m = e.do(t, "POST", "/api/nexus/batches", `{"orderIds":["o2","o3"]}`)
	if resp.StatusCode != http.StatusConflict || errCode(m) != "nexus_not_ready" || !strings.Contains(fmt.Sprint(m), id) {
		t.Fatalf("resend: %d %v", resp.StatusCode, m)
	}
	if o, _ := db.GetOrder(context.Background(), "o3"); o.Status != order.StatusReady {
		t.Errorf("o3 moved: %s", o.Status)
	}
	resp, m = e.do(t, "GET", "/api/nexus/batches?page=1&pageSize=10", "")
	if resp.StatusCode != 200 || m["total"].(float64) != 1 {
		t.Fatalf("list: %d %v", resp.StatusCode, m)
	}
	resp, m = e.do(t, "GET", "/api/nexus/batches/"+id, "")
	orders := m["orders"].([]any)
	if resp.StatusCode != 200 || len(orders) != 2 || orders[0].(map[string]any)["nexusBatchId"] != id || orders[0].(map[string]any)["status"] != "sent_to_nexus" {
		t.Fatalf("detail: %d %v", resp.StatusCode, m)
	}
	// Download, also after the saved file is gone.
	for _, remove := range []bool{false, true} {
		if remove {
			if err := removeFile(b["zipPath"].(string)); err != nil {
				t.Fatal(err)
			}
		}
		r, err := e.c.Get(e.srv.URL + "/api/nexus/batches/" + id + "/download")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/zip" || !strings.Contains(r.Header.Get("Content-Disposition"), id) {
			t.Fatalf("download: %d %v", r.StatusCode, r.Header)
		}
		zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
		if err != nil || len(zr.File) != 3 { // xlsx and 2 photos; the summary is beside the zip
			t.Fatalf("download zip: %v %d", err, len(zr.File))
		}
	}
	resp, m = e.do(t, "GET", "/api/nexus/batches/NX-nope/download", "")
	if resp.StatusCode != 404 || errCode(m) != "not_found" {
		t.Errorf("unknown batch: %d %v", resp.StatusCode, m)
	}
	// The rest, then nothing is ready.
	if resp, m = e.do(t, "POST", "/api/nexus/batches", `{}`); resp.StatusCode != 201 {
		t.Fatalf("send the rest: %d %v", resp.StatusCode, m)
	}
	if resp, m = e.do(t, "POST", "/api/nexus/batches", `{}`); resp.StatusCode != 409 || errCode(m) != "nothing_ready" {
		t.Fatalf("nothing ready: %d %v", resp.StatusCode, m)
	}
}

func removeFile(p string) error { return os.Remove(p) }

// Settings → Nexus shows where batches go while nexus.folder is empty: the
// defs carry this install's folder as the setting's default, and the value
// stays empty (so it keeps following the default).
func TestSettingsShowTheNexusFolderDefault(t *testing.T) {
	st := newStack(t)
	cfg := st.everything(t)
	srv := httptest.NewServer(httpapi.New(cfg))
	t.Cleanup(srv.Close)
	e := &env{srv: srv, c: srv.Client()}
	resp, m := e.do(t, "GET", "/api/settings", "")
	if resp.StatusCode != 200 {
		t.Fatalf("settings: %d %v", resp.StatusCode, m)
	}
	folder := filepath.Join(st.dir, "nexus")
	var def map[string]any
	for _, d := range m["defs"].([]any) {
		if d := d.(map[string]any); d["key"] == "nexus.folder" {
			def = d
		}
	}
	if def == nil || def["default"] != folder {
		t.Fatalf("nexus.folder def %v, want default %q", def, folder)
	}
	if v := m["values"].(map[string]any)["nexus.folder"]; v != nil && v != "" {
		t.Errorf("nexus.folder value %v, want empty", v)
	}
	for _, d := range settings.Defs {
		if d.Key == "nexus.folder" && d.Default != "" {
			t.Errorf("settings.Defs changed: %q", d.Default)
		}
	}
}
