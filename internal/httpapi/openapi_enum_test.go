package httpapi_test

import (
	"slices"
	"testing"

	"id06desk/internal/audit"
	"id06desk/internal/httpapi"
)

// The contract's audit enums are exactly the audit package's lists: the
// console labels every value of the enums (a Vitest test checks that), so an
// action missing from the enum would reach the audit view unlabelled.
func TestOpenAPIAuditEnumsMatchTheAuditPackage(t *testing.T) {
	doc := readOpenAPI(t, httpapi.OpenAPI())
	enum := func(schema string) []string {
		s, _ := doc.Components.Schemas[schema].(map[string]any)
		raw, _ := s["enum"].([]any)
		out := make([]string, 0, len(raw))
		for _, v := range raw {
			out = append(out, v.(string))
		}
		return out
	}
	var actions, kinds []string
	for _, a := range audit.Actions() {
		actions = append(actions, string(a))
	}
	for _, k := range audit.Kinds() {
		kinds = append(kinds, string(k))
	}
	if got := enum("AuditAction"); !slices.Equal(got, actions) {
		t.Errorf("openapi.json AuditAction enum\n got %v\nwant %v (audit.Actions(), in that order)", got, actions)
	}
	if got := enum("AuditActorKind"); !slices.Equal(got, kinds) {
		t.Errorf("openapi.json AuditActorKind enum\n got %v\nwant %v (audit.Kinds())", got, kinds)
	}
}
