package registration_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	xdraw "golang.org/x/image/draw"

	"id06desk/internal/housekeeping"
	"id06desk/internal/identity"
	"id06desk/internal/invitations"
	"id06desk/internal/invite"
	"id06desk/internal/order"
	"id06desk/internal/orders"
	"id06desk/internal/outbox"
	"id06desk/internal/registration"
	"id06desk/internal/settings"
	"id06desk/internal/smtpout"
	"id06desk/internal/smtpsink"
	"id06desk/internal/sqlite"
	"id06desk/internal/token"
)

type fixture struct {
	db     *sqlite.DB
	st     *settings.Service
	inv    *invitations.Service
	reg    *registration.Service
	worker *outbox.Worker
	sink   *smtpsink.Sink
	keys   *token.KeyRing
	now    time.Time
	mu     sync.Mutex
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	f := &fixture{now: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	db, err := sqlite.Open(ctx, filepath.Join(dir, "r.db"), sqlite.Options{Now: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db = db
	if f.keys, err = token.LoadOrCreate(filepath.Join(dir, "keys")); err != nil {
		t.Fatal(err)
	}
	if f.sink, err = smtpsink.Start(smtpsink.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.sink.Close() })
	st := settings.NewService(db, dir)
	f.st = st
	if err := st.Set(ctx, "test", map[string]string{
		"company.name": "Bygg & Söner AB", "company.org_number": "556036-0793", "smtp.from": "id06@bygg.se",
		"company.notify_email": "admin@bygg.se, chef@bygg.se", "company.address.street": "Storgatan 1",
		"company.address.postal_code": "111 22", "company.address.city": "Stockholm", "public_url": "https://id06.bygg.se",
		"smtp.host": "127.0.0.1", "smtp.port": strconv.Itoa(f.sink.Port()), "smtp.security": "none",
	}); err != nil {
		t.Fatal(err)
	}
	f.worker = outbox.NewWorker(invitations.MailResults(db), smtpout.SenderSource(st.Load, nil), nil, outbox.Options{Now: f.clock})
	f.inv = invitations.New(invitations.Config{Store: db, Settings: st, Keys: f.keys, Now: f.clock})
	f.reg = registration.New(registration.Config{Store: db, Settings: st, Keys: f.keys, Now: f.clock})
	return f
}

// invite creates and delivers one invitation and returns its id and token.
func (f *fixture) invite(t testing.TB, email string) (string, string) {
	t.Helper()
	ctx := context.Background()
	created, err := f.inv.Create(ctx, "admin", []invitations.Row{{Email: email, CardType: "id06-rfid", Industry: "civil"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.worker.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	d, err := f.inv.Get(ctx, created[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return created[0].ID, d.Invitation.Token
}

// sampleFile is pigo's 320×400 sample photo as shipped.
func sampleFile(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../photo/testdata/pigo-sample.jpg")
	if err != nil {
		t.Fatalf("%v: run `make pigo-assets` (it copies the pigo sample photo there)", err)
	}
	return b
}

// samplePhoto is pigo's 320×400 passport-style sample scaled to 1280×1600,
// the size of a phone photo's crop.
func samplePhoto(t testing.TB) []byte {
	t.Helper()
	small, err := jpeg.Decode(bytes.NewReader(sampleFile(t)))
	if err != nil {
		t.Fatal(err)
	}
	big := image.NewRGBA(image.Rect(0, 0, small.Bounds().Dx()*4, small.Bounds().Dy()*4))
	xdraw.CatmullRom.Scale(big, big.Rect, small, small.Bounds(), xdraw.Src, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, big, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func linkCode(err error) string {
	var le *registration.LinkError
	if errors.As(err, &le) {
		return le.Code
	}
	return ""
}

func fillAll(t testing.TB, f *fixture, tok string) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.reg.SetMethod(ctx, tok, order.MethodManual, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.SavePersonal(ctx, tok, registration.PersonalInput{FirstName: "Anna", LastName: "Berg",
		HasPersonnummer: true, Personnummer: "811218-9876", Phone: "070-123 45 67"}, false); err != nil {
		t.Fatal(err)
	}
	s, err := f.reg.UploadPhoto(ctx, tok, bytes.NewReader(samplePhoto(t)), false)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Photo.Usable() {
		t.Fatalf("sample photo not usable: %+v", s.Photo)
	}
	if _, err := f.reg.SaveDelivery(ctx, tok, registration.DeliveryInput{UseCompany: true}, false); err != nil {
		t.Fatal(err)
	}
}

func TestManualRegistrationEndToEnd(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, tok := f.invite(t, "anna.berg@example.se")

	s, err := f.reg.Open(ctx, tok, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.Step != registration.StepMethod || s.Invitation.Company != "Bygg & Söner AB" || s.Invitation.CardType.Code != "id06-rfid" ||
		s.Invitation.Industry == nil || s.CompanyAddress == nil || s.BankID.Available || s.IdentityPartner.Name != "Sistec" {
		t.Fatalf("session %+v", s)
	}
	d, _ := f.inv.Get(ctx, id)
	if d.Invitation.Status != invite.StatusOpened {
		t.Fatalf("after opening: %s", d.Invitation.Status)
	}
	if _, err := f.reg.SetMethod(ctx, tok, order.MethodBankID, false); !errors.Is(err, registration.ErrBankIDUnavailable) {
		t.Fatalf("bankid without configuration: %v", err)
	}
	if _, err := f.reg.SetMethod(ctx, tok, order.MethodManual, false); err != nil {
		t.Fatal(err)
	}

	// Every field wrong at once: all reported, nothing stored.
	_, err = f.reg.SavePersonal(ctx, tok, registration.PersonalInput{FirstName: "Anna2", LastName: "",
		HasPersonnummer: true, Personnummer: "811218-9875", Phone: "12345"}, false)
	var fe identity.Errors
	if !errors.As(err, &fe) || fe.Field("first_name") == nil || fe.Field("last_name") == nil ||
		fe.Field("personnummer").Code != identity.CodeChecksum || fe.Field("phone") == nil {
		t.Fatalf("field errors: %v", err)
	}
	if s, _ := f.reg.Open(ctx, tok, false); s.Personal != nil || s.Step != registration.StepPersonal {
		t.Fatalf("bad input was stored: %+v", s)
	}

	fillAll(t, f, tok)
	// A reload resumes at review with everything kept.
	s, err = f.reg.Open(ctx, tok, false)
	if err != nil || s.Step != registration.StepReview || s.Personal.Personnummer != "198112189876" || s.Personal.Phone != "+46701234567" {
		t.Fatalf("resume: %+v %v", s, err)
	}

	rec, err := f.reg.Confirm(ctx, tok, true)
	if err != nil {
		t.Fatal(err)
	}
	if rec.IdentityCheck != order.CheckPendingPartner || rec.IdentityPartner.URL != "https://www.sistec.se" {
		t.Fatalf("receipt %+v", rec)
	}
	o, err := f.db.GetOrder(ctx, rec.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != order.StatusReady || o.RegisteredWhere != order.WhereKiosk || o.Delivery.Address.Street != "Storgatan 1" ||
		len(o.Photo) == 0 || len(o.Thumb) == 0 || o.Personnummer != "198112189876" {
		t.Fatalf("order %+v", o)
	}
	d, _ = f.inv.Get(ctx, id)
	if d.Invitation.Status != invite.StatusReady {
		t.Fatalf("invitation after confirm: %s", d.Invitation.Status)
	}
	kinds := map[string]bool{}
	for _, e := range d.Events {
		kinds[e.Kind] = true
	}
	for _, k := range []string{invite.EventOpened, invite.EventRegistered, invite.EventReady} {
		if !kinds[k] {
			t.Errorf("timeline lacks %s", k)
		}
	}
	// The draft (with personal data and photos) is gone.
	if dr, _ := registration.LoadDraft(ctx, f.db, id); dr.Personal != nil {
		t.Error("draft kept after confirm")
	}

	// The admin's notice (to both addresses) and the receipt are delivered.
	before := f.sink.Count()
	res, err := f.worker.Flush(ctx)
	if err != nil || res.Sent != 2 {
		t.Fatalf("flush %+v %v", res, err)
	}
	msgs := f.sink.Messages()[before:]
	var admin, receipt *smtpsink.Message
	for i := range msgs {
		if len(msgs[i].To) == 2 {
			admin = &msgs[i]
		} else if msgs[i].To[0] == "anna.berg@example.se" {
			receipt = &msgs[i]
		}
	}
	if admin == nil || receipt == nil {
		t.Fatalf("mails: %+v", msgs)
	}
	if bytes.Contains(admin.Data, []byte("198112189876")) || bytes.Contains(admin.Data, []byte("+46701234567")) {
		t.Error("the admin notice carries personal identity data")
	}
	if !bytes.Contains(admin.Data, []byte("https://id06.bygg.se/#/orders/"+rec.OrderID)) {
		t.Error("admin notice lacks the console link")
	}
	if !bytes.Contains(receipt.Data, []byte("sistec.se")) {
		t.Error("receipt lacks the booking link")
	}

	// The link is used up.
	if _, err := f.reg.Confirm(ctx, tok, false); linkCode(err) != registration.LinkAlreadyRegistered {
		t.Fatalf("second confirm: %v", err)
	}
	_, err = f.reg.Open(ctx, tok, false)
	var le *registration.LinkError
	if !errors.As(err, &le) || le.Code != registration.LinkAlreadyRegistered || !le.At.Equal(o.RegisteredAt) {
		t.Fatalf("open after confirm: %v", err)
	}

	// The admin records the identity check.
	o, err = orders.New(orders.Config{Store: f.db, Now: f.db.Now}).RecordIdentityCheck(ctx, "admin", o.ID)
	if err != nil || o.IdentityCheck != order.CheckDone || o.IdentityCheckedAt.IsZero() {
		t.Fatalf("identity check: %+v %v", o, err)
	}
	page, err := f.db.ListOrders(ctx, order.ListQuery{Status: order.StatusReady, Text: "berg"})
	if err != nil || page.Total != 1 || page.Counts[order.StatusReady] != 1 {
		t.Fatalf("list: %+v %v", page, err)
	}
}

func TestConfirmRaceMakesOneOrder(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, tok := f.invite(t, "race@example.se")
	fillAll(t, f, tok)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { _, errs[i] = f.reg.Confirm(ctx, tok, false) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case linkCode(err) == registration.LinkAlreadyRegistered:
		default:
			t.Errorf("racing confirm: %v", err)
		}
	}
	p, _ := f.db.ListOrders(ctx, order.ListQuery{})
	if ok != 1 || p.Total != 1 {
		t.Fatalf("%d confirms succeeded, %d orders", ok, p.Total)
	}
}

func TestLinkRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, tok := f.invite(t, "bo@example.se")

	tampered := []byte(tok)
	tampered[20] ^= 1
	if tampered[20] == '.' || tampered[20] == tok[20] {
		tampered[20] = 'A'
	}
	if _, err := f.reg.Open(ctx, string(tampered), false); linkCode(err) != registration.LinkInvalid {
		t.Errorf("tampered: %v", err)
	}
	_, priv, _ := ed25519.GenerateKey(nil)
	foreign, err := token.New(priv).Sign(token.Claims{InvitationID: id, Company: "x", CardType: "id06-rfid", ExpiresAt: f.now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Open(ctx, foreign, false); linkCode(err) != registration.LinkInvalid {
		t.Errorf("foreign key: %v", err)
	}
	if _, err := f.reg.Open(ctx, "v1.garbage", false); linkCode(err) != registration.LinkInvalid {
		t.Errorf("garbage: %v", err)
	}

	// A new mail (extend re-signs) makes the old link point to the new one.
	if err := f.inv.Extend(ctx, "admin", id, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Open(ctx, tok, false); linkCode(err) != registration.LinkSuperseded {
		t.Errorf("old link after extend: %v", err)
	}
	d, _ := f.inv.Get(ctx, id)
	tok = d.Invitation.Token

	f.advance(60 * 24 * time.Hour)
	_, err = f.reg.Open(ctx, tok, false)
	var le *registration.LinkError
	if !errors.As(err, &le) || le.Code != registration.LinkExpired || !le.At.Equal(d.Invitation.ExpiresAt) || le.Company != "Bygg & Söner AB" {
		t.Errorf("expired: %v", err)
	}
	f.advance(-60 * 24 * time.Hour)

	if err := f.inv.Revoke(ctx, "admin", id); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Open(ctx, tok, false); linkCode(err) != registration.LinkRevoked {
		t.Errorf("revoked: %v", err)
	}
	if _, err := f.reg.SavePersonal(ctx, tok, registration.PersonalInput{}, false); err == nil {
		t.Error("a step on a revoked link was accepted")
	}
}

func TestCodeLookup(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	created, err := f.inv.Create(ctx, "admin", []invitations.Row{{Email: "code@example.se"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.reg.Lookup(ctx, strings.ToLower(created[0].Code))
	if err != nil || tok == "" {
		t.Fatalf("lookup: %q %v", tok, err)
	}
	if _, err := f.reg.Lookup(ctx, "ABCDE-FGHJK"); !errors.Is(err, invite.ErrNotFound) {
		t.Errorf("unknown code: %v", err)
	}
	if _, err := f.reg.Lookup(ctx, "ABC"); !errors.Is(err, invite.ErrCodeLength) {
		t.Errorf("short code: %v", err)
	}
}

// pngHeader is a PNG that claims w×h pixels and has almost no data.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

func TestPhotoRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, tok := f.invite(t, "photo@example.se")
	if _, err := f.reg.SetMethod(ctx, tok, order.MethodManual, false); err != nil {
		t.Fatal(err)
	}
	photoCode := func(err error) string {
		var pe *registration.PhotoError
		if errors.As(err, &pe) {
			return pe.Code
		}
		return ""
	}
	// A readable JPEG header, then 12 MB: refused while reading the rest.
	big := append(samplePhoto(t), make([]byte, 12<<20)...)
	if _, err := f.reg.UploadPhoto(ctx, tok, bytes.NewReader(big), false); photoCode(err) != "photo_too_large" {
		t.Errorf("12 MB: %v", err)
	}
	exe := append([]byte("MZ\x90\x00"), make([]byte, 4000)...)
	if _, err := f.reg.UploadPhoto(ctx, tok, bytes.NewReader(exe), false); photoCode(err) != "photo_format" {
		t.Errorf(".exe renamed .jpg: %v", err)
	}
	if _, err := f.reg.UploadPhoto(ctx, tok, bytes.NewReader(pngHeader(30000, 30000)), false); photoCode(err) != "photo_dimensions" {
		t.Errorf("30000×30000 PNG: %v", err)
	}

	// A photo without a face: stored with a blocking problem; the step
	// stays open and Confirm says what is missing.
	img := image.NewRGBA(image.Rect(0, 0, 900, 1200))
	for y := range 1200 {
		for x := range 900 {
			img.Set(x, y, color.RGBA{uint8(x / 4), uint8(y / 5), 120, 255})
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, nil)
	s, err := f.reg.UploadPhoto(ctx, tok, &buf, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.Photo.Usable() || len(s.Photo.Problems) == 0 || s.Photo.Problems[0].Code != "no_face" || s.Step != registration.StepPersonal {
		t.Fatalf("no face: %+v step %s", s.Photo, s.Step)
	}
	if _, err := f.reg.Confirm(ctx, tok, false); err == nil {
		t.Fatal("confirm without data accepted")
	} else {
		var ie *registration.IncompleteError
		if !errors.As(err, &ie) {
			t.Fatalf("confirm incomplete: %v", err)
		}
	}

	// A crop is fitted to 35:45 and kept inside the image.
	s, err = f.reg.UploadPhoto(ctx, tok, bytes.NewReader(samplePhoto(t)), false)
	if err != nil {
		t.Fatal(err)
	}
	v := s.Photo.Version
	s, err = f.reg.CropPhoto(ctx, tok, registration.Rect{X: -50, Y: -50, Width: s.Photo.SourceWidth, Height: 10}, false)
	if err != nil {
		var pe *registration.PhotoError
		if !errors.As(err, &pe) || pe.Code != "photo_resolution" {
			t.Fatal(err)
		}
	} else {
		c := s.Photo.Crop
		if c.X < 0 || c.Y < 0 || c.X+c.Width > s.Photo.SourceWidth || c.Y+c.Height > s.Photo.SourceHeight || s.Photo.Version != v+1 {
			t.Fatalf("crop %+v", s.Photo)
		}
		if r := float64(c.Width) / float64(c.Height); r < 35.0/45*0.99 || r > 35.0/45*1.01 {
			t.Fatalf("crop ratio %v", r)
		}
	}
	if b, err := f.reg.Photo(ctx, tok, false); err != nil || len(b) == 0 {
		t.Fatalf("card photo: %v", err)
	}
}

func TestFitCrop(t *testing.T) {
	size := image.Pt(1000, 800)
	for _, c := range []registration.Rect{{X: 0, Y: 0, Width: 5000, Height: 5000}, {X: 900, Y: 700, Width: 350, Height: 450}, {X: -10, Y: -10, Width: 1, Height: 1}} {
		r := registration.FitCrop(size, c)
		if !r.In(image.Rect(0, 0, size.X, size.Y)) || r.Dx() == 0 {
			t.Errorf("%+v → %v outside", c, r)
		}
		if d := r.Dx()*45 - r.Dy()*35; d > 45 || d < -45 {
			t.Errorf("%+v → %v is not 35:45", c, r)
		}
	}
}

// Housekeeping: an unfinished registration's personal data does not outlive
// its invitation, and an expired link is marked expired on the list.
func TestSweepExpiresAndPurgesDrafts(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, tok := f.invite(t, "slow@example.se")
	if _, err := f.reg.SavePersonal(ctx, tok, registration.PersonalInput{FirstName: "Sven", LastName: "Slow",
		HasPersonnummer: true, Personnummer: "811218-9876", Phone: "0701234567"}, false); err != nil {
		t.Fatal(err)
	}
	keep, tokKeep := f.invite(t, "fresh@example.se")
	res, err := housekeeping.Sweep(ctx, f.db, f.clock(), f.clock().Add(-30*24*time.Hour), time.Time{})
	if err != nil || res.Expired != 0 || res.DraftsDeleted != 0 {
		t.Fatalf("nothing due yet: %+v %v", res, err)
	}

	f.advance(31 * 24 * time.Hour)
	if _, err := f.reg.SavePersonal(ctx, tokKeep, registration.PersonalInput{}, false); linkCode(err) != registration.LinkExpired {
		t.Fatalf("expired link still usable: %v", err)
	}
	res, err = housekeeping.Sweep(ctx, f.db, f.clock(), f.clock().Add(-30*24*time.Hour), time.Time{})
	if err != nil || res.Expired != 2 || res.DraftsDeleted != 1 {
		t.Fatalf("sweep: %+v %v", res, err)
	}
	if d, _ := registration.LoadDraft(ctx, f.db, id); d.Personal != nil {
		t.Fatal("draft with personal data kept after the invitation expired")
	}
	for _, x := range []string{id, keep} {
		d, _ := f.inv.Get(ctx, x)
		if d.Invitation.Status != invite.StatusExpired || d.Events[len(d.Events)-1].Kind != invite.EventExpired {
			t.Fatalf("%s: %s", x, d.Invitation.Status)
		}
	}
	if res, _ := housekeeping.Sweep(ctx, f.db, f.clock(), f.clock().Add(-30*24*time.Hour), time.Time{}); res.Expired+res.DraftsDeleted != 0 {
		t.Fatalf("second sweep changed things: %+v", res)
	}
}

// A delivered order keeps its status, card type and dates, but its
// personal data (names included), its invitation's email and name, and its
// photos go after the retention time.
func TestSweepPurgesDeliveredOrders(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, tok := f.invite(t, "done@example.se")
	fillAll(t, f, tok)
	rec, err := f.reg.Confirm(ctx, tok, false)
	if err != nil {
		t.Fatal(err)
	}
	// Nexus is a later issue: mark the card delivered directly.
	if err := f.db.RunInTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE orders SET status = 'delivered' WHERE id = ?`, rec.OrderID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	cutoff := func() time.Time { return f.clock().Add(-90 * 24 * time.Hour) }
	if res, _ := housekeeping.Sweep(ctx, f.db, f.clock(), f.clock(), cutoff()); res.OrdersPurged != 0 {
		t.Fatal("purged before the retention time")
	}
	f.advance(91 * 24 * time.Hour)
	res, err := housekeeping.Sweep(ctx, f.db, f.clock(), f.clock(), cutoff())
	if err != nil || res.OrdersPurged != 1 {
		t.Fatalf("sweep: %+v %v", res, err)
	}
	o, err := f.db.GetOrder(ctx, rec.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	if o.Personnummer != "" || o.Phone != "" || len(o.Photo) != 0 || len(o.Thumb) != 0 || o.Delivery.Address.Street != "" || o.PurgedAt.IsZero() ||
		o.FirstName != "" || o.LastName != "" || o.Email != "" || o.InvitationName != "" {
		t.Fatalf("personal data kept: %+v", o)
	}
	if o.CardType != "id06-rfid" || o.Status != order.StatusDelivered || o.RegisteredAt.IsZero() {
		t.Fatalf("the order's record went too: %+v", o)
	}
	if inv, _, err := f.db.GetInvitation(ctx, o.InvitationID); err != nil || inv.Email != "" || inv.Name != "" {
		t.Fatalf("the invitation keeps the address: %+v %v", inv, err)
	}
	if res, _ := housekeeping.Sweep(ctx, f.db, f.clock(), f.clock(), cutoff()); res.OrdersPurged != 0 {
		t.Fatal("purged twice")
	}
}
