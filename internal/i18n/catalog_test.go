package i18n

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestEveryMessageIsTranslated reads the server's source and fails on any
// user-visible sentence that is not a complete i18n.Text:
//
//  1. every i18n.Text literal names its Code, SV and EN; both wordings are
//     filled in, differ, have the same {placeholders}, and the Swedish one is
//     not English;
//  2. outside i18n.Text literals, no string literal in the server's packages
//     reads like an English sentence, except where it cannot reach a user:
//     error values (errors.New, fmt.Errorf: the API maps them to messages,
//     and writeError answers anything unknown with a generic one), log
//     calls, panics, and the places listed in notForUsers.
//
// A message added later as a plain English string, or as a Text without its
// Swedish, fails here.
func TestEveryMessageIsTranslated(t *testing.T) {
	root := repoRoot(t)
	var problems []string
	report := func(fset *token.FileSet, pos token.Pos, format string, args ...any) {
		p := fset.Position(pos)
		rel, _ := filepath.Rel(root, p.Filename)
		problems = append(problems, rel+":"+strconv.Itoa(p.Line)+": "+fmt.Sprintf(format, args...))
	}
	texts, files := 0, 0
	for _, file := range serverSources(t, root) {
		files++
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, file)
		inI18n := f.Name.Name == "i18n" && strings.HasPrefix(filepath.ToSlash(rel), "internal/i18n/")
		textLits := map[*ast.CompositeLit]bool{}
		allowed := map[*ast.BasicLit]bool{}

		// Find the Text literals (also those whose type is elided inside
		// a map or slice of Text) and the literals that never reach a user.
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if isText(n.Type, inI18n) {
					textLits[n] = true
				}
				var elem ast.Expr
				switch ty := n.Type.(type) {
				case *ast.MapType:
					elem = ty.Value
				case *ast.ArrayType:
					elem = ty.Elt
				}
				if elem != nil && isText(elem, inI18n) {
					for _, e := range n.Elts {
						if kv, ok := e.(*ast.KeyValueExpr); ok {
							e = kv.Value
						}
						if cl, ok := e.(*ast.CompositeLit); ok && cl.Type == nil {
							textLits[cl] = true
						}
					}
				}
			case *ast.CallExpr:
				if notForUsersCall(n) {
					markLiterals(n, allowed)
				}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && notForUsersField[rel+"#"+id.Name] {
					markLiterals(n.Value, allowed)
				}
			case *ast.FuncDecl:
				// An error's own text (its Error method) is for logs; the API
				// shows the error's message instead.
				if n.Recv != nil && n.Name.Name == "Error" && n.Type.Params.NumFields() == 0 && n.Body != nil {
					markLiterals(n.Body, allowed)
				}
			case *ast.ImportSpec:
				allowed[n.Path] = true
			case *ast.Field:
				if n.Tag != nil {
					allowed[n.Tag] = true
				}
			}
			return true
		})

		for cl := range textLits {
			if len(cl.Elts) == 0 { // Text{}, the zero value
				continue
			}
			texts++
			for _, lit := range literalsIn(cl) {
				allowed[lit] = true
			}
			checkText(fset, cl, report)
		}
		if notForUsersFile(rel) {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING || allowed[lit] {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil && looksEnglish(s) && !sqlRE.MatchString(s) {
				report(fset, lit.Pos(), "English text outside an i18n.Text: %q — declare an i18n.Text{Code, SV, EN} and pass a Message", s)
			}
			return true
		})
	}
	if files < 50 {
		t.Fatalf("read only %d source files: is the source walk broken?", files)
	}
	t.Logf("%d files, %d i18n.Text literals", files, texts)
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// notForUsersFile lists source that speaks to developers or admins at a
// terminal in English by design, or that has its own per-language texts.
func notForUsersFile(rel string) bool {
	rel = filepath.ToSlash(rel)
	for _, prefix := range []string{
		"internal/cli/",      // the command line is English (README)
		"internal/mail/",     // per-language mail templates, golden files per language
		"internal/smtpsink/", // a development and test tool
		"internal/bankid/cmd/",
		"internal/benchreport/",          // make bench's table, for developers
		"internal/startup/",              // the start-up benchmark's harness
		"internal/icons/cmd/",            // a build tool of make package
		"internal/bankid/bankidtest/",    // the test server of the BankID API
		"internal/sqlite/",               // storage: SQL and stored values; what users see comes from domain errors
		"internal/camera/",               // device names and driver errors, logged
		"internal/identity/countries.go", // country names: a table with both languages, tested there
		"app/",                           // window glue: logs and dialogs titles for developers
		"main.go",
	} {
		if strings.HasPrefix(rel, prefix) {
			return true
		}
	}
	return false
}

// notForUsersField lists struct fields whose English text is never shown
// in the UI, with the reason, as "file#Field".
var notForUsersField = map[string]bool{
	// The technical detail of a BankID error, shown as such beside the
	// translated sentence (bankid.ErrorText).
	"internal/bankid/errors.go#Details": true,
	// The command line's help; the UI shows settings.help.<key> from
	// i18n.ts, and a Vitest test checks every setting has it in both
	// languages.
	"internal/settings/settings.go#Help": true,
}

// notForUsersCall reports calls whose string arguments never reach a user.
func notForUsersCall(c *ast.CallExpr) bool {
	switch fn := c.Fun.(type) {
	case *ast.Ident:
		return fn.Name == "panic"
	case *ast.SelectorExpr:
		pkg := ""
		if id, ok := fn.X.(*ast.Ident); ok {
			pkg = id.Name
		}
		switch {
		case pkg == "errors" && fn.Sel.Name == "New", pkg == "fmt" && fn.Sel.Name == "Errorf":
			return true
		}
		switch fn.Sel.Name { // log/slog and log methods on any logger
		case "Debug", "Info", "Warn", "Error", "DebugContext", "InfoContext", "WarnContext", "ErrorContext", "Log",
			"Printf", "Println", "Print", "Fatalf", "Fatal", "Fatalln":
			return true
		}
	}
	return false
}

func markLiterals(n ast.Node, into map[*ast.BasicLit]bool) {
	ast.Inspect(n, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok {
			into[lit] = true
		}
		return true
	})
}

func literalsIn(n ast.Node) []*ast.BasicLit {
	var out []*ast.BasicLit
	ast.Inspect(n, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok {
			out = append(out, lit)
		}
		return true
	})
	return out
}

func isText(e ast.Expr, inI18n bool) bool {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		id, ok := e.X.(*ast.Ident)
		return ok && id.Name == "i18n" && e.Sel.Name == "Text"
	case *ast.Ident:
		return inI18n && e.Name == "Text"
	}
	return false
}

func checkText(fset *token.FileSet, cl *ast.CompositeLit, report func(*token.FileSet, token.Pos, string, ...any)) {
	fields := map[string]ast.Expr{}
	for _, e := range cl.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			report(fset, cl.Pos(), "an i18n.Text must name its fields: Text{Code: …, SV: …, EN: …}")
			return
		}
		if id, ok := kv.Key.(*ast.Ident); ok {
			fields[id.Name] = kv.Value
		}
	}
	val := map[string]string{}
	for _, name := range []string{"Code", "SV", "EN"} {
		e, ok := fields[name]
		if !ok {
			report(fset, cl.Pos(), "i18n.Text without %s", name)
			return
		}
		s, constant := stringValue(e)
		if !constant {
			// A named constant (a code like LinkExpired): only Code may be one.
			if name == "Code" {
				val[name] = "(const)"
				continue
			}
			report(fset, e.Pos(), "i18n.Text %s must be a string literal so it can be checked", name)
			return
		}
		if strings.TrimSpace(s) == "" {
			report(fset, e.Pos(), "i18n.Text with an empty %s", name)
			return
		}
		val[name] = s
	}
	if val["SV"] == val["EN"] {
		report(fset, cl.Pos(), "i18n.Text %s: SV and EN are the same, the Swedish is missing: %q", val["Code"], val["SV"])
	}
	if a, b := Placeholders(val["SV"]), Placeholders(val["EN"]); !sameKeys(a, b) {
		report(fset, cl.Pos(), "i18n.Text %s: placeholders differ: SV %v, EN %v", val["Code"], keys(a), keys(b))
	}
	if englishWords(val["SV"]) >= 2 {
		report(fset, fields["SV"].Pos(), "i18n.Text %s: the SV wording reads as English: %q", val["Code"], val["SV"])
	}
}

// stringValue evaluates a string literal or a + of string literals.
func stringValue(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := stringValue(e.X)
		b, ok2 := stringValue(e.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return stringValue(e.X)
	}
	return "", false
}

// sqlRE recognises SQL statements (their keywords are English words).
var sqlRE = regexp.MustCompile(`(?s)^\s*\(?(SELECT|INSERT|UPDATE|DELETE|CREATE|WITH|ALTER|DROP|PRAGMA)\b|\b(FROM|WHERE|SELECT) `)

var wordRE = regexp.MustCompile(`[A-Za-zÅÄÖåäö']+`)

// English words that are not Swedish words too.
var englishOnly = map[string]bool{
	"the": true, "is": true, "are": true, "not": true, "your": true, "you": true, "and": true, "of": true,
	"must": true, "please": true, "this": true, "with": true, "could": true, "cannot": true, "was": true,
	"has": true, "have": true, "there": true, "no": true, "into": true, "from": true, "that": true, "it": true,
	"try": true, "again": true, "enter": true, "choose": true, "check": true, "which": true, "be": false,
}

func englishWords(s string) int {
	n := 0
	for _, w := range wordRE.FindAllString(strings.ToLower(s), -1) {
		if englishOnly[w] {
			n++
		}
	}
	return n
}

// looksEnglish: at least three words, two of them words only English has.
func looksEnglish(s string) bool {
	return len(wordRE.FindAllString(s, -1)) >= 3 && englishWords(s) >= 2
}

// serverSources lists the Go files of the server (no tests, no generated
// bindings, no frontend).
func serverSources(t *testing.T, root string) []string {
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "frontend", "node_modules", "build", "testdata", ".git":
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func repoRoot(t *testing.T) string {
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s", dir)
	}
	return dir
}

func sameKeys(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
