package httpapi

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"

	"id06desk/internal/audit"
	"id06desk/internal/bankid"
	"id06desk/internal/bankidconf"
	"id06desk/internal/i18n"
	"id06desk/internal/registration"
)

// bankIDRoutes: the cardholder's identification (public, by token) and
// Settings → BankID (admin).
func (s *Server) bankIDRoutes() {
	if s.cfg.Registration != nil {
		s.handle("POST /api/register/{token}/bankid", public, s.bankIDStart)
		s.handle("GET /api/register/{token}/bankid", public, s.bankIDStatus)
		s.handle("GET /api/register/{token}/bankid/qr.png", public, s.bankIDQR)
		s.handle("DELETE /api/register/{token}/bankid", public, s.bankIDCancel)
	}
	if s.cfg.BankID != nil {
		s.handle("GET /api/bankid/status", admin, s.bankIDConfigStatus)
		s.handle("PUT /api/bankid/files/{name}", admin, s.bankIDStoreFile, takes(MaxBodyBytes, "application/octet-stream"))
		s.handle("POST /api/bankid/test", admin, s.bankIDTest)
	}
}

// endUserIP is the cardholder's address as BankID wants it: the client's
// address, which at the kiosk (window or loopback) is this computer.
func endUserIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil || host == "" || host == "pipe" {
		return "127.0.0.1"
	}
	return host
}

func (s *Server) bankIDStart(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		SameDevice bool `json:"sameDevice"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
	}
	st, err := s.cfg.Registration.StartBankID(r.Context(), r.PathValue("token"), endUserIP(r), in.SameDevice && !s.cfg.Kiosk)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) bankIDStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := s.cfg.Registration.BankIDStatus(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// bankIDQR is the current frame of the animated QR code (it changes every
// second; the page reloads it).
func (s *Server) bankIDQR(w http.ResponseWriter, r *http.Request) error {
	st, err := s.cfg.Registration.BankIDStatus(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	if st.QR == "" {
		return Errorf(CodeNotFound, msgBankIDNoQR)
	}
	png, err := bankid.QRPNG(st.QR, queryInt(r, "size", 320, 128, 1024))
	if err != nil {
		return err
	}
	writePNG(w, png)
	return nil
}

func (s *Server) bankIDCancel(w http.ResponseWriter, r *http.Request) error {
	if err := s.cfg.Registration.CancelBankID(r.Context(), r.PathValue("token")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) bankIDConfigStatus(w http.ResponseWriter, r *http.Request) error {
	st := s.cfg.BankID.Status(r.Context())
	out := struct {
		bankidconf.Status
		Problem       string `json:"problem,omitempty"`       // in the caller's language
		ProblemCode   string `json:"problemCode,omitempty"`   // stable
		ProblemDetail string `json:"problemDetail,omitempty"` // the technical error
	}{Status: st}
	if st.Problem != nil {
		t := bankid.ErrorText(st.Problem)
		out.Problem, out.ProblemCode, out.ProblemDetail = t.In(i18n.FromRequest(r)), t.Code, st.Problem.Error()
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// bankIDStoreFile stores a certificate file sent as the raw body (an empty
// body removes it); the answer is the new status, whose problem says what is
// wrong with the files.
func (s *Server) bankIDStoreFile(w http.ResponseWriter, r *http.Request) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if err := s.cfg.BankID.Store(r.PathValue("name"), bytes.TrimSpace(data)); err != nil {
		return &Error{Code: CodeInvalid, Message: msgBankIDFile.With(), Err: err}
	}
	if err := s.cfg.DB.Audit(r.Context(), "", audit.BankIDFileStored, r.PathValue("name"), ""); err != nil {
		return err
	}
	return s.bankIDConfigStatus(w, r)
}

// bankIDTest calls BankID now and reports the outcome.
func (s *Server) bankIDTest(w http.ResponseWriter, r *http.Request) error {
	err := s.cfg.BankID.Test(r.Context())
	out := map[string]any{"ok": err == nil}
	if err != nil {
		out["code"] = bankid.ErrorCode(err)
		if errors.Is(err, bankid.ErrNotConfigured) {
			out["code"] = "not_configured"
		}
		out["message"] = bankid.ErrorText(err).In(i18n.FromRequest(r))
		out["detail"] = err.Error()
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// bankIDError maps the registration's BankID errors; nil for others.
func bankIDError(err error) *Error {
	var be *registration.BankIDError
	switch {
	case errors.As(err, &be):
		rfa := be.RFA()
		return &Error{Code: CodeBankIDFailed, Message: bankid.Text(rfa).With(),
			Details: map[string]string{"rfa": rfa, "sv": bankid.Message(rfa, "sv"), "en": bankid.Message(rfa, "en")}}
	case errors.Is(err, registration.ErrNoBankID):
		return Errorf(CodeNotFound, msgBankIDNotStarted)
	}
	return nil
}
