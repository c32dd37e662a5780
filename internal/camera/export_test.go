package camera

// The package's tests are external (package camera_test), as they play
// pictures through cameratest, which imports this package. These are the
// internals they check.
var (
	BestMode     = bestMode
	CopyFrame    = copyFrame
	Decodable    = decodable
	DecodeQR     = decodeQR
	ErrBadPlanes = errBadPlanes
	LumaSource   = lumaSource
	QRHints      = qrHints
	ToYCbCr420   = toYCbCr420
)

const PreferredFPS = preferredFPS
