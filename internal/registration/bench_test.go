package registration_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"testing"

	xdraw "golang.org/x/image/draw"

	"id06desk/internal/order"
	"id06desk/internal/registration"
)

// photo12MP is a 4000×3000 phone-style photo with the sample face scaled to
// about half the height on a textured background.
func photo12MP(b *testing.B) []byte {
	b.Helper()
	face, err := jpeg.Decode(bytes.NewReader(sampleFile(b)))
	if err != nil {
		b.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	for y := 0; y < 3000; y++ {
		for x := 0; x < 4000; x++ {
			o := img.PixOffset(x, y)
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = uint8(120+(x*7+y*3)%40), uint8(110+(x*5+y*11)%30), uint8(100+(x*3+y*5)%50), 255
		}
	}
	xdraw.CatmullRom.Scale(img, image.Rect(1500, 500, 2700, 2000), face, face.Bounds(), xdraw.Src, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: 92}); err != nil {
		b.Fatal(err)
	}
	return out.Bytes()
}

// BenchmarkUploadPhoto12MP is the photo step as the cardholder meets it: a
// 12-megapixel JPEG uploaded → decoded, scaled, face found, cropped, rendered
// to the card photo, checked, stored with its draft. BaselineDecode is
// image/jpeg decoding the same file, for the ratio.
func BenchmarkUploadPhoto12MP(b *testing.B) {
	data := photo12MP(b)
	b.Run("BaselineDecode", func(b *testing.B) {
		for b.Loop() {
			if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Upload", func(b *testing.B) {
		f := newFixture(b)
		ctx := context.Background()
		_, tok := f.invite(b, "bench@example.se")
		if _, err := f.reg.SetMethod(ctx, tok, order.MethodManual, false); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			s, err := f.reg.UploadPhoto(ctx, tok, bytes.NewReader(data), false)
			if err != nil {
				b.Fatal(err)
			}
			if !s.Photo.Usable() {
				b.Fatalf("12 MP photo not usable: %+v", s.Photo)
			}
		}
	})
}

// BenchmarkConfirm is the web Confirm alone: the order with its thumbnail,
// two mails, the draft deleted and cleared from the write-ahead log. The
// console's import of a kiosk's bundle makes its orders through the same
// CreateOrder. Each draft (before the timer starts) is a copy of one filled
// through the steps, photos included, so the setup stays cheap.
func BenchmarkConfirm(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	id, tok := f.invite(b, "template@example.se")
	fillAll(b, f, tok)
	tmpl, err := registration.LoadDraft(ctx, f.db, id)
	if err != nil {
		b.Fatal(err)
	}
	if tmpl.PhotoSource, err = f.db.DraftPhoto(ctx, id, true); err != nil {
		b.Fatal(err)
	}
	if tmpl.PhotoJPEG, err = f.db.DraftPhoto(ctx, id, false); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		id, tok := f.invite(b, fmt.Sprintf("confirm%d@example.se", i))
		if _, err := registration.SaveDraft(ctx, f.db, id, func(d *registration.Draft) error {
			*d = tmpl
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := f.reg.Confirm(ctx, tok, false); err != nil {
			b.Fatal(err)
		}
	}
}
