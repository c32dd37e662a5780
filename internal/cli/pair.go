package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"id06desk/internal/consolesync"
	"id06desk/internal/i18n"
	"id06desk/internal/pairing"
)

// ConsoleSyncer is the console's side of offline kiosks
// (internal/consolesync).
type ConsoleSyncer interface {
	Pair(ctx context.Context, name, site, mailAddress string) (*consolesync.Paired, error)
	List(ctx context.Context) ([]pairing.Kiosk, error)
	Revoke(ctx context.Context, nameOrID string) (pairing.Kiosk, error)
	SitePack(ctx context.Context, nameOrID string) (*consolesync.SitePack, error)
	Import(ctx context.Context, r io.Reader) (*consolesync.Result, error)
	Conflicts(ctx context.Context, pending bool) ([]pairing.HeldConflict, error)
	Refusals(ctx context.Context, kioskID string, limit int) ([]pairing.Refusal, error)
}

// plain turns an error that carries a sentence for people into that
// sentence (English, as the command line speaks).
func plain(err error) error {
	var ie *i18n.Error
	if errors.As(err, &ie) {
		return errors.New(ie.Msg.In(i18n.EN))
	}
	return err
}

// createNew creates a file that must not exist yet (0600: a pairing file
// is a secret, a site pack names invitations).
func createNew(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", name, err)
	}
	return f, nil
}

// finish writes data to f and closes it; on failure the file is removed.
func finish(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", f.Name(), err)
	}
	return nil
}

// makeNew writes to name, which must not exist yet, what produce makes.
// The file is created first: what produce does (pair a kiosk, use a site
// pack's number) is not undone, so it must not run when the file cannot be
// written. On any failure the file is removed; produce's error is shown
// as it is.
func makeNew(name string, produce func() ([]byte, error)) error {
	f, err := createNew(name)
	if err != nil {
		return err
	}
	data, err := produce()
	if err != nil {
		f.Close()
		os.Remove(name)
		return plain(err)
	}
	return finish(f, data)
}

func pairCommand(h Host, with servicesRunner) *cobra.Command {
	var kiosk, site, mailAddr, out string
	create := &cobra.Command{
		Use:   "create --kiosk NAME [--site SITE] --out FILE",
		Short: "Pair a new kiosk: write its pairing file",
		Long: `Pair a new kiosk with this console and write its pairing file to FILE
(it must not exist). Carry the file to the kiosk like a password (a USB
stick) and run 'id06desk pair join FILE' there. The kiosk's first bundle
proves the pairing; until then 'pair list' shows it as not joined.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if kiosk == "" || out == "" {
				return usagef("pair create --kiosk NAME [--site SITE] [--mail ADDRESS] --out FILE")
			}
			return with(func(ctx context.Context, s Services, _ []string) error {
				if s.ConsoleSync == nil {
					return errors.New("pairing is not available here")
				}
				// The file first: a kiosk paired without its file would
				// hold its name.
				var p *consolesync.Paired
				if err := makeNew(out, func() (b []byte, err error) {
					if p, err = s.ConsoleSync.Pair(ctx, kiosk, site, mailAddr); err != nil {
						return nil, err
					}
					return p.File, nil
				}); err != nil {
					return err
				}
				abs, _ := filepath.Abs(out)
				fmt.Fprintf(h.Stdout, "paired kiosk %s (id %s); pairing file %s\n", p.Kiosk.Name, p.Kiosk.ID, abs)
				if r := p.Replaces; r != nil {
					fmt.Fprintf(h.Stdout, "this pairs %s again: its pairing revoked on %s (id %s) stays in 'pair list' with its history; "+
						"on the kiosk run 'pair leave' and then 'pair join' with the new file\n", r.Name, r.RevokedAt.Format("2006-01-02 15:04"), r.ID)
				}
				return nil
			})(cmd, args)
		},
	}
	create.Flags().StringVar(&kiosk, "kiosk", "", "the kiosk's name")
	create.Flags().StringVar(&site, "site", "", "the site the kiosk stands on")
	create.Flags().StringVar(&mailAddr, "mail", "", "the kiosk's own mailbox: site packs are mailed there (sync by mail)")
	create.Flags().StringVar(&out, "out", "", "where to write the pairing file")

	list := &cobra.Command{
		Use:   "list",
		Short: "List the kiosks paired with this console",
		Args:  noArgs,
		RunE: with(func(ctx context.Context, s Services, _ []string) error {
			if s.ConsoleSync == nil {
				return errors.New("pairing is not available here")
			}
			ks, err := s.ConsoleSync.List(ctx)
			if err != nil {
				return err
			}
			printKiosks(h.Stdout, ks)
			return nil
		}),
	}
	revoke := &cobra.Command{
		Use:   "revoke NAME",
		Short: "Revoke a kiosk's pairing: its bundles are refused from now on",
		Args:  exactArgs(1, "the kiosk's name"),
		RunE: with(func(ctx context.Context, s Services, args []string) error {
			if s.ConsoleSync == nil {
				return errors.New("pairing is not available here")
			}
			k, err := s.ConsoleSync.Revoke(ctx, args[0])
			if err != nil {
				return plain(err)
			}
			fmt.Fprintf(h.Stdout, "revoked kiosk %s (%s)\n", k.Name, k.RevokedAt.Format(time.RFC3339))
			return nil
		}),
	}
	subs := []*cobra.Command{create, list, revoke}
	// kiosk side: `pair join FILE` is added by the kiosk's sync
	// (internal/kiosksync) through pairJoinCommand when it exists.
	if pairJoinCommand != nil {
		subs = append(subs, pairJoinCommand(h, with))
	}
	if pairLeaveCommand != nil {
		subs = append(subs, pairLeaveCommand(h, with))
	}
	return group("pair", "Pair kiosks with this console (or join one, on a kiosk)", subs...)
}

// pairJoinCommand is the kiosk side's `pair join FILE` (kiosk helper);
// nil until it exists.
var pairJoinCommand func(h Host, with servicesRunner) *cobra.Command

// pairLeaveCommand is the kiosk side's `pair leave`.
var pairLeaveCommand func(h Host, with servicesRunner) *cobra.Command

func printKiosks(w io.Writer, ks []pairing.Kiosk) {
	if len(ks) == 0 {
		fmt.Fprintln(w, "no kiosks paired")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSITE\tSTATUS\tPAIRED\tLAST BUNDLE\tRECEIVED\tREFUSALS\tCONFLICTS")
	for _, k := range ks {
		status := "paired, not joined"
		switch {
		case k.Revoked():
			status = "revoked " + k.RevokedAt.Format("2006-01-02")
		case k.SignPub != nil:
			status = "joined"
		}
		last := "-"
		if !k.LastBundleAt.IsZero() {
			last = fmt.Sprintf("#%d %s", k.LastBundleSeq, k.LastBundleAt.Format("2006-01-02 15:04"))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\n", k.Name, k.Site, status, k.PairedAt.Format("2006-01-02 15:04"), last,
			k.Received, k.Refusals, k.PendingConflicts)
	}
	tw.Flush()
}
