package bankid

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"id06desk/internal/qr"
)

// QRData returns the content of the animated QR code the given number of
// whole seconds after the auth answer:
//
//	bankid.<qrStartToken>.<seconds>.<qrAuthCode>
//
// where qrAuthCode is the lower-case hex HMAC-SHA256 of the decimal seconds,
// keyed with the qrStartSecret string's bytes. The code must be redrawn every
// second. Negative seconds count as 0.
func QRData(qrStartToken, qrStartSecret string, seconds int) string {
	seconds = max(seconds, 0)
	t := strconv.Itoa(seconds)
	mac := hmac.New(sha256.New, []byte(qrStartSecret))
	mac.Write([]byte(t))
	return "bankid." + qrStartToken + "." + t + "." + hex.EncodeToString(mac.Sum(nil))
}

// QRPNG draws the QR code of data (QRData's answer) as a size×size PNG.
// BankID does not prescribe an error-correction level; the data (~100
// characters) fits in a small code at level L, which keeps the modules large
// for the phone camera.
func QRPNG(data string, size int) ([]byte, error) {
	return qr.PNG(data, qr.Low, size)
}
