//go:build unix

package maildir

import (
	"fmt"
	"os"
	"syscall"
)

// chownLikeDir gives path the owner of dir when this process is root (only
// root may give files away; as anyone else they are the process's own).
func chownLikeDir(dir, path string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("maildir: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || (st.Uid == 0 && st.Gid == 0) {
		return nil
	}
	if err := os.Chown(path, int(st.Uid), int(st.Gid)); err != nil {
		return fmt.Errorf("maildir: give %s to the folder's owner: %w", path, err)
	}
	return nil
}
