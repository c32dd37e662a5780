package bankid

import (
	"context"
	"errors"

	"id06desk/internal/i18n"
)

// The BankID guidelines' recommended user messages. A and B variants: A is
// for a computer, B for a mobile device (RFA14, RFA15); for RFA17, A is "the
// app could not be started on this device" and B "the QR code could not be
// read".
const (
	RFA1   = "RFA1"
	RFA2   = "RFA2"
	RFA3   = "RFA3"
	RFA4   = "RFA4"
	RFA5   = "RFA5"
	RFA6   = "RFA6"
	RFA8   = "RFA8"
	RFA9   = "RFA9"
	RFA13  = "RFA13"
	RFA14A = "RFA14A"
	RFA14B = "RFA14B"
	RFA15A = "RFA15A"
	RFA15B = "RFA15B"
	RFA16  = "RFA16"
	RFA17A = "RFA17A"
	RFA17B = "RFA17B"
	RFA18  = "RFA18"
	RFA19  = "RFA19"
	RFA20  = "RFA20"
	RFA21  = "RFA21"
	RFA22  = "RFA22"
	RFA23  = "RFA23"
)

// messages holds the texts as the BankID guidelines phrase them, in their
// current wording ("skaffa ... hos din bank" where older versions said
// "hämta ... hos din internetbank"). RFA18 is a button label, hence no full
// stop.
var messages = map[string]i18n.Text{
	RFA1: {
		Code: RFA1,
		SV:   "Starta BankID-appen.",
		EN:   "Start your BankID app.",
	},
	RFA2: {
		Code: RFA2,
		SV:   "Du har inte BankID-appen installerad. Kontakta din bank.",
		EN:   "The BankID app is not installed. Please contact your bank.",
	},
	RFA3: {
		Code: RFA3,
		SV:   "Åtgärden avbruten. Försök igen.",
		EN:   "Action cancelled. Please try again.",
	},
	RFA4: {
		Code: RFA4,
		SV:   "En identifiering eller underskrift för det här personnumret är redan påbörjad. Försök igen.",
		EN:   "An identification or signing for this personal number is already started. Please try again.",
	},
	RFA5: {
		Code: RFA5,
		SV:   "Internt tekniskt fel. Försök igen.",
		EN:   "Internal error. Please try again.",
	},
	RFA6: {
		Code: RFA6,
		SV:   "Åtgärden avbruten.",
		EN:   "Action cancelled.",
	},
	RFA8: {
		Code: RFA8,
		SV: "BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. " +
			"Om du inte har något giltigt BankID kan du skaffa ett hos din bank. Försök sedan igen.",
		EN: "The BankID app is not responding. Please check that it’s started and that you have internet access. " +
			"If you don’t have a valid BankID you can get one from your bank. Try again.",
	},
	RFA9: {
		Code: RFA9,
		SV:   "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.",
		EN:   "Enter your security code in the BankID app and select Identify or Sign.",
	},
	RFA13: {
		Code: RFA13,
		SV:   "Försöker starta BankID-appen.",
		EN:   "Trying to start your BankID app.",
	},
	RFA14A: {
		Code: RFA14A,
		SV: "Söker efter BankID, det kan ta en liten stund… Om det har gått några sekunder och inget BankID har hittats " +
			"har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här datorn. " +
			"Om du har ett BankID-kort, sätt in det i kortläsaren. Om du inte har något BankID kan du skaffa ett hos din bank. " +
			"Om du har ett BankID på en annan enhet kan du starta din BankID-app där.",
		EN: "Searching for BankID, it may take a little while… If a few seconds have passed and still no BankID has been found, " +
			"you probably don’t have a BankID which can be used for this identification/signing on this computer. " +
			"If you have a BankID card, please insert it into your card reader. If you don’t have a BankID you can get one from your bank. " +
			"If you have a BankID on another device you can start the BankID app on that device.",
	},
	RFA14B: {
		Code: RFA14B,
		SV: "Söker efter BankID, det kan ta en liten stund… Om det har gått några sekunder och inget BankID har hittats " +
			"har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här enheten. " +
			"Om du inte har något BankID kan du skaffa ett hos din bank. " +
			"Om du har ett BankID på en annan enhet kan du starta din BankID-app där.",
		EN: "Searching for BankID, it may take a little while… If a few seconds have passed and still no BankID has been found, " +
			"you probably don’t have a BankID which can be used for this identification/signing on this device. " +
			"If you don’t have a BankID you can get one from your bank. " +
			"If you have a BankID on another device you can start the BankID app on that device.",
	},
	RFA15A: {
		Code: RFA15A,
		SV: "Söker efter BankID, det kan ta en liten stund… Om det har gått några sekunder och inget BankID har hittats " +
			"har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här datorn. " +
			"Om du har ett BankID-kort, sätt in det i kortläsaren. Om du inte har något BankID kan du skaffa ett hos din bank.",
		EN: "Searching for BankID, it may take a little while… If a few seconds have passed and still no BankID has been found, " +
			"you probably don’t have a BankID which can be used for this identification/signing on this computer. " +
			"If you have a BankID card, please insert it into your card reader. If you don’t have a BankID you can get one from your bank.",
	},
	RFA15B: {
		Code: RFA15B,
		SV: "Söker efter BankID, det kan ta en liten stund… Om det har gått några sekunder och inget BankID har hittats " +
			"har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här enheten. " +
			"Om du inte har något BankID kan du skaffa ett hos din bank.",
		EN: "Searching for BankID, it may take a little while… If a few seconds have passed and still no BankID has been found, " +
			"you probably don’t have a BankID which can be used for this identification/signing on this device. " +
			"If you don’t have a BankID you can get one from your bank.",
	},
	RFA16: {
		Code: RFA16,
		SV:   "Det BankID du försöker använda är för gammalt eller spärrat. Använd ett annat BankID eller skaffa ett nytt hos din bank.",
		EN:   "The BankID you are trying to use is blocked or too old. Please use another BankID or get a new one from your bank.",
	},
	RFA17A: {
		Code: RFA17A,
		SV: "BankID-appen verkar inte finnas i din dator eller mobil. Installera den och skaffa ett BankID hos din bank. " +
			"Installera appen från din appbutik eller https://install.bankid.com.",
		EN: "The BankID app couldn’t be found on your computer or mobile device. Please install it and get a BankID from your bank. " +
			"Install the app from your app store or https://install.bankid.com.",
	},
	RFA17B: {
		Code: RFA17B,
		SV: "Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden. Kontrollera att BankID-appen är uppdaterad. " +
			"Om du inte har BankID-appen måste du installera den och skaffa ett BankID hos din bank. " +
			"Installera appen från din appbutik eller https://install.bankid.com.",
		EN: "Failed to scan the QR code. Start the BankID app and scan the QR code. Check that the BankID app is up to date. " +
			"If you don’t have the BankID app, you need to install it and get a BankID from your bank. " +
			"Install the app from your app store or https://install.bankid.com.",
	},
	RFA18: {
		Code: RFA18,
		SV:   "Starta BankID-appen",
		EN:   "Start the BankID app",
	},
	RFA19: {
		Code: RFA19,
		SV:   "Vill du identifiera dig eller skriva under med BankID på den här datorn eller med ett Mobilt BankID?",
		EN:   "Would you like to identify yourself or sign with a BankID on this computer, or with a Mobile BankID?",
	},
	RFA20: {
		Code: RFA20,
		SV:   "Vill du identifiera dig eller skriva under med ett BankID på den här enheten eller med ett BankID på en annan enhet?",
		EN:   "Would you like to identify yourself or sign with a BankID on this device or with a BankID on another device?",
	},
	RFA21: {
		Code: RFA21,
		SV:   "Identifiering eller underskrift pågår.",
		EN:   "Identification or signing in progress.",
	},
	RFA22: {
		Code: RFA22,
		SV:   "Okänt fel. Försök igen.",
		EN:   "Unknown error. Please try again.",
	},
	RFA23: {
		Code: RFA23,
		SV:   "Fotografera och läs av din ID-handling med BankID-appen.",
		EN:   "Process your machine-readable travel document using the BankID app.",
	},
}

// Message returns the text of an RFA code in lang ("sv" for Swedish,
// anything else English). An unknown code gets RFA22's text ("Unknown
// error"), so a user never sees an empty message; "" gets "".
func Message(code, lang string) string {
	if code == "" {
		return ""
	}
	return Text(code).In(i18n.Lang(lang))
}

// Text is the message of an RFA code in every language; an unknown code
// gets RFA22's ("Unknown error").
func Text(code string) i18n.Text {
	t, ok := messages[code]
	if !ok {
		t = messages[RFA22]
	}
	return t
}

// MessageFor picks the RFA code to show for the state of an order, following
// the guidelines' table for collect hint codes and error codes. status and
// hintCode are the latest collect answer; err, if not nil, wins over them.
// qrFlow tells whether the user scans the QR code with another device (true)
// or the app is started on the same device with the autostart token (false).
// A complete order, or no state at all, gives "".
//
// Two choices the guidelines leave to the relying party:
//   - started: RFA14A (computer) in the QR flow, whose screen is a computer
//     or kiosk, and RFA14B (mobile device) when the app is started on the
//     same device, which for this product is mostly a phone. v6.0 orders are
//     always started with a token, so RFA15 is not used.
//   - the phone-only hints userCallConfirm (pending) and userDeclinedCall
//     (failed), which the auth flow never gets, map to RFA21 and RFA6.
func MessageFor(status, hintCode string, err error, qrFlow bool) (rfa string) {
	if err != nil {
		return messageForError(err, qrFlow)
	}
	switch status {
	case StatusPending:
		switch hintCode {
		case HintOutstandingTransaction:
			if qrFlow {
				return RFA1
			}
			return RFA13
		case HintNoClient:
			return RFA1
		case HintStarted:
			if qrFlow {
				return RFA14A
			}
			return RFA14B
		case HintUserSign:
			return RFA9
		case HintUserMRTD:
			return RFA23
		}
		return RFA21 // userCallConfirm and unknown pending hints
	case StatusFailed:
		return messageForFailure(hintCode, qrFlow)
	case StatusComplete, "":
		return ""
	}
	return RFA22
}

func messageForFailure(hintCode string, qrFlow bool) string {
	switch hintCode {
	case HintExpiredTransaction:
		return RFA8
	case HintCertificateErr:
		return RFA16
	case HintUserCancel, HintUserDeclinedCall:
		return RFA6
	case HintCancelled:
		return RFA3
	case HintStartFailed:
		if qrFlow {
			return RFA17B
		}
		return RFA17A
	}
	return RFA22
}

func messageForError(err error, qrFlow bool) string {
	if fe, ok := errors.AsType[*FailedError](err); ok {
		return messageForFailure(fe.HintCode, qrFlow)
	}
	// Cancelled by this side (the user pressed Cancel, the kiosk's idle
	// timer or a shutdown ended the context): the guidelines' message for a
	// cancelled action. A bare context error is always the caller's own:
	// the client reports its per-request timeout as an *Error (timeout).
	if errors.Is(err, ErrCancelled) || (ErrorCode(err) == "" &&
		(errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))) {
		return RFA6
	}
	switch ErrorCode(err) {
	case CodeAlreadyInProgress:
		return RFA4
	case CodeRequestTimeout, CodeMaintenance, CodeInternalError:
		return RFA5
	case CodeTimeout, CodeConnectionRefused, CodeNetwork:
		// Not BankID error codes but the same situation for the user as
		// requestTimeout: the service did not answer; try again.
		return RFA5
	}
	return RFA22
}

// ErrorText says what an error of this package means for the administrator
// who sets BankID up (Settings → BankID); the error's own text goes beside
// it as a technical detail.
func ErrorText(err error) i18n.Text {
	switch {
	case errors.Is(err, ErrNotConfigured):
		return msgAdminNotConfigured
	case errors.Is(err, ErrConfig):
		return msgAdminConfig
	}
	switch ErrorCode(err) {
	case CodeTLS:
		return msgAdminTLS
	case CodeCertificateRefused, CodeUnauthorized:
		return msgAdminCertRefused
	case CodeConnectionRefused, CodeNetwork, CodeTimeout:
		return msgAdminUnreachable
	case CodeMaintenance, CodeInternalError, CodeRequestTimeout:
		return msgAdminDown
	}
	return msgAdminUnexpected
}

var (
	msgAdminNotConfigured = i18n.Text{Code: "bankid.not_configured",
		SV: "BankID är inte inställt: lägg till certifikatfilerna och inställningarna ovan.",
		EN: "BankID is not set up: add the certificate files and settings above."}
	msgAdminConfig = i18n.Text{Code: "bankid.config",
		SV: "BankID-inställningarna eller certifikatfilerna går inte att använda. Kontrollera filerna och lösenfrasen.",
		EN: "The BankID settings or certificate files cannot be used. Check the files and the passphrase."}
	msgAdminTLS = i18n.Text{Code: "bankid.tls",
		SV: "Den säkra anslutningen till BankID misslyckades. Kontrollera rotcertifikatet (CA) och miljön (test eller produktion).",
		EN: "The secure connection to BankID failed. Check the root certificate (CA) and the environment (test or production)."}
	msgAdminCertRefused = i18n.Text{Code: "bankid.certificate_refused",
		SV: "BankID godtog inte företagets certifikat. Kontrollera certifikatfilen och miljön (test eller produktion).",
		EN: "BankID did not accept the company's certificate. Check the certificate file and the environment (test or production)."}
	msgAdminUnreachable = i18n.Text{Code: "bankid.unreachable",
		SV: "BankID gick inte att nå. Kontrollera nätverket och adressen och försök igen.",
		EN: "BankID could not be reached. Check the network and the address, then try again."}
	msgAdminDown = i18n.Text{Code: "bankid.unavailable",
		SV: "BankID fungerar inte just nu. Försök igen senare.",
		EN: "BankID is not working right now. Try again later."}
	msgAdminUnexpected = i18n.Text{Code: "bankid.unexpected",
		SV: "BankID gav ett oväntat svar. Kontrollera adressen (bankid.url) och miljön.",
		EN: "BankID gave an unexpected answer. Check the address (bankid.url) and the environment."}
)
