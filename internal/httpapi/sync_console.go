package httpapi

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"id06desk/internal/consolesync"
	"id06desk/internal/i18n"
	"id06desk/internal/kiosksync"
	"id06desk/internal/pairing"
	"id06desk/internal/qr"
	"id06desk/internal/syncwire"
)

// ConsoleSync is the console's side of offline kiosks
// (internal/consolesync), which holds the rules.
type ConsoleSync interface {
	List(ctx context.Context) ([]pairing.Kiosk, error)
	Refusals(ctx context.Context, kioskID string, limit int) ([]pairing.Refusal, error)
	Conflicts(ctx context.Context, pending bool) ([]pairing.HeldConflict, error)
	Pair(ctx context.Context, name, site, mailAddress string) (*consolesync.Paired, error)
	PairingFile(ctx context.Context, nameOrID string) (*consolesync.Paired, error)
	Revoke(ctx context.Context, nameOrID string) (pairing.Kiosk, error)
	SitePack(ctx context.Context, nameOrID string) (*consolesync.SitePack, error)
	Import(ctx context.Context, r io.Reader) (*consolesync.Result, error)
	Resolve(ctx context.Context, id, keep string) error
}

// SyncImportLimit is the largest bundle the import route takes.
const SyncImportLimit = syncwire.MaxBundleBytes

// PairingQRSize is the pairing QR's side in pixels, shown at this size:
// a whole pairing (at most syncwire.MaxPairingQRChars, version 25 at
// error correction L, 125 modules with the quiet zone) gets 5 pixels a
// module, about 1.3 mm on a 96 dpi screen and 16 cm in all, which a 720p
// webcam an arm's length away sees at about 3 pixels a module.
const PairingQRSize = 640

func (s *Server) syncConsoleRoutes() {
	if s.cfg.ConsoleSync == nil {
		return
	}
	s.handle("GET /api/sync/kiosks", admin, s.listKiosks)
	s.handle("POST /api/sync/kiosks", admin, s.pairKiosk)
	s.handle("GET /api/sync/kiosks/{id}/pairing", admin, s.downloadPairing)
	s.handle("GET /api/sync/kiosks/{id}/pairing/qr", admin, s.pairingQR)
	s.handle("POST /api/sync/kiosks/{id}/revoke", admin, s.revokeKiosk)
	s.handle("DELETE /api/sync/kiosks/{id}", admin, s.revokeKiosk)
	s.handle("GET /api/sync/kiosks/{id}/sitepack", admin, s.downloadSitePack)
	s.handle("POST /api/sync/import", admin, s.importBundle, takes(SyncImportLimit, "application/octet-stream"))
	s.handle("GET /api/sync/conflicts", admin, s.listSyncConflicts)
	s.handle("POST /api/sync/conflicts/{id}/resolve", admin, s.resolveSyncConflict)
}

// KioskJSON is a paired kiosk and its sync status.
type KioskJSON struct {
	ID               string     `json:"id"`
	Name             string     `json:"name"`
	Site             string     `json:"site"`
	PairedAt         time.Time  `json:"pairedAt"`
	RevokedAt        *time.Time `json:"revokedAt,omitempty"`
	Joined           bool       `json:"joined"` // its first bundle proved the pairing
	LastBundleSeq    uint64     `json:"lastBundleSeq"`
	LastBundleAt     *time.Time `json:"lastBundleAt,omitempty"`
	Received         int        `json:"received"`
	Refusals         int        `json:"refusals"`
	PendingConflicts int        `json:"pendingConflicts"`
	PairingURL       string     `json:"pairingUrl,omitempty"`  // while it has not joined
	SitePackURL      string     `json:"sitePackUrl,omitempty"` // once it has joined
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func kioskToJSON(k pairing.Kiosk) KioskJSON {
	j := KioskJSON{ID: k.ID, Name: k.Name, Site: k.Site, PairedAt: k.PairedAt, RevokedAt: timePtr(k.RevokedAt), Joined: k.SignPub != nil,
		LastBundleSeq: k.LastBundleSeq, LastBundleAt: timePtr(k.LastBundleAt), Received: k.Received, Refusals: k.Refusals,
		PendingConflicts: k.PendingConflicts}
	if !k.Revoked() {
		if j.Joined {
			j.SitePackURL = "/api/sync/kiosks/" + k.ID + "/sitepack"
		} else {
			j.PairingURL = "/api/sync/kiosks/" + k.ID + "/pairing"
		}
	}
	return j
}

// RefusalJSON is a refused file or registration.
type RefusalJSON struct {
	At             time.Time `json:"at"`
	KioskID        string    `json:"kioskId,omitempty"`
	KioskName      string    `json:"kioskName,omitempty"`
	FileSeq        uint64    `json:"fileSeq,omitempty"`
	RegistrationID string    `json:"registrationId,omitempty"`
	Code           string    `json:"code"`
	Message        string    `json:"message"`
}

func refusalToJSON(r pairing.Refusal, lang i18n.Lang) RefusalJSON {
	msg := r.EN
	if lang == i18n.SV {
		msg = r.SV
	}
	return RefusalJSON{At: r.At, KioskID: r.KioskID, KioskName: r.KioskName, FileSeq: r.FileSeq, RegistrationID: r.RegistrationID,
		Code: r.Code, Message: msg}
}

func (s *Server) listKiosks(w http.ResponseWriter, r *http.Request) error {
	ks, err := s.cfg.ConsoleSync.List(r.Context())
	if err != nil {
		return err
	}
	refs, err := s.cfg.ConsoleSync.Refusals(r.Context(), "", 50)
	if err != nil {
		return err
	}
	conflicts, err := s.cfg.ConsoleSync.Conflicts(r.Context(), true)
	if err != nil {
		return err
	}
	items := make([]KioskJSON, 0, len(ks))
	for _, k := range ks {
		items = append(items, kioskToJSON(k))
	}
	lang := i18n.FromRequest(r)
	refusals := make([]RefusalJSON, 0, len(refs))
	for _, rf := range refs {
		refusals = append(refusals, refusalToJSON(rf, lang))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "refusals": refusals, "pendingConflicts": len(conflicts)})
	return nil
}

func (s *Server) pairKiosk(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name        string `json:"name"`
		Site        string `json:"site"`
		MailAddress string `json:"mailAddress"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.cfg.ConsoleSync.Pair(r.Context(), in.Name, in.Site, in.MailAddress)
	if err != nil {
		return syncError(err)
	}
	body, err := pairingBody(p, i18n.FromRequest(r))
	if err != nil {
		return err
	}
	if k := p.Replaces; k != nil {
		body["replaces"] = kioskToJSON(*k)
	}
	writeJSON(w, http.StatusCreated, body)
	return nil
}

// pairingBody is a not-yet-joined kiosk's pairing as the console shows it:
// the file's link and the QR code (or why there is none: too large).
func pairingBody(p *consolesync.Paired, lang i18n.Lang) (map[string]any, error) {
	body := map[string]any{"kiosk": kioskToJSON(p.Kiosk), "fileName": pairingFileName(p.Kiosk.Name),
		"pairingUrl": "/api/sync/kiosks/" + p.Kiosk.ID + "/pairing"}
	if p.QR == "" {
		if p.QRTooLarge != nil {
			body["qrTooLarge"] = map[string]string{"code": p.QRTooLarge.Msg.Code(), "message": p.QRTooLarge.Msg.In(lang)}
		}
		return body, nil
	}
	png, err := qr.PNG(p.QR, qr.Low, PairingQRSize)
	if err != nil {
		return nil, err
	}
	body["qrPng"] = "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
	return body, nil
}

// pairingQR shows a kiosk's pairing QR again (the admin only, and only
// until the kiosk has joined: it carries the one-time secret).
func (s *Server) pairingQR(w http.ResponseWriter, r *http.Request) error {
	p, err := s.cfg.ConsoleSync.PairingFile(r.Context(), r.PathValue("id"))
	if err != nil {
		return syncError(err)
	}
	body, err := pairingBody(p, i18n.FromRequest(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	writeJSON(w, http.StatusOK, body)
	return nil
}

func pairingFileName(kiosk string) string {
	return "id06desk-pairing-" + kiosksync.FileNamePart(kiosk) + ".id06sync"
}

func sendFile(w http.ResponseWriter, name string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

func (s *Server) downloadPairing(w http.ResponseWriter, r *http.Request) error {
	p, err := s.cfg.ConsoleSync.PairingFile(r.Context(), r.PathValue("id"))
	if err != nil {
		return syncError(err)
	}
	sendFile(w, pairingFileName(p.Kiosk.Name), p.File)
	return nil
}

func (s *Server) revokeKiosk(w http.ResponseWriter, r *http.Request) error {
	k, err := s.cfg.ConsoleSync.Revoke(r.Context(), r.PathValue("id"))
	if err != nil {
		return syncError(err)
	}
	writeJSON(w, http.StatusOK, map[string]any{"kiosk": kioskToJSON(k)})
	return nil
}

func (s *Server) downloadSitePack(w http.ResponseWriter, r *http.Request) error {
	p, err := s.cfg.ConsoleSync.SitePack(r.Context(), r.PathValue("id"))
	if err != nil {
		return syncError(err)
	}
	sendFile(w, "id06desk-sitepack-"+kiosksync.FileNamePart(p.Kiosk.Name)+"-"+strconv.FormatUint(p.Seq, 10)+".id06sync", p.File)
	return nil
}

func (s *Server) importBundle(w http.ResponseWriter, r *http.Request) error {
	res, err := s.cfg.ConsoleSync.Import(r.Context(), r.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(mbe.Limit)
	}
	if err != nil {
		var ie *i18n.Error
		if errors.As(err, &ie) {
			return &Error{Code: CodeSyncRefused, Message: ie.Msg, Details: map[string]string{"reason": ie.Msg.Code()}, Err: err}
		}
		return err
	}
	lang := i18n.FromRequest(r)
	refusals := make([]map[string]any, 0, len(res.Refusals))
	for _, rf := range res.Refusals {
		refusals = append(refusals, map[string]any{"seq": rf.Seq, "registrationId": rf.RegistrationID, "code": rf.Msg.Code(), "message": rf.Msg.In(lang)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"kioskId": res.KioskID, "kioskName": res.KioskName, "bundle": res.Bundle,
		"applied": res.Applied, "already": res.Already, "conflicts": res.Conflicts, "refused": res.Refused, "refusals": refusals})
	return nil
}

// ConflictJSON is a kiosk registration held because its invitation already
// had an order.
type ConflictJSON struct {
	ID              string     `json:"id"`
	KioskID         string     `json:"kioskId"`
	KioskName       string     `json:"kioskName"`
	InvitationID    string     `json:"invitationId"`
	ExistingOrderID string     `json:"existingOrderId"`
	RegisteredAt    time.Time  `json:"registeredAt"`
	CreatedAt       time.Time  `json:"createdAt"`
	ResolvedAt      *time.Time `json:"resolvedAt,omitempty"`
	Resolution      string     `json:"resolution,omitempty"`
}

func (s *Server) listSyncConflicts(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.cfg.ConsoleSync.Conflicts(r.Context(), r.URL.Query().Get("all") != "1")
	if err != nil {
		return err
	}
	items := make([]ConflictJSON, 0, len(cs))
	for _, c := range cs {
		items = append(items, ConflictJSON{ID: c.ID, KioskID: c.KioskID, KioskName: c.KioskName, InvitationID: c.InvitationID,
			ExistingOrderID: c.ExistingOrderID, RegisteredAt: c.RegisteredAt, CreatedAt: c.CreatedAt, ResolvedAt: timePtr(c.ResolvedAt),
			Resolution: c.Resolution})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (s *Server) resolveSyncConflict(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Keep string `json:"keep"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.cfg.ConsoleSync.Resolve(r.Context(), r.PathValue("id"), in.Keep); err != nil {
		return syncError(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// syncError maps consolesync's errors to API errors (the sentence is the
// service's).
func syncError(err error) error {
	var ie *i18n.Error
	if !errors.As(err, &ie) {
		return err
	}
	code := Code("")
	switch {
	case errors.Is(err, consolesync.ErrNotPaired), errors.Is(err, consolesync.ErrConflictGone):
		code = CodeNotFound
	case errors.Is(err, consolesync.ErrName), errors.Is(err, consolesync.ErrResolution), errors.Is(err, consolesync.ErrMailAddress):
		code = CodeInvalid
	case errors.Is(err, consolesync.ErrNameTaken), errors.Is(err, consolesync.ErrNoKeysYet), errors.Is(err, consolesync.ErrJoined),
		errors.Is(err, consolesync.ErrCannotReplace), errors.Is(err, consolesync.ErrRevoked):
		code = CodeConflict
	default:
		code = CodeSyncRefused
	}
	return &Error{Code: code, Message: ie.Msg, Details: map[string]string{"reason": ie.Msg.Code()}, Err: err}
}
