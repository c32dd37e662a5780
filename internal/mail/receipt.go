package mail

import (
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
	"time"
)

// ReceiptMail thanks the cardholder after they confirmed their registration
// and says what happens next.
type ReceiptMail struct {
	Lang            string // cardholder's language: "sv" or "en"
	CompanyName     string // "Bygg & Söner AB"
	SenderName      string // display name in From, and the contact for questions
	SenderAddress   string // address in From and envelope sender
	Recipient       string // the cardholder's plain address
	CardholderName  string // "Anna Berg"
	CardType        string // display name, e.g. "ID06-kort med RFID"
	IdentityMethod  string // "manual": book a time at the partner to have the ID document scanned; "bankid": verified, nothing more to do
	PartnerName     string // e.g. "Sistec"; required for "manual", unused for "bankid"
	PartnerURL      string // e.g. "https://www.sistec.se"; absolute http(s) URL, required for "manual", unused for "bankid"
	RegisteredAt    time.Time
	MessageIDDomain string // domain part of the Message-ID; "" = sender's domain
}

type receiptData struct {
	Company, Cardholder, CardType, When string
	Manual                              bool
	Partner, PartnerURL                 string
	SenderName, SenderAddress           string
}

var receiptSubject = map[string]*texttemplate.Template{
	"sv": texttemplate.Must(texttemplate.New("").Parse(`Tack för din registrering för {{.CardType}} hos {{.Company}}`)),
	"en": texttemplate.Must(texttemplate.New("").Parse(`Thank you for registering with {{.Company}} for your {{.CardType}}`)),
}

var receiptText = map[string]*texttemplate.Template{
	"sv": texttemplate.Must(texttemplate.New("").Parse(`Hej {{.Cardholder}}!

Tack för din registrering för {{.CardType}} hos {{.Company}}. Vi tog emot registreringen den {{.When}}.

Så här går det vidare:
{{if .Manual}}
1. Boka en tid hos {{.Partner}} för att skanna ditt pass eller ditt nationella id-kort:
   {{.PartnerURL}}
   Ditt kort beställs när identitetskontrollen är klar.

2. {{.Company}} skickar beställningen till Nexus, som tillverkar kortet. Kortet skickas till adressen du angav.
{{else}}
Din identitet är verifierad med BankID, så du behöver inte göra något mer.

{{.Company}} skickar beställningen till Nexus, som tillverkar kortet. Kortet skickas till adressen du angav.
{{end}}
Har du frågor? Kontakta {{.SenderName}}, {{.SenderAddress}}.

Med vänliga hälsningar
{{.Company}}
`)),
	"en": texttemplate.Must(texttemplate.New("").Parse(`Hello {{.Cardholder}},

Thank you for registering with {{.Company}} for your {{.CardType}}. We received your registration on {{.When}}.

What happens next:
{{if .Manual}}
1. Book a time with {{.Partner}} to have your passport or national ID card scanned:
   {{.PartnerURL}}
   Your card is ordered when the identity check is done.

2. {{.Company}} sends the order to Nexus, which produces the card. It is delivered to the address you gave.
{{else}}
Your identity is verified with BankID, so there is nothing more for you to do.

{{.Company}} sends the order to Nexus, which produces the card. It is delivered to the address you gave.
{{end}}
Questions? Contact {{.SenderName}}, {{.SenderAddress}}.

Kind regards,
{{.Company}}
`)),
}

var receiptHTML = map[string]*htmltemplate.Template{
	"sv": htmlTemplate(`{{define "body"}}<p>Hej {{.Cardholder}}!</p>
<p>Tack för din registrering för <strong>{{.CardType}}</strong> hos <strong>{{.Company}}</strong>. Vi tog emot registreringen den {{.When}}.</p>
<p>Så här går det vidare:</p>
{{if .Manual}}<ol>
<li><p>Boka en tid hos {{.Partner}} för att skanna ditt pass eller ditt nationella id-kort:<br>
<a href="{{.PartnerURL}}" style="display:inline-block;margin-top:8px;padding:12px 20px;background:#0b5394;color:#ffffff;text-decoration:none;border-radius:4px">Boka tid hos {{.Partner}}</a></p>
<p style="font-size:13px;color:#555555">Fungerar inte knappen? Kopiera länken: {{.PartnerURL}}</p>
<p>Ditt kort beställs när identitetskontrollen är klar.</p></li>
<li><p>{{.Company}} skickar beställningen till Nexus, som tillverkar kortet. Kortet skickas till adressen du angav.</p></li>
</ol>
{{else}}<p>Din identitet är verifierad med BankID, så du behöver inte göra något mer.</p>
<p>{{.Company}} skickar beställningen till Nexus, som tillverkar kortet. Kortet skickas till adressen du angav.</p>
{{end}}<p>Har du frågor? Kontakta {{.SenderName}}, <a href="mailto:{{.SenderAddress}}">{{.SenderAddress}}</a>.</p>
<p>Med vänliga hälsningar<br>{{.Company}}</p>{{end}}`),
	"en": htmlTemplate(`{{define "body"}}<p>Hello {{.Cardholder}},</p>
<p>Thank you for registering with <strong>{{.Company}}</strong> for your <strong>{{.CardType}}</strong>. We received your registration on {{.When}}.</p>
<p>What happens next:</p>
{{if .Manual}}<ol>
<li><p>Book a time with {{.Partner}} to have your passport or national ID card scanned:<br>
<a href="{{.PartnerURL}}" style="display:inline-block;margin-top:8px;padding:12px 20px;background:#0b5394;color:#ffffff;text-decoration:none;border-radius:4px">Book a time with {{.Partner}}</a></p>
<p style="font-size:13px;color:#555555">Button not working? Copy the link: {{.PartnerURL}}</p>
<p>Your card is ordered when the identity check is done.</p></li>
<li><p>{{.Company}} sends the order to Nexus, which produces the card. It is delivered to the address you gave.</p></li>
</ol>
{{else}}<p>Your identity is verified with BankID, so there is nothing more for you to do.</p>
<p>{{.Company}} sends the order to Nexus, which produces the card. It is delivered to the address you gave.</p>
{{end}}<p>Questions? Contact {{.SenderName}}, <a href="mailto:{{.SenderAddress}}">{{.SenderAddress}}</a>.</p>
<p>Kind regards,<br>{{.Company}}</p>{{end}}`),
}

// RenderRegistrationReceipt renders the mail to the cardholder after they
// confirmed their registration: thanks, what was registered with which
// company, and what happens next. With a manual identity check that starts
// with booking a time at the partner (PartnerURL); with BankID there is
// nothing more to do.
func (r Renderer) RenderRegistrationReceipt(in ReceiptMail) (*Rendered, error) {
	if err := checkLang(in.Lang); err != nil {
		return nil, err
	}
	if err := checkFilled(field{"company name", in.CompanyName}, field{"sender name", in.SenderName},
		field{"cardholder name", in.CardholderName}, field{"card type", in.CardType}); err != nil {
		return nil, err
	}
	if err := checkIdentityMethod(in.IdentityMethod); err != nil {
		return nil, err
	}
	manual := in.IdentityMethod == identityManual
	if manual {
		if err := checkFilled(field{"partner name", in.PartnerName}); err != nil {
			return nil, err
		}
		if err := checkLink("partner link", in.PartnerURL); err != nil {
			return nil, err
		}
	}
	if in.RegisteredAt.IsZero() {
		return nil, fmt.Errorf("%w: no registration time", ErrInput)
	}
	id, err := r.newID(in.MessageIDDomain, in.SenderAddress)
	if err != nil {
		return nil, err
	}
	d := receiptData{
		Company:       oneLine(in.CompanyName),
		Cardholder:    oneLine(in.CardholderName),
		CardType:      oneLine(in.CardType),
		When:          formatDateTime(in.Lang, in.RegisteredAt, r.location()),
		Manual:        manual,
		SenderName:    oneLine(in.SenderName),
		SenderAddress: in.SenderAddress,
	}
	if manual {
		d.Partner = oneLine(in.PartnerName)
		d.PartnerURL = in.PartnerURL
	}
	return r.compose("registration receipt", envelope{
		lang:          in.Lang,
		senderName:    d.SenderName,
		senderAddress: in.SenderAddress,
		recipients:    []string{in.Recipient},
		messageID:     id,
	}, receiptSubject, receiptText, receiptHTML, d)
}
