// Package camera reads the registration kiosk's webcam through
// github.com/pion/mediadevices: it lists cameras (Devices, Rescan), streams
// one of them keeping only the latest frame (Open, Camera), encodes preview
// JPEGs, takes full-resolution stills for the photo pipeline and finds
// invitation QR codes in frames (Scanner, InvitationToken).
//
// Cameras are found by mediadevices' Linux V4L2 driver, which needs cgo:
// building this package with CGO_ENABLED=0 fails on purpose (see nocgo.go)
// instead of producing a kiosk that silently has no camera.
//
// Frames arrive as YCbCr; their luma plane is the greyscale image the QR
// decoder reads, without a colour conversion. Every frame is copied out of
// the driver's buffer before anything else sees it.
//
// Register adds a camera that scanning does not find; cameratest uses it to
// play still images through a real mediadevices video track, so tests (and
// the end-to-end runs of a binary built with -tags e2e) need no hardware.
//
// Frames are personal data (faces): nothing in this package logs.
package camera
