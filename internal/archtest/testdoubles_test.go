// Package archtest holds tests of the code's layout rules that belong to no
// one package.
package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// features are names that read like test doubles but are features: BankID's
// test environment and the test mail Settings → Email sends.
var features = map[string]bool{
	"internal/bankid/client.go:TestURL":  true,
	"internal/mail/testmail.go":          true,
	"internal/mail/testmail.go:TestMail": true,
}

// TestNoTestDoublesInShippedPackages keeps test doubles (a test server, a
// test camera) in …test packages, as net/http/httptest is kept out of
// net/http: outside a package whose name ends in "test" and outside cmd/, no
// file is named test*.go and no top-level name starts with Test or NewTest.
func TestNoTestDoublesInShippedPackages(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	err = filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasSuffix(d.Name(), "test") || d.Name() == "cmd" || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		seen++
		if strings.HasPrefix(d.Name(), "test") && !features[rel] {
			t.Errorf("%s: a test double in a shipped package; move it to a …test package", rel)
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			for _, name := range declNames(decl) {
				if (strings.HasPrefix(name, "Test") || strings.HasPrefix(name, "NewTest")) && !features[rel+":"+name] {
					t.Errorf("%s: %s is a test double in a shipped package; move it to a …test package", rel, name)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 50 {
		t.Fatalf("only %d source files checked: wrong root %s?", seen, root)
	}
}

// TestShippedBinaryCarriesNoTestDoubles: the binary built as `make build`
// builds it links no …test package of this module. The test camera reaches
// only test binaries and the end-to-end binary (-tags e2e).
func TestShippedBinaryCarriesNoTestDoubles(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-tags", "desktop,production,webkit2_41", "id06desk")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "id06desk/internal/camera") {
		t.Fatalf("the app's dependencies lack the camera package: wrong list?\n%s", out)
	}
	for _, p := range deps {
		if strings.HasPrefix(p, "id06desk/") && strings.HasSuffix(p, "test") {
			t.Errorf("the shipped binary links %s", p)
		}
	}
}

// declNames are the top-level names a declaration introduces (functions,
// not methods).
func declNames(decl ast.Decl) []string {
	var out []string
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			out = append(out, d.Name.Name)
		}
	case *ast.GenDecl:
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				out = append(out, s.Name.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					out = append(out, n.Name)
				}
			}
		}
	}
	return out
}
