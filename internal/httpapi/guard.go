package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"id06desk/internal/i18n"
)

// This file holds what decides whether a request may reach a route at all:
// the Host it names (serve mode), the page it comes from (Origin), the kind
// and size of its body, and the kiosk's own screen.

// WindowOrigin is the origin of the desktop window's page: Wails v2.9.2
// loads the UI from wails://wails/ on Linux (internal/frontend/desktop/
// linux/frontend.go, startURL). Measured under Xvfb with WebKitGTK 2.50:
// its same-origin fetches send no Origin header at all (and ContentLength
// -1, Host "wails"); should one come, only this one is the window's.
const WindowOrigin = "wails://wails"

// KioskCookie marks the browser that opened the kiosk link of
// `serve --kiosk`: only it may use the camera and the QR scan.
const KioskCookie = "id06desk_kiosk"

// JSONType is the media type of every JSON request body.
const JSONType = "application/json"

// routeOpt changes what a route accepts.
type routeOpt func(*route)

// route is what handle knows about one pattern.
type route struct {
	acc   access
	types []string // media types a body may have
	limit int64    // bytes
}

// takes makes a route accept a body of one of types (instead of JSON) up
// to limit bytes.
func takes(limit int64, types ...string) routeOpt {
	return func(rt *route) {
		rt.limit = limit
		rt.types = types
	}
}

// checkBody refuses a body of the wrong kind (415) or size (413) before the
// handler reads it, and limits what the handler can read to the route's
// limit. A request without a body passes, whatever its Content-Type says.
func (rt route) checkBody(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	if r.ContentLength > rt.limit {
		return tooLarge(rt.limit)
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, rt.limit)
	if !hasBody(r) {
		return nil
	}
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !slices.Contains(rt.types, mt) {
		if ct == "" {
			ct = "–"
		}
		return &Error{Code: CodeUnsupportedMedia, Message: msgMediaType.With("accepted", strings.Join(rt.types, ", "), "sent", ct),
			Details: map[string]string{"accepted": strings.Join(rt.types, ",")}}
	}
	return nil
}

// hasBody reports whether the request carries at least one byte. Inside the
// Wails window every request has ContentLength -1, with or without a body:
// then the first byte is read and put back.
func hasBody(r *http.Request) bool {
	if r.ContentLength >= 0 {
		return r.ContentLength > 0
	}
	var b [1]byte
	n, err := io.ReadFull(r.Body, b[:])
	if n == 0 && err != nil {
		return false
	}
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b[:n]), r.Body), r.Body}
	return true
}

// tooLarge is the answer to a body over a route's limit, naming the limit.
func tooLarge(limit int64) *Error {
	return &Error{Code: CodeTooLarge, Message: msgTooLarge.With("limit", humanBytes(limit)),
		Details: map[string]string{"limit": strconv.FormatInt(limit, 10)}}
}

// humanBytes says a limit the way people read it: whole MB where it is
// one ("2 MB", the same in every language), else bytes.
func humanBytes(n int64) any {
	if n >= 1<<20 && n%(1<<20) <= 1 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return wordBytes.With("n", n)
}

// defaultPort is the port a Host without one means.
func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// hostPort normalises a Host header or URL host to lower-case host:port,
// brackets kept off IPv6 addresses; "" when it is not one.
func hostPort(h, scheme string) (host, port string) {
	h = strings.ToLower(h)
	if hh, p, err := net.SplitHostPort(h); err == nil {
		return hh, p
	}
	if strings.Contains(strings.Trim(h, "[]"), ":") && !strings.HasPrefix(h, "[") {
		return "", "" // a bare IPv6 address without brackets is not a Host
	}
	return strings.Trim(h, "[]"), defaultPort(scheme)
}

// publicURL is the public_url setting, nil when unset or unreadable. It
// runs for requests that name another host than the listening address, so
// it reads only the stored settings, never the secret files.
func (s *Server) publicURL(ctx context.Context) *url.URL {
	if s.cfg.Settings == nil {
		return nil
	}
	v, err := s.cfg.Settings.LoadStored(ctx)
	if err != nil {
		return nil
	}
	raw := v.Get("public_url")
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil
	}
	return u
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// checkHost refuses, in serve mode, a request whose Host is neither the
// address it arrived at (with the loopback names for it) nor the host of
// the public_url setting: a page of another site whose name was made to
// point at this computer (DNS rebinding) sends its own name. Inside the
// window there is no port to reach.
func (s *Server) checkHost(r *http.Request) *Error {
	if s.cfg.Mode != ModeServe {
		return nil
	}
	host, port := hostPort(r.Host, scheme(r))
	if host != "" {
		if local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			if lh, lp, err := net.SplitHostPort(local.String()); err == nil && port == lp {
				if host == "localhost" || host == strings.ToLower(lh) {
					return nil
				}
				if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
					return nil
				}
			}
		}
		if u := s.publicURL(r.Context()); u != nil {
			// Behind a TLS proxy the request arrives as plain HTTP with the
			// public Host: a Host without a port means the public URL's.
			h, p := hostPort(r.Host, u.Scheme)
			ph, pp := hostPort(u.Host, u.Scheme)
			if h == ph && p == pp {
				return nil
			}
		}
	}
	return &Error{Code: CodeWrongHost, Message: msgWrongHost.With("host", strconv.Quote(r.Host))}
}

// sameOrigin refuses state-changing requests sent by another page than
// the app's own: the window's page (WindowOrigin), or in serve mode this
// server under the Host the request names, or the public_url. Requests
// without an Origin header (command-line tools) pass; an opaque origin
// ("null": sandboxed frames, file: pages, some redirects) does not.
func (s *Server) sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if s.cfg.Mode == ModeWindow {
		return origin == WindowOrigin
	}
	if strings.EqualFold(origin, scheme(r)+"://"+r.Host) {
		return true
	}
	if u := s.publicURL(r.Context()); u != nil && strings.EqualFold(origin, u.Scheme+"://"+u.Host) {
		return true
	}
	return false
}

// secureCookies says whether cookies get the Secure flag: over TLS, and
// whenever the public address is https (a TLS proxy in front of serve).
func (s *Server) secureCookies(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	u := s.publicURL(r.Context())
	return u != nil && u.Scheme == "https"
}

// kioskKey is the secret of one `serve --kiosk` start: a one-time key in
// the link it prints, exchanged for the cookie of the kiosk's screen.
type kioskKey struct {
	mu     sync.Mutex
	key    string // "" once the link was used
	cookie string
}

func newKioskKey() *kioskKey {
	return &kioskKey{key: rand.Text(), cookie: rand.Text()}
}

// use exchanges the link's key for the cookie value, once.
func (k *kioskKey) use(key string) (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key == "" || subtle.ConstantTimeCompare([]byte(key), []byte(k.key)) != 1 {
		return "", false
	}
	k.key = ""
	return k.cookie, true
}

func (k *kioskKey) valid(r *http.Request) bool {
	c, err := r.Cookie(KioskCookie)
	return err == nil && subtle.ConstantTimeCompare([]byte(c.Value), []byte(k.cookie)) == 1
}

// KioskURL is the one-time link that makes a browser the kiosk's screen
// (`serve --kiosk`), under base (e.g. http://127.0.0.1:8080); "" when this
// server is no kiosk on a port.
func (s *Server) KioskURL(base string) string {
	if s.kiosk == nil {
		return ""
	}
	s.kiosk.mu.Lock()
	defer s.kiosk.mu.Unlock()
	if s.kiosk.key == "" {
		return ""
	}
	return strings.TrimSuffix(base, "/") + "/api/kiosk/open?key=" + url.QueryEscape(s.kiosk.key)
}

// isStation reports whether the request comes from the kiosk's own screen:
// the window (in-process; a kiosk window, or the admin's window for the
// camera test view), the browser holding this start's kiosk cookie, or,
// outside kiosk mode, the logged-in admin.
func (s *Server) isStation(r *http.Request) bool {
	switch {
	case s.cfg.Mode == ModeWindow:
		return true
	case !s.cfg.Kiosk:
		return s.isAdmin(r)
	default:
		return s.kiosk != nil && s.kiosk.valid(r)
	}
}

func (s *Server) requireStation(r *http.Request) error {
	if s.isStation(r) {
		return nil
	}
	if !s.cfg.Kiosk {
		return s.requireAdmin(r)
	}
	return Errorf(CodeKioskOnly, msgKioskOnly)
}

// kioskOpen is the printed kiosk link: it sets the kiosk cookie once and
// goes on to the kiosk page. A browser that already holds it just goes on.
func (s *Server) kioskOpen(w http.ResponseWriter, r *http.Request) error {
	if !s.kiosk.valid(r) {
		cookie, ok := s.kiosk.use(r.URL.Query().Get("key"))
		if !ok {
			writePlain(w, http.StatusForbidden, msgKioskLinkUsed.With())
			return nil
		}
		http.SetCookie(w, &http.Cookie{Name: KioskCookie, Value: cookie, Path: "/",
			HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secureCookies(r)})
		s.cfg.Log.Info("kiosk screen opened", "client", clientAddr(r))
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, "/#/kiosk", http.StatusSeeOther)
	return nil
}

// writePlain answers a browser's page request with a short text in both
// languages (the page has no UI to translate it).
func writePlain(w http.ResponseWriter, status int, m i18n.Message) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	io.WriteString(w, m.In(i18n.SV)+"\n\n"+m.In(i18n.EN)+"\n")
}
