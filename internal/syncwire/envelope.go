package syncwire

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
	"time"

	"filippo.io/age"

	"id06desk/internal/i18n"
)

// Kind is what an envelope carries.
type Kind byte

// The kinds of file.
const (
	KindPairing  Kind = 1 // console → kiosk, signed, not encrypted
	KindBundle   Kind = 2 // kiosk → console, signed by the kiosk, encrypted to the console
	KindSitePack Kind = 3 // console → kiosk, signed by the console, encrypted to the kiosk
)

func (k Kind) String() string {
	switch k {
	case KindPairing:
		return "pairing"
	case KindBundle:
		return "bundle"
	case KindSitePack:
		return "site pack"
	}
	return "kind " + strconv.Itoa(int(k))
}

func (k Kind) known() bool { return k >= KindPairing && k <= KindSitePack }

// encrypted reports whether the payload of this kind is age-encrypted.
func (k Kind) encrypted() bool { return k != KindPairing }

// maxBytes is the default size limit of a whole file of this kind.
func (k Kind) maxBytes() int64 {
	switch k {
	case KindPairing:
		return MaxPairingBytes
	case KindSitePack:
		return MaxSitePackBytes
	}
	return MaxBundleBytes
}

// Version is the envelope format this package writes (and the only one it
// reads).
const Version = 1

// The byte layout (FORMAT.md):
//
//	"ID06SYNC" | version u8 | kind u8 | header length u32 BE | header JSON
//	| payload | "ID06SEND" | payload length u64 BE | digest[64] | signature[64]
//
// digest = SHA-512 of every byte before it; signature = Ed25519ph of the
// same bytes (that is, of digest) with the context sigContext.
const (
	magic       = "ID06SYNC"
	endMagic    = "ID06SEND"
	versionAt   = 8
	preambleLen = 14
	trailerLen  = 16
	sealLen     = sha512.Size + ed25519.SignatureSize // digest + signature
	overhead    = preambleLen + trailerLen + sealLen
	sigContext  = "id06desk sync envelope v1"
)

var sigOpts = &ed25519.Options{Hash: crypto.SHA512, Context: sigContext}

// Header is the envelope's clear, signed header.
type Header struct {
	Sender    string    `json:"sender"`    // id of the kiosk or console that wrote the file
	Recipient string    `json:"recipient"` // id of the kiosk or console it is for
	Console   string    `json:"console"`   // id of the console of the pairing (sender or recipient)
	Seq       uint64    `json:"seq"`       // the sender's sequence number of this file (from 1)
	Created   time.Time `json:"created"`   // the sender's clock when it wrote the file

	// First marks a kiosk's first bundle after pairing; it then carries the
	// kiosk's public keys and Proof (ProofOfPairing). A pairing file carries
	// the console's public keys in SenderKeys.
	First      bool        `json:"first,omitempty"`
	SenderKeys *PublicKeys `json:"senderKeys,omitempty"`
	Proof      []byte      `json:"proof,omitempty"`
}

func validID(s string) bool {
	if s == "" || len(s) > MaxIDLen {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

func (h *Header) validate(kind Kind) error {
	if !validID(h.Sender) || !validID(h.Recipient) || !validID(h.Console) {
		return errors.New("header: sender, recipient and console must be ids of 1 to 64 printable ASCII characters")
	}
	if h.Console != h.Sender && h.Console != h.Recipient {
		return errors.New("header: the console is neither the sender nor the recipient")
	}
	if h.Seq == 0 {
		return errors.New("header: sequence number 0")
	}
	if h.Created.IsZero() {
		return errors.New("header: no creation time")
	}
	if h.SenderKeys != nil {
		if err := h.SenderKeys.Validate(); err != nil {
			return fmt.Errorf("header: sender keys: %w", err)
		}
	}
	if len(h.Proof) > 64 {
		return errors.New("header: proof too long")
	}
	switch kind {
	case KindPairing:
		if h.Sender != h.Console || h.SenderKeys == nil || h.First || h.Proof != nil {
			return errors.New("header: a pairing file is sent by the console and carries its keys only")
		}
	case KindBundle:
		if h.Recipient != h.Console {
			return errors.New("header: a bundle is for the console")
		}
		if h.First != (h.SenderKeys != nil) || h.First != (len(h.Proof) != 0) {
			return errors.New("header: the first bundle, and only it, carries the kiosk's keys and proof")
		}
	case KindSitePack:
		if h.Sender != h.Console || h.First || h.SenderKeys != nil || h.Proof != nil {
			return errors.New("header: a site pack is sent by the console and carries no keys")
		}
	}
	return nil
}

// ---------------------------------------------------------------- writing

// hashWriter writes to w and into the running SHA-512, counting bytes and
// refusing to go past max.
type hashWriter struct {
	w   io.Writer
	h   hash.Hash
	n   int64
	max int64
}

func (hw *hashWriter) Write(p []byte) (int, error) {
	if hw.n+int64(len(p)) > hw.max {
		return 0, fmt.Errorf("%w: the file would exceed %d bytes", ErrTooLarge, hw.max)
	}
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}

type envelopeWriter struct {
	hw      *hashWriter
	payload io.Writer      // where Write goes: enc, or hw for a clear payload
	enc     io.WriteCloser // age, nil for a clear payload
	start   int64          // offset of the payload
	priv    ed25519.PrivateKey
	closed  bool
	broken  error
}

// NewWriter starts an envelope of kind on w: it writes the header at once
// and returns the writer of the payload. The payload is encrypted to the age
// recipient to ("age1…"; "" for a pairing file, which is not encrypted).
// Close finishes the file: the trailer, the digest and from's signature.
// Nothing is held in memory but age's 64 KiB chunk.
func NewWriter(w io.Writer, kind Kind, h Header, to string, from Sender) (io.WriteCloser, error) {
	if !kind.known() {
		return nil, fmt.Errorf("syncwire: unknown kind %d", kind)
	}
	if err := h.validate(kind); err != nil {
		return nil, fmt.Errorf("syncwire: %w", err)
	}
	if kind.encrypted() && to == "" {
		return nil, fmt.Errorf("syncwire: a %s needs a recipient to encrypt to", kind)
	}
	if !kind.encrypted() && to != "" {
		return nil, fmt.Errorf("syncwire: a %s is not encrypted", kind)
	}
	priv := from.signingKey()
	if len(priv) != ed25519.PrivateKeySize {
		return nil, errors.New("syncwire: no signing key")
	}
	hj, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("syncwire: header: %w", err)
	}
	if len(hj) > MaxHeaderBytes {
		return nil, fmt.Errorf("syncwire: header of %d bytes is over %d", len(hj), MaxHeaderBytes)
	}
	ew := &envelopeWriter{
		hw:   &hashWriter{w: w, h: sha512.New(), max: kind.maxBytes() - trailerLen - sealLen},
		priv: priv,
	}
	pre := make([]byte, 0, preambleLen+len(hj))
	pre = append(pre, magic...)
	pre = append(pre, Version, byte(kind))
	pre = binary.BigEndian.AppendUint32(pre, uint32(len(hj)))
	pre = append(pre, hj...)
	if _, err := ew.hw.Write(pre); err != nil {
		return nil, fmt.Errorf("syncwire: write header: %w", err)
	}
	ew.start = ew.hw.n
	ew.payload = ew.hw
	if to != "" {
		r, err := age.ParseX25519Recipient(to)
		if err != nil {
			return nil, fmt.Errorf("syncwire: recipient: %w", err)
		}
		if ew.enc, err = age.Encrypt(ew.hw, r); err != nil {
			return nil, fmt.Errorf("syncwire: encrypt: %w", err)
		}
		ew.payload = ew.enc
	}
	return ew, nil
}

func (ew *envelopeWriter) Write(p []byte) (int, error) {
	if ew.closed {
		return 0, errors.New("syncwire: write after Close")
	}
	if ew.broken != nil {
		return 0, ew.broken
	}
	n, err := ew.payload.Write(p)
	if err != nil {
		ew.broken = fmt.Errorf("syncwire: write payload: %w", err)
	}
	return n, err
}

// Close ends the payload and writes the trailer and the signature. It does
// not close the underlying writer.
func (ew *envelopeWriter) Close() error {
	if ew.closed {
		return nil
	}
	ew.closed = true
	if ew.broken != nil {
		return ew.broken
	}
	if ew.enc != nil {
		if err := ew.enc.Close(); err != nil {
			return fmt.Errorf("syncwire: finish encryption: %w", err)
		}
	}
	ew.hw.max += trailerLen
	tr := make([]byte, 0, trailerLen)
	tr = append(tr, endMagic...)
	tr = binary.BigEndian.AppendUint64(tr, uint64(ew.hw.n-ew.start))
	if _, err := ew.hw.Write(tr); err != nil {
		return fmt.Errorf("syncwire: write trailer: %w", err)
	}
	digest := ew.hw.h.Sum(nil)
	sig, err := ew.priv.Sign(nil, digest, sigOpts)
	if err != nil {
		return fmt.Errorf("syncwire: sign: %w", err)
	}
	if _, err := ew.hw.w.Write(append(digest, sig...)); err != nil {
		return fmt.Errorf("syncwire: write signature: %w", err)
	}
	return nil
}

// Write writes a whole envelope with the payload read from payload.
func Write(w io.Writer, kind Kind, h Header, to string, from Sender, payload io.Reader) error {
	ew, err := NewWriter(w, kind, h, to, from)
	if err != nil {
		return err
	}
	if _, err := io.Copy(ew, payload); err != nil {
		return fmt.Errorf("syncwire: write payload: %w", err)
	}
	return ew.Close()
}

// ---------------------------------------------------------------- reading

// OpenOptions say what Open expects.
type OpenOptions struct {
	// Kind is the kind of file expected; another kind is ErrKind.
	Kind Kind
	// Me is the reader's own id: a file whose header names another
	// recipient is ErrWrongRecipient. "" only for a pairing file (the kiosk
	// has no id before it).
	Me string
	// Console is the console of the reader's pairing (its own id on the
	// console); a file of another console is ErrWrongRecipient. "" only for
	// a pairing file.
	Console string
	// SenderKey returns the public key the header's sender signs with. It
	// is called before the signature is checked (the header is not yet
	// trusted; the signature is checked with the key it returns). An error
	// that is an *i18n.Error (e.g. "this kiosk was revoked") is returned as
	// it is; any other error or a nil key refuses with ErrUnknownSender. A
	// first bundle's key comes from KeyFromProof; a pairing file's from
	// KeyFromPairingHeader.
	SenderKey func(Header) (ed25519.PublicKey, error)
	// Identity decrypts the payload; nil for a pairing file.
	Identity Identity
	// TempDir is where the file is held while it is checked (0600, removed
	// by Close). "" is os.TempDir().
	TempDir string
	// MaxBytes is the size limit; 0 is the kind's default (Max…Bytes).
	MaxBytes int64
}

// Envelope is an opened, verified file. Read the payload with Payload, then
// Close it (which removes the temporary copy).
type Envelope struct {
	Header Header
	Kind   Kind
	Size   int64 // of the whole file

	payload io.Reader
	f       *os.File
}

// Payload returns the decrypted payload (the clear one of a pairing file).
// Errors while reading it are ErrTampered.
func (e *Envelope) Payload() io.Reader { return e.payload }

// Close removes the temporary copy.
func (e *Envelope) Close() error {
	if e.f == nil {
		return nil
	}
	name := e.f.Name()
	err := e.f.Close()
	if rmErr := os.Remove(name); err == nil {
		err = rmErr
	}
	e.f = nil
	return err
}

// sink receives the file: it writes every byte to the temporary file and
// hashes all but the last sealLen bytes (the digest and signature, known
// only at the end). The version byte is hashed as Version whatever it is, so
// that a changed version byte can be told from a newer format. The first
// bytes are kept for the header.
type sink struct {
	f      *os.File
	h      hash.Hash
	n      int64
	hashed int64
	hold   []byte
	head   []byte
}

func (s *sink) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	if err != nil {
		return n, err
	}
	s.n += int64(n)
	if room := preambleLen + MaxHeaderBytes - len(s.head); room > 0 {
		s.head = append(s.head, p[:min(room, len(p))]...)
	}
	s.hold = append(s.hold, p...)
	if over := len(s.hold) - sealLen; over > 0 {
		s.hash(s.hold[:over])
		s.hold = append(s.hold[:0], s.hold[over:]...)
	}
	return n, nil
}

func (s *sink) hash(b []byte) {
	if s.hashed <= versionAt && versionAt < s.hashed+int64(len(b)) {
		i := versionAt - s.hashed
		s.h.Write(b[:i])
		s.h.Write([]byte{Version})
		s.h.Write(b[i+1:])
	} else {
		s.h.Write(b)
	}
	s.hashed += int64(len(b))
}

// Open reads a file from r into a temporary file while hashing it, refusing
// it past the size limit without reading on; then checks, in this order,
// that it is a complete, unchanged envelope of the expected kind and
// version, for this reader, signed by the expected sender — and only then
// decrypts. Every refusal is a typed error (see the Err… values).
func Open(r io.Reader, opt OpenOptions) (*Envelope, error) {
	if !opt.Kind.known() {
		return nil, fmt.Errorf("syncwire: open: unknown kind %d", opt.Kind)
	}
	if opt.SenderKey == nil {
		return nil, errors.New("syncwire: open: no SenderKey")
	}
	if opt.Kind.encrypted() && (opt.Me == "" || opt.Console == "" || opt.Identity == nil) {
		return nil, fmt.Errorf("syncwire: open: a %s needs Me, Console and Identity", opt.Kind)
	}
	max := opt.MaxBytes
	if max <= 0 {
		max = opt.Kind.maxBytes()
	}
	f, err := os.CreateTemp(opt.TempDir, "syncwire-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("syncwire: temporary file: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return nil, fmt.Errorf("syncwire: temporary file: %w", err)
	}
	s := &sink{f: f, h: sha512.New()}
	if _, err := io.Copy(s, io.LimitReader(r, max+1)); err != nil {
		return nil, fmt.Errorf("syncwire: read file: %w", err)
	}
	if s.n > max {
		return nil, refuse(ErrTooLarge, msgTooLarge, fmt.Errorf("over %d bytes", max), "max", mb(max))
	}
	env, err := check(s, opt)
	if err != nil {
		return nil, err
	}
	ok = true
	return env, nil
}

func mb(n int64) string {
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', -1, 64)
}

func check(s *sink, opt OpenOptions) (*Envelope, error) {
	n, head := s.n, s.head
	if n == 0 {
		return nil, refuse(ErrEmpty, msgEmpty, nil)
	}
	// The magic: a prefix of it is a cut-off file; one byte off is damage;
	// more is some other file.
	m := min(len(head), len(magic))
	diff := 0
	for i := range m {
		if head[i] != magic[i] {
			diff++
		}
	}
	if diff > 1 || (diff == 1 && m < 4) {
		return nil, refuse(ErrNotSyncFile, msgNotSyncFile, nil)
	}
	if n < preambleLen {
		if diff == 0 {
			return nil, truncated(fmt.Errorf("%d bytes", n))
		}
		return nil, tampered(errors.New("magic"))
	}
	version, kind := head[versionAt], Kind(head[versionAt+1])
	hlen := int64(binary.BigEndian.Uint32(head[10:14]))

	// The digest: does the file hash to what it says (with the version
	// byte read as Version)?
	var trailer [trailerLen]byte
	digestOK, markerOK, sizeOK := false, false, false
	if n >= overhead {
		if _, err := s.f.ReadAt(trailer[:], n-sealLen-trailerLen); err != nil {
			return nil, fmt.Errorf("syncwire: read trailer: %w", err)
		}
		markerOK = string(trailer[:8]) == endMagic
		plen := binary.BigEndian.Uint64(trailer[8:])
		sizeOK = hlen <= MaxHeaderBytes && plen <= uint64(n) && uint64(overhead)+uint64(hlen)+plen == uint64(n)
		digestOK = bytes.Equal(s.h.Sum(nil), s.hold[:sha512.Size])
	}
	if version != Version {
		if digestOK {
			return nil, tampered(fmt.Errorf("version byte %d on a version %d file", version, Version))
		}
		return nil, refuse(ErrVersion, msgVersion, fmt.Errorf("version %d", version), "version", version)
	}
	if !digestOK {
		if !markerOK && !sizeOK {
			return nil, truncated(fmt.Errorf("%d bytes, no trailer", n))
		}
		return nil, tampered(errors.New("digest does not match"))
	}
	if diff != 0 || !markerOK || !sizeOK {
		return nil, tampered(errors.New("layout"))
	}
	if !kind.known() || kind != opt.Kind {
		return nil, refuse(ErrKind, msgKind, fmt.Errorf("%s, want %s", kind, opt.Kind),
			"found", kindWord(kind), "want", kindWord(opt.Kind))
	}
	if int64(len(head)) < preambleLen+hlen {
		return nil, tampered(errors.New("header cut"))
	}
	var h Header
	dec := json.NewDecoder(bytes.NewReader(head[preambleLen : preambleLen+hlen]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, malformed(fmt.Errorf("header: %w", err))
	}
	if dec.More() {
		return nil, malformed(errors.New("header: data after the JSON"))
	}
	if err := h.validate(kind); err != nil {
		return nil, malformed(err)
	}
	if (opt.Me != "" && h.Recipient != opt.Me) || (opt.Console != "" && h.Console != opt.Console) {
		return nil, refuse(ErrWrongRecipient, msgWrongRecipient,
			fmt.Errorf("for %s of console %s", h.Recipient, h.Console))
	}
	pub, err := opt.SenderKey(h)
	if err != nil {
		var ie *i18n.Error
		if errors.As(err, &ie) {
			return nil, err
		}
		return nil, refuse(ErrUnknownSender, msgUnknownSender, fmt.Errorf("sender %s: %w", h.Sender, err))
	}
	if len(pub) != ed25519.PublicKeySize {
		return nil, refuse(ErrUnknownSender, msgUnknownSender, fmt.Errorf("sender %s: no key", h.Sender))
	}
	if err := ed25519.VerifyWithOptions(pub, s.hold[:sha512.Size], s.hold[sha512.Size:], sigOpts); err != nil {
		return nil, tampered(fmt.Errorf("signature of %s: %w", h.Sender, err))
	}

	start := preambleLen + hlen
	section := io.NewSectionReader(s.f, start, n-overhead-hlen)
	env := &Envelope{Header: h, Kind: kind, Size: n, f: s.f, payload: section}
	if kind.encrypted() {
		pr, err := age.Decrypt(section, opt.Identity.ageIdentity())
		if err != nil {
			var nomatch *age.NoIdentityMatchError
			if errors.As(err, &nomatch) {
				return nil, refuse(ErrWrongRecipient, msgWrongRecipient, err)
			}
			return nil, tampered(fmt.Errorf("decrypt: %w", err))
		}
		env.payload = &tamperReader{r: pr}
	}
	return env, nil
}

// tamperReader turns a decryption failure in the middle of the payload
// (which the signature makes impossible unless the sender wrote it) into
// ErrTampered.
type tamperReader struct {
	r   io.Reader
	err error
}

func (t *tamperReader) Read(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF {
		t.err = tampered(fmt.Errorf("decrypt: %w", err))
		err = t.err
	}
	return n, err
}
