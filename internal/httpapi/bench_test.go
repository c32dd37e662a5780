package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"id06desk/internal/httpapi"
	"id06desk/internal/sqlite"
)

// BenchmarkHealthBaseline is a bare handler answering the same JSON from
// memory: the floor the API stack is measured against.
func BenchmarkHealthBaseline(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"status": "ok", "version": "1", "database": map[string]any{"ok": true, "schemaVersion": 1}})
	})
	req := httptest.NewRequest("GET", "/api/health", nil)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}

// BenchmarkHealth is /api/health through the real stack: security headers,
// routing, access check, and a query of the real SQLite file.
func BenchmarkHealth(b *testing.B) {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "b.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	api := httpapi.New(httpapi.Config{Mode: httpapi.ModeWindow, DB: db})
	req := httptest.NewRequest("GET", "/api/health", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}
