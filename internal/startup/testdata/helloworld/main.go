// Command helloworld is the baseline of the start-up benchmarks
// (internal/startup): the smallest Wails app that does what id06desk's
// window does before it is usable — open a 1280×800 window, load an
// embedded page, have the page call one API route and show the answer,
// then tell the Go side it is on screen. It logs the same line id06desk
// does ("user interface started"), so one harness times both.
package main

import (
	"embed"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/logger"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
)

//go:embed index.html
var assets embed.FS

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"greeting": "Hello, world"})
	})
	mux.HandleFunc("POST /api/ui-ready", func(w http.ResponseWriter, r *http.Request) {
		log.Info("user interface started")
		w.WriteHeader(http.StatusNoContent)
	})
	err := wails.Run(&options.App{
		Title:              "hello world",
		Width:              1280,
		Height:             800,
		AssetServer:        &assetserver.Options{Assets: assets, Handler: mux},
		LogLevel:           logger.WARNING,
		LogLevelProduction: logger.WARNING,
	})
	if err != nil {
		log.Error("window", "err", err)
		os.Exit(1)
	}
}
