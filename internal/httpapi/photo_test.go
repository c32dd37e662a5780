package httpapi_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"
	"time"

	"id06desk/internal/photo"
	"id06desk/internal/registration"
)

// TestPhotoUploadErrors: over HTTP, a refused photo is a code and our
// sentence (the decoder's "short Huffman data" and "unexpected EOF" stay in
// the log), and a photo that finds the decoders busy gets 503 photo_busy
// with Retry-After.
func TestPhotoUploadErrors(t *testing.T) {
	ctx := context.Background()
	budget := photo.NewBudget(100<<20, 1, 50*time.Millisecond)
	stack := newStack(t, withRegistration(func(c *registration.Config) { c.PhotoBudget = budget }))
	srv := stack.serve(t, false)
	e := &env{srv: srv, c: srv.Client()}
	path := "/api/register/" + stack.invite(t, "anna@example.se") + "/photo"
	post := func(body []byte) (*http.Response, map[string]any) {
		t.Helper()
		return e.send(t, "POST", path, "image/jpeg", string(body))
	}

	img := image.NewRGBA(image.Rect(0, 0, 800, 1000))
	for y := range 1000 {
		for x := range 800 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	whole := buf.Bytes()
	// Cut in the middle of the scan: image/jpeg says "unexpected EOF" or
	// "short Huffman data".
	for _, cut := range []int{len(whole) / 2, len(whole) - 40} {
		resp, m := post(whole[:cut])
		e, _ := m["error"].(map[string]any)
		msg, _ := e["message"].(string)
		if resp.StatusCode != 400 || errCode(m) != "photo_format" || msg == "" {
			t.Fatalf("JPEG cut at %d: %d %v", cut, resp.StatusCode, m)
		}
		for _, internal := range []string{"Huffman", "EOF", "photo:", "invalid", "unexpected"} {
			if strings.Contains(msg, internal) {
				t.Errorf("JPEG cut at %d: message %q shows %q", cut, msg, internal)
			}
		}
	}

	hold, err := budget.Acquire(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer hold()
	resp, m := post(whole)
	if resp.StatusCode != http.StatusServiceUnavailable || errCode(m) != "photo_busy" || resp.Header.Get("Retry-After") != "5" {
		t.Fatalf("while busy: %d %v Retry-After %q", resp.StatusCode, m, resp.Header.Get("Retry-After"))
	}
}
