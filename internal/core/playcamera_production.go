//go:build production && !e2e

package core

import "errors"

// playFolder refuses: the shipped binary carries no test camera. The
// end-to-end specs run a binary built with -tags production,e2e.
func playFolder(string) (func(string) error, func(), error) {
	return nil, nil, errors.New("--test-camera: this build has no test camera (build with -tags e2e)")
}
