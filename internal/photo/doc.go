// Package photo turns a cardholder's uploaded photo or webcam still into the
// ID06 card photo and checks it.
//
// The flow is Read (size, format and dimension limits from the header) →
// Upload.Decode (EXIF orientation, downscale) → DetectFaces → SuggestCrop →
// Render (35:45, at most 700×900 and at least ID06's 300×410, JPEG without
// metadata) → CheckFramed (one face, whole head in the frame, centred, head
// size, exposure). Coordinates passed between these steps are in the Source
// image's pixels. A Budget, shared by all requests, bounds the memory the
// decoding takes: Read first, then Acquire with Upload.Cost, then Decode.
//
// Photos are personal data: nothing in this package logs.
//
// The face cascade is pigo's cascade/facefinder, copied from the module cache
// by `make pigo-assets` (it is not committed) and embedded at build time.
package photo
