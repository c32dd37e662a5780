package bankid

import (
	"context"
	"net/http"
)

// Internals the external tests (package bankid_test, which can use
// bankidtest) look at, as net/http's export_test.go does.

var (
	ResultOf = resultOf
	APIError = apiError
)

// Call sends one raw API request, bypassing the typed methods' checks.
func (c *Client) Call(ctx context.Context, op string, body, out any) error {
	return c.call(ctx, op, body, out)
}

// HTTPClient is the client's HTTP client (its TLS settings and timeout).
func (c *Client) HTTPClient() *http.Client { return c.hc }

// Base is the API base URL the client calls.
func (c *Client) Base() string { return c.base }

// QRSecrets are the order's qrStartToken and qrStartSecret.
func (o *Order) QRSecrets() (token, secret string) { return o.qrToken, o.qrSecret }
