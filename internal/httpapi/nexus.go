package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"id06desk/internal/batches"
	"id06desk/internal/i18n"
	"id06desk/internal/nexus"
	"id06desk/internal/order"
)

// BatchService is what the Nexus endpoints need: the batches service
// (internal/batches), which holds the rules.
type BatchService interface {
	Send(ctx context.Context, r batches.Request) ([]batches.Sent, error)
	List(ctx context.Context, q nexus.Query) (nexus.Page, error)
	Batch(ctx context.Context, id string) (nexus.Batch, error)
	BatchOrders(ctx context.Context, b nexus.Batch) ([]order.Order, error)
	Download(ctx context.Context, actor, id, lang string, w io.Writer) error
	// DefaultFolder is where batches go while nexus.folder is empty.
	DefaultFolder() string
}

func (s *Server) nexusRoutes() {
	if s.cfg.Batches == nil {
		return
	}
	s.handle("POST /api/nexus/batches", admin, s.createBatches)
	s.handle("GET /api/nexus/batches", admin, s.listBatches)
	s.handle("GET /api/nexus/batches/{id}", admin, s.getBatch)
	s.handle("GET /api/nexus/batches/{id}/download", admin, s.downloadBatch)
}

// BatchJSON is a batch as the console shows it.
type BatchJSON struct {
	ID             string     `json:"id"`
	CreatedAt      time.Time  `json:"createdAt"`
	CreatedBy      string     `json:"createdBy"`
	OrderCount     int        `json:"orderCount"`
	Profile        string     `json:"profile"`
	Channel        string     `json:"channel"`
	MailedTo       string     `json:"mailedTo,omitempty"`
	MailCount      int        `json:"mailCount"`
	ZipPath        string     `json:"zipPath,omitempty"`
	SummaryPath    string     `json:"summaryPath,omitempty"`
	ZipBytes       int64      `json:"zipBytes"`
	FilesDeletedAt *time.Time `json:"filesDeletedAt,omitempty"`
	DownloadURL    string     `json:"downloadUrl"`
	// PersonalData: the batch's file holds personal data in clear (always
	// true; the UI shows PersonalDataNotice beside it).
	PersonalData bool `json:"personalData"`
}

func batchToJSON(b nexus.Batch) BatchJSON {
	j := BatchJSON{ID: b.ID, CreatedAt: b.CreatedAt, CreatedBy: b.CreatedBy, OrderCount: b.OrderCount, Profile: b.Profile,
		Channel: b.Channel, MailedTo: b.MailedTo, MailCount: b.MailCount, ZipPath: b.ZipPath, SummaryPath: b.SummaryPath,
		ZipBytes: b.ZipBytes, DownloadURL: "/api/nexus/batches/" + b.ID + "/download", PersonalData: true}
	if !b.FilesDeletedAt.IsZero() {
		t := b.FilesDeletedAt
		j.FilesDeletedAt = &t
	}
	return j
}

// personalDataNotice is the warning in the caller's language, with the
// retention days of saved files.
func (s *Server) personalDataNotice(r *http.Request) string {
	days := "30"
	if s.cfg.Settings != nil {
		if v, err := s.cfg.Settings.LoadStored(r.Context()); err == nil {
			days = v.Get("nexus.file_days")
		}
	}
	return batches.PersonalDataNotice.With("days", days).In(i18n.FromRequest(r))
}

func (s *Server) createBatches(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		OrderIDs []string `json:"orderIds"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sent, err := s.cfg.Batches.Send(r.Context(), batches.Request{Actor: s.actor(r), OrderIDs: in.OrderIDs, Lang: string(i18n.FromRequest(r))})
	if err != nil {
		return err
	}
	out := make([]BatchJSON, 0, len(sent))
	orders := 0
	for _, b := range sent {
		out = append(out, batchToJSON(b.Batch))
		orders += b.Batch.OrderCount
	}
	writeJSON(w, http.StatusCreated, map[string]any{"batches": out, "orderCount": orders, "personalDataNotice": s.personalDataNotice(r)})
	return nil
}

func (s *Server) listBatches(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var nq nexus.Query
	nq.Page, _ = strconv.Atoi(q.Get("page"))
	nq.PageSize, _ = strconv.Atoi(q.Get("pageSize"))
	p, err := s.cfg.Batches.List(r.Context(), nq)
	if err != nil {
		return err
	}
	items := make([]BatchJSON, 0, len(p.Items))
	for _, b := range p.Items {
		items = append(items, batchToJSON(b))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": p.Total, "page": p.Page, "pageSize": p.PageSize,
		"personalDataNotice": s.personalDataNotice(r)})
	return nil
}

func (s *Server) getBatch(w http.ResponseWriter, r *http.Request) error {
	b, err := s.cfg.Batches.Batch(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	orders, err := s.cfg.Batches.BatchOrders(r.Context(), b)
	if err != nil {
		return err
	}
	list := make([]OrderJSON, 0, len(orders))
	for _, o := range orders {
		list = append(list, OrderToJSON(o, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"batch": batchToJSON(b), "orders": list, "personalDataNotice": s.personalDataNotice(r)})
	return nil
}

// downloadBatch streams the batch's zip. The batch is looked up first so
// that an unknown one is a JSON error; once the zip streams, a failure
// can only cut it short (and is logged).
func (s *Server) downloadBatch(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := s.cfg.Batches.Batch(r.Context(), id); err != nil {
		return err
	}
	cw := &commitWriter{w: w, name: batches.ZipName(id)}
	err := s.cfg.Batches.Download(r.Context(), s.actor(r), id, string(i18n.FromRequest(r)), cw)
	if err != nil && cw.started {
		s.cfg.Log.Error("batch download cut short", "err", err)
		return nil
	}
	return err
}

// commitWriter writes the download's headers on the first byte, so an
// error found before it is still answered as JSON.
type commitWriter struct {
	w       http.ResponseWriter
	name    string
	started bool
}

func (c *commitWriter) Write(p []byte) (int, error) {
	if !c.started {
		c.started = true
		h := c.w.Header()
		h.Set("Content-Type", "application/zip")
		h.Set("Content-Disposition", `attachment; filename="`+c.name+`"`)
		// Personal data: never kept by a shared cache.
		h.Set("Cache-Control", "private, no-store")
		c.w.WriteHeader(http.StatusOK)
	}
	return c.w.Write(p)
}

// nexusError maps the batches' errors; nil when err is none of them.
func nexusError(err error) *Error {
	var nr *nexus.NotReadyError
	var pe *nexus.PhotoError
	var de *batches.DeliveryError
	switch {
	case errors.As(err, &nr):
		return &Error{Code: CodeNexusNotReady, Message: nr.Msg(), Details: map[string]string{"orderId": nr.OrderID, "status": string(nr.Status), "batchId": nr.BatchID}}
	case errors.As(err, &pe):
		return &Error{Code: CodeNexusPhoto, Message: pe.Msg(), Details: map[string]string{"orderId": pe.OrderID}}
	case errors.Is(err, batches.ErrNothingReady):
		return &Error{Code: CodeNothingReady, Message: messageOf(err, msgConflict)}
	case errors.Is(err, batches.ErrNotConfigured):
		return &Error{Code: CodeNotConfigured, Message: messageOf(err, msgNotConfigured)}
	case errors.Is(err, batches.ErrPurged):
		return &Error{Code: CodeNexusPurged, Message: messageOf(err, msgConflict)}
	case errors.As(err, &de):
		return &Error{Code: CodeNexusDelivery, Message: de.Msg(), Details: map[string]string{"batchId": de.BatchID}, Err: de.Err}
	case errors.Is(err, nexus.ErrBatchNotFound):
		return Errorf(CodeNotFound, msgNoBatch)
	case errors.Is(err, order.ErrNotFound):
		return Errorf(CodeNotFound, msgNoOrder)
	}
	return nil
}
