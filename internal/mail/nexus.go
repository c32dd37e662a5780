package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
	"time"
)

// NexusSummaryRow is one cardholder in a batch's summary.
type NexusSummaryRow struct {
	LastName, FirstName, CardType, Photo string
}

// NexusSummary is the human-readable page that goes with a batch sent to
// Nexus: batch id, date, count, and who with which card. It holds names
// only (no identity numbers) so the admin can keep it.
type NexusSummary struct {
	Lang        string // "sv" or "en"
	BatchID     string
	CompanyName string
	Created     time.Time
	Part, Parts int    // this file's part of the batch (1 of 1 for a whole batch)
	ZipName     string // the import file it goes with
	Rows        []NexusSummaryRow
}

type nexusSummaryData struct {
	NexusSummary
	Date  string
	Count int
}

var nexusSummaryHTML = map[string]*htmltemplate.Template{
	"sv": summaryTemplate(`<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Batch {{.BatchID}} till Nexus</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 8px;text-align:left}</style></head>
<body>
<h1>Batch {{.BatchID}} till Nexus</h1>
<p>{{if .CompanyName}}{{.CompanyName}}, {{end}}skapad {{.Date}}. {{.Count}} beställningar{{if gt .Parts 1}} (del {{.Part}} av {{.Parts}}){{end}}. Importfil: {{.ZipName}}.</p>
<p><strong>Importfilen innehåller personuppgifter i klartext</strong> (personnummer och foton). Ladda upp den i Nexus beställningsportal (Hantera import → Importera) och radera den sedan. Den här sammanställningen innehåller bara namn och korttyper.</p>
<table><thead><tr><th>#</th><th>Efternamn</th><th>Förnamn</th><th>Korttyp</th><th>Foto</th></tr></thead><tbody>
{{range $i, $r := .Rows}}<tr><td>{{inc $i}}</td><td>{{$r.LastName}}</td><td>{{$r.FirstName}}</td><td>{{$r.CardType}}</td><td>{{$r.Photo}}</td></tr>
{{end}}</tbody></table>
</body></html>
`),
	"en": summaryTemplate(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Batch {{.BatchID}} to Nexus</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 8px;text-align:left}</style></head>
<body>
<h1>Batch {{.BatchID}} to Nexus</h1>
<p>{{if .CompanyName}}{{.CompanyName}}, {{end}}created {{.Date}}. {{.Count}} orders{{if gt .Parts 1}} (part {{.Part}} of {{.Parts}}){{end}}. Import file: {{.ZipName}}.</p>
<p><strong>The import file holds personal data in clear</strong> (identity numbers and photos). Upload it in Nexus's order portal (Handle import → Import), then delete it. This summary holds only names and card types.</p>
<table><thead><tr><th>#</th><th>Last name</th><th>First name</th><th>Card type</th><th>Photo</th></tr></thead><tbody>
{{range $i, $r := .Rows}}<tr><td>{{inc $i}}</td><td>{{$r.LastName}}</td><td>{{$r.FirstName}}</td><td>{{$r.CardType}}</td><td>{{$r.Photo}}</td></tr>
{{end}}</tbody></table>
</body></html>
`),
}

func summaryTemplate(s string) *htmltemplate.Template {
	return htmltemplate.Must(htmltemplate.New("").Funcs(htmltemplate.FuncMap{"inc": func(i int) int { return i + 1 }}).Parse(s))
}

// RenderNexusSummary writes a batch's summary page (HTML) in s.Lang.
func (r Renderer) RenderNexusSummary(s NexusSummary) ([]byte, error) {
	if err := checkLang(s.Lang); err != nil {
		return nil, err
	}
	if s.Parts == 0 {
		s.Part, s.Parts = 1, 1
	}
	d := nexusSummaryData{NexusSummary: s, Date: formatDateTime(s.Lang, s.Created, r.location()), Count: len(s.Rows)}
	var b bytes.Buffer
	if err := nexusSummaryHTML[s.Lang].Execute(&b, d); err != nil {
		return nil, fmt.Errorf("nexus summary: %w", err)
	}
	return b.Bytes(), nil
}

// NexusBatchMail is one mail of a batch sent to Nexus by mail: the import
// zip (a whole batch, or one part when the batch is larger than the mail
// size limit) and its summary as attachments.
type NexusBatchMail struct {
	Lang            string
	SenderName      string
	SenderAddress   string
	Recipient       string
	BatchID         string
	Part, Parts     int
	Count           int // orders in this mail's zip
	Attachments     []Attachment
	MessageIDDomain string
}

type nexusMailData struct {
	BatchID            string
	Part, Parts, Count int
}

var nexusMailSubject = map[string]*texttemplate.Template{
	"sv": texttemplate.Must(texttemplate.New("").Parse(`ID06-beställningar till Nexus: batch {{.BatchID}}{{if gt .Parts 1}} (del {{.Part}} av {{.Parts}}){{end}}`)),
	"en": texttemplate.Must(texttemplate.New("").Parse(`ID06 orders for Nexus: batch {{.BatchID}}{{if gt .Parts 1}} (part {{.Part}} of {{.Parts}}){{end}}`)),
}

var nexusMailText = map[string]*texttemplate.Template{
	"sv": texttemplate.Must(texttemplate.New("").Parse(`Bifogat: importfilen för batch {{.BatchID}}{{if gt .Parts 1}}, del {{.Part}} av {{.Parts}}{{end}}, med {{.Count}} beställningar, och en sammanställning.

OBS: den bifogade zip-filen innehåller personuppgifter i klartext (personnummer och foton). Vidarebefordra den inte. Ladda upp den i Nexus beställningsportal (Hantera import → Importera) och radera sedan mejlet.
{{if gt .Parts 1}}
Batchen är uppdelad på {{.Parts}} mejl för att hålla storleksgränsen. Varje zip-fil importeras för sig.
{{end}}`)),
	"en": texttemplate.Must(texttemplate.New("").Parse(`Attached: the import file of batch {{.BatchID}}{{if gt .Parts 1}}, part {{.Part}} of {{.Parts}}{{end}}, with {{.Count}} orders, and a summary.

Note: the attached zip file holds personal data in clear (identity numbers and photos). Do not forward it. Upload it in Nexus's order portal (Handle import → Import), then delete this mail.
{{if gt .Parts 1}}
The batch is split into {{.Parts}} mails to keep within the size limit. Import each zip file on its own.
{{end}}`)),
}

var nexusMailHTML = map[string]*htmltemplate.Template{
	"sv": htmlTemplate(`{{define "body"}}<p>Bifogat: importfilen för batch <strong>{{.BatchID}}</strong>{{if gt .Parts 1}}, del {{.Part}} av {{.Parts}}{{end}}, med {{.Count}} beställningar, och en sammanställning.</p>
<p><strong>OBS: den bifogade zip-filen innehåller personuppgifter i klartext</strong> (personnummer och foton). Vidarebefordra den inte. Ladda upp den i Nexus beställningsportal (Hantera import → Importera) och radera sedan mejlet.</p>
{{if gt .Parts 1}}<p>Batchen är uppdelad på {{.Parts}} mejl för att hålla storleksgränsen. Varje zip-fil importeras för sig.</p>{{end}}{{end}}`),
	"en": htmlTemplate(`{{define "body"}}<p>Attached: the import file of batch <strong>{{.BatchID}}</strong>{{if gt .Parts 1}}, part {{.Part}} of {{.Parts}}{{end}}, with {{.Count}} orders, and a summary.</p>
<p><strong>Note: the attached zip file holds personal data in clear</strong> (identity numbers and photos). Do not forward it. Upload it in Nexus's order portal (Handle import → Import), then delete this mail.</p>
{{if gt .Parts 1}}<p>The batch is split into {{.Parts}} mails to keep within the size limit. Import each zip file on its own.</p>{{end}}{{end}}`),
}

// RenderNexusBatchMail renders one mail of a batch with its attachments.
func (r Renderer) RenderNexusBatchMail(in NexusBatchMail) (*Rendered, error) {
	if err := checkLang(in.Lang); err != nil {
		return nil, err
	}
	if in.Parts == 0 {
		in.Part, in.Parts = 1, 1
	}
	id, err := r.newID(in.MessageIDDomain, in.SenderAddress)
	if err != nil {
		return nil, err
	}
	d := nexusMailData{BatchID: in.BatchID, Part: in.Part, Parts: in.Parts, Count: in.Count}
	return r.compose("nexus batch mail", envelope{
		lang:          in.Lang,
		senderName:    oneLine(in.SenderName),
		senderAddress: in.SenderAddress,
		recipients:    []string{in.Recipient},
		messageID:     id,
		attachments:   in.Attachments,
	}, nexusMailSubject, nexusMailText, nexusMailHTML, d)
}
