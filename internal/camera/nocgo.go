//go:build !cgo

package camera

// mediadevices' camera driver (V4L2 on Linux) is written with cgo. Without
// cgo its package still compiles, but registers no camera at all: the kiosk
// would start and never see its webcam. Refuse to build instead. Build with
// CGO_ENABLED=1 (needs gcc and libc6-dev for <linux/videodev2.h>).
func discoverCameras() { camera_requires_cgo_build_with_CGO_ENABLED_1() }
