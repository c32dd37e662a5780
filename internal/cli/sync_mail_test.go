package cli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"id06desk/internal/core"
)

// `sync run` prints a round's problems in the locale's language, as the
// backup and kiosk commands do: a console whose sync mailbox has no user
// name says so in Swedish under sv_SE and in English otherwise, never
// both and never the other one.
func TestSyncRunSaysProblemsInTheLocalesLanguage(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "console")
	a, err := core.Open(ctx, core.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	err = a.Settings.Set(ctx, "test", map[string]string{"sync.transport": "imap", "sync.address": "sync@bygg.se",
		"sync.imap.host": "127.0.0.1", "sync.imap.security": "none"})
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	const sv, en = "Inget IMAP-användarnamn är ifyllt", "No IMAP user name is filled in"
	for _, tc := range []struct{ lang, want, not string }{{"sv_SE.UTF-8", sv, en}, {"en_GB.UTF-8", en, sv}, {"C", en, sv}} {
		t.Setenv("LANG", tc.lang)
		out, err := runReal(t, "sync", "run", "--data-dir", dir)
		if err != nil {
			t.Fatalf("LANG=%s: %v\n%s", tc.lang, err, out)
		}
		if !strings.Contains(out, "problem: "+tc.want) || strings.Contains(out, tc.not) {
			t.Errorf("LANG=%s: want the problem in its language only:\n%s", tc.lang, out)
		}
	}
}
