//go:build !production || e2e

package core

import "id06desk/internal/camera/cameratest"

// playFolder plays the pictures in dir as the camera (--test-camera) and
// returns the function that switches the picture and the one that unplugs
// the camera. The test camera is built into test binaries and the
// end-to-end binary (-tags production,e2e), never into the shipped one.
func playFolder(dir string) (play func(file string) error, stop func(), err error) {
	tc, err := cameratest.NewFolder(dir)
	if err != nil {
		return nil, nil, err
	}
	return tc.Play, tc.Close, nil
}
