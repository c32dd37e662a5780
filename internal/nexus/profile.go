package nexus

import (
	"strings"

	"id06desk/internal/order"
)

// ProfileVersion names the column list below. Change it with the list when
// Nexus's template changes; every batch records the version its file
// follows.
const ProfileVersion = "nexus-import-2026-12"

// Nexus's limits for one import file.
const (
	MaxRowsPerFile = 300 // rows (cardholders) per Excel file
	MaxColumns     = 16  // columns per Excel file
)

// Column is one column of the import file: Name is the header Nexus reads,
// Value takes it from an order (photo is the row's photo file name in the
// zip).
type Column struct {
	Name  string
	Value func(o order.Order, photo string) string
}

// Profile is the import file's column list, in order. The first four are
// Nexus's mandatory columns.
var Profile = []Column{
	// Mandatory.
	{"first_name", func(o order.Order, _ string) string { return o.FirstName }},
	// Mandatory.
	{"last_name", func(o order.Order, _ string) string { return o.LastName }},
	// Mandatory: ISO 3166 alpha-2 (SE for a personnummer holder who gave none)
	{"nationality", func(o order.Order, _ string) string { return Nationality(o) }},
	// Mandatory: the Swedish personnummer or samordningsnummer, 12 digits, as text; empty for a cardholder without one
	{"national_identity_number", func(o order.Order, _ string) string { return o.Personnummer }},
	// identifies a cardholder without personnummer (YYYY-MM-DD); they verify their identity with a passport at the scanning partner
	{"date_of_birth", func(o order.Order, _ string) string { return o.BirthDate }},
	// Nexus asks the cardholder to approve the order; the address the invitation reached
	{"email", func(o order.Order, _ string) string { return o.Email }},
	// the cardholder's mobile (E.164) for Nexus's approval message
	{"mobile_phone", func(o order.Order, _ string) string { return o.Phone }},
	// which card to make (the invitation's card type code)
	{"card_type", func(o order.Order, _ string) string { return o.CardType }},
	// the row's photo file in the zip: the row points at its photo
	{"photo_file_name", func(_ order.Order, photo string) string { return photo }},
	// where the card goes: recipient (with c/o)
	{"delivery_name", func(o order.Order, _ string) string { return deliveryName(o.Delivery.Address) }},
	// delivery address
	{"delivery_street", func(o order.Order, _ string) string { return o.Delivery.Address.Street }},
	// delivery address
	{"delivery_postal_code", func(o order.Order, _ string) string { return o.Delivery.Address.PostalCode }},
	// delivery address
	{"delivery_city", func(o order.Order, _ string) string { return o.Delivery.Address.City }},
	// delivery address (ISO code)
	{"delivery_country", func(o order.Order, _ string) string { return o.Delivery.Address.Country }},
	// the company's cost centre for Nexus's invoice, set at review
	{"cost_centre", func(o order.Order, _ string) string { return o.CostCentre }},
	// id06desk's order id, so Nexus's answers and status export match back to the order
	{"reference", func(o order.Order, _ string) string { return o.ID }},
}

// Left out on purpose: the foreign ID document number (Nexus does not need
// it; the scanning partner sees the document itself), industry, and how
// the identity was checked (Nexus asks the cardholder to approve anyway).

// Header is the first row of the import file: the profile's column names.
func Header() []string {
	out := make([]string, len(Profile))
	for i, c := range Profile {
		out[i] = c.Name
	}
	return out
}

// Row is an order's row in the import file.
func Row(o order.Order, photo string) []string {
	out := make([]string, len(Profile))
	for i, c := range Profile {
		out[i] = c.Value(o, photo)
	}
	return out
}

// Nationality is the order's nationality code; a cardholder with a
// personnummer who gave none is Swedish-registered (SE).
func Nationality(o order.Order) string {
	n := strings.ToUpper(strings.TrimSpace(o.Nationality))
	if n == "" && o.Personnummer != "" {
		return "SE"
	}
	return n
}

func deliveryName(a order.Address) string {
	if a.CareOf == "" {
		return a.Name
	}
	return a.Name + ", c/o " + a.CareOf
}
