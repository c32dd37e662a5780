package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"id06desk/internal/order"
)

// OrderStore is what the order endpoints need: the orders service
// (internal/orders), which holds the rules.
type OrderStore interface {
	ListOrders(ctx context.Context, q order.ListQuery) (order.Page, error)
	GetOrder(ctx context.Context, id string) (order.Order, error)
	// ViewOrder is GetOrder for showing its personal data: audited.
	ViewOrder(ctx context.Context, id string) (order.Order, error)
	RecordIdentityCheck(ctx context.Context, actor, id string) (order.Order, error)
}

func (s *Server) orderRoutes() {
	if s.cfg.Orders == nil {
		return
	}
	s.handle("GET /api/orders", admin, s.listOrders)
	s.handle("GET /api/orders/{id}", admin, s.getOrder)
	s.handle("GET /api/orders/{id}/photo.jpg", admin, s.orderImage(false))
	s.handle("GET /api/orders/{id}/thumb.jpg", admin, s.orderImage(true))
	s.handle("POST /api/orders/{id}/identity-check", admin, s.orderIdentityCheck)
}

// OrderJSON is an order as the console shows it. Detail adds the personal
// identity fields; the list leaves them out.
type OrderJSON struct {
	ID                string          `json:"id"`
	InvitationID      string          `json:"invitationId"`
	FirstName         string          `json:"firstName"`
	LastName          string          `json:"lastName"`
	Email             string          `json:"email"`
	CardType          string          `json:"cardType"`
	Industry          string          `json:"industry"`
	Status            order.Status    `json:"status"`
	IdentityMethod    string          `json:"identityMethod"`
	IdentityCheck     string          `json:"identityCheck"`
	RegisteredAt      time.Time       `json:"registeredAt"`
	RegisteredWhere   string          `json:"registeredWhere"`
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
		RegisteredAt: o.RegisteredAt, RegisteredWhere: o.RegisteredWhere,
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
	lq := order.ListQuery{Status: order.Status(q.Get("status")), Text: q.Get("q")}
	if lq.Status != "" && !lq.Status.Valid() {
		return lq, Errorf(CodeInvalid, msgUnknownOrderStatus, "status", strconv.Quote(q.Get("status")))
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

func (s *Server) getOrder(w http.ResponseWriter, r *http.Request) error {
	o, err := s.cfg.Orders.ViewOrder(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, OrderToJSON(o, true))
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
	o, err := s.cfg.Orders.RecordIdentityCheck(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, OrderToJSON(o, true))
	return nil
}
