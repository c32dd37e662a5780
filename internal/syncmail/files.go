package syncmail

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"

	"id06desk/internal/syncwire"
)

const (
	// maxHeaderBytes bounds the mail's own header (a real one with many
	// Received lines is a few KiB). Part headers are bounded by
	// mime/multipart (10 MiB).
	maxHeaderBytes = 256 << 10
	// maxDepth bounds nested multiparts.
	maxDepth = 8
)

// Files reads a mail from r and hands each attachment whose decoded bytes
// start with the sync file magic ("ID06SYNC") to each, as a stream: nothing
// is held in memory beyond one part's decoder buffers. name is the
// attachment's file name (directories and control characters removed; a
// made-up one when it has none). Another part — the text, a signature, a
// picture — is skipped. Parts inside message/* parts (a bounce quoting a
// mail, a forwarded mail) are not looked into.
//
// The reader given to each fails with ErrTooLarge past limit decoded bytes
// (limit ≤ 0: syncwire's bundle limit) and with ErrMalformed when the
// encoding is broken; what each leaves unread is decoded after it returns,
// and Files returns such an error even if each ignored it. An error each
// returns ends Files and is returned as it is.
//
// Files returns ErrNoSyncFile when the mail carries no sync file and
// ErrMalformed when it is not readable as MIME (also when sync files were
// handed out before the damage showed).
func Files(r io.Reader, limit int64, each func(name string, r io.Reader) error) error {
	if limit <= 0 {
		limit = syncwire.MaxBundleBytes
	}
	hl := &headLimit{r: r, left: maxHeaderBytes, on: true}
	msg, err := mail.ReadMessage(hl)
	if err != nil {
		if errors.Is(err, errHeaderTooLarge) {
			return malformed(err)
		}
		return malformed(fmt.Errorf("header: %w", err))
	}
	hl.on = false
	w := &walker{limit: limit, each: each}
	if err := w.entity(textproto.MIMEHeader(msg.Header), msg.Body, 0); err != nil {
		return err
	}
	if w.found == 0 {
		return noSyncFile()
	}
	return nil
}

var errHeaderTooLarge = fmt.Errorf("the mail header is over %d KiB", maxHeaderBytes>>10)

// headLimit bounds what the header parser may read.
type headLimit struct {
	r    io.Reader
	left int64
	on   bool
}

func (h *headLimit) Read(p []byte) (int, error) {
	if !h.on {
		return h.r.Read(p)
	}
	if h.left <= 0 {
		return 0, errHeaderTooLarge
	}
	if int64(len(p)) > h.left {
		p = p[:h.left]
	}
	n, err := h.r.Read(p)
	h.left -= int64(n)
	return n, err
}

type walker struct {
	limit int64
	each  func(string, io.Reader) error
	found int
}

func (w *walker) entity(h textproto.MIMEHeader, body io.Reader, depth int) error {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "multipart/") {
			return malformed(fmt.Errorf("content type %q: %w", ct, err))
		}
		mt, params = "", nil // an unreadable leaf type: look at its bytes all the same
	}
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		if depth >= maxDepth {
			return malformed(fmt.Errorf("multiparts nested deeper than %d", maxDepth))
		}
		boundary := params["boundary"]
		if boundary == "" {
			return malformed(errors.New("multipart without a boundary"))
		}
		mr := multipart.NewReader(body, boundary)
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return malformed(err)
			}
			if err := w.entity(p.Header, p, depth+1); err != nil {
				return err
			}
		}
	case strings.HasPrefix(mt, "message/"):
		return nil
	}
	return w.leaf(h, mt, params, body)
}

func (w *walker) leaf(h textproto.MIMEHeader, mt string, params map[string]string, body io.Reader) error {
	ours := mt == ContentType
	var dec io.Reader
	switch cte := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))); cte {
	case "base64":
		dec = base64.NewDecoder(base64.StdEncoding, spaceless{body})
	case "quoted-printable":
		dec = quotedprintable.NewReader(body)
	case "", "7bit", "8bit", "binary":
		dec = body
	default:
		if ours {
			return malformed(fmt.Errorf("unknown transfer encoding %q", cte))
		}
		return nil
	}
	br := bufio.NewReaderSize(dec, 4096)
	head, err := br.Peek(len(Magic))
	if err != nil && err != io.EOF && ours {
		return malformed(err)
	}
	if string(head) != Magic {
		return nil
	}
	w.found++
	pr := &partReader{r: br, limit: w.limit}
	if err := w.each(w.name(h, params), pr); err != nil {
		return err
	}
	// What each left unread is still checked: a broken or oversized
	// attachment is reported whatever each did with it.
	io.Copy(io.Discard, pr) //nolint:errcheck // pr.err keeps the error
	return pr.err
}

// name is the attachment's file name: Content-Disposition's filename, else
// Content-Type's name (RFC 2231 and RFC 2047 both decoded), made safe.
func (w *walker) name(h textproto.MIMEHeader, ctParams map[string]string) string {
	var name string
	if _, p, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil {
		name = p["filename"]
	}
	if name == "" {
		name = ctParams["name"]
	}
	if dec, err := new(mime.WordDecoder).DecodeHeader(name); err == nil {
		name = dec
	}
	if name = safeName(name); name == "" {
		name = fmt.Sprintf("sync-%d.id06sync", w.found)
	}
	return name
}

// partReader is what each reads: limited, with errors typed and sticky.
type partReader struct {
	r     io.Reader
	limit int64
	n     int64
	err   error
}

func (p *partReader) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	if room := p.limit - p.n + 1; int64(len(b)) > room {
		b = b[:room]
	}
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.n > p.limit {
		n -= int(p.n - p.limit)
		p.n = p.limit
		p.err = tooLarge(p.limit)
		return n, p.err
	}
	switch {
	case err == io.EOF:
		return n, io.EOF
	case err != nil:
		p.err = malformed(err)
		return n, p.err
	}
	return n, nil
}

// spaceless drops the white space some mailers leave in base64 lines
// (encoding/base64 itself skips only CR and LF).
type spaceless struct{ r io.Reader }

func (s spaceless) Read(p []byte) (int, error) {
	for {
		n, err := s.r.Read(p)
		j := 0
		for _, c := range p[:n] {
			if c != ' ' && c != '\t' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil || n == 0 {
			return j, err
		}
	}
}
