package httpapi_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"id06desk/internal/httpapi"
)

// routePatterns reads every pattern registered with s.handle in this
// package's sources, so a route added later is covered without a list here.
func routePatterns(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 3 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "handle" {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				p, _ := strconv.Unquote(lit.Value)
				out = append(out, p)
			}
			return true
		})
	}
	if len(out) < 40 {
		t.Fatalf("found only %d routes: %v", len(out), out)
	}
	return out
}

// Every route that takes a body refuses one of another type with 415:
// text/plain (which a page of another site may send without asking) is
// never read as JSON, a CSV or a photo.
func TestEveryRouteRefusesBodiesOfTheWrongType(t *testing.T) {
	api := httpapi.New(newStack(t, noSettings()).everything(t))
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	e := &env{srv: srv, c: srv.Client()}

	checked := 0
	for _, pattern := range routePatterns(t) {
		method, path, _ := strings.Cut(pattern, " ")
		if method == "GET" || method == "HEAD" {
			continue
		}
		for _, v := range []string{"{token}", "{id}", "{action}", "{name}"} {
			path = strings.ReplaceAll(path, v, "x")
		}
		for _, ct := range []string{"text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "invalid/"} {
			resp, m := e.send(t, method, path, ct, `{}`)
			if resp.StatusCode != 415 || errCode(m) != "unsupported_media_type" {
				t.Errorf("%s with %s: %d %v", pattern, ct, resp.StatusCode, m)
			}
		}
		checked++
	}
	if checked < 25 {
		t.Fatalf("only %d routes take a body", checked)
	}
	// A body without Content-Type is not JSON either; no body needs none.
	if resp, _ := e.send(t, "POST", "/api/ui-ready", "", `{"route":"#/"}`); resp.StatusCode != 415 {
		t.Errorf("JSON without Content-Type: %d", resp.StatusCode)
	}
	if resp, _ := e.send(t, "POST", "/api/ui-ready", "application/json; charset=utf-8", `{"route":"#/"}`); resp.StatusCode != 204 {
		t.Errorf("JSON with charset: %d", resp.StatusCode)
	}
	if resp, _ := e.send(t, "POST", "/api/keys/rotate", "", ""); resp.StatusCode != 200 {
		t.Errorf("a POST without a body: %d", resp.StatusCode)
	}
}
