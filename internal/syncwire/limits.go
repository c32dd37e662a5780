// Package syncwire is the wire format of the files an offline kiosk and its
// console exchange: the pairing file (console → kiosk), the bundle of sealed
// registrations (kiosk → console) and the site pack (console → kiosk). Every
// file is one envelope (envelope.go): a signed, size-limited, versioned
// container whose payload is age-encrypted to the recipient (pairing files
// are signed but not encrypted). FORMAT.md describes the bytes.
//
// The package holds no storage and runs no service: it writes and reads
// files, and refuses bad ones with a typed error (errors.Is with the Err…
// values below) that carries one sentence for people (an *i18n.Error).
package syncwire

import (
	"errors"
	"fmt"

	"id06desk/internal/i18n"
)

// Limits. A reader refuses anything beyond them; a writer refuses to write
// what a reader would refuse.
const (
	// MaxHeaderBytes is the largest envelope header (JSON).
	MaxHeaderBytes = 16 << 10
	// MaxPairingBytes, MaxBundleBytes and MaxSitePackBytes are the largest
	// whole files of each kind (Open's default limit).
	MaxPairingBytes  = 4 << 20
	MaxBundleBytes   = 2 << 30
	MaxSitePackBytes = 32 << 20

	// Inside a bundle.
	MaxRegistrations     = 10_000   // registrations in one bundle
	MaxRegistrationJSON  = 64 << 10 // one registration.json
	MaxPhotoBytes        = 5 << 20  // one card photo
	MaxManifestBytes     = 4 << 10  // manifest.json
	maxSealedOverhead    = 64 << 10 // age header, chunk tags and tar headers of one sealed registration
	MaxSealedBytes       = MaxRegistrationJSON + MaxPhotoBytes + maxSealedOverhead
	MaxFieldLen          = 200 // any one text field of a registration
	MaxTokenLen          = 512 // an invitation token
	MaxIDLen             = 64  // a kiosk, console or registration id
	maxBlobBytes         = 1 << 20
	MaxTokenKeys         = 32
	MaxSettings          = 200
	MaxSettingLen        = 4 << 10
	MaxInvitations       = 50_000
	MaxRevoked           = 100_000
	MaxAcks              = 100_000
	MaxPairingQRChars    = 1200 // the longest QR text PairingQR makes
	maxPairingQRDecoded  = 16 << 10
	maxNameLen           = 120
	maxSyncAddressLength = 254
)

// Refusals. Each error this package returns for a bad file wraps exactly one
// of these (errors.Is) and is an *i18n.Error with the sentence to show.
var (
	ErrEmpty          = errors.New("syncwire: empty file")
	ErrNotSyncFile    = errors.New("syncwire: not an id06desk sync file")
	ErrTruncated      = errors.New("syncwire: truncated")
	ErrTampered       = errors.New("syncwire: changed or damaged")
	ErrVersion        = errors.New("syncwire: unknown format version")
	ErrKind           = errors.New("syncwire: wrong kind of file")
	ErrTooLarge       = errors.New("syncwire: over the size limit")
	ErrUnknownSender  = errors.New("syncwire: unknown or revoked sender")
	ErrWrongRecipient = errors.New("syncwire: meant for another recipient")
	ErrMalformed      = errors.New("syncwire: contents do not follow the format")
	ErrStale          = errors.New("syncwire: site pack older than the one applied")
	ErrPairingProof   = errors.New("syncwire: the pairing secret was not proven")
	// ErrQRTooLarge: a pairing does not fit one QR code even without its
	// catalogs (PairingQR); the pairing file carries it.
	ErrQRTooLarge = errors.New("syncwire: pairing too large for a QR code")
)

var (
	msgEmpty = i18n.Text{Code: "sync.empty",
		SV: "Filen är tom.",
		EN: "The file is empty."}
	msgNotSyncFile = i18n.Text{Code: "sync.not_sync_file",
		SV: "Det här är inte en synkfil från id06desk.",
		EN: "This is not an id06desk sync file."}
	msgTruncated = i18n.Text{Code: "sync.truncated",
		SV: "Filen är ofullständig: den har kortats av, kanske när den kopierades. Kopiera den igen.",
		EN: "The file is incomplete: it was cut short, perhaps while it was copied. Copy it again."}
	msgTampered = i18n.Text{Code: "sync.tampered",
		SV: "Filen har ändrats eller skadats sedan den skrevs och kan inte användas.",
		EN: "The file has been changed or damaged since it was written and cannot be used."}
	msgVersion = i18n.Text{Code: "sync.version",
		SV: "Filen har skrivits av en nyare version av id06desk (format {version}). Uppdatera id06desk på den här datorn.",
		EN: "The file was written by a newer version of id06desk (format {version}). Update id06desk on this computer."}
	msgKind = i18n.Text{Code: "sync.kind",
		SV: "Det här är {found}, inte {want}.",
		EN: "This is {found}, not {want}."}
	msgTooLarge = i18n.Text{Code: "sync.too_large",
		SV: "Filen är större än {max} MB, det största en sådan fil får vara.",
		EN: "The file is larger than {max} MB, the most such a file may hold."}
	msgEntryTooLarge = i18n.Text{Code: "sync.entry_too_large",
		SV: "Filen innehåller mer än den får: {what} är större än {max}.",
		EN: "The file holds more than it may: {what} is larger than {max}."}
	msgTooMany = i18n.Text{Code: "sync.too_many",
		SV: "Filen innehåller fler poster än den får.",
		EN: "The file holds more entries than it may."}
	msgQRTooLong = i18n.Text{Code: "sync.qr_too_long",
		SV: "Koden är längre än en parkopplingskod kan vara.",
		EN: "The code is longer than a pairing code can be."}
	msgQRTooLarge = i18n.Text{Code: "sync.qr_too_large",
		SV: "Parkopplingen ryms inte i en QR-kod. Använd parkopplingsfilen i stället (ladda ner den och ta den till kiosken på ett USB-minne).",
		EN: "The pairing does not fit in one QR code. Use the pairing file instead (download it and take it to the kiosk on a USB stick)."}
	msgUnknownSender = i18n.Text{Code: "sync.unknown_sender",
		SV: "Filen kommer från en kiosk eller konsol som den här datorn inte är parkopplad med, eller vars parkoppling har återkallats.",
		EN: "The file comes from a kiosk or console this computer is not paired with, or whose pairing was revoked."}
	msgWrongRecipient = i18n.Text{Code: "sync.wrong_recipient",
		SV: "Filen är avsedd för en annan kiosk eller konsol.",
		EN: "The file is meant for another kiosk or console."}
	msgMalformed = i18n.Text{Code: "sync.malformed",
		SV: "Filens innehåll följer inte formatet och kan inte användas.",
		EN: "The file's contents do not follow the format and cannot be used."}
	msgStale = i18n.Text{Code: "sync.stale",
		SV: "Platspaketet är äldre än det som redan används (nummer {seq}, redan använt {applied}).",
		EN: "This site pack is older than the one already applied (number {seq}, already applied {applied})."}
	msgPairingProof = i18n.Text{Code: "sync.pairing_proof",
		SV: "Kioskens första paket bevisar inte parkopplingen. Parkoppla kiosken igen.",
		EN: "The kiosk's first bundle does not prove its pairing. Pair the kiosk again."}
)

// Kind words, for msgKind.
var kindWords = map[Kind]i18n.Text{
	KindPairing: {Code: "sync.kind.pairing",
		SV: "en parkopplingsfil", EN: "a pairing file"},
	KindBundle: {Code: "sync.kind.bundle",
		SV: "ett paket med registreringar", EN: "a bundle of registrations"},
	KindSitePack: {Code: "sync.kind.site_pack",
		SV: "ett platspaket", EN: "a site pack"},
}

var msgKindUnknown = i18n.Text{Code: "sync.kind.unknown",
	SV: "en okänd sorts synkfil", EN: "an unknown kind of sync file"}

func kindWord(k Kind) i18n.Text {
	if t, ok := kindWords[k]; ok {
		return t
	}
	return msgKindUnknown
}

// refuse wraps a sentinel, with the technical detail for logs (nil for
// none), in the sentence for people.
func refuse(sentinel error, t i18n.Text, detail error, params ...any) error {
	err := sentinel
	if detail != nil {
		err = fmt.Errorf("%w: %v", sentinel, detail)
	}
	return i18n.Wrap(err, t, params...)
}

func tampered(detail error) error  { return refuse(ErrTampered, msgTampered, detail) }
func truncated(detail error) error { return refuse(ErrTruncated, msgTruncated, detail) }
func malformed(detail error) error { return refuse(ErrMalformed, msgMalformed, detail) }

func tooLargeEntry(what i18n.Text, max string, detail error) error {
	return refuse(ErrTooLarge, msgEntryTooLarge, detail, "what", what, "max", max)
}

var (
	msgWhatRegistration = i18n.Text{Code: "sync.what.registration",
		SV: "en registrering", EN: "a registration"}
	msgWhatPhoto = i18n.Text{Code: "sync.what.photo",
		SV: "ett foto", EN: "a photo"}
)
