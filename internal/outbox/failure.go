package outbox

import (
	"encoding/json"
	"strings"
)

// Failure is why a mail was not delivered: a stable code (the Sender's
// classification, e.g. "recipient_refused", which the API shows as a
// translated sentence) and the detail in the mail server's own words or the
// technical error, shown as is on a secondary line.
type Failure struct {
	Code   string `json:"code"`
	Detail string `json:"detail,omitempty"`
}

// CodeUnknown is the code of a failure nobody classified, and of reasons
// stored as plain text before failures had codes.
const CodeUnknown = "unknown"

// Encode is the stored form of f (outbox.last_error, invitations.last_error,
// the send_retry and send_failed events).
func (f Failure) Encode() string {
	b, _ := json.Marshal(f)
	return string(b)
}

// ParseFailure reads what Encode stored. Text stored by older versions (a
// plain English reason) becomes an unknown failure with that text as its
// detail; "" is the zero Failure.
func ParseFailure(s string) Failure {
	if s == "" {
		return Failure{}
	}
	var f Failure
	if strings.HasPrefix(s, "{") && json.Unmarshal([]byte(s), &f) == nil && f.Code != "" {
		return f
	}
	return Failure{Code: CodeUnknown, Detail: s}
}

// IsZero reports whether f holds no failure.
func (f Failure) IsZero() bool { return f == Failure{} }
