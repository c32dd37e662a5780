package cli_test

import (
	"strings"
	"testing"

	"id06desk/internal/cli"
	"id06desk/internal/token"
)

func TestKeysRotate(t *testing.T) {
	keys, err := token.LoadOrCreate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := cli.Services{Keys: keys}
	first := keys.ActiveKeyID()
	out, _, err := run(s, "keys", "rotate")
	if err != nil || keys.ActiveKeyID() == first || !strings.Contains(out, keys.ActiveKeyID()) {
		t.Fatalf("rotate: %q %v", out, err)
	}
	out, _, err = run(s, "keys", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(lines) != 2 || strings.Count(out, "signs new invitations") != 1 ||
		!strings.Contains(out, keys.ActiveKeyID()+"  (signs new invitations)") || !strings.Contains(out, first) {
		t.Fatalf("list: %q %v", out, err)
	}
	if _, _, err := run(s, "keys", "burn"); err == nil {
		t.Fatal("unknown subcommand accepted")
	}
}
