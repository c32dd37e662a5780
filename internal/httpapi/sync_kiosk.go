package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"id06desk/internal/i18n"
	"id06desk/internal/kiosksync"
	"id06desk/internal/syncwire"
)

// KioskSyncService is the kiosk's side of offline sync
// (*kiosksync.Service).
type KioskSyncService interface {
	Status(ctx context.Context) (*kiosksync.Status, error)
	Join(ctx context.Context, pairingFile io.Reader) (*kiosksync.Joined, error)
	JoinQR(ctx context.Context, text string) (*kiosksync.Joined, error)
	Leave(ctx context.Context, force bool) (*kiosksync.Left, error)
	ApplySitePack(ctx context.Context, r io.Reader) (*kiosksync.Applied, error)
	ExportToOfferedFolder(ctx context.Context, folder string) (*kiosksync.Exported, error)
	Folders() []kiosksync.Folder
}

// KioskTicketHeader carries the ticket POST /api/kiosk/admin gives for the
// kiosk's PIN: the kiosk's sync routes need it on the kiosk screen (the
// admin elsewhere needs none).
const KioskTicketHeader = "X-Kiosk-Ticket"

// KioskTicketTTL is how long a ticket stays valid after its last use.
const KioskTicketTTL = 10 * time.Minute

// kioskTickets is the one open kiosk admin view (one screen per kiosk).
type kioskTickets struct {
	mu     sync.Mutex
	ticket string
	until  time.Time
}

func (k *kioskTickets) issue(now time.Time) (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.ticket, k.until = base64.RawURLEncoding.EncodeToString(b[:]), now.Add(KioskTicketTTL)
	return k.ticket, nil
}

// valid checks a ticket and extends it.
func (k *kioskTickets) valid(t string, now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.ticket == "" || t == "" || now.After(k.until) || subtle.ConstantTimeCompare([]byte(t), []byte(k.ticket)) != 1 {
		return false
	}
	k.until = now.Add(KioskTicketTTL)
	return true
}

var (
	msgKioskTicket = i18n.Text{Code: "kiosk.ticket",
		SV: "Ange kioskens PIN-kod igen för att fortsätta.",
		EN: "Enter the kiosk PIN again to continue."}
	msgSyncNotHere = i18n.Text{Code: "kiosk.sync_not_here",
		SV: "Synkning med kontoret finns bara på en kiosk.",
		EN: "Syncing with the office is only available on a kiosk."}
	msgNoStation = i18n.Text{Code: "kiosk.no_station",
		SV: "Kameran kan inte användas här.",
		EN: "The camera cannot be used here."}
	msgSyncFolderRequired = i18n.Text{Code: "kiosk.sync_folder_required",
		SV: "Välj en enhet eller mapp att spara filen i.",
		EN: "Choose a drive or folder to save the file in."}
)

// kioskSyncRoutes are the kiosk's sync routes (admin view after the PIN).
func (s *Server) kioskSyncRoutes() {
	if s.cfg.KioskSync == nil {
		return
	}
	if s.cfg.PIN != nil {
		s.handle("POST /api/kiosk/admin", station, s.kioskAdmin)
	}
	s.handle("GET /api/kiosk/sync", station, s.kioskSyncStatus)
	s.handle("POST /api/kiosk/sync/join", station, s.kioskSyncJoin, takes(syncwire.MaxPairingBytes, "application/octet-stream"))
	s.handle("POST /api/kiosk/sync/join/scan", station, s.kioskSyncJoinScan)
	s.handle("POST /api/kiosk/sync/leave", station, s.kioskSyncLeave)
	s.handle("POST /api/kiosk/sync/export", station, s.kioskSyncExport)
	s.handle("POST /api/kiosk/sync/import", station, s.kioskSyncImport, takes(syncwire.MaxSitePackBytes, "application/octet-stream"))
}

// kioskAdmin checks the kiosk's PIN (as leaving kiosk mode does, with its
// lock) and opens the kiosk's admin view: a ticket for the sync routes.
func (s *Server) kioskAdmin(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkKioskPIN(r); err != nil {
		return err
	}
	t, err := s.kioskAdmins.issue(time.Now())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket": t, "expiresInSeconds": int(KioskTicketTTL / time.Second)})
	return nil
}

// requireKioskTicket: on the kiosk screen the sync routes need the PIN's
// ticket; the admin (not a kiosk) needs none.
func (s *Server) requireKioskTicket(r *http.Request) error {
	if !s.cfg.Kiosk {
		return nil
	}
	if !s.kioskAdmins.valid(r.Header.Get(KioskTicketHeader), time.Now()) {
		return Errorf(CodeUnauthorized, msgKioskTicket)
	}
	return nil
}

// kioskSyncError maps the kiosk sync's refusals: a bad or foreign file is
// invalid, a stale pack or a second pairing a conflict, an unpaired kiosk
// not configured; each with its own sentence.
func kioskSyncError(err error) error {
	var ie *i18n.Error
	if err == nil || !errors.As(err, &ie) {
		return err
	}
	code := CodeInvalid
	switch {
	case errors.Is(err, kiosksync.ErrNotPaired):
		code = CodeNotConfigured
	case errors.Is(err, kiosksync.ErrAlreadyPaired), errors.Is(err, syncwire.ErrStale), errors.Is(err, kiosksync.ErrPending):
		code = CodeConflict
	case errors.Is(err, syncwire.ErrTooLarge):
		code = CodeTooLarge
	}
	return &Error{Code: code, Message: ie.Msg, Details: map[string]string{"reason": ie.Msg.Code()}, Err: err}
}

type kioskSyncBody struct {
	*kiosksync.Status
	Folders []kiosksync.Folder `json:"folders"`
}

func (s *Server) writeKioskSync(w http.ResponseWriter, r *http.Request, extra map[string]any) error {
	st, err := s.cfg.KioskSync.Status(r.Context())
	if err != nil {
		return err
	}
	folders := s.cfg.KioskSync.Folders()
	if folders == nil {
		folders = []kiosksync.Folder{}
	}
	if extra == nil {
		writeJSON(w, http.StatusOK, kioskSyncBody{Status: st, Folders: folders})
		return nil
	}
	extra["status"] = kioskSyncBody{Status: st, Folders: folders}
	writeJSON(w, http.StatusOK, extra)
	return nil
}

func (s *Server) kioskSyncStatus(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireKioskTicket(r); err != nil {
		return err
	}
	return s.writeKioskSync(w, r, nil)
}

func (s *Server) kioskSyncJoin(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireKioskTicket(r); err != nil {
		return err
	}
	j, err := s.cfg.KioskSync.Join(r.Context(), r.Body)
	if err != nil {
		return kioskSyncError(err)
	}
	return s.writeKioskSync(w, r, map[string]any{"joined": j})
}

// kioskSyncJoinScan looks (up to 2 s) at the kiosk camera's frames newer
// than after for the console's pairing QR code and joins with it as with
// the file; {seq} alone when none was seen. The QR's text (it holds the
// pairing secret) stays on the server.
func (s *Server) kioskSyncJoinScan(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireKioskTicket(r); err != nil {
		return err
	}
	var in struct {
		After uint64 `json:"after"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if s.cfg.Station == nil {
		return Errorf(CodeNotConfigured, msgNoStation)
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	text, seq, err := s.cfg.Station.ScanFor(ctx, in.After, func(t string) (string, bool) { return t, syncwire.IsPairingQR(t) })
	cancel()
	if err != nil {
		return err
	}
	if text == "" {
		writeJSON(w, http.StatusOK, map[string]any{"seq": seq})
		return nil
	}
	j, err := s.cfg.KioskSync.JoinQR(r.Context(), text)
	if err != nil {
		return kioskSyncError(err)
	}
	return s.writeKioskSync(w, r, map[string]any{"joined": j, "seq": seq})
}

// kioskSyncLeave unpairs the kiosk ({"force": true} also when sealed
// registrations have not reached the console: they are deleted).
func (s *Server) kioskSyncLeave(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireKioskTicket(r); err != nil {
		return err
	}
	var in struct {
		Force bool `json:"force"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	l, err := s.cfg.KioskSync.Leave(r.Context(), in.Force)
	if err != nil {
		return kioskSyncError(err)
	}
	return s.writeKioskSync(w, r, map[string]any{"left": l})
}

func (s *Server) kioskSyncImport(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireKioskTicket(r); err != nil {
		return err
	}
	a, err := s.cfg.KioskSync.ApplySitePack(r.Context(), r.Body)
	if err != nil {
		return kioskSyncError(err)
	}
	return s.writeKioskSync(w, r, map[string]any{"applied": a})
}

func (s *Server) kioskSyncExport(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireKioskTicket(r); err != nil {
		return err
	}
	var in struct {
		Folder string `json:"folder"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Folder == "" {
		return &Error{Code: CodeInvalid, Message: msgSyncFolderRequired.With(), Fields: map[string]i18n.Message{"folder": msgSyncFolderRequired.With()}}
	}
	ex, err := s.cfg.KioskSync.ExportToOfferedFolder(r.Context(), in.Folder)
	if err != nil {
		return kioskSyncError(err)
	}
	return s.writeKioskSync(w, r, map[string]any{"exported": ex})
}
