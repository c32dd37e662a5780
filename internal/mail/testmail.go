package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
)

// TestMail is the mail sent by Settings → Email → "Send test mail".
type TestMail struct {
	Lang            string // "sv" or "en"
	SenderName      string
	SenderAddress   string
	Recipient       string
	ServerName      string // the SMTP host it was sent through, shown in the text
	MessageIDDomain string // "" = sender's domain
}

type testMailData struct {
	Sender, Server, Date string
}

var testMailSubject = map[string]string{
	"sv": "Testmejl från id06desk",
	"en": "Test mail from id06desk",
}

var testMailText = map[string]*texttemplate.Template{
	"sv": texttemplate.Must(texttemplate.New("").Parse(`Det här är ett testmejl från id06desk, skickat {{.Date}} via {{.Server}}.

Om du läser det här fungerar e-postinställningarna: inbjudningar kan skickas.

{{.Sender}}
`)),
	"en": texttemplate.Must(texttemplate.New("").Parse(`This is a test mail from id06desk, sent on {{.Date}} through {{.Server}}.

If you can read this, the e-mail settings work: invitations can be sent.

{{.Sender}}
`)),
}

var testMailHTML = map[string]*htmltemplate.Template{
	"sv": htmlTemplate(`{{define "body"}}<p>Det här är ett testmejl från id06desk, skickat {{.Date}} via <code>{{.Server}}</code>.</p>
<p>Om du läser det här fungerar e-postinställningarna: inbjudningar kan skickas.</p>
<p>{{.Sender}}</p>{{end}}`),
	"en": htmlTemplate(`{{define "body"}}<p>This is a test mail from id06desk, sent on {{.Date}} through <code>{{.Server}}</code>.</p>
<p>If you can read this, the e-mail settings work: invitations can be sent.</p>
<p>{{.Sender}}</p>{{end}}`),
}

// RenderTestMail renders the test mail of the e-mail settings.
func (r Renderer) RenderTestMail(in TestMail) (*Rendered, error) {
	if err := checkLang(in.Lang); err != nil {
		return nil, err
	}
	id, err := r.newID(in.MessageIDDomain, in.SenderAddress)
	if err != nil {
		return nil, err
	}
	now := r.now().In(r.location())
	sender := oneLine(in.SenderName)
	if sender == "" {
		sender = in.SenderAddress
	}
	server := oneLine(in.ServerName)
	if server == "" {
		server = "?"
	}
	d := testMailData{
		Sender: sender,
		Server: server,
		Date:   fmt.Sprintf("%s %s", FormatDate(in.Lang, now), now.Format("15:04")),
	}
	var text, html bytes.Buffer
	if err := testMailText[in.Lang].Execute(&text, d); err != nil {
		return nil, err
	}
	subject := testMailSubject[in.Lang]
	if err := testMailHTML[in.Lang].Execute(&html, htmlPage{Lang: in.Lang, Subject: subject, D: d}); err != nil {
		return nil, err
	}
	return r.build(envelope{
		lang:          in.Lang,
		senderName:    oneLine(in.SenderName),
		senderAddress: in.SenderAddress,
		recipients:    []string{in.Recipient},
		messageID:     id,
		subject:       subject,
		text:          text.String(),
		html:          html.String(),
		autoSubmitted: true,
	})
}
