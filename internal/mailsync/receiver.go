package mailsync

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"time"

	"id06desk/internal/consolesync"
	"id06desk/internal/i18n"
	"id06desk/internal/syncmail"
)

var (
	msgReceiverCert = i18n.Text{Code: "sync.receiver.cert",
		SV: "Mottagarens certifikat kunde inte läsas ({error}). Kontrollera sync.receiver.tls_cert och sync.receiver.tls_key.",
		EN: "The receiver's certificate could not be read ({error}). Check sync.receiver.tls_cert and sync.receiver.tls_key."}
	msgReceiverListen = i18n.Text{Code: "sync.receiver.listen",
		SV: "Synkmottagaren kan inte lyssna på {addr} ({error}). Porten kan vara upptagen eller adressen fel (sync.receiver.listen).",
		EN: "The sync receiver cannot listen on {addr} ({error}). The port may be in use or the address wrong (sync.receiver.listen)."}
)

// ReceiverState is the console's SMTP receiver as shown.
type ReceiverState struct {
	Running bool   `json:"running"`
	Addr    string `json:"addr,omitempty"`
	Error   string `json:"error,omitempty"`
	// Problem is Error as shown, in both languages.
	Problem *Problem `json:"problem,omitempty"`
}

// Receiver reports the receiver's state.
func (c *Console) Receiver() ReceiverState {
	c.recvMu.Lock()
	defer c.recvMu.Unlock()
	st := ReceiverState{}
	if c.recv != nil {
		st.Running, st.Addr = true, c.recv.Addr().String()
	}
	if c.recvErr != nil {
		st.Error = c.recvErr.Error()
		p := problemOf(c.recvErr)
		st.Problem = &p
	}
	return st
}

// KeepReceiver runs the SMTP receiver as the settings say: started when
// sync.transport is receiver, restarted when its address or certificate
// changed, stopped otherwise. The sync job calls it every round, so a
// settings change takes effect within a round; onDelivered runs after a
// mail was taken (to send the acknowledgement soon).
func (c *Console) KeepReceiver(ctx context.Context, onDelivered func()) error {
	vals, err := c.c.Settings(ctx)
	if err != nil {
		return err
	}
	want := ""
	if vals.Get("sync.transport") == "receiver" {
		// The certificate's fingerprint too: a certificate renewed in
		// the same file is taken up within a round.
		pin, _ := consolesync.ReceiverPin(vals)
		want = fmt.Sprintf("%s|%s|%s|%s|%d", vals.Get("sync.receiver.listen"), vals.Get("sync.receiver.tls_cert"),
			vals.Get("sync.receiver.tls_key"), pin, MaxMailBytes(vals))
	}
	c.recvMu.Lock()
	defer c.recvMu.Unlock()
	if want == c.recvKey && (c.recv != nil || want == "") {
		return nil
	}
	if c.recv != nil {
		c.recv.Close()
		c.recv = nil
		c.c.Log.Info("sync receiver stopped")
	}
	c.recvKey, c.recvErr = want, nil
	if want == "" {
		return nil
	}
	var tlsConf *tls.Config
	if cert := vals.Get("sync.receiver.tls_cert"); cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, vals.Get("sync.receiver.tls_key"))
		if err != nil {
			c.recvErr = i18n.Wrap(fmt.Errorf("the receiver's certificate: %w", err), msgReceiverCert, "error", err.Error())
			c.recvKey = "" // try again next round
			return c.recvErr
		}
		tlsConf = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	}
	host, _, _ := net.SplitHostPort(vals.Get("sync.receiver.listen"))
	r, err := syncmail.Listen(syncmail.ReceiverConfig{
		Addr: vals.Get("sync.receiver.listen"), TLS: tlsConf, MaxBytes: MaxMailBytes(vals), Domain: host, Log: c.c.Log,
		Auth: func(username, password string) (string, bool) { return c.authKiosk(username, password) },
		Deliver: func(ctx context.Context, sender string, raw io.Reader) error {
			err := c.Deliver(ctx, sender, raw)
			if err == nil && onDelivered != nil {
				onDelivered()
			}
			return err
		},
	})
	if err != nil {
		c.recvErr = i18n.Wrap(fmt.Errorf("the sync receiver cannot listen on %s: %w", vals.Get("sync.receiver.listen"), err),
			msgReceiverListen, "addr", vals.Get("sync.receiver.listen"), "error", err.Error())
		c.recvKey = ""
		return c.recvErr
	}
	c.recv = r
	c.c.Log.Info("sync receiver listening", "addr", r.Addr().String(), "starttls", tlsConf != nil)
	return nil
}

// StopReceiver stops the receiver (the App's Close).
func (c *Console) StopReceiver() {
	c.recvMu.Lock()
	defer c.recvMu.Unlock()
	if c.recv != nil {
		c.recv.Close()
		c.recv = nil
	}
	c.recvKey = ""
}

// authKiosk checks a kiosk's receiver credentials (consolesync's
// ReceiverLogin, which records a refused kiosk's login).
func (c *Console) authKiosk(username, password string) (string, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return c.c.Sync.ReceiverLogin(ctx, username, password)
}
