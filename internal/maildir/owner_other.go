//go:build !unix

package maildir

func chownLikeDir(dir, path string) error { return nil }
