package batches_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/batches"
	"id06desk/internal/invite"
	"id06desk/internal/nexus"
	"id06desk/internal/outbox"
	"id06desk/internal/smtpsink"
	"id06desk/internal/sqlite"
)

type attachment struct {
	name string
	data []byte
}

// attachments reads a mail's text and its attachments (base64 parts with
// a file name), walking nested multiparts.
func attachments(t *testing.T, raw []byte) (text string, out []attachment) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(ct string, body io.Reader, header map[string][]string)
	walk = func(ct string, body io.Reader, header map[string][]string) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header.Get("Content-Type"), p, p.Header)
			}
		}
		b, _ := io.ReadAll(body)
		if strings.EqualFold(strings.Join(header["Content-Transfer-Encoding"], ""), "base64") {
			b, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), ""))
			if err != nil {
				t.Fatal(err)
			}
		}
		_, dp, _ := mime.ParseMediaType(strings.Join(header["Content-Disposition"], ""))
		if name := dp["filename"]; name != "" {
			out = append(out, attachment{name, b})
		} else if mt == "text/plain" {
			text += string(b)
		}
	}
	walk(m.Header.Get("Content-Type"), m.Body, m.Header)
	return text, out
}

// The mail channel, delivered by the real outbox to a real SMTP server:
// a batch larger than the size limit arrives as several mails, each under
// the limit with an import zip of its own, and together they hold every
// order once.
func TestMailChannelSplitsBySize(t *testing.T) {
	ctx := context.Background()
	sink, err := smtpsink.Start(smtpsink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	f := newFixture(t, sink.Port(), map[string]string{"nexus.channel": "mail", "nexus.mail_to": "order@nexus.example", "nexus.mail_max_mb": "1"})
	f.photo = photoJPEG(t, 700, 900, 3)
	if len(f.photo) < 100<<10 {
		t.Fatalf("test photo only %d bytes", len(f.photo))
	}
	f.addOrders(t, manyOrders(12)...)
	sent, err := f.svc.Send(ctx, batches.Request{Actor: "admin", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || len(sent[0].Files) != 0 || sent[0].Batch.MailCount < 2 {
		t.Fatalf("sent %+v", sent)
	}
	if _, err := f.worker.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := sink.Messages()
	if len(msgs) != sent[0].Batch.MailCount {
		t.Fatalf("%d mails arrived, batch says %d", len(msgs), sent[0].Batch.MailCount)
	}
	rows := 0
	for _, m := range msgs {
		if len(m.Data) > 1<<20 {
			t.Errorf("a mail of %d bytes, limit 1 MB", len(m.Data))
		}
		if len(m.To) != 1 || m.To[0] != "order@nexus.example" {
			t.Errorf("to %v", m.To)
		}
		text, atts := attachments(t, m.Data)
		if !strings.Contains(text, "personal data in clear") || !strings.Contains(text, sent[0].Batch.ID) {
			t.Errorf("mail text %q", text)
		}
		var zips int
		for _, a := range atts {
			if strings.HasSuffix(a.name, ".zip") {
				zips++
				r, _ := readZip(t, a.data)
				rows += len(r)
			}
		}
		if zips != 1 || len(atts) != 2 {
			t.Errorf("%d attachments, %d zips", len(atts), zips)
		}
	}
	if rows != 12 {
		t.Errorf("%d rows over all mails, want 12", rows)
	}
}

func TestMailChannelNeedsAnAddress(t *testing.T) {
	f := newFixture(t, 0, map[string]string{"nexus.channel": "mail"})
	f.addOrders(t, manyOrders(1)...)
	if _, err := f.svc.Send(context.Background(), batches.Request{Actor: "admin"}); err == nil || !strings.Contains(err.Error(), "not configured") {
		t.Fatalf("send: %v", err)
	}
}

// A mailed batch's attachment holds personal data in clear: once the
// outbox has delivered it and nexus.file_days have passed, the cleanup job
// deletes the mail, and its bytes are no longer in the database file.
func TestCleanupDeletesDeliveredBatchMails(t *testing.T) {
	ctx := context.Background()
	sink, err := smtpsink.Start(smtpsink.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	f := newFixture(t, sink.Port(), map[string]string{"nexus.channel": "mail", "nexus.mail_to": "order@nexus.example", "nexus.file_days": "30"})
	f.addOrders(t, manyOrders(2)...)
	if _, err := f.svc.Send(ctx, batches.Request{Actor: "admin", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.worker.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := sink.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d mails", len(msgs))
	}
	// A full base64 line from the middle of the mail: the attachment as stored.
	var probe string
	for _, l := range strings.Split(string(msgs[0].Data), "\r\n") {
		if len(l) == 76 && !strings.ContainsAny(l, " :") {
			probe = l
		}
	}
	if probe == "" {
		t.Fatal("no base64 line in the mail")
	}
	inFile := func() bool {
		for _, suffix := range []string{"", "-wal"} {
			b, _ := os.ReadFile(filepath.Join(f.dir, "t.db") + suffix)
			if bytes.Contains(b, []byte(probe)) {
				return true
			}
		}
		return false
	}
	if !inFile() {
		t.Fatal("probe not found in the database before the cleanup: the test would prove nothing")
	}
	f.now = f.now.Add(29 * 24 * time.Hour)
	if err := f.svc.Cleanup(ctx); err != nil {
		t.Fatal(err)
	}
	if !inFile() {
		t.Fatal("the mail went before nexus.file_days passed")
	}
	f.now = f.now.Add(2 * 24 * time.Hour)
	if err := f.svc.Cleanup(ctx); err != nil {
		t.Fatal(err)
	}
	if inFile() {
		t.Error("the delivered batch mail is still in the database file after nexus.file_days")
	}
}

// crashAfterCommit is the store of an app that dies right after the
// transaction that created the batches commits: what it does afterwards
// never happens (its context ends).
type crashAfterCommit struct {
	*sqlite.DB
	crash context.CancelFunc
}

func (c crashAfterCommit) CreateNexusBatches(ctx context.Context, b []nexus.Batch, mails []*outbox.Message, e []audit.Entry, fn invite.OrderUpdate) error {
	err := c.DB.CreateNexusBatches(ctx, b, mails, e, fn)
	c.crash()
	return err
}

// A batch by mail exists with its mails or not at all: the mails are
// queued in the transaction that moves its orders. Found by the crash
// drill: an app killed after that transaction and before the mails were
// queued left orders "sent to Nexus" in a batch no mail carried, and
// nothing sent it later.
func TestMailedBatchIsQueuedWithItsOrders(t *testing.T) {
	f := newFixture(t, 0, map[string]string{"nexus.channel": "mail", "nexus.mail_to": "nexus@bygg.se", "nexus.mail_max_mb": "1"})
	f.addOrders(t, manyOrders(12)...)
	ctx, crash := context.WithCancel(context.Background())
	defer crash()
	svc := batches.New(batches.Config{Store: crashAfterCommit{f.db, crash}, Settings: f.st.Load, Now: func() time.Time { return f.now }})
	svc.Send(ctx, batches.Request{Actor: "admin"}) // the app dies inside: its error is not the point
	page, err := f.db.ListNexusBatches(context.Background(), nexus.Query{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("batches %+v %v", page, err)
	}
	b := page.Items[0]
	pending, _, _, err := f.db.OutboxCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if b.MailCount < 2 || pending != b.MailCount {
		t.Fatalf("batch %s of %d orders: mail count %d, %d mails queued; want the same, at least 2 (1 MB parts)", b.ID, b.OrderCount, b.MailCount, pending)
	}
}
