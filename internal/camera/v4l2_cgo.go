//go:build cgo

package camera

import pioncamera "github.com/pion/mediadevices/pkg/driver/camera"

// discoverCameras drops every registered video driver and registers the
// cameras the platform driver finds now (on Linux: /dev/v4l/by-id/*,
// /dev/v4l/by-path/*, /dev/video*). Importing pioncamera also runs it once at
// program start.
func discoverCameras() { pioncamera.Initialize() }
