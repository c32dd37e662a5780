package backup

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"

	"id06desk/internal/i18n"
	"id06desk/internal/paths"
)

// Restore's errors: errors.Is finds them under the i18n.Error that says
// what to do.
var (
	ErrWrongKey   = errors.New("restore: the passphrase or identity does not open the backup")
	ErrNotBackup  = errors.New("restore: not an age-encrypted file")
	ErrDamaged    = errors.New("restore: the backup is damaged or incomplete")
	ErrNotID06    = errors.New("restore: not an id06desk database")
	ErrNewer      = errors.New("restore: the backup is from a newer id06desk")
	ErrNoIdentity = errors.New("restore: no passphrase or identity given")
)

// Restore's messages.
var (
	MsgWrongKey = i18n.Text{Code: "restore.wrong_key",
		SV: "Lösenfrasen (eller nyckeln) öppnar inte den här säkerhetskopian. Databasen har inte ändrats.",
		EN: "The passphrase (or key) does not open this backup. The database was not changed."}
	MsgNotBackup = i18n.Text{Code: "restore.not_backup",
		SV: "{file} är ingen säkerhetskopia från id06desk (filen är inte krypterad med age). Databasen har inte ändrats.",
		EN: "{file} is not an id06desk backup (it is not age-encrypted). The database was not changed."}
	MsgDamaged = i18n.Text{Code: "restore.damaged",
		SV: "Säkerhetskopian är skadad eller ofullständig ({reason}). Databasen har inte ändrats. Försök med en äldre säkerhetskopia.",
		EN: "The backup is damaged or incomplete ({reason}). The database was not changed. Try an older backup."}
	MsgNotID06 = i18n.Text{Code: "restore.not_id06desk",
		SV: "Filen går att dekryptera men innehåller ingen id06desk-databas. Databasen har inte ändrats.",
		EN: "The file decrypts, but it holds no id06desk database. The database was not changed."}
	MsgNewer = i18n.Text{Code: "restore.newer",
		SV: "Säkerhetskopian kommer från en nyare id06desk (databasversion {version}, den här känner till {known}). Installera den versionen eller en nyare och återställ med den. Databasen har inte ändrats.",
		EN: "The backup is from a newer id06desk (database version {version}; this one knows {known}). Install that version or a newer one and restore with it. The database was not changed."}
	MsgNoIdentity = i18n.Text{Code: "restore.no_identity",
		SV: "Ange lösenfrasen: kör i en terminal, eller ge --passphrase-file FIL eller --identity FIL.",
		EN: "Give the passphrase: run in a terminal, or give --passphrase-file FILE or --identity FILE."}
)

// RestoreOptions say what to restore where.
type RestoreOptions struct {
	// File is the encrypted backup.
	File string
	// Identities open it: age.NewScryptIdentity for a passphrase, or the
	// admin's identity file (age.ParseIdentities).
	Identities []age.Identity
	// Database is the database file to replace (paths.Database()); the
	// caller holds the instance lock.
	Database string
	// Now names the current database kept aside (nil: time.Now).
	Now func() time.Time
	// Check checks the decrypted database and returns its schema version
	// (sqlite.Inspect). Its errors are recognised by their methods:
	// NewerSchema() (version, known int), NotID06() bool, Damaged() bool.
	Check func(ctx context.Context, file string) (int, error)
}

// Restored says what Restore did.
type Restored struct {
	SchemaVersion int
	// Aside is where the database that was in place now is ("" : there
	// was none).
	Aside string
}

// Restore decrypts and checks the backup and then, only if every check
// passes, keeps the current database aside (renamed with the time, with
// its -wal and -shm) and moves the restored one into its place, 0600. On
// any error the current database is untouched. The caller must hold the
// instance lock: no app may have the database open.
func Restore(ctx context.Context, o RestoreOptions) (Restored, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Check == nil {
		return Restored{}, errors.New("restore: no database check given")
	}
	if len(o.Identities) == 0 {
		return Restored{}, i18n.Wrap(ErrNoIdentity, MsgNoIdentity)
	}
	dir := filepath.Dir(o.Database)
	tmp, err := decryptTo(o.File, dir, o.Identities)
	if err != nil {
		return Restored{}, err
	}
	moved := false
	defer func() {
		if !moved {
			shred(tmp)
		}
	}()
	v, err := o.Check(ctx, tmp)
	var newer interface{ NewerSchema() (int, int) }
	var notID interface{ NotID06() bool }
	var damaged interface{ Damaged() bool }
	switch {
	case errors.As(err, &newer):
		version, known := newer.NewerSchema()
		return Restored{}, i18n.Wrap(fmt.Errorf("%w: %v", ErrNewer, err), MsgNewer, "version", version, "known", known)
	case errors.As(err, &notID):
		return Restored{}, i18n.Wrap(fmt.Errorf("%w: %v", ErrNotID06, err), MsgNotID06)
	case errors.As(err, &damaged):
		return Restored{}, i18n.Wrap(fmt.Errorf("%w: %v", ErrDamaged, err), MsgDamaged, "reason", err.Error())
	case err != nil:
		return Restored{}, fmt.Errorf("restore: check the backup: %w", err)
	}
	if err := os.Chmod(tmp, paths.FileMode); err != nil {
		return Restored{}, fmt.Errorf("restore: %w", err)
	}
	res := Restored{SchemaVersion: v}
	if exists(o.Database) {
		res.Aside = o.Database + ".before-restore-" + o.Now().UTC().Format(stamp)
		for i := 2; exists(res.Aside); i++ {
			res.Aside = fmt.Sprintf("%s.before-restore-%s-%d", o.Database, o.Now().UTC().Format(stamp), i)
		}
		if err := os.Rename(o.Database, res.Aside); err != nil {
			return Restored{}, fmt.Errorf("restore: keep the current database aside: %w", err)
		}
		for _, side := range []string{"-wal", "-shm"} {
			if exists(o.Database + side) {
				if err := os.Rename(o.Database+side, res.Aside+side); err != nil {
					// Put the database back as it was.
					os.Rename(res.Aside, o.Database)
					return Restored{}, fmt.Errorf("restore: keep the current database aside: %w", err)
				}
			}
		}
	}
	if err := os.Rename(tmp, o.Database); err != nil {
		if res.Aside != "" {
			os.Rename(res.Aside, o.Database)
			for _, side := range []string{"-wal", "-shm"} {
				os.Rename(res.Aside+side, o.Database+side)
			}
		}
		return Restored{}, fmt.Errorf("restore: move the restored database into place: %w", err)
	}
	moved = true
	syncDir(dir)
	return res, nil
}

// decryptTo decrypts file into a new 0600 file in dir and returns its name.
func decryptTo(file, dir string, ids []age.Identity) (string, error) {
	in, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	defer in.Close()
	r, err := age.Decrypt(bufio.NewReader(in), ids...)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) || errors.Is(err, age.ErrIncorrectIdentity) {
			return "", i18n.Wrap(fmt.Errorf("%w: %v", ErrWrongKey, err), MsgWrongKey)
		}
		if strings.Contains(err.Error(), "header") || strings.Contains(err.Error(), "intro") {
			return "", i18n.Wrap(fmt.Errorf("%w: %v", ErrNotBackup, err), MsgNotBackup, "file", filepath.Base(file))
		}
		return "", i18n.Wrap(fmt.Errorf("%w: %v", ErrDamaged, err), MsgDamaged, "reason", err.Error())
	}
	out, err := os.CreateTemp(dir, ".restore-*.db")
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	name := out.Name()
	fail := func(err error) (string, error) {
		out.Close()
		shred(name)
		return "", err
	}
	if err := out.Chmod(paths.FileMode); err != nil {
		return fail(fmt.Errorf("restore: %w", err))
	}
	if _, err := io.Copy(out, r); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) { // writing here, not reading the backup
			return fail(fmt.Errorf("restore: write %s: %w", dir, err))
		}
		return fail(i18n.Wrap(fmt.Errorf("%w: %v", ErrDamaged, err), MsgDamaged, "reason", err.Error()))
	}
	if err := out.Sync(); err != nil {
		return fail(fmt.Errorf("restore: %w", err))
	}
	if err := out.Close(); err != nil {
		shred(name)
		return "", fmt.Errorf("restore: %w", err)
	}
	return name, nil
}
