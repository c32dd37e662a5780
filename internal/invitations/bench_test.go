package invitations_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"id06desk/internal/invitations"
)

const benchBatch = 1000

func benchRows() []invitations.Row {
	rows := make([]invitations.Row, benchBatch)
	for i := range rows {
		rows[i] = invitations.Row{Email: fmt.Sprintf("worker%04d@example.se", i), Name: "Worker " + letters(i)}
	}
	return rows
}

// letters spells i in the letters a–z: a name holds no digits (the
// cardholder name rules).
func letters(i int) string {
	s := ""
	for {
		s = string(rune('a'+i%26)) + s
		if i /= 26; i == 0 {
			return s
		}
	}
}

// BenchmarkInvite1000 compares, against one loopback go-smtp sink:
//   - RawSMTP: a bare go-smtp client sending 1,000 pre-rendered invitation
//     mails, one connection each (the baseline);
//   - EndToEnd: 1,000 invitations validated, signed, rendered with their QR
//     code, stored with their mails in one transaction, then delivered by the
//     outbox worker (claim, send, mark sent, timeline event).
//
// Both report mails/s; the README gives EndToEnd as a ratio of RawSMTP.
func BenchmarkInvite1000(b *testing.B) {
	ctx := context.Background()
	sink, port := startSink(b)
	addr := fmt.Sprintf("127.0.0.1:%d", port)

	b.Run("RawSMTP", func(b *testing.B) {
		f := newFixture(b, 0) // no SMTP settings: the mails stay queued
		if _, err := f.svc.Create(ctx, "bench", benchRows(), true); err != nil {
			b.Fatal(err)
		}
		type pre struct {
			from, to string
			body     []byte
		}
		var mails []pre
		rows, err := f.db.Reader().QueryContext(ctx, `SELECT mail_from, rcpt, body FROM outbox ORDER BY id`)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var m pre
			if err := rows.Scan(&m.from, &m.to, &m.body); err != nil {
				b.Fatal(err)
			}
			mails = append(mails, m)
		}
		rows.Close()
		if len(mails) != benchBatch {
			b.Fatalf("%d pre-rendered mails", len(mails))
		}
		b.ResetTimer()
		start := time.Now()
		for b.Loop() {
			for _, m := range mails {
				c, err := smtp.Dial(addr)
				if err != nil {
					b.Fatal(err)
				}
				if err := c.SendMail(m.from, []string{m.to}, bytes.NewReader(m.body)); err != nil {
					b.Fatal(err)
				}
				if err := c.Quit(); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.N*benchBatch)/time.Since(start).Seconds(), "mails/s")
	})

	b.Run("EndToEnd", func(b *testing.B) {
		var elapsed time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			f := newFixture(b, port)
			before := sink.Count()
			rows := benchRows()
			b.StartTimer()
			start := time.Now()
			if _, err := f.svc.Create(ctx, "bench", rows, true); err != nil {
				b.Fatal(err)
			}
			res, err := f.worker.Flush(ctx)
			elapsed += time.Since(start)
			if err != nil || res.Sent != benchBatch || sink.Count()-before != benchBatch {
				b.Fatalf("flush: %+v, %d arrived, %v", res, sink.Count()-before, err)
			}
		}
		b.ReportMetric(float64(b.N*benchBatch)/elapsed.Seconds(), "mails/s")
		b.ReportMetric(elapsed.Seconds()/float64(b.N), "s/1000")
	})
}
