package mail

import (
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
	"time"

	"id06desk/internal/qr"
)

// QRSize is the most pixels the inline QR code is shown at (width and
// height); the image itself is the bare module grid (qr.Grid), shown at
// qr.DisplaySize of its modules with crisp edges.
const QRSize = qr.LinkSize

// InvitationMail is everything an invitation mail says.
type InvitationMail struct {
	Lang            string    // "sv" or "en"
	CompanyName     string    // "Bygg & Söner AB"
	SenderName      string    // display name in From
	SenderAddress   string    // address in From and envelope sender
	Recipient       string    // normalized address (invite.NormalizeEmail)
	CardType        string    // display name, e.g. "ID06-kort"
	Industry        string    // display name, optional
	Link            string    // registration link: <public URL>/#/register/<token>
	CodeURL         string    // web page where the code can be typed: <public URL>/#/register
	Code            string    // short code as it should be shown, e.g. "ABCDE-FGHJK"
	Expires         time.Time // token expiry
	MessageIDDomain string    // domain part of the Message-ID; "" = sender's domain
}

type invitationData struct {
	Company, CardType, Industry string
	Link, CodeURL, Code, Date   string
	SenderName, SenderAddress   string
	QRContentID                 string
	QRSize                      int // display side in pixels, a whole number of pixels per module
}

var invitationSubject = map[string]*texttemplate.Template{
	"sv": texttemplate.Must(texttemplate.New("").Parse(`Inbjudan att registrera dig för {{.CardType}} hos {{.Company}}`)),
	"en": texttemplate.Must(texttemplate.New("").Parse(`Invitation from {{.Company}}: register for your {{.CardType}}`)),
}

var invitationText = map[string]*texttemplate.Template{
	"sv": texttemplate.Must(texttemplate.New("").Parse(`Hej!

{{.Company}} har bjudit in dig att registrera dig för {{.CardType}}{{if .Industry}} (bransch: {{.Industry}}){{end}}.

Så här gör du – välj ett av sätten:

1. Öppna länken och följ anvisningarna:
   {{.Link}}

2. Visa QR-koden i det här mejlet för registreringskiosken på arbetsplatsen.
   (QR-koden syns när mejlet visas som HTML.)

3. Skriv in koden {{.Code}} i registreringskiosken, eller på webbsidan
   {{.CodeURL}}

Inbjudan gäller till och med {{.Date}}. Efter det behöver du be om en ny inbjudan.

Har du frågor? Kontakta {{.SenderName}}, {{.SenderAddress}}.

Med vänliga hälsningar
{{.Company}}
`)),
	"en": texttemplate.Must(texttemplate.New("").Parse(`Hello,

{{.Company}} has invited you to register for {{.CardType}}{{if .Industry}} (industry: {{.Industry}}){{end}}.

What to do – choose one of these:

1. Open the link and follow the instructions:
   {{.Link}}

2. Show the QR code in this e-mail to the registration kiosk at the site.
   (The QR code is shown when the e-mail is displayed as HTML.)

3. Type the code {{.Code}} at the registration kiosk, or on the web page
   {{.CodeURL}}

The invitation is valid through {{.Date}}. After that, you need to ask for a new invitation.

Questions? Contact {{.SenderName}}, {{.SenderAddress}}.

Kind regards,
{{.Company}}
`)),
}

const invitationHTMLLayout = `<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Subject}}</title>
</head>
<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;background:#ffffff">
<div style="max-width:600px;margin:0 auto">
{{template "body" .D}}
</div>
</body>
</html>
`

var invitationHTML = map[string]*htmltemplate.Template{
	"sv": htmlTemplate(`{{define "body"}}<p>Hej!</p>
<p><strong>{{.Company}}</strong> har bjudit in dig att registrera dig för <strong>{{.CardType}}</strong>{{if .Industry}} (bransch: {{.Industry}}){{end}}.</p>
<p>Så här gör du – välj ett av sätten:</p>
<ol style="margin:0 0 16px;padding-left:24px">
<li><p>Öppna länken och följ anvisningarna:<br>
<a href="{{.Link}}" style="display:inline-block;margin-top:8px;padding:12px 20px;background:#0b5394;color:#ffffff;text-decoration:none;border-radius:4px">Registrera dig</a></p>
<p style="font-size:13px;color:#555555;word-break:break-all;overflow-wrap:anywhere">Fungerar inte knappen? Kopiera länken: {{.Link}}</p></li>
<li><p>Visa QR-koden för registreringskiosken på arbetsplatsen:</p>
<p><img src="cid:{{.QRContentID}}" width="{{.QRSize}}" height="{{.QRSize}}" alt="QR-kod för din registrering" style="display:block;max-width:100%;height:auto;image-rendering:pixelated;image-rendering:crisp-edges;-ms-interpolation-mode:nearest-neighbor"></p></li>
<li><p>Skriv in koden i registreringskiosken, eller på webbsidan <a href="{{.CodeURL}}" style="word-break:break-all;overflow-wrap:anywhere">{{.CodeURL}}</a>:<br>
<strong style="font-family:Consolas,Menlo,monospace;font-size:20px;letter-spacing:2px">{{.Code}}</strong></p></li>
</ol>
<p>Inbjudan gäller till och med <strong>{{.Date}}</strong>. Efter det behöver du be om en ny inbjudan.</p>
<p>Har du frågor? Kontakta {{.SenderName}}, <a href="mailto:{{.SenderAddress}}">{{.SenderAddress}}</a>.</p>
<p>Med vänliga hälsningar<br>{{.Company}}</p>{{end}}`),
	"en": htmlTemplate(`{{define "body"}}<p>Hello,</p>
<p><strong>{{.Company}}</strong> has invited you to register for <strong>{{.CardType}}</strong>{{if .Industry}} (industry: {{.Industry}}){{end}}.</p>
<p>What to do – choose one of these:</p>
<ol style="margin:0 0 16px;padding-left:24px">
<li><p>Open the link and follow the instructions:<br>
<a href="{{.Link}}" style="display:inline-block;margin-top:8px;padding:12px 20px;background:#0b5394;color:#ffffff;text-decoration:none;border-radius:4px">Register</a></p>
<p style="font-size:13px;color:#555555;word-break:break-all;overflow-wrap:anywhere">Button not working? Copy the link: {{.Link}}</p></li>
<li><p>Show the QR code to the registration kiosk at the site:</p>
<p><img src="cid:{{.QRContentID}}" width="{{.QRSize}}" height="{{.QRSize}}" alt="QR code for your registration" style="display:block;max-width:100%;height:auto;image-rendering:pixelated;image-rendering:crisp-edges;-ms-interpolation-mode:nearest-neighbor"></p></li>
<li><p>Type the code at the registration kiosk, or on the web page <a href="{{.CodeURL}}" style="word-break:break-all;overflow-wrap:anywhere">{{.CodeURL}}</a>:<br>
<strong style="font-family:Consolas,Menlo,monospace;font-size:20px;letter-spacing:2px">{{.Code}}</strong></p></li>
</ol>
<p>The invitation is valid through <strong>{{.Date}}</strong>. After that, you need to ask for a new invitation.</p>
<p>Questions? Contact {{.SenderName}}, <a href="mailto:{{.SenderAddress}}">{{.SenderAddress}}</a>.</p>
<p>Kind regards,<br>{{.Company}}</p>{{end}}`),
}

func htmlTemplate(body string) *htmltemplate.Template {
	t := htmltemplate.Must(htmltemplate.New("layout").Parse(invitationHTMLLayout))
	return htmltemplate.Must(t.Parse(body))
}

type htmlPage struct {
	Lang, Subject string
	D             any
}

// RenderInvitation renders the invitation mail: subject and body name the
// company and card type, say how to register (link, QR code at the kiosk, or
// the short code at the kiosk or on the web code page) and until when. The
// HTML fits a 360 px phone screen: the long fallback link breaks anywhere. The QR code of the link is an inline PNG
// referenced from the HTML by Content-ID: its bare module grid, one pixel per
// module, which the HTML scales up to a whole number of pixels per module
// (about QRSize) with crisp edges.
func (r Renderer) RenderInvitation(in InvitationMail) (*Rendered, error) {
	if err := checkLang(in.Lang); err != nil {
		return nil, err
	}
	if err := checkLink("registration link", in.Link); err != nil {
		return nil, err
	}
	if err := checkLink("code page link", in.CodeURL); err != nil {
		return nil, err
	}
	if err := checkFilled(field{"company name", in.CompanyName}, field{"card type", in.CardType},
		field{"code", in.Code}, field{"sender name", in.SenderName}); err != nil {
		return nil, err
	}
	if in.Expires.IsZero() {
		return nil, fmt.Errorf("%w: no expiry", ErrInput)
	}
	id, err := r.newID(in.MessageIDDomain, in.SenderAddress)
	if err != nil {
		return nil, err
	}
	d := invitationData{
		Company:       oneLine(in.CompanyName),
		CardType:      oneLine(in.CardType),
		Industry:      oneLine(in.Industry),
		Link:          in.Link,
		CodeURL:       in.CodeURL,
		Code:          oneLine(in.Code),
		Date:          FormatDate(in.Lang, lastValidDay(in.Expires, r.location())),
		SenderName:    oneLine(in.SenderName),
		SenderAddress: in.SenderAddress,
		QRContentID:   "qr." + id,
	}
	// The bare module grid, scaled by the HTML: a few hundred bytes, and a
	// fraction of the work of drawing it at display size.
	png, modules, err := qr.Grid(in.Link, qr.Medium)
	if err != nil {
		return nil, err
	}
	d.QRSize = qr.DisplaySize(modules)
	return r.compose("invitation", envelope{
		lang:          in.Lang,
		senderName:    d.SenderName,
		senderAddress: in.SenderAddress,
		recipients:    []string{in.Recipient},
		messageID:     id,
		inline:        &inlineImage{name: "qr.png", contentID: d.QRContentID, png: png},
	}, invitationSubject, invitationText, invitationHTML, d)
}
