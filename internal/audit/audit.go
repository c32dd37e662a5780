// Package audit holds the audit log's domain types: who did what to which
// invitation or order, and when. Storage (internal/sqlite) writes each
// line inside the transaction of the change it records and reads them
// back; the API and the command line show and export them.
//
// Actions are typed (Action, the constants below: the one list of what the
// log can say), and the actor comes from the request's context (WithActor,
// set by the API's middleware, the command line and the background jobs),
// not from strings handed down through every call. An audit line never
// holds a personnummer, a name or a photo: subjects are ids, details are
// counts, codes and setting keys.
package audit

import (
	"context"
	"slices"
	"time"
)

// Entry is one line of the audit log. Detail never holds personal data.
type Entry struct {
	At time.Time
	// Actor names who did it (an admin session's client address, the OS
	// user of the window or the command line, "system"). Empty: the
	// actor of the context the entry is written with (storage fills it
	// in, see Stamp).
	Actor string
	// ActorKind says what kind of actor it was; empty: the context's.
	ActorKind Kind
	Action    Action
	Subject   string // the invitation's or order's id, a key id, a setting's name
	Detail    string
}

// Kind is what kind of actor did something.
type Kind string

// Actor kinds.
const (
	KindWindow     Kind = "window"     // the desktop user in the admin console window
	KindAdmin      Kind = "admin"      // an admin logged in to `serve`
	KindCLI        Kind = "cli"        // the command line (Name: the OS user)
	KindKiosk      Kind = "kiosk"      // the registration kiosk's screen
	KindCardholder Kind = "cardholder" // a cardholder on the registration pages
	KindSystem     Kind = "system"     // a background job
	KindUnknown    Kind = "unknown"    // no actor was set (a bug to fix; never silently "system")
)

// Kinds lists every actor kind, for the filter of the audit view.
func Kinds() []Kind {
	return []Kind{KindWindow, KindAdmin, KindCLI, KindKiosk, KindCardholder, KindSystem, KindUnknown}
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds(), k) }

// Actor is who does something: its kind and a name that tells actors of
// one kind apart (never a cardholder's name).
type Actor struct {
	Kind Kind
	Name string
}

// System is the actor of the background jobs.
var System = Actor{Kind: KindSystem, Name: "system"}

// Cardholder is the actor of the registration pages. The invitation or
// order is the line's subject; the person is never named.
var Cardholder = Actor{Kind: KindCardholder, Name: "cardholder"}

type ctxKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, ctxKey{}, a)
}

// ActorFrom returns the actor ctx carries; {unknown, "unknown"} when none.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(ctxKey{}).(Actor); ok && a.Kind != "" {
		if a.Name == "" {
			a.Name = string(a.Kind)
		}
		return a
	}
	return Actor{Kind: KindUnknown, Name: string(KindUnknown)}
}

// Stamp fills what e leaves empty from ctx: the actor's kind and, when e
// names none, its name. A service that still hands an actor name down (an
// older signature) keeps that name, and the kind comes from the context.
func Stamp(ctx context.Context, e Entry) Entry {
	a := ActorFrom(ctx)
	if e.ActorKind == "" {
		e.ActorKind = a.Kind
	}
	if e.Actor == "" {
		e.Actor = a.Name
	}
	return e
}

// Query selects audit lines, newest first.
type Query struct {
	Actions   []Action // any of these; none: all
	ActorKind Kind
	Subject   string // exact id
	From, To  time.Time
	// Text: a substring of the actor's name, the subject or the detail.
	Text     string
	Page     int // from 1
	PageSize int // default 50, at most 500
}

// Page is one page of audit lines with the number of lines the query
// matches.
type Page struct {
	Items    []Entry
	Total    int
	Page     int
	PageSize int
}
