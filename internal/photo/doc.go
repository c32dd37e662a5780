// Package photo turns a cardholder's uploaded photo or webcam still into the
// ID06 card photo and checks it.
//
// The flow is Decode (size, format and dimension limits, EXIF orientation,
// downscale) → DetectFaces → SuggestCrop → Render (35:45, 700×900 JPEG
// without metadata) → Check (one face, centred, head size, exposure).
// Coordinates passed between these steps are in the Source image's pixels.
//
// Photos are personal data: nothing in this package logs.
//
// The face cascade is pigo's cascade/facefinder, copied from the module cache
// by `make pigo-assets` (it is not committed) and embedded at build time.
package photo
