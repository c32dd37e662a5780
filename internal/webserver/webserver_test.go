package webserver_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"id06desk/internal/webserver"
)

// start serves h on a real loopback listener with short timeouts.
func start(t *testing.T, cfg webserver.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := webserver.New(cfg)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// closedWithin reports whether the server closes c within d (reads until
// EOF or a reset; any answer it sends first is returned).
func closedWithin(c net.Conn, d time.Duration) (bool, string) {
	c.SetReadDeadline(time.Now().Add(d))
	b, err := io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false, string(b)
	}
	return true, string(b)
}

func TestSlowBodyIsCutOffAfterReadTimeout(t *testing.T) {
	const readTimeout = 300 * time.Millisecond
	read := make(chan error, 1)
	addr := start(t, webserver.Config{
		ReadTimeout: readTimeout, WriteTimeout: time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, err := io.Copy(io.Discard, r.Body)
			read <- err
			if err != nil {
				http.Error(w, "body too slow", http.StatusRequestTimeout)
			}
		}),
	})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
	// One byte every 100 ms: 1000 bytes would take 100 s. Bounded: at most
	// 30 bytes (3 s), stops when the server has closed the connection.
	began := time.Now()
	for i := 0; i < 30; i++ {
		if _, err := c.Write([]byte("x")); err != nil {
			break
		}
		select {
		case <-read:
			i = 30
		case <-time.After(100 * time.Millisecond):
		}
	}
	closed, _ := closedWithin(c, 2*time.Second)
	if !closed {
		t.Fatal("the slow body's connection is still open")
	}
	if took := time.Since(began); took > readTimeout+2*time.Second {
		t.Fatalf("closed after %s; read timeout %s", took, readTimeout)
	}
}

func TestSlowHeadersAreCutOff(t *testing.T) {
	addr := start(t, webserver.Config{ReadHeaderTimeout: 200 * time.Millisecond, Handler: http.NotFoundHandler()})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n") // never ends the headers
	if closed, _ := closedWithin(c, 2*time.Second); !closed {
		t.Fatal("a connection that never finishes its headers is still open")
	}
}

func TestIdleConnectionIsClosed(t *testing.T) {
	addr := start(t, webserver.Config{IdleTimeout: 200 * time.Millisecond, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	})})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("first request: %v %v", resp, err)
	}
	resp.Body.Close()
	if closed, _ := closedWithin(c, 2*time.Second); !closed {
		t.Fatal("an idle keep-alive connection is still open")
	}
}

func TestPerClientCap(t *testing.T) {
	const max = 3
	release := make(chan struct{})
	addr := start(t, webserver.Config{MaxClientConns: max, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hold" {
			select {
			case <-release:
			case <-r.Context().Done(): // the client went away
			}
		}
		io.WriteString(w, "ok")
	})})
	defer close(release)

	// One client (127.0.0.1) holds max connections...
	var held []net.Conn
	for range max {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET /hold HTTP/1.1\r\nHost: x\r\n\r\n")
		held = append(held, c)
	}
	// ...the next one from the same address is refused with 503.
	over, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	closed, answer := closedWithin(over, 2*time.Second)
	if !closed || !strings.HasPrefix(answer, "HTTP/1.1 503 ") || !strings.Contains(answer, "Too many connections") {
		t.Fatalf("connection %d from one client: closed %v, answer %q", max+1, closed, answer)
	}

	// Another client address is served meanwhile (127.0.0.2 is loopback
	// too on Linux).
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}, Timeout: time.Second}
	other := http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
	resp, err := other.Get("http://" + addr + "/")
	if err != nil {
		t.Fatalf("another client is not served: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("another client: %s", resp.Status)
	}

	// Closing one of the held connections frees a slot (bounded wait).
	held[0].Close()
	var got string
	for i := 0; i < 50; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		_, got = closedWithin(c, 2*time.Second)
		c.Close()
		if strings.HasPrefix(got, "HTTP/1.1 200 ") {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the freed slot was not given back: %q", got)
}

func TestLongPollOutlivesWriteTimeout(t *testing.T) {
	const writeTimeout = 200 * time.Millisecond
	const poll = 3 * writeTimeout
	handler := func(extend bool) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if extend {
				if err := webserver.LongPoll(w, poll+time.Second); err != nil {
					t.Errorf("LongPoll: %v", err)
				}
			}
			select {
			case <-time.After(poll):
				io.WriteString(w, "scanned")
			case <-r.Context().Done():
				t.Log("request context ended")
			}
		})
	}
	for _, tc := range []struct {
		name   string
		extend bool
		want   bool
	}{
		{"with LongPoll the answer arrives", true, true},
		// The control: the same handler without LongPoll loses its answer,
		// so the case above proves LongPoll does the work.
		{"without LongPoll the write timeout drops it", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := start(t, webserver.Config{WriteTimeout: writeTimeout, ReadTimeout: writeTimeout, Handler: handler(tc.extend)})
			client := http.Client{Timeout: 5 * time.Second}
			resp, err := client.Get("http://" + addr + "/api/kiosk/scan")
			var body []byte
			if err == nil {
				body, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			got := err == nil && string(body) == "scanned"
			if got != tc.want {
				t.Fatalf("answered %v (body %q, err %v), want %v", got, body, err, tc.want)
			}
		})
	}
}
