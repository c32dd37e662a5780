package paths

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolveOverrideAndEnsure(t *testing.T) {
	root := t.TempDir()
	p, err := Resolve(root)
	if err != nil {
		t.Fatal(err)
	}
	if p.Data != filepath.Join(root, "data") || p.Config != filepath.Join(root, "config") || p.State != filepath.Join(root, "state") {
		t.Fatalf("unexpected paths %+v", p)
	}
	if err := os.MkdirAll(p.Data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := p.Ensure(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{p.Config, p.Data, p.State} {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != DirMode {
			t.Errorf("%s mode %v, want %v", d, fi.Mode().Perm(), DirMode)
		}
		entries, _ := os.ReadDir(d)
		if len(entries) != 0 {
			t.Errorf("%s: probe file left behind: %v", d, entries)
		}
	}
	if !strings.HasSuffix(p.Database(), "data/id06desk.db") {
		t.Errorf("database path %s", p.Database())
	}
}

func TestResolveXDG(t *testing.T) {
	p, err := Resolve("")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{p.Config, p.Data, p.State} {
		if filepath.Base(d) != AppName {
			t.Errorf("%s does not end in %s", d, AppName)
		}
	}
}

func TestEnsureUnwritable(t *testing.T) {
	if os.Geteuid() == 0 {
		// root ignores permission bits; use a path below a regular file.
		f := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		p, _ := Resolve(filepath.Join(f, "sub"))
		err := p.Ensure()
		if err == nil || !strings.Contains(err.Error(), "--data-dir") || !strings.Contains(err.Error(), f) {
			t.Fatalf("want a clear error naming the path, got %v", err)
		}
		return
	}
	ro := t.TempDir()
	os.Chmod(ro, 0o500)
	defer os.Chmod(ro, 0o700)
	p, _ := Resolve(filepath.Join(ro, "x"))
	if err := p.Ensure(); err == nil || !strings.Contains(err.Error(), "--data-dir") {
		t.Fatalf("want a clear error, got %v", err)
	}
}

func TestWriteFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	if err := WriteFile(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("two")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != FileMode {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if string(b) != "two" {
		t.Errorf("content %q", b)
	}
}
