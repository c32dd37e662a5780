package app

import (
	"html/template"
	"net/http"

	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"id06desk/internal/i18n"
)

var (
	msgCannotStart = i18n.Text{Code: "startup.failed", SV: "id06desk kan inte starta", EN: "id06desk cannot start"}
	msgClose       = i18n.Text{Code: "startup.close", SV: "Stäng", EN: "Close"}
)

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>{{.TitleSV}} / {{.TitleEN}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2.5rem;line-height:1.5;color:#1b1f24;background:#f5f6f8}
main{max-width:40rem;margin:auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 3px #0002}
h1{font-size:1.3rem;margin:.5rem 0}p{margin:.5rem 0 1.2rem}
button{font:inherit;padding:.5rem 1.5rem;min-height:44px}
</style></head><body><main>
<section lang="sv"><h1>{{.TitleSV}}</h1><p data-testid="message-sv">{{.SV}}</p></section>
<section lang="en"><h1>{{.TitleEN}}</h1><p data-testid="message-en">{{.EN}}</p></section>
<button type="button" onclick="window.runtime &amp;&amp; window.runtime.Quit()">{{.CloseSV}} / {{.CloseEN}}</button>
</main></body></html>`))

// ErrorWindow is a small window that says why the app cannot start (a
// database from a newer release, a damaged one, a folder it cannot write)
// in Swedish and English, for someone who started it from the menu and
// sees no terminal. sv and en are the error's message in each language
// (an error with no Swedish wording passes its English text as both).
func ErrorWindow(sv, en string, icon []byte) *options.App {
	data := map[string]string{
		"TitleSV": msgCannotStart.SV, "TitleEN": msgCannotStart.EN,
		"CloseSV": msgClose.SV, "CloseEN": msgClose.EN,
		"SV": sv, "EN": en,
	}
	page := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_ = errorPage.Execute(w, data)
	}
	return &options.App{
		Title:       msgCannotStart.SV + " / " + msgCannotStart.EN,
		Width:       720,
		Height:      420,
		AssetServer: &assetserver.Options{Handler: http.HandlerFunc(page)},
		Linux:       &linux.Options{Icon: icon, ProgramName: "id06desk"},
	}
}
