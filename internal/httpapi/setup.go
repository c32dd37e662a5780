package httpapi

import (
	"errors"
	"net/http"

	"id06desk/internal/adminauth"
	"id06desk/internal/i18n"
)

// setup sets the first admin password with the one-time link `serve`
// printed at start (adminauth.Service.FirstRunLink) and logs in.
func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Mode != ModeServe || s.cfg.Kiosk || s.cfg.Auth == nil {
		return Errorf(CodeBadRequest, msgSetupNotNeeded)
	}
	var in struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	client := clientAddr(r)
	if forwarded(r) {
		// A proxy on this computer relays someone else's request: the
		// loopback address is the proxy's, not the browser's.
		client = ""
	}
	token, expires, err := s.cfg.Auth.Setup(r.Context(), client, in.Token, in.Password)
	switch {
	case errors.Is(err, adminauth.ErrSetupNotLocal):
		s.cfg.Log.Warn("setup link used from another computer", "client", clientAddr(r))
		return Errorf(CodeSetupNotLocal, msgSetupNotLocal)
	case errors.Is(err, adminauth.ErrSetupDone):
		return Errorf(CodeSetupDone, msgSetupDone)
	case errors.Is(err, adminauth.ErrSetupExpired):
		return Errorf(CodeSetupExpired, msgSetupExpired)
	case errors.Is(err, adminauth.ErrSetupInvalid):
		return Errorf(CodeSetupInvalid, msgSetupInvalid)
	case errors.Is(err, adminauth.ErrBusy):
		return &Error{Code: CodeRateLimited, Message: msgSetupBusy.With(), RetryAfter: adminauth.BusyRetryAfter}
	case errors.Is(err, adminauth.ErrWeakPassword):
		return &Error{Code: CodeWeakPassword, Message: msgWeakPassword.With(),
			Fields: map[string]i18n.Message{"password": msgWeakPasswordField.With()}}
	case err != nil:
		return err
	}
	s.setSessionCookie(w, r, token, expires)
	s.cfg.Log.Info("first admin password set with the setup link", "client", clientAddr(r))
	writeJSON(w, http.StatusOK, map[string]bool{"authenticated": true})
	return nil
}

// forwarded reports whether a proxy says it relays the request for someone.
func forwarded(r *http.Request) bool {
	for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Real-Ip"} {
		if r.Header.Get(h) != "" {
			return true
		}
	}
	return false
}
