package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"id06desk/internal/audit"
)

// actorOf is who a request acts as, for the audit log: the cardholder on
// the registration pages, the kiosk's screen in kiosk mode, the desktop
// user in the window, an admin (by client address) in serve mode. handle
// puts it in every request's context (audit.WithActor), so services and
// storage take it from there.
func (s *Server) actorOf(r *http.Request, path string) audit.Actor {
	switch {
	case strings.HasPrefix(path, "/api/register/"):
		if s.cfg.Kiosk {
			return audit.Actor{Kind: audit.KindCardholder, Name: "cardholder (kiosk)"}
		}
		return audit.Cardholder
	case s.cfg.Kiosk:
		return audit.Actor{Kind: audit.KindKiosk, Name: "kiosk"}
	case s.cfg.Mode == ModeWindow:
		name := s.cfg.WindowUser
		if name == "" {
			name = "desktop"
		}
		return audit.Actor{Kind: audit.KindWindow, Name: name}
	default:
		return audit.Actor{Kind: audit.KindAdmin, Name: "admin@" + clientAddr(r)}
	}
}

func (s *Server) auditRoutes() {
	s.handle("GET /api/audit", admin, s.listAudit)
	if s.cfg.Exports != nil {
		s.handle("GET /api/audit.csv", admin, s.exportAudit)
		if s.cfg.Invitations != nil {
			s.handle("GET /api/invitations.csv", admin, s.exportInvitations)
		}
		if s.cfg.Orders != nil {
			s.handle("GET /api/orders.csv", admin, s.exportOrders)
		}
	}
}

// auditQuery reads the audit filters: action (repeated or comma-separated),
// actorKind, subject, from and to (a date means its start; to is
// exclusive, and a date there means the end of that day), q, page,
// pageSize.
func auditQuery(v url.Values) (audit.Query, error) {
	q := audit.Query{ActorKind: audit.Kind(v.Get("actorKind")), Subject: v.Get("subject"), Text: v.Get("q")}
	for _, a := range v["action"] {
		for _, one := range strings.Split(a, ",") {
			if one = strings.TrimSpace(one); one == "" {
				continue
			}
			if !audit.Action(one).Valid() {
				return q, Errorf(CodeInvalid, msgUnknownAuditAction, "action", strconv.Quote(one))
			}
			q.Actions = append(q.Actions, audit.Action(one))
		}
	}
	if q.ActorKind != "" && !q.ActorKind.Valid() {
		return q, Errorf(CodeInvalid, msgUnknownActorKind, "kind", strconv.Quote(string(q.ActorKind)))
	}
	var err error
	if q.From, err = filterTime(v, "from", false); err != nil {
		return q, err
	}
	if q.To, err = filterTime(v, "to", true); err != nil {
		return q, err
	}
	q.Page, _ = strconv.Atoi(v.Get("page"))
	q.PageSize, _ = strconv.Atoi(v.Get("pageSize"))
	return q, nil
}

// filterTime reads a date (YYYY-MM-DD, in UTC; as an upper bound the
// day after, so that "to" includes that day) or an RFC 3339 time.
func filterTime(v url.Values, field string, upper bool) (time.Time, error) {
	raw := v.Get(field)
	if raw == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, raw); err == nil {
		if upper {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return t, nil
	}
	return time.Time{}, Errorf(CodeInvalid, msgBadDate, "field", field, "value", strconv.Quote(raw))
}

type auditEntryJSON struct {
	At        time.Time    `json:"at"`
	ActorKind audit.Kind   `json:"actorKind"`
	Actor     string       `json:"actor"`
	Action    audit.Action `json:"action"`
	Subject   string       `json:"subject"`
	Detail    string       `json:"detail"`
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	q, err := auditQuery(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := s.cfg.DB.ListAudit(r.Context(), q)
	if err != nil {
		return err
	}
	items := make([]auditEntryJSON, 0, len(p.Items))
	for _, e := range p.Items {
		items = append(items, auditEntryJSON{At: e.At, ActorKind: e.ActorKind, Actor: e.Actor, Action: e.Action, Subject: e.Subject, Detail: e.Detail})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": p.Total, "page": p.Page, "pageSize": p.PageSize,
		"actions": audit.Actions(), "actorKinds": audit.Kinds()})
	return nil
}

// startCSV sets the headers of a CSV download named name-<date>.csv.
func startCSV(w http.ResponseWriter, name string) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.csv"`, name, time.Now().Format("2006-01-02")))
}

// streamCSV runs an export into the response. An error before the first
// byte is an ordinary error answer; after it the file is cut short (the
// status is sent) and the error is logged.
func (s *Server) streamCSV(w http.ResponseWriter, r *http.Request, name string, export func(*headerOnWrite) error) error {
	hw := &headerOnWrite{w: w, name: name}
	err := export(hw)
	if err != nil && hw.started {
		s.cfg.Log.Error("export cut short", "export", name, "err", err)
		return nil
	}
	return err
}

// headerOnWrite sets the CSV headers on the first write, so that an error
// before any data can still be answered as JSON.
type headerOnWrite struct {
	w       http.ResponseWriter
	name    string
	started bool
}

func (h *headerOnWrite) Write(p []byte) (int, error) {
	if !h.started {
		h.started = true
		startCSV(h.w, h.name)
		h.w.WriteHeader(http.StatusOK)
	}
	return h.w.Write(p)
}

func (s *Server) exportAudit(w http.ResponseWriter, r *http.Request) error {
	q, err := auditQuery(r.URL.Query())
	if err != nil {
		return err
	}
	return s.streamCSV(w, r, "audit", func(out *headerOnWrite) error {
		_, err := s.cfg.Exports.Audit(r.Context(), out, q)
		return err
	})
}

func (s *Server) exportInvitations(w http.ResponseWriter, r *http.Request) error {
	lq, err := invitationListQuery(r.URL.Query())
	if err != nil {
		return err
	}
	return s.streamCSV(w, r, "invitations", func(out *headerOnWrite) error {
		_, err := s.cfg.Exports.Invitations(r.Context(), out, lq)
		return err
	})
}

// exportOrders takes the list's filters; personnummer=1 adds the identity
// columns (audited as an export with personnummer).
func (s *Server) exportOrders(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	lq, err := orderListQuery(v)
	if err != nil {
		return err
	}
	withIdentity := v.Get("personnummer") == "1" || v.Get("personnummer") == "true"
	return s.streamCSV(w, r, "orders", func(out *headerOnWrite) error {
		_, err := s.cfg.Exports.Orders(r.Context(), out, lq, withIdentity)
		return err
	})
}
