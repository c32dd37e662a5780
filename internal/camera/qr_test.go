package camera_test

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	. "id06desk/internal/camera"
	"id06desk/internal/qr"
)

// TestScanThroughCamera plays webcam-like photos through a still-image
// camera and scans the frames the Camera delivers.
func TestScanThroughCamera(t *testing.T) {
	invite, dark, plain := fixtures(t)
	cases := []struct {
		name  string
		photo image.Image
		want  string // "" for no code
	}{
		{"printed invitation, turned 7°", invite, testLink},
		{"dark-mode invitation, light code on black", dark, testLink},
		{"no code in view", plain, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			id, _ := stillCam(t, "qr "+tc.name, 30, tc.photo)
			c := openCam(t, id, frameSize.X, frameSize.Y)
			f := next(t, c, 0)
			if f.Image.Rect.Size() != frameSize {
				t.Fatalf("frame is %v, want %v", f.Image.Rect.Size(), frameSize)
			}
			text, ok := Scanner{}.Scan(f)
			if tc.want == "" {
				if ok {
					t.Fatalf("found a code %q in a frame without one", text)
				}
				return
			}
			if !ok || text != tc.want {
				t.Fatalf("Scan = %q, %v; want %q", text, ok, tc.want)
			}
			tok, ok := InvitationToken(text)
			if !ok || tok != testToken {
				t.Fatalf("InvitationToken = %q, %v; want %q", tok, ok, testToken)
			}
		})
	}
}

// TestScanDarkModeNeedsSecondPass: the dark-mode code is found by the
// inverted pass only, so dropping that pass would fail this test.
func TestScanDarkModeNeedsSecondPass(t *testing.T) {
	t.Parallel()
	_, dark, _ := fixtures(t)
	img := ToYCbCr420(nil, dark)
	src, ok := LumaSource(img)
	if !ok {
		t.Fatal("no luminance source over the luma plane")
	}
	if text, ok := DecodeQR(src); ok {
		t.Fatalf("the plain pass decoded the dark-mode code (%q): the test no longer shows the second pass", text)
	}
	if text, ok := (Scanner{}).Scan(Frame{Image: img}); !ok || text != testLink {
		t.Fatalf("Scan = %q, %v; want the link", text, ok)
	}
}

// TestScanLumaLayouts: a frame whose luma stride is wider than the picture,
// and a sub-image not at the origin, are read at the right offsets.
func TestScanLumaLayouts(t *testing.T) {
	t.Parallel()
	invite, _, _ := fixtures(t)
	full := ToYCbCr420(nil, invite)
	wide := image.NewYCbCr(image.Rect(0, 0, frameSize.X+64, frameSize.Y), image.YCbCrSubsampleRatio420)
	for y := range frameSize.Y {
		copy(wide.Y[y*wide.YStride:], full.Y[y*full.YStride:(y+1)*full.YStride])
	}
	padded := wide.SubImage(image.Rect(0, 0, frameSize.X, frameSize.Y)).(*image.YCbCr)
	// The code sits in the middle; a centred 800×700 window holds all of it.
	window := full.SubImage(image.Rect(240, 10, 1040, 710)).(*image.YCbCr)
	for name, img := range map[string]*image.YCbCr{"stride wider than the frame": padded, "centred sub-image": window} {
		if text, ok := (Scanner{}).Scan(Frame{Image: img}); !ok || text != testLink {
			t.Errorf("%s: Scan = %q, %v; want the link", name, text, ok)
		}
	}
	if _, ok := (Scanner{}).Scan(Frame{}); ok {
		t.Error("Scan of an empty frame reported a code")
	}
}

// misjudgedLinks are random invitation links whose codes, drawn by qr.Link
// and shown perfectly, gozxing's single-code reader cannot read: it picks a
// wrong finder pattern and misjudges the code's dimension. About one random
// link in a hundred does this; the CI found the first by chance.
var misjudgedLinks = []string{
	"https://id06.bygg.se/#/register/v1.309313aY-64QOhhP8DYjZ7s5thxhUDwkYKwcWzTApYlSiLFftDGcyht6HYMN0F-6z1nrOu0pMBF3pNYWg2JrE9DHGbZjOuiF6i8DvTPpcYck06oCK5QEr5qZsMW0bFnW9t2bdmPw9VaqihdeVTv1hagi5BcuPwnI0rgpPJMrBy",
	"https://id06.bygg.se/#/register/v1.OonsZYcrghftsOWDfF9zqwpj699A8lCLUe_HVCEoGzGuwcYgBmD9I_-Vy_P34wG75wjRDkdOqnRLyYfXTLg0UoLh1cRURFiWV2qvA3G8_PooXPTSOv-Nl_a8aznyAcC-rML98JoSVo33wV08NTB66-FghF_twF57a_DpFYH23w",
	"https://id06.bygg.se/#/register/v1.mlrRiNgMi86CyZpNYdQjKmKMDQEix-qzWW6nypPvQb6eIdbnx3pKEQ8hvflrOAwyBZ1CKLdBAfUtmqRTLGlcdcT10MPgeSg4te0iCfKbjA-g1A1c9qYFxdfQw77GQH9OfpbxAujePW_lWdayXSjzXvUvmcwBfv2C2BWbQkkOTc",
	"https://id06.bygg.se/#/register/v1.SPVSRIj2RUpA912QM0CsNSNJudtafo_m3rRBDn3gv2W97ivsC9VVwjvWszddhAO-kl8BoYBtfihuUvzUxgEcywX4g7u6dBT3kdT5QjeN5T0mZW_mDxDIxXKh7wCBjYkvHmqoCh0F5rGl3bsBMKT0l7QRecDd7GPYmJpqGOlqGe",
}

// TestScanCodesTheSingleReaderMisjudges: every such code, laid flat in a
// 640×480 frame as on a phone held to the kiosk, is found by Scan (its
// multi-reader fallback), though the single reader alone misses them.
func TestScanCodesTheSingleReaderMisjudges(t *testing.T) {
	t.Parallel()
	missed := 0
	for _, link := range misjudgedLinks {
		b, err := qr.Link(link)
		if err != nil {
			t.Fatal(err)
		}
		code, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		frame := image.NewRGBA(image.Rect(0, 0, 640, 480))
		draw.Draw(frame, frame.Rect, image.White, image.Point{}, draw.Src)
		draw.Draw(frame, code.Bounds().Add(image.Pt(176, 96)), code, image.Point{}, draw.Src)
		bmp, _ := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(frame)))
		if _, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}); err != nil {
			missed++
		}
		if text, ok := (Scanner{}).Scan(Frame{Image: ToYCbCr420(nil, frame)}); !ok || text != link {
			t.Errorf("Scan = %q, %v; want %q", text, ok, link)
		}
	}
	if missed == 0 {
		t.Fatal("the single reader read every code: the test no longer shows the fallback")
	}
}

func TestInvitationToken(t *testing.T) {
	t.Parallel()
	tok := "v1.AbC-_09.xyZ_-1"
	long := "v1." + strings.Repeat("a", MaxTokenLen-5) + ".b" // exactly MaxTokenLen
	cases := []struct {
		name, text, want string
	}{
		{"link", "http://127.0.0.1:8080/#/register/" + tok, tok},
		{"https link with a path", "https://kiosk.example.se/id06/#/register/" + tok, tok},
		{"link with surrounding whitespace", "  https://a.example/#/register/" + tok + "\n", tok},
		{"bare token", tok, tok},
		{"longest token", long, long},
		{"token one character too long", long + "c", ""},
		{"other web page", "https://example.com/", ""},
		{"other route", "https://a.example/#/orders/" + tok, ""},
		{"javascript link", "javascript:alert(1)//#/register/" + tok, ""},
		{"link without host", "http:///#/register/" + tok, ""},
		{"user info in the link", "https://user@a.example/#/register/" + tok, ""},
		{"query in the base", "https://a.example/?x=1#/register/" + tok, ""},
		{"extra path after the token", "https://a.example/#/register/" + tok + "/x", ""},
		{"percent-encoded token", "https://a.example/#/register/v1.%41b.cd", ""},
		{"wrong version", "v2.abc.def", ""},
		{"missing signature", "v1.abc", ""},
		{"empty payload", "v1..def", ""},
		{"three parts after the version", "v1.abc.def.ghi", ""},
		{"padding", "v1.abc=.def", ""},
		{"space inside", "v1.ab c.def", ""},
		{"empty", "", ""},
		{"Swish payment code", "C1234567890;100;;0", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := InvitationToken(tc.text)
			if ok != (tc.want != "") || got != tc.want {
				t.Fatalf("InvitationToken(%.80q) = %.80q, %v; want %.80q", tc.text, got, ok, tc.want)
			}
		})
	}
}
