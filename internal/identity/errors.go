package identity

import (
	"strings"

	"id06desk/internal/i18n"
)

// Field names used in FieldError.Field.
const (
	FieldPersonnummer = "personnummer"
	FieldFirstName    = "first_name"
	FieldLastName     = "last_name"
	FieldPhone        = "phone"
	FieldBirthDate    = "birth_date"
	FieldNationality  = "nationality"
	FieldIDNumber     = "id_number"
	FieldName         = "name"
	FieldCareOf       = "care_of"
	FieldStreet       = "street"
	FieldPostalCode   = "postal_code"
	FieldCity         = "city"
	FieldCountry      = "country"
)

// Error codes used in FieldError.Code. They are stable: a user interface may
// key its own translations on them.
const (
	CodeRequired   = "required"   // nothing entered
	CodeFormat     = "format"     // wrong length or characters for this kind of value
	CodeDate       = "date"       // the date does not exist in the calendar
	CodeFuture     = "future"     // a birth date after today
	CodeChecksum   = "checksum"   // the Luhn check digit does not match
	CodeCharacters = "characters" // characters not allowed in this field
	CodeNoLetter   = "no_letter"  // a name without a single letter
	CodeTooLong    = "too_long"   // more than the field's maximum length
	CodeNotMobile  = "not_mobile" // a valid phone number, but not a mobile one
	CodeTooYoung   = "too_young"  // younger than MinAge
	CodeTooOld     = "too_old"    // older than MaxAge
	CodeCountry    = "country"    // not an ISO 3166-1 alpha-2 country code
)

// FieldError says which field is wrong and why, as a stable code the UI
// translates.
type FieldError struct {
	Field string
	Code  string
}

// Error returns "field: code". It never contains the rejected value, which is
// personal data.
func (e *FieldError) Error() string {
	return e.Field + ": " + e.Code
}

// Msg is the error as a message for people; its code is e.Code.
func (e *FieldError) Msg() i18n.Message {
	return fieldText(e.Field, e.Code).With()
}

// Errors is a list of field errors (all problems at once, not only the first).
type Errors []*FieldError

// Error joins the field errors with "; ".
func (e Errors) Error() string {
	parts := make([]string, len(e))
	for i, fe := range e {
		parts[i] = fe.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap lets errors.As find the individual *FieldError values.
func (e Errors) Unwrap() []error {
	errs := make([]error, len(e))
	for i, fe := range e {
		errs[i] = fe
	}
	return errs
}

// Field returns the first error for field, or nil.
func (e Errors) Field(field string) *FieldError {
	for _, fe := range e {
		if fe.Field == field {
			return fe
		}
	}
	return nil
}

// add appends a field error when code is not empty.
func (e *Errors) add(field, code string) {
	if code != "" {
		*e = append(*e, &FieldError{Field: field, Code: code})
	}
}

// err returns e as an error, or a nil error (not a nil Errors) when empty.
func (e Errors) err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}
