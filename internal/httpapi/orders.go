package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"id06desk/internal/i18n"
	"id06desk/internal/order"
	"id06desk/internal/orders"
)

// OrderStore is what the order endpoints need: the orders service
// (internal/orders), which holds the rules.
type OrderStore interface {
	ListOrders(ctx context.Context, q order.ListQuery) (order.Page, error)
	GetOrder(ctx context.Context, id string) (order.Order, error)
	// ViewOrder is GetOrder for showing its personal data: audited.
	ViewOrder(ctx context.Context, id string) (order.Order, error)
	RecordIdentityCheck(ctx context.Context, actor, id string) (order.Order, error)
	// ViewDetail is Detail for showing its personal data: audited.
	ViewDetail(ctx context.Context, id string) (orders.Detail, error)
	Detail(ctx context.Context, id string) (orders.Detail, error)
	Edit(ctx context.Context, actor, id string, e orders.Edit) (order.Order, error)
	RejectToCardholder(ctx context.Context, actor, id string, reason order.Reason, note string) (order.Order, error)
	RecordStatus(ctx context.Context, actor string, c orders.StatusChange) (int, error)
}

func (s *Server) orderRoutes() {
	if s.cfg.Orders == nil {
		return
	}
	s.handle("GET /api/orders", admin, s.listOrders)
	s.handle("GET /api/orders/{id}", admin, s.getOrder)
	s.handle("PATCH /api/orders/{id}", admin, s.editOrder)
	s.handle("POST /api/orders/{id}/reject", admin, s.rejectOrder)
	s.handle("POST /api/orders/status", admin, s.recordOrderStatus)
	s.handle("GET /api/orders/{id}/photo.jpg", admin, s.orderImage(false))
	s.handle("GET /api/orders/{id}/thumb.jpg", admin, s.orderImage(true))
	s.handle("POST /api/orders/{id}/identity-check", admin, s.orderIdentityCheck)
}

// OrderJSON is an order as the console shows it. Detail adds the personal
// identity fields; the list leaves them out.
type OrderJSON struct {
	ID              string       `json:"id"`
	InvitationID    string       `json:"invitationId"`
	FirstName       string       `json:"firstName"`
	LastName        string       `json:"lastName"`
	Email           string       `json:"email"`
	CardType        string       `json:"cardType"`
	Industry        string       `json:"industry"`
	Status          order.Status `json:"status"`
	IdentityMethod  string       `json:"identityMethod"`
	IdentityCheck   string       `json:"identityCheck"`
	RegisteredAt    time.Time    `json:"registeredAt"`
	RegisteredWhere string       `json:"registeredWhere"`
	// RegisteredKiosk is the paired kiosk whose bundle brought it.
	RegisteredKiosk   string          `json:"registeredKiosk,omitempty"`
	Personnummer      string          `json:"personnummer,omitempty"`
	BirthDate         string          `json:"birthDate,omitempty"`
	Nationality       string          `json:"nationality,omitempty"`
	IDNumber          string          `json:"idNumber,omitempty"`
	Phone             string          `json:"phone,omitempty"`
	Language          string          `json:"language,omitempty"`
	Delivery          *order.Delivery `json:"delivery,omitempty"`
	IdentityCheckedAt *time.Time      `json:"identityCheckedAt,omitempty"`
	PurgedAt          *time.Time      `json:"purgedAt,omitempty"`
	// NameMismatch: the name on the order is not the invitation's name
	// (order.Order.NameDiffers); InvitationName is that name.
	NameMismatch   bool   `json:"nameMismatch"`
	InvitationName string `json:"invitationName"`
	// NexusBatchID is the batch the order was sent to Nexus in.
	NexusBatchID string `json:"nexusBatchId,omitempty"`
}

// OrderToJSON converts an order; detail includes the personal data.
func OrderToJSON(o order.Order, detail bool) OrderJSON {
	j := OrderJSON{ID: o.ID, InvitationID: o.InvitationID, FirstName: o.FirstName, LastName: o.LastName, Email: o.Email,
		CardType: o.CardType, Industry: o.Industry, Status: o.Status, IdentityMethod: o.IdentityMethod, IdentityCheck: o.IdentityCheck,
		RegisteredAt: o.RegisteredAt, RegisteredWhere: o.RegisteredWhere, RegisteredKiosk: o.RegisteredKiosk,
		NameMismatch: o.NameDiffers(), InvitationName: o.InvitationName, NexusBatchID: o.NexusBatchID}
	if detail {
		j.Personnummer, j.BirthDate, j.Nationality, j.IDNumber = o.Personnummer, o.BirthDate, o.Nationality, o.IDNumber
		j.Phone, j.Language = o.Phone, o.Language
		d := o.Delivery
		j.Delivery = &d
		if !o.PurgedAt.IsZero() {
			t := o.PurgedAt
			j.PurgedAt = &t
		}
		if !o.IdentityCheckedAt.IsZero() {
			t := o.IdentityCheckedAt
			j.IdentityCheckedAt = &t
		}
	}
	return j
}

// orderListQuery reads the list's filters (the list and its CSV export
// take the same ones).
func orderListQuery(q url.Values) (order.ListQuery, error) {
	lq := order.ListQuery{Status: order.Status(q.Get("status")), Text: q.Get("q"), CardType: q.Get("cardType"),
		Industry: q.Get("industry"), Where: q.Get("where")}
	if lq.Status != "" && !lq.Status.Valid() {
		return lq, Errorf(CodeInvalid, msgUnknownOrderStatus, "status", strconv.Quote(q.Get("status")))
	}
	// from and to are calendar days (YYYY-MM-DD) in the local time zone,
	// both included.
	for _, d := range []struct {
		name string
		dst  *time.Time
		add  int
	}{{"from", &lq.From, 0}, {"to", &lq.To, 1}} {
		v := q.Get(d.name)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, v, time.Local)
		if err != nil {
			m := msgDateQuery.With("name", d.name)
			return lq, &Error{Code: CodeInvalid, Message: m, Fields: map[string]i18n.Message{d.name: m}}
		}
		*d.dst = t.AddDate(0, 0, d.add)
	}
	lq.Page, _ = strconv.Atoi(q.Get("page"))
	lq.PageSize, _ = strconv.Atoi(q.Get("pageSize"))
	return lq, nil
}

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request) error {
	lq, err := orderListQuery(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := s.cfg.Orders.ListOrders(r.Context(), lq)
	if err != nil {
		return err
	}
	items := make([]OrderJSON, 0, len(p.Items))
	for _, o := range p.Items {
		items = append(items, OrderToJSON(o, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": p.Total, "page": p.Page, "pageSize": p.PageSize, "counts": p.Counts})
	return nil
}

// OrderDetailJSON is an order with its personal data, its timeline and
// what the admin may do with it now.
type OrderDetailJSON struct {
	OrderJSON
	CostCentre string `json:"costCentre"`
	// IdentityProof is BankID, BankID + passport, or manual + the scanning
	// partner (IdentityPartner names it).
	IdentityProof   string           `json:"identityProof"`
	IdentityPartner string           `json:"identityPartner"`
	ReopenReason    order.Reason     `json:"reopenReason,omitempty"`
	ReopenNote      string           `json:"reopenNote,omitempty"`
	Events          []EventJSON      `json:"events"`
	Actions         OrderActionsJSON `json:"actions"`
}

// OrderActionsJSON says what the admin may do with an order now.
type OrderActionsJSON struct {
	Next      []order.Status `json:"next"`
	Edit      bool           `json:"edit"`
	EditNames bool           `json:"editNames"`
	Reject    bool           `json:"reject"`
}

// EventJSON is one line of a timeline.
type EventJSON struct {
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
	Detail string    `json:"detail,omitempty"`
}

func detailJSON(d orders.Detail) OrderDetailJSON {
	j := OrderDetailJSON{OrderJSON: OrderToJSON(d.Order, true), CostCentre: d.Order.CostCentre,
		IdentityProof: d.Order.IdentityProof(), IdentityPartner: d.Partner,
		ReopenReason: d.Order.ReopenReason, ReopenNote: d.Order.ReopenNote, Events: []EventJSON{},
		Actions: OrderActionsJSON{Next: d.Actions.Next, Edit: d.Actions.Edit, EditNames: d.Actions.EditNames, Reject: d.Actions.Reject}}
	for _, e := range d.Events {
		j.Events = append(j.Events, EventJSON{At: e.At, Kind: e.Kind, Detail: e.Detail})
	}
	return j
}

// writeOrderDetail answers with the order's detail after a change.
func (s *Server) writeOrderDetail(w http.ResponseWriter, r *http.Request, id string) error {
	d, err := s.cfg.Orders.Detail(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, detailJSON(d))
	return nil
}

// getOrder shows an order's personal data: audited (order.viewed).
func (s *Server) getOrder(w http.ResponseWriter, r *http.Request) error {
	d, err := s.cfg.Orders.ViewDetail(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, detailJSON(d))
	return nil
}

// orderEditJSON is the admin's correction: absent fields stay as they
// are. The personnummer, birth date and nationality are not among them.
type orderEditJSON struct {
	Phone      *string         `json:"phone"`
	Delivery   *order.Delivery `json:"delivery"`
	CostCentre *string         `json:"costCentre"`
	FirstName  *string         `json:"firstName"`
	LastName   *string         `json:"lastName"`
}

func (s *Server) editOrder(w http.ResponseWriter, r *http.Request) error {
	var in orderEditJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := s.cfg.Orders.Edit(r.Context(), s.actor(r), id, orders.Edit{Phone: in.Phone, Delivery: in.Delivery,
		CostCentre: in.CostCentre, FirstName: in.FirstName, LastName: in.LastName}); err != nil {
		return err
	}
	return s.writeOrderDetail(w, r, id)
}

func (s *Server) rejectOrder(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason order.Reason `json:"reason"`
		Note   string       `json:"note"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := s.cfg.Orders.RejectToCardholder(r.Context(), s.actor(r), id, in.Reason, in.Note); err != nil {
		return err
	}
	return s.writeOrderDetail(w, r, id)
}

func (s *Server) recordOrderStatus(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		IDs    []string     `json:"ids"`
		Status order.Status `json:"status"`
		Reason string       `json:"reason"`
		Date   string       `json:"date"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	n, err := s.cfg.Orders.RecordStatus(r.Context(), s.actor(r), orders.StatusChange{IDs: in.IDs, Status: in.Status, Reason: in.Reason, Date: in.Date})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"changed": n})
	return nil
}

// orderError maps the orders service's errors to API errors; nil when err
// is none of them.
func orderError(err error) *Error {
	var fe orders.FieldErrors
	var refused *orders.RefusedError
	var unknown *orders.UnknownOrdersError
	switch {
	case errors.As(err, &fe):
		return &Error{Code: CodeInvalid, Message: msgFieldsInvalid.With(), Fields: map[string]i18n.Message(fe)}
	case errors.As(err, &refused):
		return &Error{Code: CodeConflict, Message: refused.Msg, Details: map[string]string{"orders": strings.Join(refused.IDs, ",")}}
	case errors.As(err, &unknown):
		return &Error{Code: CodeNotFound, Message: unknown.Msg(), Details: map[string]string{"orders": strings.Join(unknown.IDs, ",")}}
	case errors.Is(err, order.ErrTransition):
		return &Error{Code: CodeConflict, Message: messageOf(err, msgConflict)}
	}
	return nil
}

func (s *Server) orderImage(thumb bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		o, err := s.cfg.Orders.GetOrder(r.Context(), r.PathValue("id"))
		if err != nil {
			return err
		}
		img := o.Photo
		if thumb {
			img = o.Thumb
		}
		if len(img) == 0 {
			return Errorf(CodeNotFound, msgPhotoPurged)
		}
		writeJPEG(w, img)
		return nil
	}
}

func (s *Server) orderIdentityCheck(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := s.cfg.Orders.RecordIdentityCheck(r.Context(), s.actor(r), id); err != nil {
		return err
	}
	return s.writeOrderDetail(w, r, id)
}
