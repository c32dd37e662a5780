package kiosksync_test

import (
	"testing"

	"id06desk/internal/kiosksync"
)

// A kiosk's name in a file name keeps its letters: Swedish site names are
// full of å, ä and ö, and "Grind-Vst" or "by" (for Åby) name no kiosk.
func TestFileNamePartKeepsTheBaseLetters(t *testing.T) {
	for name, want := range map[string]string{
		"Grind Väst":      "Grind-Vast",
		"Åby":             "Aby",
		"Östra grinden":   "Ostra-grinden",
		"Entrén":          "Entren",
		"Bygget Norr_2":   "Bygget-Norr_2",
		"Kiosk/../../etc": "Kiosketc",
		"森":               "kiosk",
		"":                "kiosk",
		"Müller-Straße 5": "Muller-Strae-5",
	} {
		if got := kiosksync.FileNamePart(name); got != want {
			t.Errorf("FileNamePart(%q) = %q, want %q", name, got, want)
		}
	}
	if got := kiosksync.BundleFileName("Grind Väst", 3); got != "id06desk-Grind-Vast-bundle-3.id06sync" {
		t.Errorf("BundleFileName = %q", got)
	}
}
