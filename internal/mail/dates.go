package mail

import (
	"fmt"
	"time"
)

var months = map[string][12]string{
	"sv": {"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// FormatDate writes the date of t as "3 december 2026" (sv) or
// "3 December 2026" (en). Unknown languages get English.
func FormatDate(lang string, t time.Time) string {
	m, ok := months[lang]
	if !ok {
		m = months["en"]
	}
	return fmt.Sprintf("%d %s %d", t.Day(), m[t.Month()-1], t.Year())
}

// lastValidDay is the calendar day (in loc) of the last second before
// expiry: an invitation expiring at 00:00 on 4 December is valid "through
// 3 December".
func lastValidDay(expiry time.Time, loc *time.Location) time.Time {
	return expiry.Add(-time.Second).In(loc)
}

// formatDateTime writes t in loc as "3 november 2026 kl. 09:12" (sv) or
// "3 November 2026 at 09:12" (en).
func formatDateTime(lang string, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	at := "at"
	if lang == "sv" {
		at = "kl."
	}
	return fmt.Sprintf("%s %s %s", FormatDate(lang, t), at, t.Format("15:04"))
}
