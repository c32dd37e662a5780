package registration

import (
	"context"
	"errors"

	"id06desk/internal/settings"
)

// confirmSealed is Confirm on an offline kiosk: the order value is built as
// for any Confirm, then sealed for the console (Sealer) instead of stored;
// it reaches the office with the next sync.
func (s *Service) confirmSealed(ctx context.Context, sl Sealer, vals settings.Values, in OrderInput, tok string) (*Receipt, error) {
	o, err := s.buildOrder(vals, in)
	if err != nil {
		return nil, err
	}
	if err := sl.Seal(ctx, o, tok); err != nil {
		if errors.Is(err, ErrAlreadyRegistered) {
			return nil, &LinkError{Code: LinkAlreadyRegistered, Company: vals.Get("company.name"), At: in.RegisteredAt, Err: err}
		}
		return nil, err
	}
	return &Receipt{RegisteredAt: in.RegisteredAt, IdentityCheck: o.IdentityCheck, IdentityPartner: partnerOf(vals), Sealed: true}, nil
}
