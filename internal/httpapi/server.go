// Package httpapi is the one HTTP JSON API of id06desk. The same handler is
// mounted as the Wails AssetServer handler inside the desktop window and on
// a TCP port by `id06desk serve`.
package httpapi

import (
	"context"
	"crypto/tls"
	"errors"
	"id06desk/internal/bankidconf"
	"id06desk/internal/kiosk"
	"id06desk/internal/ratelimit"
	"id06desk/internal/registration"
	"id06desk/internal/token"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"id06desk/internal/adminauth"
	"id06desk/internal/audit"
	"id06desk/internal/exports"
	"id06desk/internal/health"
	"id06desk/internal/invitations"
	"id06desk/internal/jobs"
	"id06desk/internal/outbox"
	"id06desk/internal/settings"
)

// Mode says where the handler runs.
type Mode string

const (
	// ModeWindow: inside the Wails window; the desktop user is the admin
	// (unless the window is a kiosk).
	ModeWindow Mode = "window"
	// ModeServe: on a TCP port; the admin API needs a login.
	ModeServe Mode = "serve"
)

// MaxBodyBytes limits request bodies unless a route says otherwise.
const MaxBodyBytes = 1 << 20

// SessionCookie is the admin session cookie's name.
const SessionCookie = "id06desk_session"

// CSP allows only same-origin resources (images may also be data:/blob:
// URLs the app made itself, e.g. a photo preview).
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Store is what the API needs from storage.
type Store interface {
	Status(ctx context.Context) health.Database
	// ListAudit reads one page of the audit log; Audit writes a line
	// (actor "" : the request's, see actorOf).
	ListAudit(ctx context.Context, q audit.Query) (audit.Page, error)
	Audit(ctx context.Context, actor string, action audit.Action, subject, detail string) error
}

// Config holds the server's dependencies, built in main.go.
type Config struct {
	Version string
	Mode    Mode
	Kiosk   bool
	DataDir string
	DB      Store
	Auth    *adminauth.Service
	Log     *slog.Logger
	// Assets is the built frontend (frontend/dist); served by Site in
	// serve mode. Inside the window Wails serves it itself.
	Assets fs.FS
	// OnUIReady is called once when the frontend reports it has started.
	OnUIReady func(route string)

	// Invitation features (nil in tests of the foundation).
	Settings    *settings.Service
	Invitations *invitations.Service
	Outbox      *outbox.Worker
	SMTPTLS     *tls.Config // TLS override for the test mail (tests)

	// Registration and orders (nil in tests of earlier features).
	Registration *registration.Service
	Orders       OrderStore
	// Batches sends orders to Nexus (nil in tests of earlier features).
	Batches BatchService
	// Keys sign invitation links (rotation from Settings).
	Keys *token.KeyRing

	// Kiosk: the camera station, the exit PIN, what leaving kiosk mode
	// does, and (end-to-end tests only) switching the test camera's picture.
	Station     *kiosk.Station
	PIN         *kiosk.PIN
	OnKioskExit func()
	TestCamera  func(file string) error

	// BankID configuration (Settings → BankID).
	BankID *bankidconf.Provider

	// Jobs lists the background jobs (Settings → About); nil: none.
	Jobs func() []jobs.Status

	// Exports writes the CSV exports (nil: no export routes).
	Exports *exports.Service
	// ConsoleSync pairs kiosks and imports their bundles (nil: no sync
	// routes).
	ConsoleSync ConsoleSync
	// KioskSync is the kiosk's side of offline sync (nil: no kiosk sync
	// routes).
	KioskSync KioskSyncService
	// ConsoleMail and KioskMail: sync by mail (issue 14); nil: no routes.
	ConsoleMail ConsoleMail
	KioskMail   KioskMail
	// Backup writes the encrypted backups (nil: no backup routes).
	Backup BackupService
	// WindowUser names the desktop user in the audit log (ModeWindow);
	// "" : "desktop".
	WindowUser string
}

// Server is the API.
type Server struct {
	cfg         Config
	codeLimiter *ratelimit.Codes
	mux         *http.ServeMux
	paths       map[string]bool
	table       []Route
	readyMu     sync.Once
	// previewOnce logs the first preview frame served: the kiosk's live
	// picture is on its way to the screen (the start-up benchmark waits
	// for this line).
	previewOnce sync.Once
	// kiosk is this start's kiosk secret (serve --kiosk only).
	kiosk *kioskKey
	// kioskAdmins is the kiosk's admin view opened with the PIN.
	kioskAdmins kioskTickets
}

// access says who may call a route.
type access int

const (
	public  access = iota // anyone (health, session, login, registration by token)
	admin                 // the admin: window (not kiosk) or a logged-in session
	station               // the kiosk's own screen, or the admin (camera test view)
)

// New builds the API.
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), paths: map[string]bool{}, codeLimiter: ratelimit.NewCodes(ratelimit.DefaultCodePolicy, nil)}
	if cfg.Mode == ModeServe && cfg.Kiosk {
		s.kiosk = newKioskKey()
	}
	s.routes()
	return s
}

func (s *Server) routes() {
	s.handle("GET /api/health", public, s.health)
	s.handle("GET /api/openapi.json", public, s.openAPI)
	s.handle("GET /api/session", public, s.session)
	s.handle("POST /api/login", public, s.login)
	s.handle("POST /api/logout", public, s.logout)
	s.handle("POST /api/setup", public, s.setup)
	s.handle("POST /api/ui-ready", public, s.uiReady)
	s.auditRoutes()
	s.handle("GET /api/jobs", admin, s.jobs)
	s.invitationRoutes()
	s.registerRoutes()
	s.orderRoutes()
	s.nexusRoutes()
	s.kioskRoutes()
	s.kioskSyncRoutes()
	s.bankIDRoutes()
	s.syncConsoleRoutes()
	s.syncMailRoutes()
	s.backupRoutes()
	if s.cfg.Keys != nil {
		s.handle("GET /api/keys", admin, s.listKeys)
		s.handle("POST /api/keys/rotate", admin, s.rotateKey)
	}
}

// handlerFunc is an API handler that returns an error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle registers a route. Unless opts say otherwise it takes a JSON body
// (Content-Type application/json) of at most MaxBodyBytes.
func (s *Server) handle(pattern string, acc access, h handlerFunc, opts ...routeOpt) {
	rt := route{acc: acc, types: []string{JSONType}, limit: MaxBodyBytes}
	for _, o := range opts {
		o(&rt)
	}
	method, path, _ := strings.Cut(pattern, " ")
	s.paths[path] = true
	s.table = append(s.table, Route{Method: method, Path: path, Access: rt.acc.String(), BodyTypes: slices.Clone(rt.types), BodyLimit: rt.limit})
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(audit.WithActor(r.Context(), s.actorOf(r, path)))
		var err error
		switch rt.acc {
		case admin:
			err = s.requireAdmin(r)
		case station:
			err = s.requireStation(r)
		}
		if err == nil {
			err = rt.checkBody(w, r)
		}
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			writeError(w, r, s.cfg.Log, err)
		}
	}))
}

// ServeHTTP is the API handler (only /api/... paths).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w)
	if e := s.checkHost(r); e != nil {
		writeError(w, r, s.cfg.Log, e)
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		writeError(w, r, s.cfg.Log, Errorf(CodeNotFound, msgNotFoundPath))
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !s.sameOrigin(r) {
		writeError(w, r, s.cfg.Log, Errorf(CodeForbidden, msgCrossSite))
		return
	}
	if _, pattern := s.mux.Handler(r); pattern == "" {
		if s.paths[r.URL.Path] {
			writeError(w, r, s.cfg.Log, Errorf(CodeMethod, msgMethod))
		} else {
			writeError(w, r, s.cfg.Log, Errorf(CodeNotFound, msgNoEndpoint))
		}
		return
	}
	s.mux.ServeHTTP(w, r)
}

func setSecurityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

// Site serves the built frontend and the API on one handler (serve mode).
// Directories are never listed: a path that names one is not found.
func (s *Server) Site() http.Handler {
	files := http.FileServerFS(s.cfg.Assets)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/api" {
			s.ServeHTTP(w, r)
			return
		}
		setSecurityHeaders(w)
		if e := s.checkHost(r); e != nil {
			writePlain(w, status(e.Code), e.Message)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeError(w, r, s.cfg.Log, Errorf(CodeMethod, msgMethod))
			return
		}
		if s.cfg.Assets == nil {
			writeError(w, r, s.cfg.Log, Errorf(CodeUnavailable, msgNoUI))
			return
		}
		if r.URL.Path != "/" {
			name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
			if st, err := fs.Stat(s.cfg.Assets, name); err == nil && st.IsDir() {
				http.NotFound(w, r)
				return
			}
		}
		if r.URL.Path == "/" || r.URL.Path == "/index.html" {
			w.Header().Set("Cache-Control", "no-cache")
		} else if strings.HasPrefix(r.URL.Path, "/assets/") {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		files.ServeHTTP(w, r)
	})
}

// isAdmin reports whether the request comes from the admin.
func (s *Server) isAdmin(r *http.Request) bool {
	if s.cfg.Kiosk {
		return false
	}
	if s.cfg.Mode == ModeWindow {
		return true
	}
	c, err := r.Cookie(SessionCookie)
	return err == nil && s.cfg.Auth != nil && s.cfg.Auth.Valid(r.Context(), c.Value)
}

func (s *Server) requireAdmin(r *http.Request) error {
	if s.cfg.Kiosk {
		return Errorf(CodeForbidden, msgAdminOnKiosk)
	}
	if !s.isAdmin(r) {
		return Errorf(CodeUnauthorized, msgLogIn)
	}
	return nil
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	st := s.cfg.DB.Status(r.Context())
	body := map[string]any{
		"status":  "ok",
		"version": s.cfg.Version,
		"mode":    s.cfg.Mode,
		"kiosk":   s.cfg.Kiosk,
	}
	code := http.StatusOK
	if !st.OK {
		body["status"] = "degraded"
		code = http.StatusServiceUnavailable
	}
	db := map[string]any{"ok": st.OK, "schemaVersion": st.SchemaVersion}
	if s.isAdmin(r) {
		// Paths and error details only for the admin.
		db["path"] = st.Path
		if st.Error != "" {
			db["error"] = st.Error
		}
		body["dataDir"] = s.cfg.DataDir
	}
	body["database"] = db
	writeJSON(w, code, body)
	return nil
}

func (s *Server) session(w http.ResponseWriter, r *http.Request) error {
	set := true
	if s.cfg.Mode == ModeServe && s.cfg.Auth != nil {
		var err error
		if set, err = s.cfg.Auth.PasswordSet(r.Context()); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"mode":          s.cfg.Mode,
		"kiosk":         s.cfg.Kiosk,
		"authenticated": s.isAdmin(r),
		"passwordSet":   set,
		// station: this screen may use the kiosk camera (the kiosk's own
		// screen, or the admin).
		"station": s.isStation(r),
	})
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Mode != ModeServe || s.cfg.Kiosk || s.cfg.Auth == nil {
		return Errorf(CodeBadRequest, msgNoLoginNeeded)
	}
	var in struct {
		Password string `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	token, expires, err := s.cfg.Auth.Login(r.Context(), clientAddr(r), in.Password)
	var rl *adminauth.RateLimitedError
	switch {
	case errors.As(err, &rl) && rl.Busy:
		return &Error{Code: CodeRateLimited, Message: msgLoginBusy.With(), RetryAfter: rl.RetryAfter, Details: busyDetails}
	case errors.As(err, &rl):
		return &Error{Code: CodeRateLimited, Message: msgLoginLimited.With("wait", waitText(rl.RetryAfter)), RetryAfter: rl.RetryAfter}
	case errors.Is(err, adminauth.ErrNoPassword):
		return Errorf(CodeNoPassword, msgNoPassword)
	case errors.Is(err, adminauth.ErrWrongPassword):
		s.cfg.Log.Warn("admin login failed", "client", clientAddr(r))
		return Errorf(CodeInvalidPassword, msgWrongPassword)
	case err != nil:
		return err
	}
	s.setSessionCookie(w, r, token, expires)
	s.cfg.Log.Info("admin logged in", "client", clientAddr(r))
	if err := s.cfg.DB.Audit(r.Context(), "", audit.AdminLogin, "", ""); err != nil {
		s.cfg.Log.Error("audit login", "err", err)
	}
	writeJSON(w, http.StatusOK, map[string]bool{"authenticated": true})
	return nil
}

// setSessionCookie hands the browser a new admin session.
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secureCookies(r),
	})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil && s.cfg.Auth != nil {
		if s.cfg.Auth.Valid(r.Context(), c.Value) {
			if err := s.cfg.DB.Audit(r.Context(), "", audit.AdminLogout, "", ""); err != nil {
				return err
			}
		}
		if err := s.cfg.Auth.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secureCookies(r)})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// pageOf is a UI route without what follows the page's name: a route may
// carry a registration token (#/register/<token>), a setup token
// (#/setup?token=…) or an id, none of which belongs in the log.
func pageOf(route string) string {
	route, _, _ = strings.Cut(route, "?")
	rest, ok := strings.CutPrefix(route, "#/")
	if !ok {
		return "#/"
	}
	name, _, _ := strings.Cut(rest, "/")
	return "#/" + name
}

func (s *Server) uiReady(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Route string `json:"route"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	s.readyMu.Do(func() {
		s.cfg.Log.Info("user interface started", "route", pageOf(in.Route))
		if s.cfg.OnUIReady != nil {
			s.cfg.OnUIReady(in.Route)
		}
	})
	w.WriteHeader(http.StatusNoContent)
	return nil
}
