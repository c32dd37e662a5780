package mail

import (
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
	"time"
)

// OrderReadyMail tells the company's admins that a cardholder has registered
// and the order can be sent to Nexus. It carries as little personal data as
// the admins need to recognise the order: no personal identity number, photo
// or phone number; those stay in id06desk behind OrderLink.
type OrderReadyMail struct {
	Lang            string   // admin's language (the "language" setting): "sv" or "en"
	CompanyName     string   // "Bygg & Söner AB"
	SenderName      string   // display name in From
	SenderAddress   string   // address in From and envelope sender
	Recipients      []string // company.notify_email, one or more; all in To
	CardholderName  string   // "Anna Berg"
	CardholderEmail string   // plain address, shown so the admins can reach the cardholder
	CardType        string   // display name, e.g. "ID06-kort med RFID"
	Industry        string   // display name, optional
	Where           string   // "web" (the registration link) or "kiosk" (the registration kiosk)
	Kiosk           string   // the paired kiosk's name when a bundle brought the registration; optional
	IdentityMethod  string   // "manual" (pending at PartnerName) or "bankid" (verified)
	PartnerName     string   // e.g. "Sistec"; required for "manual"
	RegisteredAt    time.Time
	OrderLink       string // the order in the console: <public URL>/#/orders/<id>
	MessageIDDomain string // domain part of the Message-ID; "" = sender's domain
}

type orderReadyData struct {
	Company                     string
	Cardholder, CardholderEmail string
	CardType, Industry          string
	Where, When                 string
	BankID                      bool
	Partner                     string
	Link                        string
}

// registeredWhere translates OrderReadyMail.Where.
var registeredWhere = map[string]map[string]string{
	"sv": {"web": "via registreringslänken", "kiosk": "i registreringskiosken"},
	"en": {"web": "via the registration link", "kiosk": "at the registration kiosk"},
}

// registeredAtKiosk is registeredWhere's kiosk with the paired kiosk's name.
var registeredAtKiosk = map[string]string{"sv": "i registreringskiosken %s", "en": "at the registration kiosk %s"}

var orderReadySubject = map[string]*texttemplate.Template{
	"sv": texttemplate.Must(texttemplate.New("").Parse(`Beställning klar att skicka till Nexus: {{.Cardholder}} ({{.CardType}})`)),
	"en": texttemplate.Must(texttemplate.New("").Parse(`Order ready to be sent to Nexus: {{.Cardholder}} ({{.CardType}})`)),
}

var orderReadyText = map[string]*texttemplate.Template{
	"sv": texttemplate.Must(texttemplate.New("").Parse(`Hej!

{{.Cardholder}} har registrerat sig för {{.CardType}} hos {{.Company}}. Beställningen är klar att skicka till Nexus.

Kortinnehavare: {{.Cardholder}}, {{.CardholderEmail}}
Korttyp: {{.CardType}}
{{- if .Industry}}
Bransch: {{.Industry}}
{{- end}}
Registrerad: {{.Where}}, {{.When}}
Identitet: {{if .BankID}}verifierad med BankID.{{else}}identitetskontrollen hos {{.Partner}} är inte klar än.{{end}}

Så här gör du: öppna beställningen i id06desk, kontrollera uppgifterna och skicka den till Nexus:
   {{.Link}}

Det här mejlet skickades automatiskt av id06desk till administratörerna för {{.Company}}.
`)),
	"en": texttemplate.Must(texttemplate.New("").Parse(`Hello,

{{.Cardholder}} has registered with {{.Company}} for {{.CardType}}. The order is ready to be sent to Nexus.

Cardholder: {{.Cardholder}}, {{.CardholderEmail}}
Card type: {{.CardType}}
{{- if .Industry}}
Industry: {{.Industry}}
{{- end}}
Registered: {{.Where}}, {{.When}}
Identity: {{if .BankID}}verified with BankID.{{else}}the identity check at {{.Partner}} is still pending.{{end}}

What to do: open the order in id06desk, review it and send it to Nexus:
   {{.Link}}

This e-mail was sent automatically by id06desk to the administrators of {{.Company}}.
`)),
}

// orderReadyLabel is the label cell of one row of the order-ready mail's
// table of details.
const orderReadyLabel = `{{define "label"}}<th scope="row" style="text-align:left;vertical-align:top;padding:4px 16px 4px 0;font-weight:normal;color:#555555">{{.}}</th>{{end}}`

var orderReadyHTML = map[string]*htmltemplate.Template{
	"sv": htmlTemplate(orderReadyLabel + `{{define "body"}}<p>Hej!</p>
<p><strong>{{.Cardholder}}</strong> har registrerat sig för <strong>{{.CardType}}</strong> hos {{.Company}}. Beställningen är klar att skicka till Nexus.</p>
<table role="presentation" style="border-collapse:collapse;margin:16px 0">
<tr>{{template "label" "Kortinnehavare"}}<td style="padding:4px 0;overflow-wrap:anywhere;word-break:break-word">{{.Cardholder}}, <a href="mailto:{{.CardholderEmail}}">{{.CardholderEmail}}</a></td></tr>
<tr>{{template "label" "Korttyp"}}<td style="padding:4px 0;overflow-wrap:anywhere;word-break:break-word">{{.CardType}}</td></tr>
{{if .Industry}}<tr>{{template "label" "Bransch"}}<td style="padding:4px 0;overflow-wrap:anywhere;word-break:break-word">{{.Industry}}</td></tr>
{{end}}<tr>{{template "label" "Registrerad"}}<td style="padding:4px 0;overflow-wrap:anywhere;word-break:break-word">{{.Where}}, {{.When}}</td></tr>
<tr>{{template "label" "Identitet"}}<td style="padding:4px 0;overflow-wrap:anywhere;word-break:break-word">{{if .BankID}}Verifierad med BankID.{{else}}Identitetskontrollen hos {{.Partner}} är inte klar än.{{end}}</td></tr>
</table>
<p>Så här gör du: öppna beställningen i id06desk, kontrollera uppgifterna och skicka den till Nexus.<br>
<a href="{{.Link}}" style="display:inline-block;margin-top:8px;padding:12px 20px;background:#0b5394;color:#ffffff;text-decoration:none;border-radius:4px">Öppna beställningen</a></p>
<p style="font-size:13px;color:#555555">Fungerar inte knappen? Kopiera länken: {{.Link}}</p>
<p style="font-size:13px;color:#555555">Det här mejlet skickades automatiskt av id06desk till administratörerna för {{.Company}}.</p>{{end}}`),
	"en": htmlTemplate(orderReadyLabel + `{{define "body"}}<p>Hello,</p>
<p><strong>{{.Cardholder}}</strong> has registered with {{.Company}} for <strong>{{.CardType}}</strong>. The order is ready to be sent to Nexus.</p>
<table role="presentation" style="border-collapse:collapse;margin:16px 0">
<tr>{{template "label" "Cardholder"}}<td style="padding:4px 0;overflow-wrap:anywhere;word-break:break-word">{{.Cardholder}}, <a href="mailto:{{.CardholderEmail}}">{{.CardholderEmail}}</a></td></tr>
<tr>{{template "label" "Card type"}}<td style="padding:4px 0;overflow-wrap:anywhere;word-break:break-word">{{.CardType}}</td></tr>
{{if .Industry}}<tr>{{template "label" "Industry"}}<td style="padding:4px 0;overflow-wrap:anywhere;word-break:break-word">{{.Industry}}</td></tr>
{{end}}<tr>{{template "label" "Registered"}}<td style="padding:4px 0;overflow-wrap:anywhere;word-break:break-word">{{.Where}}, {{.When}}</td></tr>
<tr>{{template "label" "Identity"}}<td style="padding:4px 0;overflow-wrap:anywhere;word-break:break-word">{{if .BankID}}Verified with BankID.{{else}}The identity check at {{.Partner}} is still pending.{{end}}</td></tr>
</table>
<p>What to do: open the order in id06desk, review it and send it to Nexus.<br>
<a href="{{.Link}}" style="display:inline-block;margin-top:8px;padding:12px 20px;background:#0b5394;color:#ffffff;text-decoration:none;border-radius:4px">Open the order</a></p>
<p style="font-size:13px;color:#555555">Button not working? Copy the link: {{.Link}}</p>
<p style="font-size:13px;color:#555555">This e-mail was sent automatically by id06desk to the administrators of {{.Company}}.</p>{{end}}`),
}

// RenderOrderReady renders the mail to the company's admins saying that a
// cardholder has registered and the order is ready to be sent to Nexus: who,
// which card, where and when they registered, the state of the identity
// check, and a link to the order in id06desk. It goes to all of
// in.Recipients in one message (see Rendered.Recipients).
func (r Renderer) RenderOrderReady(in OrderReadyMail) (*Rendered, error) {
	if err := checkLang(in.Lang); err != nil {
		return nil, err
	}
	if err := checkLink("order link", in.OrderLink); err != nil {
		return nil, err
	}
	if err := checkFilled(field{"company name", in.CompanyName}, field{"sender name", in.SenderName},
		field{"cardholder name", in.CardholderName}, field{"card type", in.CardType}); err != nil {
		return nil, err
	}
	where, ok := registeredWhere[in.Lang][in.Where]
	if !ok {
		return nil, fmt.Errorf("%w: registered at %q (want web or kiosk)", ErrInput, in.Where)
	}
	if name := oneLine(in.Kiosk); name != "" && in.Where == "kiosk" {
		where = fmt.Sprintf(registeredAtKiosk[in.Lang], name)
	}
	if err := checkIdentityMethod(in.IdentityMethod); err != nil {
		return nil, err
	}
	if in.IdentityMethod == identityManual {
		if err := checkFilled(field{"partner name", in.PartnerName}); err != nil {
			return nil, err
		}
	}
	if in.RegisteredAt.IsZero() {
		return nil, fmt.Errorf("%w: no registration time", ErrInput)
	}
	if err := checkAddress("cardholder e-mail", in.CardholderEmail); err != nil {
		return nil, err
	}
	id, err := r.newID(in.MessageIDDomain, in.SenderAddress)
	if err != nil {
		return nil, err
	}
	d := orderReadyData{
		Company:         oneLine(in.CompanyName),
		Cardholder:      oneLine(in.CardholderName),
		CardholderEmail: in.CardholderEmail,
		CardType:        oneLine(in.CardType),
		Industry:        oneLine(in.Industry),
		Where:           where,
		When:            formatDateTime(in.Lang, in.RegisteredAt, r.location()),
		BankID:          in.IdentityMethod == identityBankID,
		Partner:         oneLine(in.PartnerName),
		Link:            in.OrderLink,
	}
	return r.compose("order-ready mail", envelope{
		lang:          in.Lang,
		senderName:    oneLine(in.SenderName),
		senderAddress: in.SenderAddress,
		recipients:    in.Recipients,
		messageID:     id,
	}, orderReadySubject, orderReadyText, orderReadyHTML, d)
}
