package bankid

import (
	"context"
	"fmt"

	"github.com/google/uuid"
)

// Check tells whether BankID is configured and reachable: it collects an
// order that cannot exist (a random orderRef). An answer of invalidParameters
// ("no such order") or notFound proves that the mutual-TLS connection works,
// the server is the pinned one and the relying-party certificate is
// accepted. Anything else is returned: ErrNotConfigured without a client,
// an *Error for refused certificates, unauthorized, maintenance or network
// failures.
//
// Assumption: the API answers a collect of an unknown orderRef with HTTP 400
// invalidParameters; notFound is accepted too in case it answers 404.
func Check(ctx context.Context, client *Client) error {
	if client == nil {
		return ErrNotConfigured
	}
	_, err := client.Collect(ctx, uuid.NewString())
	switch ErrorCode(err) {
	case CodeInvalidParameters, CodeNotFound:
		return nil
	}
	if err == nil {
		// A random order should not exist, but the server answered over a
		// working connection, which is all Check asks.
		return nil
	}
	return fmt.Errorf("bankid check: %w", err)
}
