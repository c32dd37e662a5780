package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"id06desk/internal/consolesync"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"id06desk/internal/i18n"
)

// KioskSync is the kiosk's side of sync (internal/kiosksync, the kiosk
// helper's): nil on a console. `sync import` and `sync status` ask it
// first: a paired kiosk answers them; otherwise the console does.
type KioskSync interface {
	// Paired reports whether this installation is a paired kiosk (it has
	// kiosk sync keys).
	Paired(ctx context.Context) bool
	// ExportBundle writes the kiosk's bundle of unacknowledged sealed
	// registrations to file and says what it wrote (one line).
	ExportBundle(ctx context.Context, file string) (string, error)
	// ImportSitePack applies a site pack and says what it applied.
	ImportSitePack(ctx context.Context, file string) (string, error)
	// Status is the kiosk's sync status: JSON-able; printed with %v (a
	// fmt.Stringer for the text form) without --json.
	Status(ctx context.Context) (any, error)
}

// kioskSide is the paired kiosk's sync, or nil on a console.
func kioskSide(ctx context.Context, s Services) KioskSync {
	if s.KioskSync != nil && s.KioskSync.Paired(ctx) {
		return s.KioskSync
	}
	return nil
}

func syncCommand(h Host, with servicesRunner) *cobra.Command {
	var out, kiosk string
	export := &cobra.Command{
		Use:   "export --out FILE [--kiosk NAME]",
		Short: "Console: write the named kiosk's site pack. Kiosk: write its bundle",
		Long: `On the console (--kiosk NAME): write that kiosk's next site pack to FILE
(the open invitations, revocations, catalogs, settings and keys, and the
acknowledgements of what the console received from it). Carry it to the
kiosk and run 'id06desk sync import FILE' there.

On a paired kiosk (no --kiosk): write the bundle of its sealed
registrations not yet acknowledged to FILE; carry it to the console and run
'id06desk sync import FILE' there. FILE must not exist.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("sync export --out FILE [--kiosk NAME]")
			}
			return with(func(ctx context.Context, s Services, _ []string) error {
				if kiosk == "" {
					// kiosk side:
					ks := kioskSide(ctx, s)
					if ks == nil {
						return usagef("sync export: on the console, name the kiosk whose site pack to write (--kiosk NAME)")
					}
					line, err := ks.ExportBundle(ctx, out)
					if err != nil {
						return plain(err)
					}
					fmt.Fprintln(h.Stdout, line)
					return nil
				}
				if s.ConsoleSync == nil {
					return errors.New("site packs are not available here")
				}
				// The file first: a site pack's number is used once made.
				var p *consolesync.SitePack
				if err := makeNew(out, func() (b []byte, err error) {
					if p, err = s.ConsoleSync.SitePack(ctx, kiosk); err != nil {
						return nil, err
					}
					return p.File, nil
				}); err != nil {
					return err
				}
				abs, _ := filepath.Abs(out)
				fmt.Fprintf(h.Stdout, "site pack %d for kiosk %s: %d invitations, %d revoked; %s\n", p.Seq, p.Kiosk.Name, p.Invitations, p.Revoked, abs)
				return nil
			})(cmd, args)
		},
	}
	export.Flags().StringVar(&out, "out", "", "the file to write")
	export.Flags().StringVar(&kiosk, "kiosk", "", "console: the kiosk whose site pack to write")

	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Console: import a kiosk's bundle. Kiosk: apply a site pack",
		Args:  exactArgs(1, "the file to import"),
		RunE: with(func(ctx context.Context, s Services, args []string) error {
			// kiosk side:
			if ks := kioskSide(ctx, s); ks != nil {
				line, err := ks.ImportSitePack(ctx, args[0])
				if err != nil {
					return plain(err)
				}
				fmt.Fprintln(h.Stdout, line)
				return nil
			}
			if s.ConsoleSync == nil {
				return errors.New("sync is not available here")
			}
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			res, err := s.ConsoleSync.Import(ctx, f)
			if err != nil {
				return plain(err)
			}
			fmt.Fprintf(h.Stdout, "bundle %d from kiosk %s: %d applied, %d already had, %d conflicts, %d refused\n",
				res.Bundle, res.KioskName, res.Applied, res.Already, res.Conflicts, res.Refused)
			for _, r := range res.Refusals {
				fmt.Fprintf(h.Stdout, "  refused: %s\n", r.Msg.In(i18n.EN))
			}
			return nil
		}),
	}

	var asJSON bool
	status := &cobra.Command{
		Use:   "status [--json]",
		Short: "Console: the paired kiosks and what came from them. Kiosk: pending registrations, last export and site pack",
		Args:  noArgs,
		RunE: with(func(ctx context.Context, s Services, _ []string) error {
			var mail any
			if s.SyncMail != nil {
				m, err := s.SyncMail(ctx)
				if err != nil {
					return err
				}
				mail = m
			}
			// kiosk side:
			if ks := kioskSide(ctx, s); ks != nil {
				st, err := ks.Status(ctx)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSONTo(h.Stdout, withMail(st, mail))
				}
				fmt.Fprintf(h.Stdout, "%v\n", st)
				printMailStatus(h.Stdout, mail)
				return nil
			}
			if s.ConsoleSync == nil {
				return errors.New("sync is not available here")
			}
			return consoleStatus(ctx, s.ConsoleSync, mail, asJSON, h.Stdout)
		}),
	}
	status.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return group("sync", "Move registrations and site packs between kiosks and the console, by file or by mail", export, imp, status,
		syncRunCommand(h, with))
}

func writeJSONTo(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// consoleStatusJSON is `sync status --json` on the console.
type consoleStatusJSON struct {
	Role             string             `json:"role"` // "console"
	Mail             any                `json:"mail,omitempty"`
	Kiosks           []kioskStatusJSON  `json:"kiosks"`
	PendingConflicts int                `json:"pendingConflicts"`
	Refusals         []refusalStatusRow `json:"refusals"`
}

type kioskStatusJSON struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Site             string `json:"site"`
	PairedAt         string `json:"pairedAt"`
	RevokedAt        string `json:"revokedAt,omitempty"`
	Joined           bool   `json:"joined"`
	LastBundleSeq    uint64 `json:"lastBundleSeq"`
	LastBundleAt     string `json:"lastBundleAt,omitempty"`
	Received         int    `json:"received"`
	Refusals         int    `json:"refusals"`
	PendingConflicts int    `json:"pendingConflicts"`
}

type refusalStatusRow struct {
	At      string `json:"at"`
	Kiosk   string `json:"kiosk,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func consoleStatus(ctx context.Context, c ConsoleSyncer, mail any, asJSON bool, w io.Writer) error {
	ks, err := c.List(ctx)
	if err != nil {
		return err
	}
	conflicts, err := c.Conflicts(ctx, true)
	if err != nil {
		return err
	}
	refs, err := c.Refusals(ctx, "", 20)
	if err != nil {
		return err
	}
	if !asJSON {
		printKiosks(w, ks)
		fmt.Fprintf(w, "pending conflicts: %d\n", len(conflicts))
		for _, r := range refs {
			fmt.Fprintf(w, "refused %s %s: %s\n", r.At.Format("2006-01-02 15:04"), r.KioskName, r.EN)
		}
		printMailStatus(w, mail)
		return nil
	}
	out := consoleStatusJSON{Role: "console", Mail: mail, Kiosks: []kioskStatusJSON{}, PendingConflicts: len(conflicts), Refusals: []refusalStatusRow{}}
	const ts = "2006-01-02T15:04:05Z07:00"
	for _, k := range ks {
		j := kioskStatusJSON{ID: k.ID, Name: k.Name, Site: k.Site, PairedAt: k.PairedAt.Format(ts), Joined: k.SignPub != nil,
			LastBundleSeq: k.LastBundleSeq, Received: k.Received, Refusals: k.Refusals, PendingConflicts: k.PendingConflicts}
		if k.Revoked() {
			j.RevokedAt = k.RevokedAt.Format(ts)
		}
		if !k.LastBundleAt.IsZero() {
			j.LastBundleAt = k.LastBundleAt.Format(ts)
		}
		out.Kiosks = append(out.Kiosks, j)
	}
	for _, r := range refs {
		out.Refusals = append(out.Refusals, refusalStatusRow{At: r.At.Format(ts), Kiosk: r.KioskName, Code: r.Code, Message: r.EN})
	}
	return writeJSONTo(w, out)
}

// withMail adds the mail transport to a status as its "mail" field.
func withMail(status, mail any) any {
	b, err := json.Marshal(status)
	var m map[string]any
	if err != nil || json.Unmarshal(b, &m) != nil || m == nil {
		return status
	}
	if mail != nil {
		m["mail"] = mail
	}
	return m
}
