package kiosk

import "time"

// SetNow sets the station's clock.
func SetNow(s *Station, now func() time.Time) { s.now = now }
