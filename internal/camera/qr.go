package camera

import (
	"image"
	"net/url"
	"strings"

	"github.com/makiuchi-d/gozxing"
	mqrcode "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Scanner finds QR codes in camera frames with gozxing, reading the frame's
// luma plane directly (no conversion to RGB and back). A code printed light
// on dark (a mail read in dark mode) is found by a second pass over the
// inverted luma: gozxing's QR reader ignores the ALSO_INVERTED hint. The
// zero value is ready to use, and a Scanner is safe for concurrent use.
type Scanner struct{}

// qrHints are read, never written, by gozxing.
var qrHints = map[gozxing.DecodeHintType]any{
	gozxing.DecodeHintType_TRY_HARDER: true,
}

// Scan returns the text of a QR code in the frame, if it finds one.
func (Scanner) Scan(f Frame) (text string, ok bool) {
	if f.Image == nil {
		return "", false
	}
	src, ok := lumaSource(f.Image)
	if !ok {
		return "", false
	}
	if text, ok := decodeQR(src); ok {
		return text, true
	}
	return decodeQR(src.Invert())
}

// lumaSource is a gozxing luminance source over img's Y plane, without a
// copy.
func lumaSource(img *image.YCbCr) (gozxing.LuminanceSource, bool) {
	r := img.Rect
	if r.Empty() || img.YStride < r.Dx() {
		return nil, false
	}
	start := img.YOffset(r.Min.X, r.Min.Y)
	if start < 0 || start+(r.Dy()-1)*img.YStride+r.Dx() > len(img.Y) {
		return nil, false
	}
	// The source reads row y at y*dataWidth: the plane's stride is its data
	// width, and the crop is the frame's width.
	src, err := gozxing.NewPlanarYUVLuminanceSource(img.Y[start:], img.YStride, r.Dy(), 0, 0, r.Dx(), r.Dy(), false)
	if err != nil {
		return nil, false
	}
	return src, true
}

// decodeQR runs gozxing's QR reader (hybrid binarizer, TRY_HARDER) over src
// and, when that finds nothing, its multi-code reader over the same
// binarized frame. The single reader keeps only the three likeliest finder
// patterns, and for about one code in a hundred (found with random
// invitation links drawn perfectly) it picks a wrong one and misjudges the
// code's dimension; the multi reader tries every plausible triple. The
// fallback reuses the bitmap's black matrix, so it costs the detection only.
func decodeQR(src gozxing.LuminanceSource) (string, bool) {
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	if err != nil {
		return "", false
	}
	if res, err := qrcode.NewQRCodeReader().Decode(bmp, qrHints); err == nil {
		return res.GetText(), true
	}
	all, err := mqrcode.NewQRCodeMultiReader().DecodeMultiple(bmp, qrHints)
	if err != nil || len(all) == 0 {
		return "", false
	}
	return all[0].GetText(), true
}

// MaxTokenLen bounds an invitation token read from a QR code. Real tokens
// are about 150 characters.
const MaxTokenLen = 1024

// maxScannedLen bounds a scanned link: a token and a generous base URL.
const maxScannedLen = 2 * MaxTokenLen

// registerPath separates the base URL from the token in a registration link
// (<base>/#/register/<token>, internal/invitations).
const registerPath = "#/register/"

// InvitationToken extracts the invitation token from the text of a scanned
// QR code: a registration link <http(s) base>/#/register/<token>, or a bare
// token. It only checks the token's shape — "v1." and two non-empty
// base64url parts, at most MaxTokenLen characters — and refuses everything
// else; the signature is checked by whoever verifies the token.
func InvitationToken(text string) (string, bool) {
	text = strings.TrimSpace(text)
	if len(text) > maxScannedLen {
		return "", false
	}
	if strings.HasPrefix(text, "v1.") {
		if !tokenShaped(text) {
			return "", false
		}
		return text, true
	}
	base, tok, found := strings.Cut(text, registerPath)
	if !found {
		return "", false
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", false
	}
	if !tokenShaped(tok) {
		return "", false
	}
	return tok, true
}

// tokenShaped reports whether tok looks like v1.<base64url>.<base64url>.
func tokenShaped(tok string) bool {
	if len(tok) > MaxTokenLen {
		return false
	}
	rest, ok := strings.CutPrefix(tok, "v1.")
	if !ok {
		return false
	}
	payload, sig, ok := strings.Cut(rest, ".")
	return ok && base64URL(payload) && base64URL(sig)
}

// base64URL reports whether s is non-empty unpadded base64url text.
func base64URL(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
