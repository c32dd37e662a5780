package applog

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// maxKeys bounds the records tracked at once. Messages are constants in
// the code, so there are few; if a flood of distinct messages ever passes
// it, ended windows are dropped first and then new keys pass unlimited.
const maxKeys = 4096

// Limit wraps next so that at most burst records with the same level and
// message are handled per window; the others are dropped and counted, and
// once their window has ended one record "suppressed N similar records"
// (with the message as suppressed_msg) says how many. Handlers made with WithAttrs
// and WithGroup share the same counts.
func Limit(next slog.Handler, burst int, window time.Duration) slog.Handler {
	if burst <= 0 {
		burst = DefaultBurst
	}
	if window <= 0 {
		window = DefaultWindow
	}
	return &limiter{next: next, st: &limitState{base: next, burst: burst, window: window, seen: map[limitKey]*limitEntry{}}}
}

type limitKey struct {
	level slog.Level
	msg   string
}

type limitEntry struct {
	start      time.Time
	count      int
	suppressed int
}

type limitState struct {
	base   slog.Handler
	burst  int
	window time.Duration

	mu        sync.Mutex
	seen      map[limitKey]*limitEntry
	nextSweep time.Time
}

type limiter struct {
	next slog.Handler
	st   *limitState
}

func (l *limiter) Enabled(ctx context.Context, level slog.Level) bool {
	return l.next.Enabled(ctx, level)
}

func (l *limiter) WithAttrs(as []slog.Attr) slog.Handler {
	return &limiter{next: l.next.WithAttrs(as), st: l.st}
}

func (l *limiter) WithGroup(name string) slog.Handler {
	return &limiter{next: l.next.WithGroup(name), st: l.st}
}

type summary struct {
	key        limitKey
	suppressed int
	at         time.Time
}

func (l *limiter) Handle(ctx context.Context, r slog.Record) error {
	now := r.Time
	if now.IsZero() {
		now = time.Now()
	}
	pass, due := l.st.admit(limitKey{r.Level, r.Message}, now)
	for _, s := range due {
		sr := slog.NewRecord(s.at, s.key.level, "suppressed "+strconv.Itoa(s.suppressed)+" similar records", 0)
		sr.AddAttrs(slog.String("suppressed_msg", s.key.msg), slog.Duration("window", l.st.window))
		_ = l.st.base.Handle(ctx, sr)
	}
	if !pass {
		return nil
	}
	return l.next.Handle(ctx, r)
}

// admit counts the record and says whether it passes; due are the
// summaries of windows that have ended (this key's and any other's).
func (st *limitState) admit(k limitKey, now time.Time) (pass bool, due []summary) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !now.Before(st.nextSweep) {
		// Summaries come at most window/10 late; the map is scanned that
		// often, not on every record.
		st.nextSweep = now.Add(st.window / 10)
		for key, e := range st.seen {
			if now.Sub(e.start) < st.window {
				continue
			}
			if e.suppressed > 0 {
				due = append(due, summary{key: key, suppressed: e.suppressed, at: now})
			}
			delete(st.seen, key)
		}
	}
	if e := st.seen[k]; e != nil && now.Sub(e.start) >= st.window {
		if e.suppressed > 0 {
			due = append(due, summary{key: k, suppressed: e.suppressed, at: now})
		}
		delete(st.seen, k)
	}
	e := st.seen[k]
	if e == nil {
		if len(st.seen) >= maxKeys {
			return true, due
		}
		e = &limitEntry{start: now}
		st.seen[k] = e
	}
	e.count++
	if e.count > st.burst {
		e.suppressed++
		return false, due
	}
	return true, due
}
