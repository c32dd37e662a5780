// Package webserver is the HTTP server `id06desk serve` runs: net/http with
// timeouts that hold up against slow clients, and a cap on the connections
// one client address may hold open.
package webserver

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"id06desk/internal/i18n"
)

// Defaults. The largest request is a photo upload (registration.MaxPhotoBytes,
// 10 MiB): ReadTimeout lets it arrive over a slow mobile link (~1 Mbit/s),
// WriteTimeout adds the time to decode and check it while other uploads
// queue. A body that trickles in slower than that is cut off.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 2 * time.Minute
	DefaultWriteTimeout      = 3 * time.Minute
	DefaultIdleTimeout       = 60 * time.Second
	// DefaultMaxClientConns is far above what a browser opens (6 per host)
	// times the people behind one NAT address, and far below what
	// exhausts the server.
	DefaultMaxClientConns = 128
)

// Config configures a server; zero values take the defaults.
type Config struct {
	Handler           http.Handler
	Log               *slog.Logger
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// MaxClientConns caps the open connections per client IP address; the
	// next one gets 503 and is closed.
	MaxClientConns int
}

// Server serves HTTP with the configured limits.
type Server struct {
	http       *http.Server
	log        *slog.Logger
	maxPerConn int
}

// New builds a server.
func New(cfg Config) *Server {
	def := func(v, d time.Duration) time.Duration {
		if v <= 0 {
			return d
		}
		return v
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxClientConns <= 0 {
		cfg.MaxClientConns = DefaultMaxClientConns
	}
	return &Server{
		http: &http.Server{
			Handler:           cfg.Handler,
			ReadHeaderTimeout: def(cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout),
			ReadTimeout:       def(cfg.ReadTimeout, DefaultReadTimeout),
			WriteTimeout:      def(cfg.WriteTimeout, DefaultWriteTimeout),
			IdleTimeout:       def(cfg.IdleTimeout, DefaultIdleTimeout),
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          slog.NewLogLogger(cfg.Log.Handler(), slog.LevelWarn),
		},
		log:        cfg.Log,
		maxPerConn: cfg.MaxClientConns,
	}
}

// Serve accepts connections on ln until Shutdown (then it returns nil).
func (s *Server) Serve(ln net.Listener) error {
	err := s.http.Serve(LimitPerClient(ln, s.maxPerConn, s.log))
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting, and waits for the requests in flight until ctx
// ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.http.Shutdown(ctx) }

// LongPoll lets the current request run for d from now although that is
// longer than the server's timeouts (a long-poll): it moves the
// connection's read and write deadlines. Hosts that do not support it (the
// desktop window's in-process handler) have no such timeouts, so its error
// can be ignored.
func LongPoll(w http.ResponseWriter, d time.Duration) error {
	rc := http.NewResponseController(w)
	deadline := time.Now().Add(d)
	if err := rc.SetWriteDeadline(deadline); err != nil {
		return err
	}
	// A read deadline that passes while the handler runs cancels the
	// request's context (net/http's background read fails).
	return rc.SetReadDeadline(deadline)
}

// LimitPerClient wraps ln so each client IP address holds at most max open
// connections; the connection over the cap gets a short 503 answer and is
// closed, while other clients are served.
func LimitPerClient(ln net.Listener, max int, log *slog.Logger) net.Listener {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &limitListener{Listener: ln, max: max, log: log, open: map[string]int{}}
}

type limitListener struct {
	net.Listener
	max int
	log *slog.Logger

	mu   sync.Mutex
	open map[string]int
}

// msgTooManyConns is the refusal's text. The connection is refused before
// its request is read, so its language is unknown: both are sent.
var msgTooManyConns = i18n.Text{Code: "webserver.too_many_connections",
	SV: "För många anslutningar från din adress. Vänta en stund och försök igen.",
	EN: "Too many connections from your address. Wait a moment and try again."}

// refusal is the whole answer to a connection over the cap.
var refusal = func() []byte {
	body := msgTooManyConns.In(i18n.SV) + "\n\n" + msgTooManyConns.In(i18n.EN) + "\n"
	return []byte("HTTP/1.1 503 Service Unavailable\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Retry-After: 10\r\n" +
		"Connection: close\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}()

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := clientIP(c.RemoteAddr())
		l.mu.Lock()
		n := l.open[ip]
		if n < l.max {
			l.open[ip] = n + 1
		}
		l.mu.Unlock()
		if n < l.max {
			return &countedConn{Conn: c, release: func() { l.release(ip) }}, nil
		}
		l.log.Warn("connection refused: too many connections from one client", "client", ip, "limit", l.max)
		go func() {
			c.SetWriteDeadline(time.Now().Add(time.Second))
			c.Write(refusal)
			c.Close()
		}()
	}
}

func (l *limitListener) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip] <= 1 {
		delete(l.open, ip)
		return
	}
	l.open[ip]--
}

func clientIP(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// countedConn gives its slot back once, on the first Close.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
