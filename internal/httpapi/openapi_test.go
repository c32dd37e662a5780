package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"id06desk/internal/bankidconf"
	"id06desk/internal/exports"
	"id06desk/internal/httpapi"
	"id06desk/internal/invitations"
	"id06desk/internal/kiosk"
	"id06desk/internal/orders"
	"id06desk/internal/outbox"
	"id06desk/internal/registration"
	"id06desk/internal/settings"
	"id06desk/internal/smtpout"
	"id06desk/internal/sqlite"
	itoken "id06desk/internal/token"
)

// The parts of an OpenAPI document the contract tests read.
type openAPIDoc struct {
	OpenAPI    string                           `json:"openapi"`
	Paths      map[string]map[string]openAPIOp  `json:"paths"`
	Components struct{ Schemas map[string]any } `json:"components"`
	Raw        map[string]any                   `json:"-"`
}

type openAPIOp struct {
	OperationID string `json:"operationId"`
	Access      string `json:"x-access"`
	Parameters  []struct {
		Name string `json:"name"`
		In   string `json:"in"`
	} `json:"parameters"`
	RequestBody *struct {
		Content map[string]any `json:"content"`
	} `json:"requestBody"`
	Responses map[string]any `json:"responses"`
}

func readOpenAPI(t *testing.T, b []byte) openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if err := json.Unmarshal(b, &doc.Raw); err != nil {
		t.Fatal(err)
	}
	return doc
}

// allRoutes is every route a server can register: a desktop window with
// every feature, and serve --kiosk (whose kiosk link only it has).
func allRoutes(t *testing.T) []httpapi.Route {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "t.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	keys, _ := itoken.LoadOrCreate(filepath.Join(dir, "keys"))
	st := settings.NewService(db, dir)
	w := outbox.NewWorker(invitations.MailResults(db), smtpout.SenderSource(st.Load, nil), slog.New(slog.DiscardHandler), outbox.Options{})
	inv := invitations.New(invitations.Config{Store: db, Settings: st, Keys: keys})
	reg := registration.New(registration.Config{Store: db, Settings: st, Keys: keys})
	tc, station := testStation(t, dir)
	cfg := httpapi.Config{Mode: httpapi.ModeWindow, DB: db, Settings: st, Invitations: inv, Outbox: w,
		Registration: reg, Orders: orders.New(orders.Config{Store: db, Now: db.Now}), Keys: keys, Station: station, PIN: kiosk.NewPIN(filepath.Join(dir, "pin")),
		TestCamera: tc.Play, BankID: bankidconf.New(dir, st), Log: slog.New(slog.DiscardHandler), Exports: exports.New(db)}
	routes := httpapi.New(cfg).Routes()
	cfg.Mode, cfg.Kiosk = httpapi.ModeServe, true
	for _, r := range httpapi.New(cfg).Routes() {
		if !slices.ContainsFunc(routes, func(x httpapi.Route) bool { return x.Method == r.Method && x.Path == r.Path }) {
			routes = append(routes, r)
		}
	}
	// Every s.handle(...) in the sources is among them: a route behind a
	// Config switch the servers above miss would escape the contract.
	for _, p := range routePatterns(t) {
		m, path, _ := strings.Cut(p, " ")
		if !slices.ContainsFunc(routes, func(x httpapi.Route) bool { return x.Method == m && x.Path == path }) {
			t.Errorf("route %s is in the sources but no test server registered it", p)
		}
	}
	return routes
}

// The contract describes exactly the routes the server registers: each
// with who may call it, its path parameters and the media types of its
// body; nothing documented is missing from the server.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	doc := readOpenAPI(t, httpapi.OpenAPI())
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
	routes := allRoutes(t)
	seen := map[string]bool{}
	pathParam := regexp.MustCompile(`\{([a-z]+)\}`)
	for _, r := range routes {
		key := r.Method + " " + r.Path
		seen[key] = true
		op, ok := doc.Paths[r.Path][strings.ToLower(r.Method)]
		if !ok {
			t.Errorf("%s is registered but not in openapi.json", key)
			continue
		}
		if op.Access != r.Access {
			t.Errorf("%s: x-access %q, the route is %q", key, op.Access, r.Access)
		}
		var inPath []string
		for _, p := range op.Parameters {
			if p.In == "path" {
				inPath = append(inPath, p.Name)
			}
		}
		var want []string
		for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
			want = append(want, m[1])
		}
		slices.Sort(inPath)
		slices.Sort(want)
		if !slices.Equal(inPath, want) {
			t.Errorf("%s: path parameters %v, the path has %v", key, inPath, want)
		}
		if r.Method == "GET" {
			if op.RequestBody != nil {
				t.Errorf("%s: a GET with a request body", key)
			}
		} else {
			var types []string
			if op.RequestBody != nil {
				for mt := range op.RequestBody.Content {
					types = append(types, mt)
				}
			}
			slices.Sort(types)
			accepted := slices.Sorted(slices.Values(r.BodyTypes))
			raw := !slices.Equal(accepted, []string{httpapi.JSONType})
			if (raw || len(types) > 0) && !slices.Equal(types, accepted) {
				t.Errorf("%s: request body types %v, the route takes %v", key, types, accepted)
			}
		}
		if len(op.Responses) == 0 {
			t.Errorf("%s: no responses", key)
		}
		if r.Path != "/api/kiosk/open" {
			if _, ok := op.Responses["default"]; !ok {
				t.Errorf("%s: no default (error) response", key)
			}
		}
		if op.OperationID == "" {
			t.Errorf("%s: no operationId", key)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if key := strings.ToUpper(method) + " " + path; !seen[key] {
				t.Errorf("%s is in openapi.json but no server registers it", key)
			}
		}
	}
	if len(seen) < 50 {
		t.Fatalf("only %d routes", len(seen))
	}
}

// Every error code the API has is in the contract's ErrorCode, and every
// $ref points at a schema that exists.
func TestOpenAPIErrorCodesAndRefs(t *testing.T) {
	raw := httpapi.OpenAPI()
	doc := readOpenAPI(t, raw)
	ec, _ := doc.Components.Schemas["ErrorCode"].(map[string]any)
	var enum []string
	for _, v := range ec["enum"].([]any) {
		enum = append(enum, v.(string))
	}
	codes := errorCodes(t)
	if len(codes) < 30 {
		t.Fatalf("found only %d codes", len(codes))
	}
	for _, c := range codes {
		if !slices.Contains(enum, c) {
			t.Errorf("error code %q is not in ErrorCode", c)
		}
	}
	for _, c := range enum {
		if !slices.Contains(codes, c) {
			t.Errorf("ErrorCode lists %q, which the API does not have", c)
		}
	}
	errSchema, _ := doc.Components.Schemas["Error"].(map[string]any)
	props, _ := errSchema["properties"].(map[string]any)
	for _, f := range []string{"code", "message", "fields", "fieldCodes", "details"} {
		if _, ok := props[f]; !ok {
			t.Errorf("Error has no %s", f)
		}
	}
	for _, m := range regexp.MustCompile(`"\$ref": "#/components/schemas/([A-Za-z]+)"`).FindAllSubmatch(raw, -1) {
		if _, ok := doc.Components.Schemas[string(m[1])]; !ok {
			t.Errorf("$ref to missing schema %s", m[1])
		}
	}
}

// errorCodes are the values of the Code constants in this package.
func errorCodes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || vs.Type == nil || len(vs.Values) != 1 {
			return true
		}
		if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Code" {
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				v, _ := strconv.Unquote(lit.Value)
				out = append(out, v)
			}
		}
		return true
	})
	return out
}

// GET /api/openapi.json serves the document to anyone (it holds no data),
// also in serve mode without a login.
func TestOpenAPIIsServed(t *testing.T) {
	e := newEnv(t, httpapi.ModeServe, false)
	resp, err := e.c.Get(e.srv.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !bytes.Equal(b, httpapi.OpenAPI()) {
		t.Fatal("served document differs from the embedded one")
	}
	readOpenAPI(t, b)
}
