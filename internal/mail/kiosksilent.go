package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
	"time"
)

// KioskSilentMail tells the admin that an offline kiosk has not been heard
// from (sync by mail, issue 14). It names the kiosk and its site, nothing
// personal.
type KioskSilentMail struct {
	Lang            string // "sv" or "en"
	SenderName      string
	SenderAddress   string
	Recipients      []string
	KioskName       string
	Site            string
	LastContact     time.Time
	Hours           int
	MessageIDDomain string
}

type kioskSilentData struct {
	Kiosk, Site, Last string
	Hours             int
}

var kioskSilentSubject = map[string]string{
	"sv": "Kiosken %s har inte hörts av på %d timmar",
	"en": "Kiosk %s has not been heard from for %d hours",
}

var kioskSilentText = map[string]*texttemplate.Template{
	"sv": texttemplate.Must(texttemplate.New("").Parse(`Kiosken {{.Kiosk}}{{if .Site}} ({{.Site}}){{end}} har inte skickat något sedan {{.Last}} ({{.Hours}} timmar).

Registreringar som görs där ligger kvar krypterade på kiosken tills den har nätverk igen eller tills någon för över dem med USB-minne (Kiosker och synk).

Kontrollera att kiosk-datorn är på och har nätverk, och se kioskens synkvy efter admin-PIN.
`)),
	"en": texttemplate.Must(texttemplate.New("").Parse(`Kiosk {{.Kiosk}}{{if .Site}} ({{.Site}}){{end}} has sent nothing since {{.Last}} ({{.Hours}} hours).

Registrations made there wait encrypted on the kiosk until it has a network again or someone carries them over on a USB stick (Kiosks & sync).

Check that the kiosk PC is on and has a network, and look at the kiosk's sync view after the admin PIN.
`)),
}

var kioskSilentHTML = map[string]*htmltemplate.Template{
	"sv": htmlTemplate(`{{define "body"}}<p>Kiosken <strong>{{.Kiosk}}</strong>{{if .Site}} ({{.Site}}){{end}} har inte skickat något sedan {{.Last}} ({{.Hours}} timmar).</p>
<p>Registreringar som görs där ligger kvar krypterade på kiosken tills den har nätverk igen eller tills någon för över dem med USB-minne (Kiosker och synk).</p>
<p>Kontrollera att kiosk-datorn är på och har nätverk, och se kioskens synkvy efter admin-PIN.</p>{{end}}`),
	"en": htmlTemplate(`{{define "body"}}<p>Kiosk <strong>{{.Kiosk}}</strong>{{if .Site}} ({{.Site}}){{end}} has sent nothing since {{.Last}} ({{.Hours}} hours).</p>
<p>Registrations made there wait encrypted on the kiosk until it has a network again or someone carries them over on a USB stick (Kiosks &amp; sync).</p>
<p>Check that the kiosk PC is on and has a network, and look at the kiosk's sync view after the admin PIN.</p>{{end}}`),
}

// RenderKioskSilent renders the silent-kiosk notice.
func (r Renderer) RenderKioskSilent(in KioskSilentMail) (*Rendered, error) {
	if err := checkLang(in.Lang); err != nil {
		return nil, err
	}
	id, err := r.newID(in.MessageIDDomain, in.SenderAddress)
	if err != nil {
		return nil, err
	}
	last := in.LastContact.In(r.location())
	d := kioskSilentData{Kiosk: oneLine(in.KioskName), Site: oneLine(in.Site), Hours: in.Hours,
		Last: fmt.Sprintf("%s %s", FormatDate(in.Lang, last), last.Format("15:04"))}
	var text, html bytes.Buffer
	if err := kioskSilentText[in.Lang].Execute(&text, d); err != nil {
		return nil, err
	}
	subject := fmt.Sprintf(kioskSilentSubject[in.Lang], d.Kiosk, d.Hours)
	if err := kioskSilentHTML[in.Lang].Execute(&html, htmlPage{Lang: in.Lang, Subject: subject, D: d}); err != nil {
		return nil, err
	}
	return r.build(envelope{
		lang: in.Lang, senderName: oneLine(in.SenderName), senderAddress: in.SenderAddress, recipients: in.Recipients,
		messageID: id, subject: subject, text: text.String(), html: html.String(), autoSubmitted: true,
	})
}
