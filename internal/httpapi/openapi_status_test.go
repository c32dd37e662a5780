package httpapi_test

import (
	"slices"
	"testing"

	"id06desk/internal/httpapi"
	"id06desk/internal/invite"
	"id06desk/internal/order"
)

// The contract's status enums are the statuses of the one transition
// tables (order.Statuses, invite.Statuses), in their order.
func TestOpenAPIStatusesAreTheLifeCycles(t *testing.T) {
	doc := readOpenAPI(t, httpapi.OpenAPI())
	enum := func(name string) []string {
		s, _ := doc.Components.Schemas[name].(map[string]any)
		var out []string
		vals, _ := s["enum"].([]any)
		for _, v := range vals {
			out = append(out, v.(string))
		}
		return out
	}
	var orders, invitations []string
	for _, s := range order.Statuses() {
		orders = append(orders, string(s))
	}
	for _, s := range invite.Statuses() {
		invitations = append(invitations, string(s))
	}
	if got := enum("OrderStatus"); !slices.Equal(got, orders) {
		t.Errorf("OrderStatus %v, want %v", got, orders)
	}
	if got := enum("InvitationStatus"); !slices.Equal(got, invitations) {
		t.Errorf("InvitationStatus %v, want %v", got, invitations)
	}
}
