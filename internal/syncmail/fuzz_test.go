package syncmail

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzFiles: whatever the bytes, Files neither panics nor hands out more
// than the limit, and every failure is one of its typed refusals.
func FuzzFiles(f *testing.F) {
	fx := newFixture(f)
	good, err := Compose(bundleMail(File{Name: "b.id06sync", Data: fx.bundle(f, 1, 1, 200)}, File{Name: "c", Data: fx.sitePack(f, 2)}))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(plainMail))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nID06SYNC\r\n--b--\r\n--a--\r\n"))
	f.Add([]byte("Content-Transfer-Encoding: base64\r\n\r\nSUQwNlNZTkMAAAA=\r\n"))
	f.Add([]byte("Content-Transfer-Encoding: quoted-printable\r\n\r\nID06SYNC=\r\n=FF=0\r\n"))
	const limit = 4096
	f.Fuzz(func(t *testing.T, raw []byte) {
		found := 0
		err := Files(bytes.NewReader(raw), limit, func(name string, r io.Reader) error {
			found++
			if name == "" {
				t.Fatal("empty name")
			}
			b, err := io.ReadAll(r)
			if int64(len(b)) > limit {
				t.Fatalf("%d bytes past the limit", len(b))
			}
			if err == nil && !bytes.HasPrefix(b, []byte(Magic)) {
				t.Fatal("handed out a part that is not a sync file")
			}
			return nil
		})
		switch {
		case err == nil:
			if found == 0 {
				t.Fatal("no error and no file")
			}
		case errors.Is(err, ErrNoSyncFile), errors.Is(err, ErrMalformed), errors.Is(err, ErrTooLarge):
		default:
			t.Fatalf("untyped error %v", err)
		}
	})
}
