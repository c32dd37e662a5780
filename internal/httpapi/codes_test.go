package httpapi_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"id06desk/internal/settings"
)

var update = flag.Bool("update", false, "rewrite frontend/src/lib/serverCodes.json")

// codesFile is read by frontend/src/lib/serverCodes.test.ts, which checks
// that i18n.ts has Swedish and English for each entry.
const codesFile = "../../frontend/src/lib/serverCodes.json"

// TestServerCodesFile keeps the list of error codes the API can answer with
// (and the setting keys the UI labels) in step with the Go source: a new
// code fails here until the file is regenerated with
//
//	go test ./internal/httpapi -run TestServerCodesFile -update
//
// and then fails the Vitest test until i18n.ts has error.<code> in both
// languages.
func TestServerCodesFile(t *testing.T) {
	codes := map[string]bool{}
	// Every constant of type Code in this package.
	for _, c := range constants(t, ".", func(typ ast.Expr, name string) bool {
		id, ok := typ.(*ast.Ident)
		return ok && id.Name == "Code"
	}) {
		codes[c] = true
	}
	// Codes passed through from registration: link and photo errors.
	for _, c := range constants(t, "../registration", func(_ ast.Expr, name string) bool {
		return strings.HasPrefix(name, "Link") || strings.HasPrefix(name, "Photo")
	}) {
		codes[c] = true
	}
	delete(codes, "photo_too_large") // answered as too_large
	want := struct {
		ErrorCodes  []string `json:"errorCodes"`
		SettingKeys []string `json:"settingKeys"`
	}{sorted(codes), settings.Keys()}
	b, _ := json.MarshalIndent(want, "", "  ")
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(codesFile, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(codesFile)
	if err != nil || !bytes.Equal(got, b) {
		t.Fatalf("%s is out of date (%v): run go test ./internal/httpapi -run TestServerCodesFile -update, then add error.<code> to frontend/src/lib/i18n.ts in both languages\nwant:\n%s", codesFile, err, b)
	}
}

// constants returns the string values of the package's constants in dir
// that keep says to keep (by their declared type and name).
func constants(t *testing.T, dir string, keep func(typ ast.Expr, name string) bool) []string {
	t.Helper()
	var out []string
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i >= len(vs.Values) || !keep(vs.Type, name.Name) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						out = append(out, s)
					}
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no constants found in %s", dir)
	}
	return out
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
