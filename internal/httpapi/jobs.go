package httpapi

import (
	"net/http"
	"time"
)

// jobs lists the background jobs with their last run, duration and error
// (Settings → About). The error is a detail for the admin, shown under a
// sentence the UI writes in the admin's language.
func (s *Server) jobs(w http.ResponseWriter, r *http.Request) error {
	type item struct {
		Name           string  `json:"name"`
		EverySeconds   int64   `json:"everySeconds"`
		Runs           int     `json:"runs"`
		Running        bool    `json:"running"`
		LastRun        *string `json:"lastRun"`
		LastDurationMs int64   `json:"lastDurationMs"`
		LastError      string  `json:"lastError,omitempty"`
		NextRun        *string `json:"nextRun"`
	}
	stamp := func(t time.Time) *string {
		if t.IsZero() {
			return nil
		}
		v := t.UTC().Format(time.RFC3339)
		return &v
	}
	out := []item{}
	if s.cfg.Jobs != nil {
		for _, j := range s.cfg.Jobs() {
			out = append(out, item{Name: j.Name, EverySeconds: int64(j.Every / time.Second), Runs: j.Runs, Running: j.Running,
				LastRun: stamp(j.LastRun), LastDurationMs: j.LastDuration.Milliseconds(), LastError: j.LastError, NextRun: stamp(j.NextRun)})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"jobs": out})
	return nil
}
