package mail

import (
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
	"time"
)

// ReopenMail asks the cardholder to correct their registration: the admin
// sent the order back with a reason, and a fresh link opens the
// registration again at the step to fix, with everything else kept.
type ReopenMail struct {
	Lang           string // cardholder's language: "sv" or "en"
	CompanyName    string
	SenderName     string // display name in From, and the contact for questions
	SenderAddress  string
	Recipient      string // the cardholder's plain address
	CardholderName string // "Anna Berg"
	CardType       string // display name
	// Reason is one of the reason codes (photo_not_accepted,
	// name_misspelt, address_wrong, other); Note the admin's own words
	// ("" when none).
	Reason          string
	Note            string
	Link            string    // the new registration link
	Expires         time.Time // the link's expiry
	MessageIDDomain string    // domain part of the Message-ID; "" = sender's domain
}

// reopenReasons say each reason to the cardholder, per language.
var reopenReasons = map[string]map[string]string{
	"sv": {
		"photo_not_accepted": "Ditt foto godtogs inte. Ta ett nytt foto: hela ansiktet rakt framifrån, huvud och axlar, mot en vit och jämn bakgrund utan skuggor.",
		"name_misspelt":      "Ditt namn verkar vara felstavat. Kontrollera för- och efternamn.",
		"address_wrong":      "Leveransadressen stämmer inte. Kontrollera adressen som kortet ska skickas till.",
		"other":              "Något i din registrering behöver rättas.",
	},
	"en": {
		"photo_not_accepted": "Your photo was not accepted. Please take a new one: your full face from the front, head and shoulders, against a white, even background without shadows.",
		"name_misspelt":      "Your name seems to be misspelt. Please check your first and last names.",
		"address_wrong":      "The delivery address is not right. Please check the address the card is sent to.",
		"other":              "Something in your registration needs correcting.",
	},
}

type reopenData struct {
	Company, Cardholder, CardType string
	Reason, Note                  string
	Link, Date                    string
	SenderName, SenderAddress     string
}

var reopenSubject = map[string]*texttemplate.Template{
	"sv": texttemplate.Must(texttemplate.New("").Parse(`Rätta din registrering för {{.CardType}} hos {{.Company}}`)),
	"en": texttemplate.Must(texttemplate.New("").Parse(`Please correct your registration with {{.Company}} for your {{.CardType}}`)),
}

var reopenText = map[string]*texttemplate.Template{
	"sv": texttemplate.Must(texttemplate.New("").Parse(`Hej {{.Cardholder}}!

{{.Company}} behöver att du rättar din registrering för {{.CardType}} innan kortet kan beställas.

{{.Reason}}{{if .Note}}
Meddelande från {{.Company}}: {{.Note}}{{end}}

Öppna länken; allt annat du angav finns kvar, så du behöver bara rätta det som står ovan och bekräfta igen:
   {{.Link}}

Länken gäller till och med {{.Date}}.

Har du frågor? Kontakta {{.SenderName}}, {{.SenderAddress}}.

Med vänliga hälsningar
{{.Company}}
`)),
	"en": texttemplate.Must(texttemplate.New("").Parse(`Hello {{.Cardholder}},

{{.Company}} needs you to correct your registration for your {{.CardType}} before the card can be ordered.

{{.Reason}}{{if .Note}}
Message from {{.Company}}: {{.Note}}{{end}}

Open the link; everything else you entered is kept, so you only need to correct what is said above and confirm again:
   {{.Link}}

The link is valid through {{.Date}}.

Questions? Contact {{.SenderName}}, {{.SenderAddress}}.

Kind regards,
{{.Company}}
`)),
}

var reopenHTML = map[string]*htmltemplate.Template{
	"sv": htmlTemplate(`{{define "body"}}<p>Hej {{.Cardholder}}!</p>
<p><strong>{{.Company}}</strong> behöver att du rättar din registrering för <strong>{{.CardType}}</strong> innan kortet kan beställas.</p>
<p style="padding:12px;background:#fff4e5;border-left:4px solid #e69138">{{.Reason}}{{if .Note}}<br>Meddelande från {{.Company}}: {{.Note}}{{end}}</p>
<p>Öppna länken; allt annat du angav finns kvar, så du behöver bara rätta det som står ovan och bekräfta igen:<br>
<a href="{{.Link}}" style="display:inline-block;margin-top:8px;padding:12px 20px;background:#0b5394;color:#ffffff;text-decoration:none;border-radius:4px">Rätta registreringen</a></p>
<p style="font-size:13px;color:#555555;word-break:break-all;overflow-wrap:anywhere">Fungerar inte knappen? Kopiera länken: {{.Link}}</p>
<p>Länken gäller till och med <strong>{{.Date}}</strong>.</p>
<p>Har du frågor? Kontakta {{.SenderName}}, <a href="mailto:{{.SenderAddress}}">{{.SenderAddress}}</a>.</p>
<p>Med vänliga hälsningar<br>{{.Company}}</p>{{end}}`),
	"en": htmlTemplate(`{{define "body"}}<p>Hello {{.Cardholder}},</p>
<p><strong>{{.Company}}</strong> needs you to correct your registration for your <strong>{{.CardType}}</strong> before the card can be ordered.</p>
<p style="padding:12px;background:#fff4e5;border-left:4px solid #e69138">{{.Reason}}{{if .Note}}<br>Message from {{.Company}}: {{.Note}}{{end}}</p>
<p>Open the link; everything else you entered is kept, so you only need to correct what is said above and confirm again:<br>
<a href="{{.Link}}" style="display:inline-block;margin-top:8px;padding:12px 20px;background:#0b5394;color:#ffffff;text-decoration:none;border-radius:4px">Correct my registration</a></p>
<p style="font-size:13px;color:#555555;word-break:break-all;overflow-wrap:anywhere">Button not working? Copy the link: {{.Link}}</p>
<p>The link is valid through <strong>{{.Date}}</strong>.</p>
<p>Questions? Contact {{.SenderName}}, <a href="mailto:{{.SenderAddress}}">{{.SenderAddress}}</a>.</p>
<p>Kind regards,<br>{{.Company}}</p>{{end}}`),
}

// RenderReopen renders the mail that sends a registration back to the
// cardholder: the reason in their language (and the admin's note), the
// new link and until when it works. The HTML fits a 360 px phone screen:
// the fallback link breaks anywhere.
func (r Renderer) RenderReopen(in ReopenMail) (*Rendered, error) {
	if err := checkLang(in.Lang); err != nil {
		return nil, err
	}
	reason, ok := reopenReasons[in.Lang][in.Reason]
	if !ok {
		return nil, fmt.Errorf("%w: reason %q", ErrInput, in.Reason)
	}
	if err := checkLink("registration link", in.Link); err != nil {
		return nil, err
	}
	if err := checkFilled(field{"company name", in.CompanyName}, field{"sender name", in.SenderName},
		field{"cardholder name", in.CardholderName}, field{"card type", in.CardType}); err != nil {
		return nil, err
	}
	if in.Expires.IsZero() {
		return nil, fmt.Errorf("%w: no expiry", ErrInput)
	}
	if err := checkAddress("sender address", in.SenderAddress); err != nil {
		return nil, err
	}
	id, err := r.newID(in.MessageIDDomain, in.SenderAddress)
	if err != nil {
		return nil, err
	}
	d := reopenData{
		Company:       oneLine(in.CompanyName),
		Cardholder:    oneLine(in.CardholderName),
		CardType:      oneLine(in.CardType),
		Reason:        reason,
		Note:          oneLine(in.Note),
		Link:          in.Link,
		Date:          FormatDate(in.Lang, lastValidDay(in.Expires, r.location())),
		SenderName:    oneLine(in.SenderName),
		SenderAddress: in.SenderAddress,
	}
	return r.compose("reopen mail", envelope{
		lang:          in.Lang,
		senderName:    d.SenderName,
		senderAddress: in.SenderAddress,
		recipients:    []string{in.Recipient},
		messageID:     id,
	}, reopenSubject, reopenText, reopenHTML, d)
}
