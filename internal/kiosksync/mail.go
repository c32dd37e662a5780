package kiosksync

import (
	"bytes"
	"context"
	"io"
	"time"

	"id06desk/internal/kioskstate"
	"id06desk/internal/syncwire"
)

// MailBundle is one bundle written to go by mail: its file and the
// sealed registrations it carries.
type MailBundle struct {
	Exported
	Seqs []uint64
	Data []byte
}

// bundleOverhead is what a bundle adds to its sealed registrations: the
// envelope, the manifest and age's framing (under 64 KiB), and a tar
// header per registration (bundleEntryOverhead).
const (
	bundleOverhead      = 64 << 10
	bundleEntryOverhead = 2 << 10
)

// PackForMail groups the sealed registrations to mail into bundles of at
// most maxBytes each, in order; a registration larger than that goes alone.
func PackForMail(refs []kioskstate.SealedRef, maxBytes int64) [][]uint64 {
	var out [][]uint64
	var cur []uint64
	size := int64(bundleOverhead)
	for _, r := range refs {
		add := r.Size + bundleEntryOverhead
		if len(cur) > 0 && size+add > maxBytes {
			out = append(out, cur)
			cur, size = nil, bundleOverhead
		}
		cur = append(cur, r.Seq)
		size += add
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// BundlesForMail writes the sealed registrations never mailed, or mailed
// before resendBefore and not acknowledged since, as bundles of at most
// maxBytes each (each with its own sequence number), and hands each to
// each before writing the next: one bundle is in memory at a time, not
// the whole backlog (a thousand registrations with photos are a hundred
// megabytes or more). Nothing is marked mailed: each queues the mail,
// then the caller calls MarkMailed. A crash in between mails them again
// later, which the console's import takes as "already had". An error from
// each stops the writing and is returned. each runs under the service's
// lock: it must not call the Service.
func (s *Service) BundlesForMail(ctx context.Context, maxBytes int64, resendBefore time.Time, each func(MailBundle) error) error {
	unlock := s.lock()
	defer unlock()
	if _, _, err := s.state(); err != nil {
		return err
	}
	refs, err := s.c.Store.SealedForMail(ctx, resendBefore)
	if err != nil {
		return err
	}
	size := make(map[uint64]int64, len(refs))
	for _, r := range refs {
		size[r.Seq] = r.Size
	}
	for _, seqs := range PackForMail(refs, maxBytes) {
		// Sized up front: a growing buffer would copy the bundle over
		// and over and hold up to twice its size.
		est := int64(bundleOverhead)
		for _, seq := range seqs {
			est += size[seq] + bundleEntryOverhead
		}
		var buf bytes.Buffer
		buf.Grow(int(est))
		ex, err := s.exportSeqs(ctx, &buf, seqs)
		if err != nil {
			return err
		}
		if err := each(MailBundle{Exported: *ex, Seqs: seqs, Data: buf.Bytes()}); err != nil {
			return err
		}
	}
	return nil
}

// ApplySitePackMail applies a site pack that came by mail. It may have
// waited in the mailbox, so the clock check only tells a kiosk clock
// behind the console's.
func (s *Service) ApplySitePackMail(ctx context.Context, r io.Reader) (*Applied, error) {
	return s.applyPack(ctx, r, true)
}

// ReceiverPassword is the password this kiosk gives the console's own SMTP
// receiver (syncwire.ReceiverPassword), while it still holds the pairing
// secret; "" afterwards or when not paired.
func (s *Service) ReceiverPassword() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pairing == nil || s.pairing.Secret == nil {
		return ""
	}
	return syncwire.ReceiverPassword(*s.pairing.Secret, s.pairing.KioskID)
}
