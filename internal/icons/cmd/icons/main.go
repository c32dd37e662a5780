// Command icons writes the application icon in the hicolor sizes for the
// Debian package:
//
//	go run ./internal/icons/cmd/icons -png build/appicon.png -svg build/appicon.svg -out DIR
//
// DIR gets SIZExSIZE/apps/id06desk.png and scalable/apps/id06desk.svg.
package main

import (
	"flag"
	"fmt"
	"os"

	"id06desk/internal/icons"
)

func main() {
	pngFile := flag.String("png", "build/appicon.png", "the square source `PNG` (at least 512 px)")
	svgFile := flag.String("svg", "build/appicon.svg", "the scalable icon (`SVG`), copied as is")
	out := flag.String("out", "", "the hicolor folder to write into (`DIR`)")
	name := flag.String("name", "id06desk", "the icon's name (the desktop entry's Icon=)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*pngFile, *svgFile, *out, *name); err != nil {
		fmt.Fprintln(os.Stderr, "icons:", err)
		os.Exit(1)
	}
}

func run(pngFile, svgFile, out, name string) error {
	pngData, err := os.ReadFile(pngFile)
	if err != nil {
		return err
	}
	svg, err := os.ReadFile(svgFile)
	if err != nil {
		return err
	}
	_, err = icons.WriteHicolor(out, name, pngData, svg)
	return err
}
