package httpapi

import (
	"net/http"

	"id06desk/internal/audit"
)

// keysBody lists the invitation signing keys, newest state from disk (the
// command line may have rotated meanwhile).
func (s *Server) keysBody(w http.ResponseWriter, st int) error {
	if err := s.cfg.Keys.Reload(); err != nil {
		return err
	}
	type key struct {
		KeyID  string `json:"keyId"`
		Active bool   `json:"active"`
	}
	active := s.cfg.Keys.ActiveKeyID()
	keys := []key{}
	for _, k := range s.cfg.Keys.PublicKeys() {
		keys = append(keys, key{KeyID: k.KeyID, Active: k.KeyID == active})
	}
	writeJSON(w, st, map[string]any{"active": active, "keys": keys})
	return nil
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request) error {
	return s.keysBody(w, http.StatusOK)
}

// rotateKey makes a new signing key; links signed earlier keep verifying.
func (s *Server) rotateKey(w http.ResponseWriter, r *http.Request) error {
	if err := s.cfg.Keys.Rotate(); err != nil {
		return err
	}
	if err := s.cfg.DB.Audit(r.Context(), "", audit.KeysRotated, s.cfg.Keys.ActiveKeyID(), ""); err != nil {
		return err
	}
	return s.keysBody(w, http.StatusOK)
}
