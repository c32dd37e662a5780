package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"id06desk/internal/backup"
	"id06desk/internal/i18n"
	"id06desk/internal/instancelock"
	"id06desk/internal/paths"
	"id06desk/internal/settings"
	"id06desk/internal/sqlite"
)

// Messages of `backup` and `restore`.
var (
	msgBackupWritten = i18n.Text{Code: "cli.backup_written",
		SV: "Säkerhetskopian är skriven: {file} ({size} byte).",
		EN: "Backup written: {file} ({size} bytes)."}
	msgRestored = i18n.Text{Code: "cli.restored",
		SV: "Säkerhetskopian är återställd (databasversion {version}).",
		EN: "The backup is restored (database version {version})."}
	msgKeptAside = i18n.Text{Code: "cli.kept_aside",
		SV: "Den tidigare databasen ligger kvar som {file}; ta bort den när allt fungerar.",
		EN: "The previous database is kept as {file}; delete it once everything works."}
	msgRestoreRunning = i18n.Text{Code: "cli.restore_running",
		SV: "id06desk körs med den här datamappen. Stäng fönstret (och id06desk serve) först; databasen har inte ändrats.",
		EN: "id06desk is running on this data folder. Close the window (and id06desk serve) first; the database was not changed."}
	msgPassphrasePrompt = i18n.Text{Code: "cli.passphrase_prompt",
		SV: "Säkerhetskopians lösenfras: ",
		EN: "Passphrase of the backup: "}
)

// cliLang is the language of the command line's messages: that of the
// locale (LC_ALL, LC_MESSAGES, LANG, the first one set), Swedish for sv_*,
// else English.
func cliLang() i18n.Lang {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "sv") {
				return i18n.SV
			}
			return i18n.EN
		}
	}
	return i18n.EN
}

// sayError renders an error that carries a message in the locale's
// language (the technical cause stays for the log).
func sayError(err error) error {
	var ie *i18n.Error
	if errors.As(err, &ie) {
		return errors.New(ie.Msg.In(cliLang()))
	}
	return err
}

func backupCommand(h Host, with servicesRunner) *cobra.Command {
	var out, passFile string
	c := &cobra.Command{
		Use:   "backup [--out FILE] [--passphrase-file FILE]",
		Short: "Write an encrypted backup of the database now (to backup.folder, or FILE)",
		Long: `Write an encrypted backup of the database now, while the app may be
running: to a new file in the backup.folder setting (keeping the last
backup.keep), or to FILE with --out. It is encrypted with age to the
configured passphrase or public key (Settings → Backup), or to the
passphrase in --passphrase-file.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var pass string
			if passFile != "" {
				p, err := readPassphraseFile(passFile)
				if err != nil {
					return err
				}
				if len([]rune(p)) < settings.MinBackupPassphrase {
					return usagef("the passphrase in %s is too short: at least %d characters", passFile, settings.MinBackupPassphrase)
				}
				pass = p
			}
			if out != "" {
				abs, err := filepath.Abs(out)
				if err != nil {
					return err
				}
				out = abs
			}
			return with(func(ctx context.Context, s Services, _ []string) error {
				res, err := s.Backup.BackUp(ctx, backup.Options{Out: out, Passphrase: pass})
				if err != nil {
					return sayError(err)
				}
				fmt.Fprintln(h.Stdout, msgBackupWritten.With("file", res.File, "size", res.Size).In(cliLang()))
				return nil
			})(cmd, args)
		},
	}
	c.Flags().StringVar(&out, "out", "", "write the backup to `FILE` (created 0600) instead of the backup folder")
	c.Flags().StringVar(&passFile, "passphrase-file", "", "encrypt with the passphrase in `FILE` (its first line) instead of the configured key")
	return c
}

func restoreCommand(h Host, g *Globals) *cobra.Command {
	var passFile, identityFile string
	c := &cobra.Command{
		Use:   "restore FILE [--passphrase-file FILE | --identity FILE]",
		Short: "Replace the database with a backup (the app must not run; the current one is kept aside)",
		Long: `Restore an encrypted backup written by id06desk backup or the backup job.
The file is decrypted (with the passphrase asked for on the terminal, or in
--passphrase-file, or the configured backup passphrase; or the age identity
in --identity) and checked: its database must pass SQLite's integrity check,
be an id06desk database, and not come from a newer id06desk. Only then is
the current database renamed to <name>.before-restore-<time> (with its -wal
and -shm) and the restored one moved into place. Refused while the window or
serve runs on the data folder.`,
		Args: exactArgs(1, "restore needs the backup FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if passFile != "" && identityFile != "" {
				return usagef("give either --passphrase-file or --identity, not both")
			}
			return runRestore(cmd.Context(), h, *g, args[0], passFile, identityFile)
		},
	}
	c.Flags().StringVar(&passFile, "passphrase-file", "", "read the passphrase from `FILE` (its first line)")
	c.Flags().StringVar(&identityFile, "identity", "", "decrypt with the age identity (private key) in `FILE`")
	return c
}

func runRestore(ctx context.Context, h Host, g Globals, file, passFile, identityFile string) error {
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	p, err := paths.Resolve(g.DataDir)
	if err != nil {
		return err
	}
	if err := p.Ensure(); err != nil {
		return err
	}
	lock, err := instancelock.Acquire(p.LockFile())
	if errors.Is(err, instancelock.ErrHeld) {
		return errors.New(msgRestoreRunning.In(cliLang()))
	}
	if err != nil {
		return err
	}
	defer lock.Release()

	ids, err := restoreIdentities(h, p, passFile, identityFile)
	if err != nil {
		return sayError(err)
	}
	res, err := backup.Restore(ctx, backup.RestoreOptions{File: file, Identities: ids, Database: p.Database(), Now: time.Now, Check: sqlite.Inspect})
	if err != nil {
		return sayError(err)
	}
	lang := cliLang()
	fmt.Fprintln(h.Stdout, msgRestored.With("version", res.SchemaVersion).In(lang))
	if res.Aside != "" {
		fmt.Fprintln(h.Stdout, msgKeptAside.With("file", res.Aside).In(lang))
	}
	return nil
}

// restoreIdentities: --identity, else --passphrase-file, else the
// passphrase asked for on the terminal, else the configured backup
// passphrase of this data folder.
func restoreIdentities(h Host, p paths.Paths, passFile, identityFile string) ([]age.Identity, error) {
	if identityFile != "" {
		f, err := os.Open(identityFile)
		if err != nil {
			return nil, fmt.Errorf("read identity: %w", err)
		}
		defer f.Close()
		ids, err := age.ParseIdentities(f)
		if err != nil {
			return nil, fmt.Errorf("read identity %s: %w", identityFile, err)
		}
		return ids, nil
	}
	var pass string
	switch {
	case passFile != "":
		var err error
		if pass, err = readPassphraseFile(passFile); err != nil {
			return nil, err
		}
	default:
		if f, ok := h.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			fmt.Fprint(h.Stderr, msgPassphrasePrompt.In(cliLang()))
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(h.Stderr)
			if err != nil {
				return nil, err
			}
			pass = string(b)
		} else if b, err := os.ReadFile(settings.SecretFile(p.Config, "backup.passphrase")); err == nil {
			pass = string(b)
		}
	}
	if pass == "" {
		return nil, i18n.Wrap(backup.ErrNoIdentity, backup.MsgNoIdentity)
	}
	id, err := age.NewScryptIdentity(pass)
	if err != nil {
		return nil, err
	}
	return []age.Identity{id}, nil
}

// readPassphraseFile reads the first line of file.
func readPassphraseFile(file string) (string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("read passphrase: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimRight(line, "\r"), nil
}
