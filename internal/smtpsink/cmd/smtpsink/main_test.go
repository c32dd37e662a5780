package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TestMaildirFlag: the command with only --maildir prints its address and
// delivers what it accepts into DIR/new.
func TestMaildirFlag(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "smtpsink")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	md := filepath.Join(t.TempDir(), "Maildir")
	cmd := exec.Command(bin, "--maildir", md)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }() //nolint:errcheck
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill() //nolint:errcheck
		}
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "smtp 127.0.0.1:") {
		t.Fatalf("first line %q, %v", line, err)
	}
	addr := strings.TrimSpace(strings.TrimPrefix(line, "smtp "))
	raw := []byte("Subject: hi\r\n\r\nbody\r\n")
	if err := send(addr, "a@example.com", []string{"b@example.com"}, bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(md, "new", "*"))
	if len(files) != 1 {
		t.Fatalf("Maildir/new: %v", files)
	}
	if b, _ := os.ReadFile(files[0]); !bytes.Equal(b, raw) {
		t.Fatalf("delivered %q", b)
	}
}

// send delivers over plain SMTP (the sink offers no STARTTLS).
func send(addr, from string, to []string, r *bytes.Reader) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SendMail(from, to, r); err != nil {
		return err
	}
	return c.Quit()
}
