package order

import (
	"strings"

	"id06desk/internal/identity"
)

// DefaultCountry is the delivery country when none is given.
const DefaultCountry = "SE"

// ValidateDelivery checks a delivery choice the way the registration's
// delivery step does (and the admin's correction of it): the company's
// address needs no more here (the caller fills it in from the settings);
// an own address is validated and normalised by identity.ValidateAddress,
// the country defaulting to Sweden. Errors are identity.Errors.
func ValidateDelivery(in Delivery) (Delivery, error) {
	if in.UseCompany {
		return Delivery{UseCompany: true}, nil
	}
	a := in.Address
	if strings.TrimSpace(a.Country) == "" {
		a.Country = DefaultCountry
	}
	v, err := identity.ValidateAddress(identity.Address{Name: a.Name, CareOf: a.CareOf, Street: a.Street, PostalCode: a.PostalCode, City: a.City, Country: a.Country})
	if err != nil {
		return Delivery{}, err
	}
	return Delivery{Address: Address{Name: v.Name, CareOf: v.CareOf, Street: v.Street, PostalCode: v.PostalCode, City: v.City, Country: v.Country}}, nil
}
