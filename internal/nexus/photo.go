package nexus

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"id06desk/internal/i18n"
	"id06desk/internal/order"
)

// Nexus's photo rules a program can check (ID06 card 2.0): JPEG here (the
// app stores its card photos as JPEG), at most 5 MB, at least 300×410 px.
const (
	MaxPhotoBytes  = 5 << 20
	MinPhotoWidth  = 300
	MinPhotoHeight = 410
)

// ErrPhoto is wrapped by PhotoError.
var ErrPhoto = errors.New("photo does not meet Nexus's rules")

// PhotoError names an order whose photo Nexus would refuse, and why.
type PhotoError struct {
	OrderID string
	Name    string // the cardholder's name, for the message
	Reason  i18n.Text
	Params  []any
}

func (e *PhotoError) Error() string {
	return fmt.Sprintf("order %s: %s", e.OrderID, e.Reason.With(e.Params...).In(i18n.EN))
}

func (e *PhotoError) Unwrap() error { return ErrPhoto }

// Msg is the message for people: whose photo, and why.
func (e *PhotoError) Msg() i18n.Message {
	return msgPhotoRefused.With("name", e.Name, "reason", e.Reason.With(e.Params...))
}

// CheckPhoto reports whether photo meets Nexus's rules; nil when it does.
// It reads only the JPEG header.
func CheckPhoto(o order.Order, photo []byte) error {
	return CheckPhotoHead(o, photo, len(photo))
}

// PhotoHeadBytes is enough of a JPEG for CheckPhotoHead: its header up to
// the frame size (markers before it are small; EXIF is stripped).
const PhotoHeadBytes = 64 << 10

// CheckPhotoHead is CheckPhoto on the first bytes of a photo of size bytes.
func CheckPhotoHead(o order.Order, photo []byte, size int) error {
	fail := func(t i18n.Text, params ...any) error {
		return &PhotoError{OrderID: o.ID, Name: strings.TrimSpace(o.FirstName + " " + o.LastName), Reason: t, Params: params}
	}
	if size == 0 {
		return fail(msgPhotoMissing)
	}
	if size > MaxPhotoBytes {
		return fail(msgPhotoTooBig, "mb", strconv.FormatFloat(float64(size)/(1<<20), 'f', 1, 64))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(photo))
	if err != nil || format != "jpeg" {
		return fail(msgPhotoNotJPEG)
	}
	if cfg.Width < MinPhotoWidth || cfg.Height < MinPhotoHeight {
		return fail(msgPhotoSmall, "width", cfg.Width, "height", cfg.Height)
	}
	return nil
}

var _ = jpeg.Decode // registers the JPEG format for image.DecodeConfig

// PhotoName is the file name of row n's photo (from 1): <last>_<first>_<n>.jpg
// in ASCII letters and digits only (å → a, ø → o, ß → ss), so that every
// unzip tool and Nexus's import read it the same; n keeps names unique.
func PhotoName(o order.Order, n int) string {
	last, first := asciiName(o.LastName), asciiName(o.FirstName)
	if last == "" {
		last = "x"
	}
	if first == "" {
		first = "x"
	}
	return last + "_" + first + "_" + strconv.Itoa(n) + ".jpg"
}

var special = map[rune]string{'ø': "o", 'Ø': "O", 'æ': "ae", 'Æ': "AE", 'ß': "ss", 'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'þ': "th", 'Þ': "TH", 'œ': "oe", 'Œ': "OE"}

// asciiName keeps letters and digits of s without their accents, joins
// words with "-", and cuts it at 40 characters.
func asciiName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case special[r] != "":
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteString(special[r])
		default:
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	out := b.String()
	if len(out) > 40 {
		out = out[:40]
	}
	return out
}
