// Package invitations is the admin's invitation service (seed: "For the
// administrator", steps 1–5): it validates batches of cardholders, signs
// their tokens, renders their mails into the outbox in the same
// transaction, and carries out resend, revoke, extend and delete.
package invitations

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/identity"
	"id06desk/internal/invite"
	"id06desk/internal/mail"
	"id06desk/internal/order"
	"id06desk/internal/outbox"
	"id06desk/internal/settings"
	"id06desk/internal/token"
)

// Store is what the service needs from storage.
type Store interface {
	LoadCatalog(ctx context.Context) (invite.Catalog, error)
	SaveCatalog(ctx context.Context, actor string, cat invite.Catalog) error
	CreateInvitations(ctx context.Context, actor string, invs []invite.Invitation, mails []*outbox.Message) error
	// EmailsIn returns which of emails have an invitation in one of
	// statuses.
	EmailsIn(ctx context.Context, emails []string, statuses []invite.Status) (map[string]bool, error)
	ListInvitations(ctx context.Context, q invite.ListQuery) (invite.Page, error)
	GetInvitation(ctx context.Context, id string) (invite.Invitation, []invite.Event, error)
	UpdateInvitation(ctx context.Context, id string, fn func(inv *invite.Invitation) (invite.Change, error)) (invite.Invitation, error)
	DeleteInvitation(ctx context.Context, id string, fn func(inv invite.Invitation) ([]audit.Entry, error)) error
	// OrderIDOf returns the id of the order made from an invitation, ""
	// when there is none.
	OrderIDOf(ctx context.Context, invitationID string) (string, error)
}

// Settings loads the current settings.
type Settings interface {
	Load(ctx context.Context) (settings.Values, error)
}

// Service is the invitation service.
type Service struct {
	store     Store
	settings  Settings
	keys      *token.KeyRing
	renderer  mail.Renderer
	now       func() time.Time
	wake      func()
	publicURL func() string
}

// Config builds a Service.
type Config struct {
	Store    Store
	Settings Settings
	Keys     *token.KeyRing
	Renderer mail.Renderer
	Now      func() time.Time
	// Wake tells the outbox worker new mail is waiting (may be nil).
	Wake func()
	// DefaultPublicURL is used when the public_url setting is empty.
	DefaultPublicURL func() string
}

// New returns a Service.
func New(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Wake == nil {
		c.Wake = func() {}
	}
	if c.DefaultPublicURL == nil {
		c.DefaultPublicURL = func() string { return "http://127.0.0.1:8080" }
	}
	return &Service{store: c.Store, settings: c.Settings, keys: c.Keys, renderer: c.Renderer, now: c.Now, wake: c.Wake, publicURL: c.DefaultPublicURL}
}

// Row is one cardholder to invite.
type Row struct {
	Email    string `json:"email"`
	CardType string `json:"cardType"`
	Industry string `json:"industry"`
	Language string `json:"language"`
	Name     string `json:"name"`
}

// FieldError is one problem of one row: a stable code and the message for
// people (rendered in the caller's language by the API).
type FieldError struct {
	Code string
	Msg  i18n.Message
}

func rowError(t i18n.Text, params ...any) FieldError {
	return FieldError{Code: t.Code, Msg: t.With(params...)}
}

// RowResult is the validation result of one row.
type RowResult struct {
	Index  int                   `json:"index"`
	OK     bool                  `json:"ok"`
	Errors map[string]FieldError `json:"errors"`
}

// InvalidRowsError is returned by Create when any row is invalid; nothing
// is created then.
type InvalidRowsError struct{ Rows []RowResult }

func (e *InvalidRowsError) Error() string {
	n := 0
	for _, r := range e.Rows {
		if !r.OK {
			n++
		}
	}
	return fmt.Sprintf("%d of %d rows need fixing", n, len(e.Rows))
}

// MaxBatch is the most rows one call accepts.
const MaxBatch = 5000

// Validate checks rows against the rules and the current data and returns
// the rows in normalised form beside their results.
func (s *Service) Validate(ctx context.Context, rows []Row) ([]Row, []RowResult, error) {
	cat, err := s.store.LoadCatalog(ctx)
	if err != nil {
		return nil, nil, err
	}
	vals, err := s.settings.Load(ctx)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Row, len(rows))
	results := make([]RowResult, len(rows))
	firstRow := map[string]int{}
	var emails []string
	for i, r := range rows {
		res := RowResult{Index: i, Errors: map[string]FieldError{}}
		n := Row{Name: strings.TrimSpace(r.Name), Industry: strings.TrimSpace(r.Industry), CardType: strings.TrimSpace(r.CardType), Language: strings.ToLower(strings.TrimSpace(r.Language))}
		email, err := invite.NormalizeEmail(r.Email)
		if err != nil {
			res.Errors["email"] = emailError(r.Email)
		} else {
			n.Email = email
			key := strings.ToLower(email)
			if j, dup := firstRow[key]; dup {
				res.Errors["email"] = rowError(msgRowDuplicate, "row", j+1)
			} else {
				firstRow[key] = i
				emails = append(emails, email)
			}
		}
		if n.CardType == "" && len(cat.CardTypes) > 0 {
			for _, c := range cat.CardTypes {
				if c.Active {
					n.CardType = c.Code
					break
				}
			}
		}
		if c, ok := cat.MatchCardType(n.CardType); ok {
			n.CardType = c.Code
		} else {
			res.Errors["cardType"] = rowError(msgRowCardType, "value", n.CardType)
		}
		if n.Industry != "" {
			if i, ok := cat.MatchIndustry(n.Industry); ok {
				n.Industry = i.Code
			} else {
				res.Errors["industry"] = rowError(msgRowIndustry, "value", n.Industry)
			}
		}
		if n.Language == "" {
			n.Language = vals.Get("language")
		}
		if n.Language != "sv" && n.Language != "en" {
			res.Errors["language"] = rowError(msgRowLanguage)
		}
		if name, fe := checkName(n.Name); fe != nil {
			res.Errors["name"] = *fe
		} else {
			n.Name = name
		}
		out[i] = n
		results[i] = res
	}
	active, err := s.store.EmailsIn(ctx, emails, pending())
	if err != nil {
		return nil, nil, err
	}
	for i := range results {
		if active[out[i].Email] {
			if _, has := results[i].Errors["email"]; !has {
				results[i].Errors["email"] = rowError(msgRowActive)
			}
		}
		results[i].OK = len(results[i].Errors) == 0
	}
	return out, results, nil
}

func emailError(raw string) FieldError {
	if strings.TrimSpace(raw) == "" {
		return FieldError{Code: "email_invalid", Msg: msgRowEmailEmpty.With()}
	}
	return FieldError{Code: "email_invalid", Msg: msgRowEmail.With("value", strings.TrimSpace(raw))}
}

// checkName applies the cardholder name rules of internal/identity to an
// invitation's optional name, so what the mail greets and the admin's list
// shows holds no control, bidirectional-override or zero-width characters:
// letters, marks, spaces, - ' ’ and ., at least one letter, at most 100
// characters. The codes are the identity codes prefixed with "name_".
func checkName(s string) (string, *FieldError) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	name, err := identity.ValidateName(identity.FieldName, s)
	var fe *identity.FieldError
	if errors.As(err, &fe) {
		return "", &FieldError{Code: "name_" + fe.Code, Msg: msgRowNameProblem.With("problem", fe.Msg())}
	}
	if err != nil {
		return "", &FieldError{Code: "name_invalid", Msg: msgRowNameInvalid.With()}
	}
	return name, nil
}

// Created is one invitation made by Create.
type Created struct {
	ID     string        `json:"id"`
	Code   string        `json:"code"`
	Email  string        `json:"email"`
	Status invite.Status `json:"status"`
	Link   string        `json:"link"`
}

// Create validates rows and, if all are valid, creates the invitations
// (queued with their mails when send, drafts otherwise) in one transaction.
func (s *Service) Create(ctx context.Context, actor string, rows []Row, send bool) ([]Created, error) {
	if len(rows) == 0 {
		return nil, errors.New("no rows")
	}
	if len(rows) > MaxBatch {
		return nil, fmt.Errorf("at most %d invitations at once", MaxBatch)
	}
	norm, results, err := s.Validate(ctx, rows)
	if err != nil {
		return nil, err
	}
	for _, r := range results {
		if !r.OK {
			return nil, &InvalidRowsError{Rows: results}
		}
	}
	env, err := s.env(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	invs := make([]invite.Invitation, len(norm))
	mails := make([]*outbox.Message, len(norm))
	out := make([]Created, len(norm))
	for i, r := range norm {
		inv := invite.Invitation{Email: r.Email, Name: r.Name, CardType: r.CardType, Industry: r.Industry, Language: r.Language,
			Status: invite.StatusDraft, CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(env.validity)}
		if inv.ID, err = invite.NewID(); err != nil {
			return nil, err
		}
		if inv.Code, err = invite.NewCode(); err != nil {
			return nil, err
		}
		if inv.Token, err = s.sign(inv, env); err != nil {
			return nil, err
		}
		if send {
			inv.Status = invite.StatusQueued
		}
		invs[i] = inv
		out[i] = Created{ID: inv.ID, Code: invite.FormatCode(inv.Code), Email: inv.Email, Status: inv.Status, Link: env.link(inv.Token)}
	}
	if send {
		if err := s.renderAll(invs, mails, env); err != nil {
			return nil, err
		}
	}
	if err := s.store.CreateInvitations(ctx, actor, invs, mails); err != nil {
		return nil, err
	}
	if send {
		s.wake()
	}
	return out, nil
}

// renderAll renders the mails of invs into mails on every core: the QR
// code makes rendering the costly part of a large batch.
func (s *Service) renderAll(invs []invite.Invitation, mails []*outbox.Message, e env) error {
	workers := min(runtime.GOMAXPROCS(0), len(invs))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(invs); i += workers {
				m, err := s.render(invs[i], e)
				if err != nil {
					errs[w] = err
					return
				}
				mails[i] = m
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// env is the settings-derived context of a mail.
type env struct {
	vals      settings.Values
	cat       invite.Catalog
	validity  time.Duration
	publicURL string
}

func (e env) link(tok string) string { return e.publicURL + "/#/register/" + tok }

// codeURL is the registration page where the short code can be typed.
func (e env) codeURL() string { return e.publicURL + "/#/register" }

func (s *Service) env(ctx context.Context) (env, error) {
	vals, err := s.settings.Load(ctx)
	if err != nil {
		return env{}, err
	}
	cat, err := s.store.LoadCatalog(ctx)
	if err != nil {
		return env{}, err
	}
	return env{vals: vals, cat: cat, validity: time.Duration(vals.Int("invite.validity_days")) * 24 * time.Hour, publicURL: vals.PublicURL(s.publicURL())}, nil
}

func (s *Service) sign(inv invite.Invitation, e env) (string, error) {
	// The organisation number names the company; before it is set, the
	// company name (or the product) stands in.
	company := e.vals.Get("company.org_number")
	if company == "" {
		company = e.vals.Get("company.name")
	}
	if company == "" {
		company = "id06desk"
	}
	return s.keys.Sign(token.Claims{
		InvitationID: inv.ID, Company: company, CardType: inv.CardType, Industry: inv.Industry,
		ExpiresAt: inv.ExpiresAt, EmailHash: token.HashEmail(inv.Email),
	})
}

// ErrNotConfigured says what setting is missing before mail can be written.
var ErrNotConfigured = errors.New("not configured")

func (s *Service) render(inv invite.Invitation, e env) (*outbox.Message, error) {
	company := e.vals.Get("company.name")
	if company == "" {
		return nil, i18n.Wrap(ErrNotConfigured, msgNoCompanyName)
	}
	sender, from := e.vals.Sender()
	if from == "" {
		return nil, i18n.Wrap(ErrNotConfigured, msgNoSender)
	}
	var cardName, industryName string
	if c, ok := e.cat.CardType(inv.CardType); ok {
		cardName = c.Name(inv.Language)
	}
	if i, ok := e.cat.Industry(inv.Industry); ok {
		industryName = i.Name(inv.Language)
	}
	r, err := s.renderer.RenderInvitation(mail.InvitationMail{
		Lang: inv.Language, CompanyName: company, SenderName: sender, SenderAddress: from, Recipient: inv.Email,
		CardType: cardName, Industry: industryName, Link: e.link(inv.Token), CodeURL: e.codeURL(), Code: invite.FormatCode(inv.Code), Expires: inv.ExpiresAt,
	})
	if err != nil {
		return nil, fmt.Errorf("render invitation mail: %w", err)
	}
	return &outbox.Message{MessageID: r.MessageID, InvitationID: inv.ID, Kind: "invitation", From: r.From, To: r.To, Body: r.Message}, nil
}

// Link returns the registration link of an invitation.
func (s *Service) Link(ctx context.Context, inv invite.Invitation) (string, error) {
	e, err := s.env(ctx)
	if err != nil {
		return "", err
	}
	return e.link(inv.Token), nil
}

// Catalog returns the catalog.
func (s *Service) Catalog(ctx context.Context) (invite.Catalog, error) {
	return s.store.LoadCatalog(ctx)
}

// CatalogError is a validation error of a catalog entry; Field is like
// "cardTypes.2.code".
type CatalogError struct {
	Field string
	Msg   i18n.Message
}

func (e *CatalogError) Error() string { return e.Field + ": " + e.Msg.In(i18n.EN) }

// SaveCatalog validates and stores the catalog.
func (s *Service) SaveCatalog(ctx context.Context, actor string, cat invite.Catalog) error {
	seen := map[string]bool{}
	active := 0
	check := func(prefix string, i int, code, sv, en string) error {
		f := fmt.Sprintf("%s.%d.", prefix, i)
		switch {
		case code == "" || len(code) > 32 || strings.Trim(code, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "":
			return &CatalogError{f + "code", msgCatalogCode.With()}
		case seen[prefix+code]:
			return &CatalogError{f + "code", msgCatalogCodeTwice.With()}
		case strings.TrimSpace(sv) == "" || len(sv) > 80:
			return &CatalogError{f + "nameSv", msgCatalogNameSv.With()}
		case strings.TrimSpace(en) == "" || len(en) > 80:
			return &CatalogError{f + "nameEn", msgCatalogNameEn.With()}
		}
		seen[prefix+code] = true
		return nil
	}
	for i, c := range cat.CardTypes {
		if err := check("cardTypes", i, c.Code, c.NameSv, c.NameEn); err != nil {
			return err
		}
		if c.Active {
			active++
		}
	}
	if active == 0 {
		return &CatalogError{"cardTypes", msgCatalogActive.With()}
	}
	for i, c := range cat.Industries {
		if err := check("industries", i, c.Code, c.NameSv, c.NameEn); err != nil {
			return err
		}
	}
	return s.store.SaveCatalog(ctx, actor, cat)
}

// List returns a page of invitations.
func (s *Service) List(ctx context.Context, q invite.ListQuery) (invite.Page, error) {
	return s.store.ListInvitations(ctx, q)
}

// Detail is an invitation with its link, timeline and allowed actions.
type Detail struct {
	Invitation invite.Invitation
	// Link is the registration link while it can be used (see LinkUsable);
	// "" once the invitation is revoked, expired or registered.
	Link    string
	Events  []invite.Event
	Actions []string
	// OrderID is the order the registration became; "" before that.
	OrderID string
}

// Get returns the detail of one invitation.
func (s *Service) Get(ctx context.Context, id string) (Detail, error) {
	inv, evs, err := s.store.GetInvitation(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Invitation: inv, Events: evs, Actions: Actions(inv.Status)}
	if LinkUsable(inv, s.now()) {
		if d.Link, err = s.Link(ctx, inv); err != nil {
			return Detail{}, err
		}
	}
	if d.OrderID, err = s.store.OrderIDOf(ctx, inv.ID); err != nil {
		return Detail{}, fmt.Errorf("invitation %s: %w", inv.ID, err)
	}
	return d, nil
}

// LinkUsable reports whether an invitation's link can still bring the
// cardholder to registration at now: its status allows it and it has not
// expired (the hourly sweep may not have marked it yet). Revoked, expired
// and registered invitations do not hand out their link or QR code.
func LinkUsable(inv invite.Invitation, now time.Time) bool {
	return inv.Status.LinkUsable() && now.Before(inv.ExpiresAt)
}

// Actions lists what the admin may do with an invitation in status st.
func Actions(st invite.Status) []string {
	var a []string
	if st == invite.StatusDraft {
		a = append(a, "send", "delete")
	}
	if st.CanResend() {
		a = append(a, "resend")
	}
	if st.Pending() && st != invite.StatusDraft || st == invite.StatusExpired {
		a = append(a, "extend")
	}
	if st.CanRevoke() {
		a = append(a, "revoke")
	}
	return a
}

// Send queues a draft's mail.
func (s *Service) Send(ctx context.Context, actor, id string) error {
	return s.update(ctx, actor, id, func(inv *invite.Invitation, e env) (*invite.Event, *outbox.Message, error) {
		if inv.Status != invite.StatusDraft {
			return nil, nil, i18n.Wrap(invite.ErrTransition, msgOnlyDrafts)
		}
		m, err := s.render(*inv, e)
		inv.Status = invite.StatusQueued
		return &invite.Event{Kind: invite.EventQueued}, m, err
	})
}

// Resend queues a new mail with the same link.
func (s *Service) Resend(ctx context.Context, actor, id string) error {
	return s.update(ctx, actor, id, func(inv *invite.Invitation, e env) (*invite.Event, *outbox.Message, error) {
		if !inv.Status.CanResend() {
			return nil, nil, i18n.Wrap(invite.ErrTransition, msgCannotResend)
		}
		if !inv.ExpiresAt.After(s.now()) {
			return nil, nil, i18n.Wrap(invite.ErrTransition, msgExpiredExtend)
		}
		m, err := s.render(*inv, e)
		inv.Status, inv.LastError = invite.StatusQueued, ""
		return &invite.Event{Kind: invite.EventResent}, m, err
	})
}

// Limits of Extend, in days.
const (
	MinExtendDays = 1
	MaxExtendDays = 365
)

// Extend adds days to the expiry, signs a new token and mails it. The days
// count from the current expiry while the link is still valid (extending
// never shortens it), and from now once it has expired.
func (s *Service) Extend(ctx context.Context, actor, id string, days int) error {
	if days < MinExtendDays || days > MaxExtendDays {
		return &InputError{Field: "days", Code: "days_range",
			Msg:    msgExtendDays.With("min", MinExtendDays, "max", MaxExtendDays),
			Limits: [2]int{MinExtendDays, MaxExtendDays}}
	}
	return s.update(ctx, actor, id, func(inv *invite.Invitation, e env) (*invite.Event, *outbox.Message, error) {
		if !(inv.Status.Pending() && inv.Status != invite.StatusDraft) && inv.Status != invite.StatusExpired {
			return nil, nil, i18n.Wrap(invite.ErrTransition, msgCannotExtend)
		}
		from := s.now().UTC()
		if inv.ExpiresAt.After(from) {
			from = inv.ExpiresAt.UTC()
		}
		inv.ExpiresAt = from.Add(time.Duration(days) * 24 * time.Hour)
		tok, err := s.sign(*inv, e)
		if err != nil {
			return nil, nil, err
		}
		inv.Token = tok
		m, err := s.render(*inv, e)
		inv.Status, inv.LastError = invite.StatusQueued, ""
		return &invite.Event{Kind: invite.EventExtended, Detail: inv.ExpiresAt.Format(time.RFC3339)}, m, err
	})
}

// Revoke makes the token useless.
func (s *Service) Revoke(ctx context.Context, actor, id string) error {
	return s.update(ctx, actor, id, func(inv *invite.Invitation, e env) (*invite.Event, *outbox.Message, error) {
		if !inv.Status.CanRevoke() {
			return nil, nil, i18n.Wrap(invite.ErrTransition, msgCannotRevoke)
		}
		inv.Status = invite.StatusRevoked
		return &invite.Event{Kind: invite.EventRevoked}, nil, nil
	})
}

// Delete removes a draft.
func (s *Service) Delete(ctx context.Context, actor, id string) error {
	return s.store.DeleteInvitation(ctx, id, DeleteRule(actor))
}

// ErrBadInput marks invalid arguments.
var ErrBadInput = errors.New("bad input")

// InputError is an invalid argument of an action, for one field: Code is
// stable (the UI translates it), Limits the allowed range when there is one.
type InputError struct {
	Field  string
	Code   string
	Msg    i18n.Message
	Limits [2]int
}

func (e *InputError) Error() string { return e.Field + ": " + e.Msg.In(i18n.EN) }

// Unwrap makes an InputError an ErrBadInput.
func (e *InputError) Unwrap() error { return ErrBadInput }

// eventAction is the audit action of each timeline event an admin's action
// adds (update).
var eventAction = map[string]audit.Action{
	invite.EventQueued:   audit.InvitationQueued,
	invite.EventResent:   audit.InvitationResent,
	invite.EventExtended: audit.InvitationExtended,
	invite.EventRevoked:  audit.InvitationRevoked,
}

func (s *Service) update(ctx context.Context, actor, id string, fn func(inv *invite.Invitation, e env) (*invite.Event, *outbox.Message, error)) error {
	e, err := s.env(ctx)
	if err != nil {
		return err
	}
	var queued bool
	_, err = s.store.UpdateInvitation(ctx, id, func(inv *invite.Invitation) (invite.Change, error) {
		from := inv.Status
		ev, m, err := fn(inv, e)
		if err != nil {
			return invite.Change{}, err
		}
		var c invite.Change
		if inv.Status != from {
			if err := invite.Transition(from, inv.Status); err != nil {
				return c, err
			}
			// A status from which nobody can register any more (revoked,
			// expired) takes the cardholder's unfinished registration with it.
			c.DeleteDraft = !invite.CanTransition(inv.Status, invite.StatusRegistered)
		}
		if ev != nil {
			c.Events = append(c.Events, *ev)
			c.Audit = append(c.Audit, audit.Entry{Actor: actor, Action: eventAction[ev.Kind], Subject: id})
		}
		if m != nil {
			m.InvitationID = id
			c.Mails = append(c.Mails, m)
			queued = true
		}
		return c, nil
	})
	if err == nil && queued {
		s.wake()
	}
	return err
}

// ReopenLink signs a fresh link for the invitation of an order that goes
// back to the cardholder (valid for the invite.validity_days setting from
// now) and renders the mail that tells them why, in their language, with
// the link. The mail is nil when no sender is configured (the admin can
// still hand over the link). Storage writes both with the order's change
// (orders.Service.RejectToCardholder).
func (s *Service) ReopenLink(ctx context.Context, o order.Order, reason order.Reason, note string) (invite.Relink, *outbox.Message, error) {
	inv, _, err := s.store.GetInvitation(ctx, o.InvitationID)
	if err != nil {
		return invite.Relink{}, nil, err
	}
	e, err := s.env(ctx)
	if err != nil {
		return invite.Relink{}, nil, err
	}
	inv.ExpiresAt = s.now().UTC().Add(e.validity)
	tok, err := s.sign(inv, e)
	if err != nil {
		return invite.Relink{}, nil, err
	}
	link := invite.Relink{Token: tok, ExpiresAt: inv.ExpiresAt}
	company := e.vals.Get("company.name")
	sender, from := e.vals.Sender()
	if company == "" || from == "" {
		return link, nil, nil
	}
	lang := o.Language
	if lang != "en" {
		lang = "sv"
	}
	card := o.CardType
	if c, ok := e.cat.CardType(o.CardType); ok {
		card = c.Name(lang)
	}
	r, err := s.renderer.RenderReopen(mail.ReopenMail{
		Lang: lang, CompanyName: company, SenderName: sender, SenderAddress: from, Recipient: inv.Email,
		CardholderName: o.FirstName + " " + o.LastName, CardType: card, Reason: string(reason), Note: note,
		Link: e.link(tok), Expires: inv.ExpiresAt,
	})
	if err != nil {
		return invite.Relink{}, nil, fmt.Errorf("render reopen mail: %w", err)
	}
	return link, &outbox.Message{MessageID: r.MessageID, InvitationID: inv.ID, Kind: "reopen", From: r.From, To: r.To, Body: r.Message}, nil
}
