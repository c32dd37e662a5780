package dovecottest

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// CutProxy is a loopback TCP proxy that cuts every connection (both ways)
// once the server has sent CutAfter bytes on it: an IMAP server whose
// connection drops in the middle of a session. It also keeps what clients
// sent (the first MiB), so a test can see which commands were used.
type CutProxy struct {
	ln       net.Listener
	target   string
	cutAfter int64
	cuts     atomic.Int32
	wg       sync.WaitGroup

	mu   sync.Mutex
	sent []byte
}

const maxTranscript = 1 << 20

// Sent is what clients have sent through the proxy so far.
func (p *CutProxy) Sent() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return string(p.sent)
}

type transcript struct{ p *CutProxy }

func (t transcript) Write(b []byte) (int, error) {
	t.p.mu.Lock()
	defer t.p.mu.Unlock()
	if room := maxTranscript - len(t.p.sent); room > 0 {
		t.p.sent = append(t.p.sent, b[:min(room, len(b))]...)
	}
	return len(b), nil
}

// NewCutProxy forwards to target (host:port) and cuts each connection after
// cutAfter bytes from the server (0: never). It stops on t.Cleanup.
func NewCutProxy(t testing.TB, target string, cutAfter int64) *CutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &CutProxy{ln: ln, target: target, cutAfter: cutAfter}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.Close)
	return p
}

// Port is the proxy's port on 127.0.0.1.
func (p *CutProxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// Cuts is how many connections the proxy has cut.
func (p *CutProxy) Cuts() int { return int(p.cuts.Load()) }

// Close stops accepting and waits for the open connections to end.
func (p *CutProxy) Close() {
	p.ln.Close()
	p.wg.Wait()
}

func (p *CutProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.pipe(c)
		}()
	}
}

func (p *CutProxy) pipe(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	done := make(chan struct{}, 2)
	go func() {
		io.Copy(server, io.TeeReader(client, transcript{p})) //nolint:errcheck // ends when either side closes
		done <- struct{}{}
	}()
	go func() {
		if p.cutAfter > 0 {
			n, _ := io.CopyN(client, server, p.cutAfter)
			if n == p.cutAfter {
				p.cuts.Add(1)
			}
		} else {
			io.Copy(client, server) //nolint:errcheck
		}
		done <- struct{}{}
	}()
	<-done
	// One direction ended (or the cut came): drop both at once, as a
	// broken network does.
	client.Close()
	server.Close()
	<-done
}
