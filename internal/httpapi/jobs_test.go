package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"id06desk/internal/httpapi"
	"id06desk/internal/jobs"
)

// GET /api/jobs lists the background jobs with their last run, duration
// and error, for the admin only.
func TestJobsRoute(t *testing.T) {
	db := openDB(t)
	at := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	list := func() []jobs.Status {
		return []jobs.Status{
			{Name: "housekeeping", Every: time.Hour, Runs: 2, LastRun: at, LastDuration: 1500 * time.Millisecond, NextRun: at.Add(time.Hour)},
			{Name: "outbox", Every: time.Minute, Running: true, LastError: "mail settings: locked"},
		}
	}
	for _, kiosk := range []bool{false, true} {
		srv := httptest.NewServer(httpapi.New(httpapi.Config{Mode: httpapi.ModeWindow, Kiosk: kiosk, DB: db, Jobs: list}))
		resp, err := http.Get(srv.URL + "/api/jobs")
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Jobs []map[string]any `json:"jobs"`
		}
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		srv.Close()
		if kiosk {
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("kiosk: %d", resp.StatusCode)
			}
			continue
		}
		if resp.StatusCode != 200 || len(body.Jobs) != 2 {
			t.Fatalf("%d %v", resp.StatusCode, body)
		}
		hk, ob := body.Jobs[0], body.Jobs[1]
		if hk["name"] != "housekeeping" || hk["everySeconds"] != 3600.0 || hk["runs"] != 2.0 || hk["lastRun"] != "2026-12-04T09:00:00Z" ||
			hk["lastDurationMs"] != 1500.0 || hk["nextRun"] != "2026-12-04T10:00:00Z" || hk["lastError"] != nil {
			t.Fatalf("housekeeping %v", hk)
		}
		if ob["running"] != true || ob["lastRun"] != nil || ob["lastError"] != "mail settings: locked" {
			t.Fatalf("outbox %v", ob)
		}
	}
}
