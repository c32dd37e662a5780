package camera_test

import (
	"image"
	"strings"
	"testing"

	. "id06desk/internal/camera"
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
