package registration_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	xdraw "golang.org/x/image/draw"

	"id06desk/internal/i18n"
	"id06desk/internal/order"
	"id06desk/internal/photo"
	"id06desk/internal/registration"
)

// frame puts pigo's sample, scaled by k, at `at` in a w×h picture whose
// rest repeats the sample's edge pixels (background and shirt go on), as a
// webcam or phone would take it. Several positions give several people.
func frame(t testing.TB, w, h int, k float64, at ...image.Point) []byte {
	t.Helper()
	small, err := jpeg.Decode(bytes.NewReader(sampleFile(t)))
	if err != nil {
		t.Fatal(err)
	}
	b := small.Bounds()
	s := image.NewRGBA(image.Rect(0, 0, int(float64(b.Dx())*k), int(float64(b.Dy())*k)))
	xdraw.CatmullRom.Scale(s, s.Rect, small, b, xdraw.Src, nil)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	sw, sh := s.Rect.Dx(), s.Rect.Dy()
	for y := range h {
		for x := range w {
			// The nearest copy of the sample decides the pixel.
			p := at[0]
			for _, q := range at[1:] {
				if abs(x-(q.X+sw/2)) < abs(x-(p.X+sw/2)) {
					p = q
				}
			}
			sx, sy := min(max(x-p.X, 0), sw-1), min(max(y-p.Y, 0), sh-1)
			copy(dst.Pix[dst.PixOffset(x, y):][:4], s.Pix[s.PixOffset(sx, sy):][:4])
		}
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func abs(v int) int { return max(v, -v) }

func photoCode(err error) string {
	var pe *registration.PhotoError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func problemCodes(m *registration.PhotoMeta) []string {
	var codes []string
	for _, p := range m.Problems {
		codes = append(codes, p.Code)
	}
	return codes
}

// TestPhoto720p: the kiosk offers 1280×720 as a camera setting. A good,
// centred webcam face is accepted, its card photo as large as the crop
// allows; a frame with a problem is told its own problem first (no face,
// two faces, off-centre), never "too small".
func TestPhoto720p(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		name   string
		data   []byte
		first  string // "" for usable
		usable bool
	}{
		// Head ≈ 477 px of 720: an arm's length from the camera.
		{"centred face", frame(t, 1280, 720, 1.44, image.Pt(410, 144)), "", true},
		{"no face", frame(t, 1280, 720, 1.44, image.Pt(410, 1000)), "no_face", false},
		{"two faces", frame(t, 1280, 720, 1.3, image.Pt(224, 200), image.Pt(640, 200)), "several_faces", false},
		{"off-centre", frame(t, 1280, 720, 1.44, image.Pt(-90, 144)), "not_centred", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, tok := f.invite(t, strings.ReplaceAll(tt.name, " ", ".")+"@example.se")
			if _, err := f.reg.SetMethod(ctx, tok, order.MethodManual, false); err != nil {
				t.Fatal(err)
			}
			s, err := f.reg.UploadPhoto(ctx, tok, bytes.NewReader(tt.data), true)
			if err != nil {
				t.Fatalf("UploadPhoto: %v", err)
			}
			codes := problemCodes(s.Photo)
			if tt.first == "" && len(codes) != 0 || tt.first != "" && (len(codes) == 0 || codes[0] != tt.first) {
				t.Errorf("problems %v, want %q first", codes, tt.first)
			}
			if s.Photo.Usable() != tt.usable {
				t.Errorf("usable %v, want %v (problems %v)", s.Photo.Usable(), tt.usable, codes)
			}
			card, err := f.reg.Photo(ctx, tok, false)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(card))
			if err != nil {
				t.Fatal(err)
			}
			c := s.Photo.Crop
			if cfg.Width > c.Width || cfg.Height > c.Height || cfg.Width < photo.MinCropWidth || cfg.Width*9 != cfg.Height*7 {
				t.Errorf("card photo %d×%d from a %d×%d crop: want 7k×9k, at least %d×%d, no larger than the crop",
					cfg.Width, cfg.Height, c.Width, c.Height, photo.MinCropWidth, photo.MinCropHeight)
			}
		})
	}
}

// TestPhotoHeadCut: "Smaller" pressed twelve times in the crop editor cuts
// off hair and chin. That blocks: the step stays open, Confirm refuses, and
// a new crop around the whole head opens it again.
func TestPhotoHeadCut(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, tok := f.invite(t, "cut@example.se")
	fillAll(t, f, tok)
	s, err := f.reg.Open(ctx, tok, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.Step != registration.StepReview {
		t.Fatalf("step %s, want review", s.Step)
	}
	suggested := s.Photo.Crop
	c := suggested
	for range 12 { // the editor's Smaller: 1/1.1 about the centre, down to its least frame
		w := max(int(float64(c.Width)/1.1), 7*((photo.MinCropWidth+6)/7))
		h := w * 45 / 35
		c = registration.Rect{X: c.X + (c.Width-w)/2, Y: c.Y + (c.Height-h)/2, Width: w, Height: h}
	}
	s, err = f.reg.CropPhoto(ctx, tok, c, false)
	if err != nil {
		t.Fatal(err)
	}
	if codes := problemCodes(s.Photo); len(codes) == 0 || codes[0] != "head_cut" || !s.Photo.Problems[0].Blocking {
		t.Fatalf("problems %+v, want head_cut first and blocking", s.Photo.Problems)
	}
	if s.Photo.Usable() || s.Step != registration.StepPhoto {
		t.Fatalf("usable %v, step %s: want the photo step open", s.Photo.Usable(), s.Step)
	}
	_, err = f.reg.Confirm(ctx, tok, false)
	var ie *registration.IncompleteError
	if !errors.As(err, &ie) || ie.Step != registration.StepPhoto {
		t.Fatalf("Confirm = %v, want the photo step incomplete", err)
	}
	s, err = f.reg.CropPhoto(ctx, tok, suggested, false)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Photo.Usable() || s.Step != registration.StepReview {
		t.Fatalf("back to the suggestion: problems %v, step %s", problemCodes(s.Photo), s.Step)
	}
}

// TestPhotoErrorsAreOurs: what a refused photo says is our sentence with a
// code; the decoder's own words ("short Huffman data", "unexpected EOF")
// only reach the log.
func TestPhotoErrorsAreOurs(t *testing.T) {
	f := newFixture(t)
	var logBuf bytes.Buffer
	var mu sync.Mutex
	f.reg = registration.New(registration.Config{Store: f.db, Settings: f.st, Keys: f.keys, Now: f.clock,
		Log: slog.New(slog.NewTextHandler(&lockedWriter{w: &logBuf, mu: &mu}, nil))})
	ctx := context.Background()
	_, tok := f.invite(t, "broken@example.se")
	whole := samplePhoto(t)
	for name, tt := range map[string]struct {
		data []byte
		code string
	}{
		"JPEG cut short":   {whole[:len(whole)*2/3], "photo_format"},
		"JPEG scan broken": {append(append([]byte{}, whole[:len(whole)/2]...), bytes.Repeat([]byte{0xFF, 0xD9}, 4)...), "photo_format"},
		"text":             {[]byte("hej"), "photo_format"},
		"36 MP":            {pngHeader(6000, 6000), "photo_dimensions"},
		"tiny":             {pngHeader(321, 600), "photo_too_small"},
	} {
		_, err := f.reg.UploadPhoto(ctx, tok, bytes.NewReader(tt.data), false)
		var pe *registration.PhotoError
		if !errors.As(err, &pe) || pe.Code != tt.code {
			t.Errorf("%s: %v, want code %s", name, err, tt.code)
			continue
		}
		msg := err.Error()
		for _, internal := range []string{"photo:", "Huffman", "EOF", "invalid", "unexpected", " px"} {
			if strings.Contains(msg, internal) {
				t.Errorf("%s: message %q shows %q", name, msg, internal)
			}
		}
		if !strings.HasSuffix(msg, ".") || msg != pe.Msg.In(i18n.EN) || pe.Msg.In(i18n.SV) == msg {
			t.Errorf("%s: message %q, want our sentence", name, msg)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logBuf.String(), "photo refused") || !strings.Contains(logBuf.String(), "code=photo_format") {
		t.Errorf("the log does not keep the causes:\n%s", logBuf.String())
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestPhotoBusy: while the decoding budget is taken, an upload and a crop
// wait, then get photo_busy; a photo refused by its header is refused at
// once without waiting for the budget.
func TestPhotoBusy(t *testing.T) {
	f := newFixture(t)
	budget := photo.NewBudget(100<<20, 1, 50*time.Millisecond)
	f.reg = registration.New(registration.Config{Store: f.db, Settings: f.st, Keys: f.keys, Now: f.clock, PhotoBudget: budget})
	ctx := context.Background()
	_, tok := f.invite(t, "busy@example.se")
	fillAll(t, f, tok)
	s, err := f.reg.Open(ctx, tok, false)
	if err != nil {
		t.Fatal(err)
	}
	hold, err := budget.Acquire(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.UploadPhoto(ctx, tok, bytes.NewReader(samplePhoto(t)), false); photoCode(err) != registration.PhotoBusy {
		t.Errorf("upload while busy: %v, want photo_busy", err)
	}
	if _, err := f.reg.CropPhoto(ctx, tok, s.Photo.Crop, false); photoCode(err) != registration.PhotoBusy {
		t.Errorf("crop while busy: %v, want photo_busy", err)
	}
	if _, err := f.reg.UploadPhoto(ctx, tok, bytes.NewReader(pngHeader(6000, 6000)), false); photoCode(err) != registration.PhotoDimensions {
		t.Errorf("6000×6000 while busy: %v, want photo_dimensions", err)
	}
	hold()
	if _, err := f.reg.CropPhoto(ctx, tok, s.Photo.Crop, false); err != nil {
		t.Errorf("crop after the budget is free: %v", err)
	}
}
