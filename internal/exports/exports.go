package exports

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"

	"id06desk/internal/audit"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/outbox"
)

// Store is what the exports read and where they are audited.
type Store interface {
	// EachInvitation, EachOrder and EachAudit hand every row the query
	// selects (paging ignored), in the list's order, to fn.
	EachInvitation(ctx context.Context, q invite.ListQuery, fn func(invite.Invitation) error) error
	EachOrder(ctx context.Context, q order.ListQuery, fn func(order.Order) error) error
	EachAudit(ctx context.Context, q audit.Query, fn func(audit.Entry) error) error
	// Audit records the export (actor from ctx).
	Audit(ctx context.Context, actor string, action audit.Action, subject, detail string) error
}

// Service writes the exports.
type Service struct{ store Store }

// New returns a Service.
func New(st Store) *Service { return &Service{store: st} }

// InvitationColumns are the invitation export's columns.
var InvitationColumns = []string{"id", "code", "email", "name", "card_type", "industry", "language", "status",
	"created_at", "updated_at", "expires_at", "mail_error"}

// OrderColumns are the order export's columns; OrderIdentityColumns
// follow them only when the personnummer is asked for.
var (
	OrderColumns = []string{"id", "invitation_id", "status", "first_name", "last_name", "email", "phone", "nationality",
		"card_type", "industry", "language", "identity_method", "identity_check", "identity_checked_at",
		"registered_at", "registered_where", "registered_kiosk", "updated_at", "purged_at"}
	OrderIdentityColumns = []string{"personnummer", "birth_date", "id_number"}
)

// AuditColumns are the audit export's columns.
var AuditColumns = []string{"at", "actor_kind", "actor", "action", "subject", "detail"}

// Invitations writes the invitations q selects (paging ignored) as CSV
// to w, after auditing the export. It returns how many rows it wrote.
func (s *Service) Invitations(ctx context.Context, w io.Writer, q invite.ListQuery) (int, error) {
	detail := filter("status", string(q.Status), "cardType", q.CardType, "q", q.Text)
	if err := s.store.Audit(ctx, "", audit.InvitationsExported, "", detail); err != nil {
		return 0, fmt.Errorf("export invitations: %w", err)
	}
	cw, err := NewWriter(w, InvitationColumns)
	if err != nil {
		return 0, err
	}
	err = s.store.EachInvitation(ctx, q, func(i invite.Invitation) error {
		return cw.Row(i.ID, invite.FormatCode(i.Code), i.Email, i.Name, i.CardType, i.Industry, i.Language, string(i.Status),
			Time(i.CreatedAt), Time(i.UpdatedAt), Time(i.ExpiresAt), outbox.ParseFailure(i.LastError).Code)
	})
	if err != nil {
		return cw.Rows(), fmt.Errorf("export invitations: %w", err)
	}
	return cw.Rows(), cw.Close()
}

// Orders writes the orders q selects (paging ignored) as CSV to w, after
// auditing the export; withIdentity adds the personnummer, birth date and
// ID number, and the audit line says so. No photo is ever exported.
func (s *Service) Orders(ctx context.Context, w io.Writer, q order.ListQuery, withIdentity bool) (int, error) {
	detail := filter("status", string(q.Status), "q", q.Text)
	if withIdentity {
		detail = strings.TrimPrefix(detail+"; with personnummer", "; ")
	}
	if err := s.store.Audit(ctx, "", audit.OrdersExported, "", detail); err != nil {
		return 0, fmt.Errorf("export orders: %w", err)
	}
	cols := OrderColumns
	if withIdentity {
		cols = append(append([]string{}, OrderColumns...), OrderIdentityColumns...)
	}
	cw, err := NewWriter(w, cols)
	if err != nil {
		return 0, err
	}
	err = s.store.EachOrder(ctx, q, func(o order.Order) error {
		cells := []string{o.ID, o.InvitationID, string(o.Status), o.FirstName, o.LastName, o.Email, o.Phone, o.Nationality,
			o.CardType, o.Industry, o.Language, o.IdentityMethod, o.IdentityCheck, Time(o.IdentityCheckedAt),
			Time(o.RegisteredAt), o.RegisteredWhere, o.RegisteredKiosk, Time(o.UpdatedAt), Time(o.PurgedAt)}
		if withIdentity {
			cells = append(cells, o.Personnummer, o.BirthDate, o.IDNumber)
		}
		return cw.Row(cells...)
	})
	if err != nil {
		return cw.Rows(), fmt.Errorf("export orders: %w", err)
	}
	return cw.Rows(), cw.Close()
}

// Audit writes the audit lines q selects (paging ignored), newest first,
// as CSV to w, after auditing the export itself.
func (s *Service) Audit(ctx context.Context, w io.Writer, q audit.Query) (int, error) {
	var actions []string
	for _, a := range q.Actions {
		actions = append(actions, string(a))
	}
	detail := filter("action", strings.Join(actions, ","), "actorKind", string(q.ActorKind), "subject", q.Subject,
		"from", Time(q.From), "to", Time(q.To), "q", q.Text)
	if err := s.store.Audit(ctx, "", audit.AuditExported, "", detail); err != nil {
		return 0, fmt.Errorf("export audit log: %w", err)
	}
	cw, err := NewWriter(w, AuditColumns)
	if err != nil {
		return 0, err
	}
	err = s.store.EachAudit(ctx, q, func(e audit.Entry) error {
		return cw.Row(Time(e.At), string(e.ActorKind), e.Actor, string(e.Action), e.Subject, e.Detail)
	})
	if err != nil {
		return cw.Rows(), fmt.Errorf("export audit log: %w", err)
	}
	return cw.Rows(), cw.Close()
}

// filter names an export's filter for its audit line ("status=ready").
// The free text is left out: it may be a name or a personnummer someone
// searched for; the line says only that there was one.
func filter(kv ...string) string {
	var parts []string
	for i := 0; i+1 < len(kv); i += 2 {
		k, v := kv[i], kv[i+1]
		if v == "" {
			continue
		}
		if k == "q" {
			parts = append(parts, "q=(text)")
			continue
		}
		parts = append(parts, k+"="+url.QueryEscape(v))
	}
	return strings.Join(parts, " ")
}
