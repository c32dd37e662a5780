package syncwire

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/google/uuid"
)

// A bundle's payload (inside the envelope) is a tar archive:
//
//	manifest.json      Manifest
//	reg-<seq>.age      one sealed registration per entry, seq increasing
//	…
//
// A sealed registration is what the kiosk wrote at Confirm (Seal): an age
// file encrypted to the console, holding a tar archive of exactly
//
//	registration.json  Registration
//	photo.jpg          the card photo (JPEG, as the kiosk cropped it)
//
// The kiosk cannot read what it sealed; it only copies the sealed bytes into
// the bundle (BundleWriter.AddSealed). Nothing is compressed (JPEGs do not
// compress), so there is no decompression bomb in the archive itself; the
// photo's pixel size is the importer's check (internal/photo).
const (
	manifestName     = "manifest.json"
	registrationName = "registration.json"
	photoName        = "photo.jpg"
	regPrefix        = "reg-"
	regSuffix        = ".age"
	// maxTrailingBytes is how much may follow a tar archive's end (tar
	// writers pad to a record).
	maxTrailingBytes = 10240
)

// tarTime is the modification time of every entry: the archive says nothing
// about when a registration was sealed.
var tarTime = time.Unix(0, 0).UTC()

// Manifest is the first entry of a bundle.
type Manifest struct {
	KioskID string    `json:"kioskId"` // = the envelope's sender
	Seq     uint64    `json:"seq"`     // the bundle's sequence number, = the envelope's
	Count   int       `json:"count"`   // the number of registrations that follow (0 is allowed: a first bundle that only proves the pairing)
	Created time.Time `json:"created"`
}

func (m Manifest) validate() error {
	if !validID(m.KioskID) {
		return errors.New("manifest: bad kiosk id")
	}
	if m.Seq == 0 {
		return errors.New("manifest: sequence number 0")
	}
	if m.Count < 0 || m.Count > MaxRegistrations {
		return fmt.Errorf("manifest: count %d outside 0..%d", m.Count, MaxRegistrations)
	}
	return nil
}

// Registration is one registration as it travels from a kiosk to the
// console. The JSON field names are part of the format (FORMAT.md); the
// importer maps it onto an order.
type Registration struct {
	ID           string    `json:"id"`           // a UUID the kiosk made at Confirm
	KioskID      string    `json:"kioskId"`      // the kiosk that registered it
	Seq          uint64    `json:"seq"`          // the kiosk's sequence number of this registration, from 1
	Token        string    `json:"token"`        // the invitation token (internal/token)
	InvitationID string    `json:"invitationId"` // the invitation's id, from the verified token
	RegisteredAt time.Time `json:"registeredAt"` // the kiosk's clock at Confirm

	FirstName    string `json:"firstName"`
	LastName     string `json:"lastName"`
	Personnummer string `json:"personnummer,omitempty"` // 12 digits
	BirthDate    string `json:"birthDate,omitempty"`    // YYYY-MM-DD, without personnummer
	Nationality  string `json:"nationality,omitempty"`  // ISO 3166 alpha-2
	IDNumber     string `json:"idNumber,omitempty"`     // foreign ID document number
	Phone        string `json:"phone,omitempty"`        // E.164
	Language     string `json:"language,omitempty"`     // sv or en: the cardholder's language for mails

	Delivery Delivery `json:"delivery"`

	IdentityMethod    string    `json:"identityMethod"`             // manual | bankid
	IdentityCheck     string    `json:"identityCheck,omitempty"`    // as order.Order.IdentityCheck
	IdentityCheckedAt time.Time `json:"identityCheckedAt,omitzero"` // when BankID checked it
}

// Delivery is where the card goes.
type Delivery struct {
	UseCompany bool    `json:"useCompany"`
	Address    Address `json:"address"`
}

// Address is a postal address.
type Address struct {
	Name       string `json:"name,omitempty"`
	CareOf     string `json:"careOf,omitempty"`
	Street     string `json:"street,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
	City       string `json:"city,omitempty"`
	Country    string `json:"country,omitempty"`
}

// validate checks the shape only (lengths, presence); the importer checks
// the meaning (token, personnummer, …).
func (r *Registration) validate() error {
	if _, err := uuid.Parse(r.ID); err != nil || len(r.ID) != 36 {
		return errors.New("registration: id is not a UUID")
	}
	if !validID(r.KioskID) || r.Seq == 0 {
		return errors.New("registration: bad kiosk id or sequence number")
	}
	if r.Token == "" || len(r.Token) > MaxTokenLen {
		return errors.New("registration: bad token")
	}
	if r.RegisteredAt.IsZero() {
		return errors.New("registration: no registration time")
	}
	if r.IdentityMethod == "" {
		return errors.New("registration: no identity method")
	}
	a := r.Delivery.Address
	for _, f := range []string{r.InvitationID, r.FirstName, r.LastName, r.Personnummer, r.BirthDate,
		r.Nationality, r.IDNumber, r.Phone, r.Language, r.IdentityMethod, r.IdentityCheck,
		a.Name, a.CareOf, a.Street, a.PostalCode, a.City, a.Country} {
		if len(f) > MaxFieldLen {
			return fmt.Errorf("registration: a field is longer than %d bytes", MaxFieldLen)
		}
	}
	return nil
}

func tarHeader(name string, size int64) *tar.Header {
	return &tar.Header{Name: name, Size: size, Mode: 0o600, ModTime: tarTime, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}
}

// Seal writes a sealed registration to w: the registration and its photo,
// encrypted to the console's age recipient ("age1…"). The kiosk does this
// at Confirm, stores the sealed bytes and deletes its clear copy; it cannot
// read them back. photoSize is the photo's length in bytes.
func Seal(w io.Writer, reg Registration, photo io.Reader, photoSize int64, console string) error {
	if err := reg.validate(); err != nil {
		return fmt.Errorf("syncwire: seal: %w", err)
	}
	if photoSize <= 0 || photoSize > MaxPhotoBytes {
		return fmt.Errorf("syncwire: seal: photo of %d bytes outside 1..%d", photoSize, MaxPhotoBytes)
	}
	rj, err := json.Marshal(reg)
	if err != nil {
		return fmt.Errorf("syncwire: seal: %w", err)
	}
	if len(rj) > MaxRegistrationJSON {
		return fmt.Errorf("syncwire: seal: registration of %d bytes", len(rj))
	}
	rcpt, err := age.ParseX25519Recipient(console)
	if err != nil {
		return fmt.Errorf("syncwire: seal: recipient: %w", err)
	}
	enc, err := age.Encrypt(w, rcpt)
	if err != nil {
		return fmt.Errorf("syncwire: seal: %w", err)
	}
	tw := tar.NewWriter(enc)
	if err := tw.WriteHeader(tarHeader(registrationName, int64(len(rj)))); err != nil {
		return fmt.Errorf("syncwire: seal: %w", err)
	}
	if _, err := tw.Write(rj); err != nil {
		return fmt.Errorf("syncwire: seal: %w", err)
	}
	if err := tw.WriteHeader(tarHeader(photoName, photoSize)); err != nil {
		return fmt.Errorf("syncwire: seal: %w", err)
	}
	if _, err := io.CopyN(tw, photo, photoSize); err != nil {
		return fmt.Errorf("syncwire: seal: photo: %w", err)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("syncwire: seal: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("syncwire: seal: %w", err)
	}
	return nil
}

// BundleWriter writes a bundle's payload (into an envelope writer of kind
// KindBundle).
type BundleWriter struct {
	tw      *tar.Writer
	m       Manifest
	n       int
	lastSeq uint64
	err     error
}

// NewBundleWriter writes the manifest; m.Count sealed registrations must
// follow (AddSealed), in increasing sequence order.
func NewBundleWriter(w io.Writer, m Manifest) (*BundleWriter, error) {
	if err := m.validate(); err != nil {
		return nil, fmt.Errorf("syncwire: %w", err)
	}
	mj, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("syncwire: manifest: %w", err)
	}
	b := &BundleWriter{tw: tar.NewWriter(w), m: m}
	if err := b.tw.WriteHeader(tarHeader(manifestName, int64(len(mj)))); err != nil {
		return nil, fmt.Errorf("syncwire: manifest: %w", err)
	}
	if _, err := b.tw.Write(mj); err != nil {
		return nil, fmt.Errorf("syncwire: manifest: %w", err)
	}
	return b, nil
}

// AddSealed adds one sealed registration (what Seal wrote, size bytes) with
// the kiosk's sequence number seq.
func (b *BundleWriter) AddSealed(seq uint64, sealed io.Reader, size int64) error {
	if b.err != nil {
		return b.err
	}
	switch {
	case b.n >= b.m.Count:
		return fmt.Errorf("syncwire: bundle: more than the %d registrations of the manifest", b.m.Count)
	case seq <= b.lastSeq:
		return fmt.Errorf("syncwire: bundle: sequence number %d after %d", seq, b.lastSeq)
	case size <= 0 || size > MaxSealedBytes:
		return fmt.Errorf("syncwire: bundle: sealed registration of %d bytes", size)
	}
	if err := b.tw.WriteHeader(tarHeader(regPrefix+strconv.FormatUint(seq, 10)+regSuffix, size)); err != nil {
		b.err = fmt.Errorf("syncwire: bundle: %w", err)
		return b.err
	}
	if _, err := io.CopyN(b.tw, sealed, size); err != nil {
		b.err = fmt.Errorf("syncwire: bundle: registration %d: %w", seq, err)
		return b.err
	}
	b.n++
	b.lastSeq = seq
	return nil
}

// Close ends the archive (not the writer under it). It fails when fewer
// registrations were added than the manifest announced.
func (b *BundleWriter) Close() error {
	if b.err != nil {
		return b.err
	}
	if b.n != b.m.Count {
		return fmt.Errorf("syncwire: bundle: %d registrations added, the manifest says %d", b.n, b.m.Count)
	}
	if err := b.tw.Close(); err != nil {
		return fmt.Errorf("syncwire: bundle: %w", err)
	}
	return nil
}

// BundleReader reads a bundle's payload, decrypting each sealed
// registration with the console's identity as it goes. Nothing is read
// whole: the photo is handed out as a reader bounded by its entry.
type BundleReader struct {
	tr       *tar.Reader
	id       Identity
	m        Manifest
	n        int
	lastSeq  uint64
	plain    io.Reader   // the current sealed registration, decrypted
	inner    *tar.Reader // the archive inside it
	photo    io.Reader
	done     bool
	finalErr error
}

// ReadBundle reads the bundle in an opened envelope and checks that its
// manifest matches the envelope's header.
func ReadBundle(env *Envelope, id Identity) (*BundleReader, error) {
	if env.Kind != KindBundle {
		return nil, fmt.Errorf("syncwire: ReadBundle of a %s", env.Kind)
	}
	b, err := NewBundleReader(env.Payload(), id)
	if err != nil {
		return nil, err
	}
	if b.m.KioskID != env.Header.Sender || b.m.Seq != env.Header.Seq {
		return nil, malformed(errors.New("manifest does not match the header"))
	}
	return b, nil
}

// NewBundleReader reads the manifest from a bundle payload.
func NewBundleReader(r io.Reader, id Identity) (*BundleReader, error) {
	if id == nil {
		return nil, errors.New("syncwire: bundle reader without an identity")
	}
	b := &BundleReader{tr: tar.NewReader(r), id: id}
	hdr, err := b.entry()
	if err != nil {
		if err == io.EOF {
			return nil, malformed(errors.New("no manifest"))
		}
		return nil, err
	}
	if hdr.Name != manifestName {
		return nil, malformed(fmt.Errorf("first entry %q, want %s", hdr.Name, manifestName))
	}
	if hdr.Size > MaxManifestBytes {
		return nil, malformed(fmt.Errorf("manifest of %d bytes", hdr.Size))
	}
	if err := decodeStrict(b.tr, hdr.Size, &b.m); err != nil {
		return nil, malformed(fmt.Errorf("manifest: %w", err))
	}
	if b.m.Count > MaxRegistrations {
		return nil, refuse(ErrTooLarge, msgTooMany, fmt.Errorf("manifest count %d over %d", b.m.Count, MaxRegistrations))
	}
	if err := b.m.validate(); err != nil {
		return nil, malformed(err)
	}
	return b, nil
}

// Manifest returns the bundle's manifest.
func (b *BundleReader) Manifest() Manifest { return b.m }

// entry is the next regular file of the outer archive.
func (b *BundleReader) entry() (*tar.Header, error) {
	hdr, err := b.tr.Next()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		return nil, malformed(fmt.Errorf("archive: %w", err))
	}
	if hdr.Typeflag != tar.TypeReg {
		return nil, malformed(fmt.Errorf("entry %q of type %q", hdr.Name, hdr.Typeflag))
	}
	if hdr.Size < 0 {
		return nil, malformed(errors.New("negative size"))
	}
	return hdr, nil
}

// decodeStrict decodes one JSON value of exactly size bytes from r.
func decodeStrict(r io.Reader, size int64, v any) error {
	buf := make([]byte, size)
	if _, err := io.ReadFull(r, buf); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(buf))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON value")
	}
	return nil
}

// parseRegName returns the sequence number of "reg-<seq>.age" (decimal, no
// leading zero).
func parseRegName(name string) (uint64, bool) {
	s, ok := strings.CutPrefix(name, regPrefix)
	if !ok {
		return 0, false
	}
	if s, ok = strings.CutSuffix(s, regSuffix); !ok || s == "" || s[0] == '0' {
		return 0, false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	seq, err := strconv.ParseUint(s, 10, 64)
	return seq, err == nil
}

// finish checks that the previous sealed registration ended where it
// should: its archive holds nothing more and its age stream is complete.
func (b *BundleReader) finish() error {
	if b.inner == nil {
		return nil
	}
	inner, plain := b.inner, b.plain
	b.inner, b.plain, b.photo = nil, nil, nil
	if _, err := inner.Next(); err != io.EOF {
		if err == nil {
			return malformed(errors.New("sealed registration: more than two entries"))
		}
		return b.innerErr(err)
	}
	n, err := io.Copy(io.Discard, io.LimitReader(plain, maxTrailingBytes+1))
	if err != nil {
		return b.innerErr(err)
	}
	if n > maxTrailingBytes {
		return malformed(errors.New("sealed registration: data after its archive"))
	}
	return nil
}

// innerErr classifies an error of a sealed registration's stream.
func (b *BundleReader) innerErr(err error) error {
	if errors.Is(err, ErrTampered) || errors.Is(err, ErrMalformed) {
		return err
	}
	return malformed(fmt.Errorf("sealed registration: %w", err))
}

// Next returns the next registration and its photo, a reader bounded by
// the photo's size (read it before the next call; what is left is skipped).
// After the last registration it returns io.EOF. Any other error ends the
// bundle: it is refused whole.
func (b *BundleReader) Next() (Registration, io.Reader, error) {
	if b.finalErr != nil {
		return Registration{}, nil, b.finalErr
	}
	if b.done {
		return Registration{}, nil, io.EOF
	}
	reg, photo, err := b.next()
	if err != nil {
		if err == io.EOF {
			b.done = true
		} else {
			b.finalErr = err
		}
		return Registration{}, nil, err
	}
	return reg, photo, nil
}

func (b *BundleReader) next() (Registration, io.Reader, error) {
	if err := b.finish(); err != nil {
		return Registration{}, nil, err
	}
	hdr, err := b.entry()
	if err == io.EOF {
		if b.n != b.m.Count {
			return Registration{}, nil, malformed(fmt.Errorf("%d registrations, the manifest says %d", b.n, b.m.Count))
		}
		return Registration{}, nil, io.EOF
	}
	if err != nil {
		return Registration{}, nil, err
	}
	if b.n >= b.m.Count {
		return Registration{}, nil, malformed(fmt.Errorf("more than the %d registrations of the manifest", b.m.Count))
	}
	seq, ok := parseRegName(hdr.Name)
	if !ok {
		return Registration{}, nil, malformed(fmt.Errorf("unexpected entry %q", hdr.Name))
	}
	if seq <= b.lastSeq {
		return Registration{}, nil, malformed(fmt.Errorf("entry %q after sequence number %d (duplicate or out of order)", hdr.Name, b.lastSeq))
	}
	if hdr.Size > MaxSealedBytes {
		return Registration{}, nil, tooLargeEntry(msgWhatRegistration, mb(MaxSealedBytes)+" MB", fmt.Errorf("entry %q of %d bytes", hdr.Name, hdr.Size))
	}
	b.n++
	b.lastSeq = seq

	plain, err := age.Decrypt(b.tr, b.id.ageIdentity())
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return Registration{}, nil, refuse(ErrWrongRecipient, msgWrongRecipient, fmt.Errorf("registration %d: %w", seq, err))
		}
		return Registration{}, nil, tampered(fmt.Errorf("registration %d: %w", seq, err))
	}
	b.plain = &tamperReader{r: plain}
	b.inner = tar.NewReader(b.plain)

	rh, err := b.inner.Next()
	if err != nil {
		return Registration{}, nil, b.innerErr(err)
	}
	if rh.Typeflag != tar.TypeReg || rh.Name != registrationName {
		return Registration{}, nil, malformed(fmt.Errorf("registration %d: first entry %q, want %s", seq, rh.Name, registrationName))
	}
	if rh.Size > MaxRegistrationJSON || rh.Size < 0 {
		return Registration{}, nil, tooLargeEntry(msgWhatRegistration, "64 KB", fmt.Errorf("registration %d: %d bytes", seq, rh.Size))
	}
	var reg Registration
	if err := decodeStrict(b.inner, rh.Size, &reg); err != nil {
		if errors.Is(err, ErrTampered) {
			return Registration{}, nil, err
		}
		return Registration{}, nil, malformed(fmt.Errorf("registration %d: %w", seq, err))
	}
	if err := reg.validate(); err != nil {
		return Registration{}, nil, malformed(fmt.Errorf("registration %d: %w", seq, err))
	}
	if reg.Seq != seq || reg.KioskID != b.m.KioskID {
		return Registration{}, nil, malformed(fmt.Errorf("registration %d: names sequence %d of kiosk %s", seq, reg.Seq, reg.KioskID))
	}
	ph, err := b.inner.Next()
	if err != nil {
		return Registration{}, nil, b.innerErr(err)
	}
	if ph.Typeflag != tar.TypeReg || ph.Name != photoName {
		return Registration{}, nil, malformed(fmt.Errorf("registration %d: second entry %q, want %s", seq, ph.Name, photoName))
	}
	if ph.Size > MaxPhotoBytes {
		return Registration{}, nil, tooLargeEntry(msgWhatPhoto, mb(MaxPhotoBytes)+" MB", fmt.Errorf("registration %d: photo of %d bytes", seq, ph.Size))
	}
	if ph.Size <= 0 {
		return Registration{}, nil, malformed(fmt.Errorf("registration %d: empty photo", seq))
	}
	b.photo = io.LimitReader(b.inner, ph.Size)
	return reg, b.photo, nil
}
