// Package batches is the service that sends ready orders to Nexus: it
// picks the orders (all ready ones, or those named), refuses the whole
// send when one of them is not ready or its photo breaks Nexus's rules,
// cuts them into batches of at most nexus.MaxRowsPerFile, moves every
// order to sent_to_nexus with its batch id in one storage transaction,
// and then delivers each batch's import file by the channel set in
// Settings → Nexus (a folder, or mail through the outbox). It also
// rebuilds a batch's file for a new download and deletes saved files
// after their retention time (a background job).
package batches

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"id06desk/internal/audit"
	"id06desk/internal/i18n"
	"id06desk/internal/invite"
	"id06desk/internal/mail"
	"id06desk/internal/nexus"
	"id06desk/internal/nexusfile"
	"id06desk/internal/order"
	"id06desk/internal/outbox"
	"id06desk/internal/paths"
	"id06desk/internal/settings"
)

// Audit actions of the batches.
const (
	ActionBatchCreated      = audit.NexusBatchCreated
	ActionBatchDownloaded   = audit.NexusBatchDownloaded
	ActionBatchFilesDeleted = audit.NexusBatchFilesDeleted
)

// ActorSystem is who the audit log names for the retention job.
const ActorSystem = "system"

// MailKind is the outbox kind of a batch mail.
const MailKind = "nexus_batch"

// Store is what the service needs from storage.
type Store interface {
	OrderIDsInStatus(ctx context.Context, st order.Status) ([]string, error)
	OrdersByID(ctx context.Context, ids []string) ([]order.Order, error)
	OrderPhoto(ctx context.Context, id string) ([]byte, error)
	// OrderPhotoHead returns the photo's first n bytes and its size.
	OrderPhotoHead(ctx context.Context, id string, n int) ([]byte, int, error)
	// CreateNexusBatches stores the batches (with their MailCount),
	// queues mails and moves every one of the batches' orders through fn,
	// with entries, in one transaction.
	CreateNexusBatches(ctx context.Context, batches []nexus.Batch, mails []*outbox.Message, entries []audit.Entry, fn invite.OrderUpdate) error
	SetNexusBatchDelivery(ctx context.Context, b nexus.Batch) error
	NexusBatch(ctx context.Context, id string) (nexus.Batch, error)
	ListNexusBatches(ctx context.Context, q nexus.Query) (nexus.Page, error)
	NexusBatchesWithFiles(ctx context.Context, before time.Time) ([]nexus.Batch, error)
	NexusBatchFilesDeleted(ctx context.Context, id, actor string, action audit.Action) error
	Audit(ctx context.Context, actor string, action audit.Action, subject, detail string) error
	// DeleteMails deletes delivered or failed mails of a kind written
	// before a time, and clears them from the file.
	DeleteMails(ctx context.Context, kind string, before time.Time) (int, error)
}

// Config builds a Service.
type Config struct {
	Store    Store
	Settings func(ctx context.Context) (settings.Values, error)
	// DefaultFolder is where batches are saved when the nexus.folder
	// setting is empty.
	DefaultFolder string
	// Wake tells the outbox that mail is queued (nil: nothing).
	Wake func()
	Log  *slog.Logger
	Now  func() time.Time
}

// Service sends orders to Nexus.
type Service struct {
	c Config
}

// New returns a Service.
func New(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Wake == nil {
		c.Wake = func() {}
	}
	return &Service{c: c}
}

// Errors of a send that has nothing to do or cannot be delivered.
var (
	ErrNothingReady  = errors.New("no order is ready to be sent to Nexus")
	ErrNotConfigured = errors.New("nexus mail channel not configured")
)

// Request is one send.
type Request struct {
	Actor string
	// OrderIDs are the orders to send; none: every ready order.
	OrderIDs []string
	// Lang is the summary's and the mail's language ("sv", "en").
	Lang string
	// Folder, when set, saves the files there whatever the channel
	// setting says (the command line's --out).
	Folder string
}

// Sent is one batch that was sent.
type Sent struct {
	Batch nexus.Batch
	// Files are the saved files (zip, then summary); none for mail.
	Files []string
}

// Send sends orders to Nexus as batches; see the package comment. By mail,
// the batches' mails are rendered first and queued in the transaction that
// moves the orders: a batch exists with its mails or not at all (a crash
// between the two left sent orders that no mail carried). To a folder, the
// orders move in one transaction before any file is written: when saving
// then fails, the batches exist (the error says so) and can be downloaded
// again.
func (s *Service) Send(ctx context.Context, r Request) ([]Sent, error) {
	v, err := s.c.Settings(ctx)
	if err != nil {
		return nil, err
	}
	lang := r.Lang
	if lang != "sv" && lang != "en" {
		lang = v.Get("language")
	}
	channel, folder, mailTo := v.Get("nexus.channel"), s.folder(v), v.Get("nexus.mail_to")
	if r.Folder != "" {
		channel, folder = nexus.ChannelFolder, r.Folder
	}
	if channel == nexus.ChannelMail && mailTo == "" {
		return nil, i18n.Wrap(ErrNotConfigured, msgNoMailTo)
	}
	if channel == nexus.ChannelMail {
		if _, from := v.Sender(); from == "" {
			return nil, i18n.Wrap(ErrNotConfigured, msgNoSender)
		}
	}

	ids := dedupe(r.OrderIDs)
	if len(ids) == 0 {
		if ids, err = s.c.Store.OrderIDsInStatus(ctx, order.StatusReady); err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return nil, i18n.Wrap(ErrNothingReady, msgNothingReady)
		}
	}
	orders, err := s.c.Store.OrdersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	photoBytes := map[string]int{}
	for _, o := range orders {
		if o.Status != order.StatusReady {
			return nil, notReady(o)
		}
		// Only the photo's header is read and decoded here.
		head, size, err := s.c.Store.OrderPhotoHead(ctx, o.ID, nexus.PhotoHeadBytes)
		if err != nil {
			return nil, err
		}
		if err := nexus.CheckPhotoHead(o, head, size); err != nil {
			return nil, err
		}
		photoBytes[o.ID] = size
	}
	sortRows(orders)

	now := s.c.Now()
	var batches []nexus.Batch
	var parts [][]order.Order
	batchOf := map[string]string{}
	for chunk := range slices.Chunk(orders, nexus.MaxRowsPerFile) {
		id, err := newBatchID(now)
		if err != nil {
			return nil, err
		}
		b := nexus.Batch{ID: id, CreatedAt: now, CreatedBy: r.Actor, OrderCount: len(chunk), Profile: nexus.ProfileVersion, Channel: channel}
		if channel == nexus.ChannelMail {
			b.MailedTo = mailTo
		}
		for _, o := range chunk {
			b.OrderIDs = append(b.OrderIDs, o.ID)
			batchOf[o.ID] = id
		}
		batches = append(batches, b)
		parts = append(parts, chunk)
	}
	var entries []audit.Entry
	for _, b := range batches {
		entries = append(entries, audit.Entry{Actor: r.Actor, Action: ActionBatchCreated, Subject: b.ID,
			Detail: fmt.Sprintf("%d orders, %s", len(b.OrderIDs), channel)})
	}
	var mails []*outbox.Message
	if channel == nexus.ChannelMail {
		for i := range batches {
			m, err := s.batchMails(ctx, v, lang, batches[i], parts[i], photoBytes)
			if err != nil {
				return nil, err
			}
			batches[i].MailCount = len(m)
			mails = append(mails, m...)
		}
	}
	err = s.c.Store.CreateNexusBatches(ctx, batches, mails, entries, func(o *order.Order) (invite.Change, bool, error) {
		if o.Status != order.StatusReady {
			return invite.Change{}, false, notReady(*o)
		}
		if err := order.Transition(o.Status, order.StatusSentToNexus); err != nil {
			return invite.Change{}, false, err
		}
		o.Status, o.NexusBatchID = order.StatusSentToNexus, batchOf[o.ID]
		return invite.Change{Events: []invite.Event{{Kind: invite.EventSentToNexus, Detail: o.NexusBatchID}}}, true, nil
	})
	if err != nil {
		return nil, err
	}
	s.c.Log.Info("orders sent to Nexus", "batches", len(batches), "orders", len(orders), "channel", channel)

	out := make([]Sent, 0, len(batches))
	if channel == nexus.ChannelMail {
		s.c.Wake()
		for _, b := range batches {
			out = append(out, Sent{Batch: b})
		}
		return out, nil
	}
	for i, b := range batches {
		sent, err := s.saveBatch(ctx, v, lang, folder, b, parts[i])
		if err != nil {
			return out, &DeliveryError{BatchID: b.ID, Err: err}
		}
		out = append(out, sent)
	}
	return out, nil
}

// DeliveryError says that a batch was created (its orders are sent to
// Nexus) but its file could not be saved or mailed.
type DeliveryError struct {
	BatchID string
	Err     error
}

func (e *DeliveryError) Error() string {
	return fmt.Sprintf("batch %s was created, but its file could not be delivered: %v", e.BatchID, e.Err)
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// Msg is the message for people.
func (e *DeliveryError) Msg() i18n.Message { return msgDelivery.With("batch", e.BatchID) }

func notReady(o order.Order) error {
	return &nexus.NotReadyError{OrderID: o.ID, Name: strings.TrimSpace(o.FirstName + " " + o.LastName), Status: o.Status, BatchID: o.NexusBatchID}
}

// sortRows puts orders in the file's row order: last name, first name, id
// (storage reads a batch's orders back in the same order).
func sortRows(orders []order.Order) {
	slices.SortFunc(orders, func(a, b order.Order) int {
		if c := strings.Compare(a.LastName, b.LastName); c != 0 {
			return c
		}
		if c := strings.Compare(a.FirstName, b.FirstName); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

func dedupe(ids []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

var idEncoding = base32.NewEncoding("ABCDEFGHJKLMNPQRSTUVWXYZ23456789").WithPadding(base32.NoPadding)

// newBatchID is NX-<date>-<6 random characters>: readable, sortable by
// day, and safe in a file name.
func newBatchID(now time.Time) (string, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("new batch id: %w", err)
	}
	return "NX-" + now.UTC().Format("20060102") + "-" + idEncoding.EncodeToString(b[:])[:6], nil
}

// FileBase is the base name of a batch's files (without extension).
func FileBase(batchID string) string { return "id06-nexus-" + batchID }

// ZipName is the file name of a batch's import zip.
func ZipName(batchID string) string { return FileBase(batchID) + ".zip" }

func (s *Service) folder(v settings.Values) string {
	if f := v.Get("nexus.folder"); f != "" {
		return f
	}
	return s.c.DefaultFolder
}

// DefaultFolder is where batches are saved while the nexus.folder setting
// is empty (Settings → Nexus shows it in the empty field).
func (s *Service) DefaultFolder() string { return s.c.DefaultFolder }

func (s *Service) input(v settings.Values, lang string, b nexus.Batch, orders []order.Order, part, parts int) nexusfile.Input {
	base := FileBase(b.ID)
	if parts > 1 {
		base = fmt.Sprintf("%s-%dof%d", base, part, parts)
	}
	return nexusfile.Input{Name: base, Orders: orders, ZipName: base + ".zip",
		Summary: mail.NexusSummary{Lang: lang, BatchID: b.ID, CompanyName: v.Get("company.name"), Created: b.CreatedAt, Part: part, Parts: parts}}
}

func (s *Service) photos(ctx context.Context, id string) ([]byte, error) {
	return s.c.Store.OrderPhoto(ctx, id)
}

// saveBatch writes the batch's zip and its summary into folder (0700),
// each file 0600, the zip through a temporary file so that a half-written
// one never carries the final name.
func (s *Service) saveBatch(ctx context.Context, v settings.Values, lang, folder string, b nexus.Batch, orders []order.Order) (Sent, error) {
	if err := os.MkdirAll(folder, paths.DirMode); err != nil {
		return Sent{}, fmt.Errorf("create folder %s: %w", folder, err)
	}
	if err := os.Chmod(folder, paths.DirMode); err != nil {
		return Sent{}, fmt.Errorf("folder %s: %w", folder, err)
	}
	in := s.input(v, lang, b, orders, 1, 1)
	zipPath := filepath.Join(folder, in.ZipName)
	tmp, err := os.CreateTemp(folder, ".nexus-*.tmp") // 0600
	if err != nil {
		return Sent{}, fmt.Errorf("save batch: %w", err)
	}
	defer os.Remove(tmp.Name())
	summary, err := nexusfile.Write(ctx, tmp, in, s.photos)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Sent{}, fmt.Errorf("save batch: %w", err)
	}
	st, err := os.Stat(tmp.Name())
	if err != nil {
		return Sent{}, fmt.Errorf("save batch: %w", err)
	}
	if err := os.Rename(tmp.Name(), zipPath); err != nil {
		return Sent{}, fmt.Errorf("save batch: %w", err)
	}
	summaryPath := filepath.Join(folder, FileBase(b.ID)+".html")
	if err := paths.WriteFile(summaryPath, summary); err != nil {
		return Sent{}, fmt.Errorf("save batch summary: %w", err)
	}
	b.ZipPath, b.SummaryPath, b.ZipBytes = zipPath, summaryPath, st.Size()
	if err := s.c.Store.SetNexusBatchDelivery(ctx, b); err != nil {
		return Sent{}, err
	}
	return Sent{Batch: b, Files: []string{zipPath, summaryPath}}, nil
}

// mailOverhead is what a mail needs besides its zip's photos: headers,
// text, the summary and the Excel file of up to 300 rows.
const mailOverhead = 512 << 10

// splitBySize cuts orders into parts whose photos fit budget bytes each
// (an order whose photo alone is larger goes alone).
func splitBySize(orders []order.Order, photoBytes map[string]int, budget int) [][]order.Order {
	var out [][]order.Order
	var cur []order.Order
	size := 0
	for _, o := range orders {
		n := photoBytes[o.ID] + 512 // zip entry header
		if len(cur) > 0 && size+n > budget {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, o)
		size += n
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// batchMails renders the batch's mails for the outbox: one mail when it
// fits the size limit (nexus.mail_max_mb), otherwise several, each with an
// import zip of its own part (Nexus imports each as it is) and the part's
// summary. Attachments are base64 in the mail: 4 bytes for 3.
func (s *Service) batchMails(ctx context.Context, v settings.Values, lang string, b nexus.Batch, orders []order.Order, photoBytes map[string]int) ([]*outbox.Message, error) {
	limit := v.Int("nexus.mail_max_mb") << 20
	budget := max(limit*3/4-mailOverhead, 1)
	split := splitBySize(orders, photoBytes, budget)
	senderName, from := v.Sender()
	var out []*outbox.Message
	for i, part := range split {
		in := s.input(v, lang, b, part, i+1, len(split))
		var zb bytes.Buffer
		summary, err := nexusfile.Write(ctx, &zb, in, s.photos)
		if err != nil {
			return nil, err
		}
		m, err := mail.Renderer{}.RenderNexusBatchMail(mail.NexusBatchMail{
			Lang: lang, SenderName: senderName, SenderAddress: from, Recipient: b.MailedTo,
			BatchID: b.ID, Part: i + 1, Parts: len(split), Count: len(part),
			Attachments: []mail.Attachment{
				{Name: in.ZipName, ContentType: "application/zip", Data: zb.Bytes()},
				{Name: in.Name + ".html", ContentType: "text/html; charset=utf-8", Data: summary},
			},
		})
		if err != nil {
			return nil, err
		}
		out = append(out, &outbox.Message{MessageID: m.MessageID, Kind: MailKind, From: m.From, To: m.To, Body: m.Message})
	}
	return out, nil
}

// Batch returns a batch with its order ids.
func (s *Service) Batch(ctx context.Context, id string) (nexus.Batch, error) {
	return s.c.Store.NexusBatch(ctx, id)
}

// BatchOrders returns a batch's orders (without photos) in row order.
func (s *Service) BatchOrders(ctx context.Context, b nexus.Batch) ([]order.Order, error) {
	return s.c.Store.OrdersByID(ctx, b.OrderIDs)
}

// List returns a page of batches, newest first.
func (s *Service) List(ctx context.Context, q nexus.Query) (nexus.Page, error) {
	return s.c.Store.ListNexusBatches(ctx, q)
}

// Download writes batch id's import zip to w: the saved file when it is
// still there, otherwise the zip rebuilt from the stored orders (in lang).
// It is audited. An order whose personal data was purged since cannot be
// rebuilt: ErrPurged, before anything is written.
func (s *Service) Download(ctx context.Context, actor, id, lang string, w io.Writer) error {
	b, err := s.c.Store.NexusBatch(ctx, id)
	if err != nil {
		return err
	}
	how := "saved file"
	if f, err := openSaved(b.ZipPath); err == nil {
		_, err = io.Copy(w, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("download batch %s: %w", id, err)
		}
	} else {
		how = "rebuilt"
		orders, err := s.c.Store.OrdersByID(ctx, b.OrderIDs)
		if err != nil {
			return err
		}
		if len(orders) == 0 {
			return i18n.Wrap(ErrPurged, msgPurged, "batch", id)
		}
		for _, o := range orders {
			if !o.PurgedAt.IsZero() {
				return i18n.Wrap(ErrPurged, msgPurged, "batch", id)
			}
		}
		v, err := s.c.Settings(ctx)
		if err != nil {
			return err
		}
		if lang != "sv" && lang != "en" {
			lang = v.Get("language")
		}
		if _, err := nexusfile.Write(ctx, w, s.input(v, lang, b, orders, 1, 1), s.photos); err != nil {
			return fmt.Errorf("rebuild batch %s: %w", id, err)
		}
	}
	if err := s.c.Store.Audit(ctx, actor, ActionBatchDownloaded, id, how); err != nil {
		return err
	}
	return nil
}

// ErrPurged: a batch's file is gone and its orders' personal data too.
var ErrPurged = errors.New("nexus batch cannot be rebuilt: personal data purged")

func openSaved(path string) (*os.File, error) {
	if path == "" {
		return nil, fs.ErrNotExist
	}
	return os.Open(path)
}

// Cleanup deletes the saved files of batches older than the nexus.file_days
// setting (they hold personal data in clear) and records it, and deletes
// the batch mails the outbox delivered (or gave up on) before then, whose
// attachments hold the same: one round of the background job.
func (s *Service) Cleanup(ctx context.Context) error {
	v, err := s.c.Settings(ctx)
	if err != nil {
		return err
	}
	days := v.Int("nexus.file_days")
	if days <= 0 {
		return nil
	}
	before := s.c.Now().Add(-time.Duration(days) * 24 * time.Hour)
	var errs []error
	if n, err := s.c.Store.DeleteMails(ctx, MailKind, before); err != nil {
		errs = append(errs, err)
	} else if n > 0 {
		s.c.Log.Info("deleted old Nexus batch mails", "mails", n)
	}
	old, err := s.c.Store.NexusBatchesWithFiles(ctx, before)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, b := range old {
		failed := false
		for _, p := range []string{b.ZipPath, b.SummaryPath} {
			if p == "" {
				continue
			}
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("delete batch file: %w", err))
				failed = true
			}
		}
		if failed {
			continue
		}
		if err := s.c.Store.NexusBatchFilesDeleted(ctx, b.ID, ActorSystem, ActionBatchFilesDeleted); err != nil {
			errs = append(errs, err)
		}
	}
	if len(old) > 0 {
		s.c.Log.Info("deleted old Nexus batch files", "batches", len(old)-len(errs))
	}
	return errors.Join(errs...)
}
