package batches_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"id06desk/internal/batches"
	"id06desk/internal/invitations"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/outbox"
	"id06desk/internal/settings"
	"id06desk/internal/smtpout"
	"id06desk/internal/sqlite"
)

type fixture struct {
	db     *sqlite.DB
	st     *settings.Service
	svc    *batches.Service
	orders *orders.Service
	worker *outbox.Worker
	dir    string
	now    time.Time
	photo  []byte
	n      int
}

func newFixture(t testing.TB, smtpPort int, vals map[string]string) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{dir: t.TempDir(), now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.now }
	db, err := sqlite.Open(ctx, filepath.Join(f.dir, "t.db"), sqlite.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db = db
	f.st = settings.NewService(db, f.dir)
	all := map[string]string{"company.name": "Bygg & Söner AB", "smtp.from": "id06@bygg.se"}
	if smtpPort > 0 {
		all["smtp.host"], all["smtp.port"], all["smtp.security"] = "127.0.0.1", strconv.Itoa(smtpPort), "none"
	}
	for k, v := range vals {
		all[k] = v
	}
	if err := f.st.Set(ctx, "test", all); err != nil {
		t.Fatal(err)
	}
	f.worker = outbox.NewWorker(invitations.MailResults(db), smtpout.SenderSource(f.st.Load, nil), slog.New(slog.DiscardHandler), outbox.Options{Now: clock})
	f.orders = orders.New(orders.Config{Store: db, Now: clock})
	f.svc = batches.New(batches.Config{Store: db, Settings: f.st.Load, DefaultFolder: filepath.Join(f.dir, "nexus"), Now: clock, Wake: f.worker.Wake})
	f.photo = photoJPEG(t, 322, 414, 1)
	return f
}

// photoJPEG is a portrait-sized JPEG with some texture (a smooth picture
// would be unrealistically small).
func photoJPEG(t testing.TB, w, h int, seed uint64) []byte {
	t.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	r := rand.New(rand.NewPCG(seed, 7))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Y[img.YOffset(x, y)] = uint8(180 - (x*60)/w + r.IntN(24))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = 128, 128
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type orderSpec struct {
	first, last, pnr, birth, nationality string
	photo                                []byte
}

// addOrders stores n ready orders (an invitation each).
func (f *fixture) addOrders(t testing.TB, specs ...orderSpec) []string {
	t.Helper()
	ctx := context.Background()
	var invs []invite.Invitation
	var mails []*outbox.Message
	for range specs {
		f.n++
		invs = append(invs, invite.Invitation{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", f.n), Code: fmt.Sprintf("BATCH%05d", f.n),
			Email: fmt.Sprintf("p%d@example.se", f.n), CardType: "id06-rfid", Language: "sv", Status: invite.StatusSent,
			Token: "v1.t", CreatedAt: f.now, UpdatedAt: f.now, ExpiresAt: f.now.Add(30 * 24 * time.Hour)})
		mails = append(mails, nil)
	}
	if err := f.db.CreateInvitations(ctx, "admin", invs, mails); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, s := range specs {
		photo := s.photo
		if photo == nil {
			photo = f.photo
		}
		id := fmt.Sprintf("o%05d", f.n-len(specs)+i+1)
		o := order.Order{ID: id, InvitationID: invs[i].ID, Status: order.StatusReady,
			FirstName: s.first, LastName: s.last, Personnummer: s.pnr, BirthDate: s.birth, Nationality: s.nationality,
			Email: invs[i].Email, Phone: "+46701234567", CardType: "id06-rfid", Language: "sv",
			Delivery: order.Delivery{Address: order.Address{Name: "Bygg & Söner AB", CareOf: s.first + " " + s.last, Street: "Storgatan 1", PostalCode: "111 22", City: "Stockholm", Country: "SE"}},
			Photo:    photo, Thumb: []byte{1}, IdentityMethod: order.MethodBankID, IdentityCheck: order.CheckBankID,
			RegisteredAt: f.now.Add(time.Duration(i) * time.Second), RegisteredWhere: order.WhereWeb}
		if err := f.orders.Create(ctx, o, nil); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func manyOrders(n int) []orderSpec {
	out := make([]orderSpec, n)
	for i := range out {
		out[i] = orderSpec{first: "Anna", last: fmt.Sprintf("Berg%03d", i), pnr: "198112189876"}
	}
	return out
}
