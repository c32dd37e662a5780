package dovecottest

import (
	"bytes"
	"crypto/tls"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// TestServerServesItsMaildir: a delivered message is in INBOX over plain
// IMAP and over implicit TLS verified against the harness's certificate,
// and the files Folder lists follow a MOVE.
func TestServerServesItsMaildir(t *testing.T) {
	s := StartWith(t, Options{TLS: true})
	raw := []byte("From: a@example.com\r\nTo: b@example.com\r\nSubject: hello\r\nMessage-ID: <1@example.com>\r\n\r\nbody\r\n")
	s.Deliver(raw)
	if got := s.Folder("INBOX"); len(got) != 1 {
		t.Fatalf("INBOX files = %v", got)
	}

	c, err := client.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Logout() //nolint:errcheck
	c.Timeout = 10 * time.Second
	if err := c.Login(s.User, s.Password); err != nil {
		t.Fatalf("login: %v\n%s", err, s.Log())
	}
	mb, err := c.Select("INBOX", false)
	if err != nil {
		t.Fatal(err)
	}
	if mb.Messages != 1 {
		t.Fatalf("INBOX has %d messages", mb.Messages)
	}
	ch := make(chan *imap.Message, 4)
	section := &imap.BodySectionName{Peek: true}
	if err := c.Fetch(one(), []imap.FetchItem{section.FetchItem()}, ch); err != nil {
		t.Fatal(err)
	}
	m := <-ch
	var body bytes.Buffer
	body.ReadFrom(m.GetBody(section)) //nolint:errcheck
	if !bytes.Equal(body.Bytes(), raw) {
		t.Fatalf("fetched %q, delivered %q", body.Bytes(), raw)
	}
	if err := c.Create("Done"); err != nil {
		t.Fatal(err)
	}
	if err := c.Move(one(), "Done"); err != nil {
		t.Fatal(err)
	}
	if in, done := s.Folder("INBOX"), s.Folder("Done"); len(in) != 0 || len(done) != 1 {
		t.Fatalf("after MOVE: INBOX %v, Done %v", in, done)
	}

	tc, err := client.DialTLS(s.TLSAddr(), s.TLSConfig())
	if err != nil {
		t.Fatalf("implicit TLS: %v\n%s", err, s.Log())
	}
	defer tc.Logout() //nolint:errcheck
	if err := tc.Login(s.User, s.Password); err != nil {
		t.Fatal(err)
	}
	if _, err := client.DialTLS(s.TLSAddr(), &tls.Config{ServerName: "127.0.0.1"}); err == nil {
		t.Fatal("the self-signed certificate was trusted without the pool")
	}
}

func one() *imap.SeqSet {
	var s imap.SeqSet
	s.AddNum(1)
	return &s
}
