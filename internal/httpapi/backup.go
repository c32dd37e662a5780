package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"id06desk/internal/backup"
	"id06desk/internal/i18n"
)

// BackupService writes the encrypted backups (Settings → Backup).
type BackupService interface {
	Status(ctx context.Context) (backup.Status, error)
	BackUp(ctx context.Context, o backup.Options) (backup.Result, error)
}

var msgBackupFailed = i18n.Text{Code: "api.backup_failed",
	SV: "Säkerhetskopian kunde inte skrivas.",
	EN: "The backup could not be written."}

func (s *Server) backupRoutes() {
	if s.cfg.Backup == nil {
		return
	}
	s.handle("GET /api/backup", admin, s.backupStatus)
	s.handle("POST /api/backup", admin, s.backupNow)
}

type backupResultJSON struct {
	Time   string `json:"time"`
	File   string `json:"file,omitempty"`
	Size   int64  `json:"size,omitempty"`
	Error  string `json:"error,omitempty"`
	Code   string `json:"code,omitempty"`
	Reason string `json:"reason,omitempty"`
	TookMS int64  `json:"tookMs"`
}

func backupResult(r *backup.Result) *backupResultJSON {
	if r == nil {
		return nil
	}
	return &backupResultJSON{Time: r.Time.UTC().Format(time.RFC3339), File: r.File, Size: r.Size, Error: r.Error, Code: r.Code, Reason: r.Reason, TookMS: r.TookMS}
}

func (s *Server) backupStatusBody(ctx context.Context) (map[string]any, error) {
	st, err := s.cfg.Backup.Status(ctx)
	if err != nil {
		return nil, err
	}
	var next *string
	if !st.Next.IsZero() {
		v := st.Next.UTC().Format(time.RFC3339)
		next = &v
	}
	return map[string]any{
		"configured": st.Configured,
		"warning":    st.Warning,
		"next":       next,
		"last":       backupResult(st.Last),
		"lastGood":   backupResult(st.LastGood),
	}, nil
}

// backupStatus is the last backup, the last good one, the next scheduled
// one and the warning Settings → Backup and About show.
func (s *Server) backupStatus(w http.ResponseWriter, r *http.Request) error {
	body, err := s.backupStatusBody(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// backupNow writes a backup now ("Back up now") and answers with the new
// status.
func (s *Server) backupNow(w http.ResponseWriter, r *http.Request) error {
	res, err := s.cfg.Backup.BackUp(r.Context(), backup.Options{})
	switch {
	case errors.Is(err, backup.ErrNotConfigured), errors.Is(err, backup.ErrNoKey):
		return &Error{Code: CodeNotConfigured, Message: messageOf(err, msgBackupFailed), Err: err}
	case err != nil:
		return &Error{Code: CodeBackupFailed, Message: messageOf(err, msgBackupFailed), Details: map[string]string{"reason": res.Reason}, Err: err}
	}
	body, err := s.backupStatusBody(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}
