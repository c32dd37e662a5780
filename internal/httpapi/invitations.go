package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/invitations"
	"id06desk/internal/invite"
	"id06desk/internal/outbox"
	"id06desk/internal/qr"
	"id06desk/internal/settings"
	"id06desk/internal/smtpout"
)

func (s *Server) invitationRoutes() {
	if s.cfg.Invitations == nil {
		return
	}
	s.handle("GET /api/settings", admin, s.getSettings)
	s.handle("PUT /api/settings", admin, s.putSettings)
	s.handle("POST /api/settings/test-mail", admin, s.testMail)
	s.handle("GET /api/catalog", admin, s.getCatalog)
	s.handle("PUT /api/catalog", admin, s.putCatalog)
	s.handle("GET /api/invitations", admin, s.listInvitations)
	s.handle("POST /api/invitations", admin, s.createInvitations)
	s.handle("POST /api/invitations/validate", admin, s.validateInvitations)
	s.handle("POST /api/invitations/parse-csv", admin, s.parseCSV, takes(invitations.MaxCSVBytes, "text/csv"))
	s.handle("GET /api/invitations/{id}", admin, s.getInvitation)
	s.handle("DELETE /api/invitations/{id}", admin, s.deleteInvitation)
	s.handle("GET /api/invitations/{id}/qr.png", admin, s.invitationQR)
	s.handle("POST /api/invitations/{id}/{action}", admin, s.invitationAction)
	s.handle("GET /api/outbox/status", admin, s.outboxStatus)
}

// actor names who did something, for the services that still take the
// actor's name (the request's actor, actorOf).
func (s *Server) actor(r *http.Request) string {
	return audit.ActorFrom(r.Context()).Name
}

func (s *Server) settingsBody(w http.ResponseWriter, r *http.Request) error {
	v, err := s.cfg.Settings.Load(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"values": v.Public(), "defs": s.settingDefs()})
	return nil
}

// settingDefs is settings.Defs with the defaults only this install knows:
// nexus.folder's is the folder batches go to while it is empty (it depends
// on the data dir and the user's documents folder).
func (s *Server) settingDefs() []settings.Def {
	if s.cfg.Batches == nil {
		return settings.Defs
	}
	defs := slices.Clone(settings.Defs)
	for i := range defs {
		if defs[i].Key == "nexus.folder" {
			defs[i].Default = s.cfg.Batches.DefaultFolder()
		}
	}
	return defs
}

func (s *Server) getSettings(w http.ResponseWriter, r *http.Request) error {
	return s.settingsBody(w, r)
}

func (s *Server) putSettings(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Values map[string]string `json:"values"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.cfg.Settings.Set(r.Context(), s.actor(r), in.Values); err != nil {
		return err
	}
	return s.settingsBody(w, r)
}

func (s *Server) testMail(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		To   string `json:"to"`
		Lang string `json:"lang"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	to, err := invite.NormalizeEmail(in.To)
	if err != nil {
		return &Error{Code: CodeInvalid, Message: msgTestMailTo.With(), Fields: map[string]i18n.Message{"to": msgEmailInvalid.With()}}
	}
	if in.Lang != "en" {
		in.Lang = "sv"
	}
	v, err := s.cfg.Settings.Load(r.Context())
	if err != nil {
		return err
	}
	reply, err := smtpout.SendTestMail(r.Context(), v, in.Lang, to, s.cfg.SMTPTLS)
	if errors.Is(err, smtpout.ErrNotConfigured) {
		return err
	}
	if err != nil {
		_, why := smtpout.Classify(err)
		return &Error{Code: CodeMailFailed, Message: smtpout.FailureMessage(why), Err: err,
			Details: map[string]string{"reason": why.Code, "detail": why.Detail}}
	}
	writeJSON(w, http.StatusOK, map[string]string{"reply": reply})
	return nil
}

func (s *Server) getCatalog(w http.ResponseWriter, r *http.Request) error {
	cat, err := s.cfg.Invitations.Catalog(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cat)
	return nil
}

func (s *Server) putCatalog(w http.ResponseWriter, r *http.Request) error {
	var cat invite.Catalog
	if err := decodeJSON(r, &cat); err != nil {
		return err
	}
	if err := s.cfg.Invitations.SaveCatalog(r.Context(), s.actor(r), cat); err != nil {
		return err
	}
	return s.getCatalog(w, r)
}

type invitationJSON struct {
	ID        string `json:"id"`
	Code      string `json:"code"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	CardType  string `json:"cardType"`
	Industry  string `json:"industry"`
	Language  string `json:"language"`
	Status    string `json:"status"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
	ExpiresAt string `json:"expiresAt"`
	mailFailureJSON
}

// mailFailureJSON is why a mail was not delivered, in the caller's language
// (lastError), with its code and the mail server's own words (detail).
type mailFailureJSON struct {
	LastError       string `json:"lastError"`
	LastErrorCode   string `json:"lastErrorCode,omitempty"`
	LastErrorDetail string `json:"lastErrorDetail,omitempty"`
}

func toMailFailureJSON(f outbox.Failure, lang i18n.Lang) mailFailureJSON {
	if f.IsZero() {
		return mailFailureJSON{}
	}
	return mailFailureJSON{LastError: smtpout.FailureMessage(f).In(lang), LastErrorCode: f.Code, LastErrorDetail: f.Detail}
}

func toInvitationJSON(i invite.Invitation, lang i18n.Lang) invitationJSON {
	return invitationJSON{ID: i.ID, Code: invite.FormatCode(i.Code), Email: i.Email, Name: i.Name, CardType: i.CardType, Industry: i.Industry,
		Language: i.Language, Status: string(i.Status), CreatedAt: i.CreatedAt.Format(time.RFC3339), UpdatedAt: i.UpdatedAt.Format(time.RFC3339),
		ExpiresAt: i.ExpiresAt.Format(time.RFC3339), mailFailureJSON: toMailFailureJSON(outbox.ParseFailure(i.LastError), lang)}
}

// rowResultJSON is an invitations.RowResult in the caller's language.
type rowResultJSON struct {
	Index  int                     `json:"index"`
	OK     bool                    `json:"ok"`
	Errors map[string]rowErrorJSON `json:"errors"`
}

type rowErrorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func toRowsJSON(rows []invitations.RowResult, lang i18n.Lang) []rowResultJSON {
	out := make([]rowResultJSON, len(rows))
	for i, r := range rows {
		out[i] = rowResultJSON{Index: r.Index, OK: r.OK, Errors: make(map[string]rowErrorJSON, len(r.Errors))}
		for f, e := range r.Errors {
			out[i].Errors[f] = rowErrorJSON{Code: e.Code, Message: e.Msg.In(lang)}
		}
	}
	return out
}

// invitationListQuery reads the list's filters (the list and its CSV
// export take the same ones).
func invitationListQuery(q url.Values) (invite.ListQuery, error) {
	lq := invite.ListQuery{CardType: q.Get("cardType"), Text: q.Get("q"), Sort: q.Get("sort"), Desc: q.Get("dir") != "asc"}
	if st := q.Get("status"); st != "" {
		parsed, err := invite.ParseStatus(st)
		if err != nil {
			return lq, Errorf(CodeBadRequest, msgUnknownStatus, "status", strconv.Quote(st))
		}
		lq.Status = parsed
	}
	lq.Page, _ = strconv.Atoi(q.Get("page"))
	lq.PageSize, _ = strconv.Atoi(q.Get("pageSize"))
	return lq, nil
}

func (s *Server) listInvitations(w http.ResponseWriter, r *http.Request) error {
	lq, err := invitationListQuery(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := s.cfg.Invitations.List(r.Context(), lq)
	if err != nil {
		return err
	}
	lang := i18n.FromRequest(r)
	items := make([]invitationJSON, 0, len(page.Items))
	for _, i := range page.Items {
		items = append(items, toInvitationJSON(i, lang))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": page.Total, "page": page.Page, "pageSize": page.PageSize, "counts": page.Counts})
	return nil
}

type rowsBody struct {
	Rows []invitations.Row `json:"rows"`
	Send bool              `json:"send"`
}

func (s *Server) validateInvitations(w http.ResponseWriter, r *http.Request) error {
	var in rowsBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if len(in.Rows) > invitations.MaxBatch {
		return Errorf(CodeTooLarge, msgTooManyRows, "max", invitations.MaxBatch)
	}
	_, res, err := s.cfg.Invitations.Validate(r.Context(), in.Rows)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"rows": toRowsJSON(res, i18n.FromRequest(r))})
	return nil
}

func (s *Server) createInvitations(w http.ResponseWriter, r *http.Request) error {
	var in rowsBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if len(in.Rows) == 0 {
		return Errorf(CodeInvalid, msgNoRows)
	}
	if len(in.Rows) > invitations.MaxBatch {
		return Errorf(CodeTooLarge, msgTooManyRows, "max", invitations.MaxBatch)
	}
	created, err := s.cfg.Invitations.Create(r.Context(), s.actor(r), in.Rows, in.Send)
	var bad *invitations.InvalidRowsError
	if errors.As(err, &bad) {
		n := 0
		for _, row := range bad.Rows {
			if !row.OK {
				n++
			}
		}
		lang := i18n.FromRequest(r)
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"error": Errorf(CodeInvalid, msgRowsInvalid, "bad", n, "total", len(bad.Rows)).In(lang),
			"rows":  toRowsJSON(bad.Rows, lang),
		})
		return nil
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"created": created})
	return nil
}

// parseCSV reads the whole file first: a file over the route's limit is
// 413 naming the limit, not a "line 0" error of the parser.
func (s *Server) parseCSV(w http.ResponseWriter, r *http.Request) error {
	data, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		e := tooLarge(mbe.Limit)
		e.Message = msgCSVTooLarge.With("limit", humanBytes(mbe.Limit))
		return e
	}
	if err != nil {
		return fmt.Errorf("read CSV upload: %w", err)
	}
	rows, errs, err := s.cfg.Invitations.ImportCSV(r.Context(), bytes.NewReader(data))
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []invitations.Row{}
	}
	type lineErrorJSON struct {
		Line    int    `json:"line"`
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	lang := i18n.FromRequest(r)
	out := make([]lineErrorJSON, len(errs))
	for i, e := range errs {
		out[i] = lineErrorJSON{Line: e.Line, Code: e.Msg.Code(), Message: e.Msg.In(lang)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"rows": rows, "errors": out})
	return nil
}

func (s *Server) writeDetail(w http.ResponseWriter, r *http.Request, id string) error {
	d, err := s.cfg.Invitations.Get(r.Context(), id)
	if err != nil {
		return err
	}
	type ev struct {
		At      string `json:"at"`
		Kind    string `json:"kind"`
		Message string `json:"message,omitempty"` // in the caller's language
		Detail  string `json:"detail,omitempty"`  // as recorded (a mail server's reply, a date)
	}
	lang := i18n.FromRequest(r)
	evs := make([]ev, 0, len(d.Events))
	for _, e := range d.Events {
		out := ev{At: e.At.Format(time.RFC3339), Kind: e.Kind, Detail: e.Detail}
		if e.Kind == invite.EventSendRetry || e.Kind == invite.EventSendFailed {
			f := toMailFailureJSON(outbox.ParseFailure(e.Detail), lang)
			out.Message, out.Detail = f.LastError, f.LastErrorDetail
		}
		evs = append(evs, out)
	}
	actions := d.Actions
	if actions == nil {
		actions = []string{}
	}
	writeJSON(w, http.StatusOK, struct {
		invitationJSON
		Link    string   `json:"link"` // "" once revoked, expired or registered
		OrderID string   `json:"orderId"`
		Actions []string `json:"actions"`
		Events  []ev     `json:"events"`
	}{toInvitationJSON(d.Invitation, lang), d.Link, d.OrderID, actions, evs})
	return nil
}

func (s *Server) getInvitation(w http.ResponseWriter, r *http.Request) error {
	return s.writeDetail(w, r, r.PathValue("id"))
}

func (s *Server) deleteInvitation(w http.ResponseWriter, r *http.Request) error {
	if err := s.cfg.Invitations.Delete(r.Context(), s.actor(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) invitationAction(w http.ResponseWriter, r *http.Request) error {
	id, action, actor := r.PathValue("id"), r.PathValue("action"), s.actor(r)
	svc := s.cfg.Invitations
	var err error
	switch action {
	case "send":
		err = svc.Send(r.Context(), actor, id)
	case "resend":
		err = svc.Resend(r.Context(), actor, id)
	case "revoke":
		err = svc.Revoke(r.Context(), actor, id)
	case "extend":
		var in struct {
			Days int `json:"days"`
		}
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
		err = svc.Extend(r.Context(), actor, id, in.Days)
	default:
		return Errorf(CodeNotFound, msgUnknownAction, "action", strconv.Quote(action))
	}
	if err != nil {
		return err
	}
	return s.writeDetail(w, r, id)
}

func (s *Server) invitationQR(w http.ResponseWriter, r *http.Request) error {
	d, err := s.cfg.Invitations.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if d.Link == "" {
		return Errorf(CodeNoLink, msgNoLink)
	}
	png, err := qr.Link(d.Link)
	if err != nil {
		return err
	}
	writePNG(w, png)
	return nil
}

func (s *Server) outboxStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := s.cfg.Outbox.Status(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Configured bool `json:"configured"`
		Pending    int  `json:"pending"`
		Failed     int  `json:"failed"`
		mailFailureJSON
	}{st.Configured, st.Pending, st.Failed, toMailFailureJSON(st.LastError, i18n.FromRequest(r))})
	return nil
}
