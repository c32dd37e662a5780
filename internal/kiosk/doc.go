// Package kiosk is the registration kiosk's station: the camera it shows and
// scans invitation QR codes with, the photo stills it takes, and the PIN
// that lets an admin leave kiosk mode.
package kiosk
