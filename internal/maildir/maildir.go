// Package maildir delivers a message into a Maildir the way a mail server's
// delivery agent does: written under tmp/, then renamed into new/, so an IMAP
// server reading the folder never sees half a message. The test SMTP sink
// (relay → mailbox) and the Dovecot test harness deliver through it.
package maildir

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"
)

var seq atomic.Uint64

// Deliver writes raw into dir/new (creating dir/{tmp,new,cur} when missing)
// and returns the new file's path. The file is 0600; when this process runs
// as root it is given the owner of dir, so a mail server running as that
// user can read it and move it to cur/.
func Deliver(dir string, raw []byte) (string, error) {
	if err := Create(dir); err != nil {
		return "", err
	}
	var rnd [4]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", fmt.Errorf("maildir: random name: %w", err)
	}
	now := time.Now()
	name := strconv.FormatInt(now.Unix(), 10) + ".M" + strconv.Itoa(now.Nanosecond()/1000) +
		"P" + strconv.Itoa(os.Getpid()) + "Q" + strconv.FormatUint(seq.Add(1), 10) +
		"R" + hex.EncodeToString(rnd[:]) + ".id06desk"
	tmp := filepath.Join(dir, "tmp", name)
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return "", fmt.Errorf("maildir: write %s: %w", tmp, err)
	}
	if err := chownLikeDir(dir, tmp); err != nil {
		os.Remove(tmp)
		return "", err
	}
	dst := filepath.Join(dir, "new", name)
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("maildir: move into new: %w", err)
	}
	return dst, nil
}

// Create makes dir a Maildir (dir/tmp, dir/new, dir/cur, 0700), keeping
// what exists. Folders it creates get dir's parent's owner when running as
// root.
func Create(dir string) error {
	for _, sub := range []string{"", "tmp", "new", "cur"} {
		p := filepath.Join(dir, sub)
		if _, err := os.Stat(p); err == nil {
			continue
		}
		if err := os.Mkdir(p, 0o700); err != nil && !os.IsExist(err) {
			return fmt.Errorf("maildir: create %s: %w", p, err)
		}
		if err := chownLikeDir(filepath.Dir(p), p); err != nil {
			return err
		}
	}
	return nil
}
