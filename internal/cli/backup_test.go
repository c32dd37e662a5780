package cli_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"id06desk/internal/cli"
	"id06desk/internal/core"
	"id06desk/internal/invitations"
)

// runReal runs the command line on the real App (the default Host.Open).
func runReal(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := cli.Run(context.Background(), cli.Host{Version: "test", Stdout: &out, Stderr: &errb}, args)
	return out.String() + errb.String(), err
}

// `backup --out` and `restore` from the command line, flags before or
// after the command: the restored folder has the invitation; restore is
// refused while a host holds the data folder, and says so in Swedish
// under a Swedish locale.
func TestBackupRestoreCommands(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "en_GB.UTF-8")
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "src")
	a, err := core.Open(ctx, core.Options{DataDir: src})
	if err != nil {
		t.Fatal(err)
	}
	created, err := a.Invitations.Create(ctx, "admin", []invitations.Row{{Email: "a@example.se", CardType: "id06-rfid"}}, false)
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	passFile := filepath.Join(t.TempDir(), "pass")
	os.WriteFile(passFile, []byte("correct horse battery staple\n"), 0o600)
	short := filepath.Join(t.TempDir(), "short")
	os.WriteFile(short, []byte("short\n"), 0o600)
	out := filepath.Join(t.TempDir(), "b.db.age")

	// No key configured and none given.
	if msg, err := runReal(t, "backup", "--out", out, "--data-dir", src); err == nil || !strings.Contains(err.Error(), "no passphrase or public key") {
		t.Fatalf("no key: %v %s", err, msg)
	}
	if _, err := runReal(t, "backup", "--out", out, "--data-dir", src, "--passphrase-file", short); !errors.Is(err, cli.ErrUsage) {
		t.Fatalf("short passphrase: %v", err)
	}
	msg, err := runReal(t, "backup", "--out", out, "--data-dir", src, "--passphrase-file", passFile)
	if err != nil || !strings.Contains(msg, "Backup written: "+out) {
		t.Fatalf("backup: %v %s", err, msg)
	}

	dst := filepath.Join(t.TempDir(), "dst")
	host, err := core.Open(ctx, core.Options{DataDir: dst, Lock: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("LANG", "sv_SE.UTF-8")
	if _, err := runReal(t, "--data-dir", dst, "restore", out, "--passphrase-file", passFile); err == nil || !strings.Contains(err.Error(), "id06desk körs med den här datamappen") {
		t.Fatalf("restore beside a running host: %v", err)
	}
	host.Close()
	t.Setenv("LANG", "en_GB.UTF-8")
	if _, err := runReal(t, "--data-dir", dst, "restore", out); err == nil || !strings.Contains(err.Error(), "--passphrase-file") {
		t.Fatalf("restore without a passphrase: %v", err)
	}
	if _, err := runReal(t, "--data-dir", dst, "restore", out, "--passphrase-file", short); err == nil || !strings.Contains(err.Error(), "does not open this backup") {
		t.Fatalf("restore with a wrong passphrase: %v", err)
	}
	msg, err = runReal(t, "--data-dir", dst, "restore", out, "--passphrase-file", passFile)
	if err != nil || !strings.Contains(msg, "The backup is restored") || !strings.Contains(msg, "before-restore-") {
		t.Fatalf("restore: %v %s", err, msg)
	}
	b, err := core.Open(ctx, core.Options{DataDir: dst})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Invitations.Get(ctx, created[0].ID); err != nil {
		t.Fatalf("the invitation is not restored: %v", err)
	}
}
