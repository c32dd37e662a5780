package httpapi

import (
	_ "embed"
	"net/http"
	"slices"
	"strconv"
)

// openAPIDoc is the API's contract (OpenAPI 3.1): every route with its
// parameters, bodies, answers and error codes. The frontend's TypeScript
// types are generated from it (frontend: npm run gen:api), and
// TestOpenAPIDescribesEveryRoute keeps it and the routes in step.
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI is the contract document as served at GET /api/openapi.json.
func OpenAPI() []byte { return slices.Clone(openAPIDoc) }

// openAPI serves the contract. It is public: it holds no data, only what
// the routes are, and a company's IT may read it before it has a login.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(openAPIDoc)))
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(openAPIDoc)
	}
	return nil
}

// Route is one registered route as the contract describes it.
type Route struct {
	Method string // GET, POST, PUT, DELETE
	Path   string // as registered, e.g. /api/invitations/{id}
	// Access: "public", "admin" or "station" (the kiosk's own screen or
	// the admin).
	Access string
	// BodyTypes are the media types a request body may have (a route
	// without a body ignores them); BodyLimit its size in bytes.
	BodyTypes []string
	BodyLimit int64
}

// Routes lists the routes this server registered (they depend on its
// Config: e.g. the registration routes need a Registration service).
func (s *Server) Routes() []Route {
	out := make([]Route, len(s.table))
	for i, r := range s.table {
		out[i] = r
		out[i].BodyTypes = slices.Clone(r.BodyTypes)
	}
	return out
}

func (a access) String() string {
	switch a {
	case admin:
		return "admin"
	case station:
		return "station"
	}
	return "public"
}
