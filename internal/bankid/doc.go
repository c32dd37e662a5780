// Package bankid lets a cardholder identify themselves with Swedish BankID:
// a client for the BankID relying-party (RP) API v6.0 over mutual TLS, the
// animated QR code, the user messages the BankID guidelines prescribe (RFA1
// to RFA23, Swedish and English), a polling flow helper and an availability
// check.
//
// # The API as this package understands it
//
// The client is written from the published description of the RP API v6.0
// (developers.bankid.com). Where this package had to assume something, the
// code says so in a comment marked "Assumption". In short:
//
//   - Three calls are used, each a POST with a JSON body to
//     <base>/auth, <base>/collect and <base>/cancel, base being
//     https://appapi2.test.bankid.com/rp/v6.0 or
//     https://appapi2.bankid.com/rp/v6.0.
//   - The connection is mutual TLS: the relying party presents its client
//     certificate (a PKCS#12 file from the bank, or a PEM pair), and the
//     server certificate is verified against the BankID root CA given in the
//     configuration only, never the system trust store.
//   - Errors come back as HTTP 4xx/5xx with {"errorCode", "details"}.
//   - collect answers status pending, failed or complete; a complete answer
//     carries completionData whose stepUp is an object {"mrtd": bool}, not a
//     bool (several public Go clients decode it as a bool and fail).
//   - The animated QR code is "bankid.<qrStartToken>.<seconds>.<qrAuthCode>",
//     qrAuthCode being the hex HMAC-SHA256 of the decimal seconds keyed with
//     qrStartSecret.
//
// # Personal data
//
// A completed order carries the user's personal identity number. This
// package never logs it; the types that hold it (User, CompletionData,
// Result) print and log it redacted. Callers that need the number read the
// field.
//
// # Testing
//
// bankidtest.NewServer (package internal/bankid/bankidtest, kept out of
// this package as httptest is kept out of net/http) starts a local
// stand-in for the BankID API on 127.0.0.1 only,
// with its own CA, server certificate and client certificate, scripted order
// outcomes and a record of the requests it received, so that HTTP and browser
// tests of the registration flow run without the real service.
package bankid
