// Package identity validates the personal data a cardholder enters when
// registering for an ID06 card: Swedish personal identity numbers and
// coordination numbers, names, mobile phone numbers, nationality and foreign
// identity documents, and the delivery address.
//
// Every function is pure: it takes the input (and, where age matters, the
// current time) and returns the normalised value or an error. Errors are a
// *FieldError or an Errors list, each carrying a field name and a stable code
// that a user interface turns into a sentence with Message or
// (*FieldError).Message, in Swedish or English.
//
// The values handled here are personal data. The package logs nothing and its
// error strings name only the field and the code, never the rejected value.
package identity
