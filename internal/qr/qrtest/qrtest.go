// Package qrtest reads QR codes in tests the way a phone does, with zbarimg
// (Debian's zbar-tools, installed by make test). It is an independent
// decoder: the kiosk's own reader (gozxing, internal/camera) is tested on
// its own.
package qrtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Decode returns the text of the one QR code in the PNG or JPEG image, and
// fails the test if zbarimg is missing or finds no code or several.
func Decode(tb testing.TB, image []byte) string {
	tb.Helper()
	bin, err := exec.LookPath("zbarimg")
	if err != nil {
		tb.Fatal("zbarimg is not installed (apt-get install zbar-tools; make test installs it)")
	}
	f := filepath.Join(tb.TempDir(), "code.img")
	if err := os.WriteFile(f, image, 0o600); err != nil {
		tb.Fatal(err)
	}
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", "-Sbinary", f)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		tb.Fatalf("zbarimg found no QR code: %v %s", err, strings.TrimSpace(errOut.String()))
	}
	text := strings.TrimSuffix(out.String(), "\n")
	if strings.Contains(text, "\n") {
		tb.Fatalf("zbarimg found several codes: %q", text)
	}
	return text
}
