package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"id06desk/internal/kiosksync"
)

// kioskCLI is the kiosk's sync (internal/kiosksync) as the sync commands
// use it (KioskSync), plus the join of `pair join`.
type kioskCLI struct{ s *kiosksync.Service }

// kioskJoiner is the kiosk side of `pair join FILE`.
type kioskJoiner interface {
	Join(ctx context.Context, pairingFile io.Reader) (*kiosksync.Joined, error)
}

// kioskLeaver is the kiosk side of `pair leave`.
type kioskLeaver interface {
	Pairing() *kiosksync.Pairing
	PendingCount(ctx context.Context) (int, error)
	Leave(ctx context.Context, force bool) (*kiosksync.Left, error)
}

func init() {
	pairJoinCommand = kioskPairJoinCommand
	pairLeaveCommand = kioskPairLeaveCommand
}

// Paired reports whether this data folder is a kiosk paired with a console.
func (k kioskCLI) Paired(context.Context) bool { return k.s != nil && k.s.Paired() }

// Join pairs this kiosk with the console that wrote the pairing file.
func (k kioskCLI) Join(ctx context.Context, r io.Reader) (*kiosksync.Joined, error) {
	return k.s.Join(ctx, r)
}

// ExportBundle writes the bundle of the sealed registrations not yet
// acknowledged to file (0600; it must not exist).
func (k kioskCLI) ExportBundle(ctx context.Context, file string) (string, error) {
	if _, err := os.Lstat(file); err == nil {
		return "", fmt.Errorf("write %s: %w", file, fs.ErrExist)
	}
	ex, err := k.s.ExportToFile(ctx, file)
	if err != nil {
		return "", err
	}
	first := ""
	if ex.First {
		first = ", proving the pairing"
	}
	return fmt.Sprintf("wrote bundle %d with %d registration(s)%s to %s", ex.Seq, ex.Count, first, ex.File), nil
}

// ImportSitePack applies a site pack from the console.
func (k kioskCLI) ImportSitePack(ctx context.Context, file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	a, err := k.s.ApplySitePack(ctx, f)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("applied site pack %d: %d invitation(s) stored or refreshed, %d revoked, %d sealed registration(s) acknowledged and deleted",
		a.Seq, a.Invitations, a.Revoked, a.Forgotten), nil
}

// Status is the kiosk's sync status: JSON with "role": "kiosk", or text.
func (k kioskCLI) Status(ctx context.Context) (any, error) {
	st, err := k.s.Status(ctx)
	if err != nil {
		return nil, err
	}
	return kioskStatus{Role: "kiosk", Status: st}, nil
}

// kioskStatus is `sync status` on a kiosk.
type kioskStatus struct {
	Role string `json:"role"` // "kiosk"
	*kiosksync.Status
}

// String is the text form of `sync status`.
func (k kioskStatus) String() string {
	st := k.Status
	when := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.Local().Format("2006-01-02 15:04")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "kiosk %q (site %q), paired with the console %q on %s\n", st.KioskName, st.Site, st.ConsoleName, when(st.PairedAt))
	fmt.Fprintf(&b, "pending registrations: %d\n", st.Pending)
	if st.LastExportAt.IsZero() {
		b.WriteString("last export: never\n")
	} else {
		fmt.Fprintf(&b, "last export: bundle %d with %d registration(s) on %s\n", st.LastExportSeq, st.LastExportCount, when(st.LastExportAt))
	}
	if st.SitePackSeq == 0 {
		b.WriteString("last site pack: none")
	} else {
		fmt.Fprintf(&b, "last site pack: %d, applied %s (%s ago)", st.SitePackSeq, when(st.SitePackAppliedAt),
			(time.Duration(st.SitePackAgeSeconds) * time.Second).Round(time.Minute))
	}
	if r := st.SitePackRefusal; r != nil {
		fmt.Fprintf(&b, "\nlast site pack refused on %s: %s", when(r.At), inLang(r.SV, r.EN))
	}
	if st.AwaitingFirstAck {
		b.WriteString("\nno bundle acknowledged yet: export, then import the console's next site pack")
	}
	if st.ClockWentBack {
		fmt.Fprintf(&b, "\nWARNING: this computer's clock shows a time before the last site pack was applied (%s); set the clock (offline expiry checks depend on it)",
			when(st.SitePackAppliedAt))
	} else if st.ClockWarning {
		fmt.Fprintf(&b, "\nWARNING: this computer's clock differed from the console's by %s at the last site pack; set the clock (offline expiry checks depend on it)",
			(time.Duration(st.ClockSkewSeconds) * time.Second).Abs())
	}
	return b.String()
}

// kioskPairJoinCommand is `pair join FILE`: pair this kiosk with the
// console that wrote the pairing file. A running kiosk on the same data
// folder notices it within seconds (core.JobKioskPairing).
func kioskPairJoinCommand(h Host, with servicesRunner) *cobra.Command {
	return &cobra.Command{
		Use:   "join FILE",
		Short: "On a kiosk: pair it with the console that wrote the pairing FILE",
		Args:  exactArgs(1, "the pairing file"),
		RunE: with(func(ctx context.Context, s Services, args []string) error {
			j, ok := s.KioskSync.(kioskJoiner)
			if !ok {
				return errors.New("joining a console is not available here")
			}
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			r, err := j.Join(ctx, f)
			if err != nil {
				return plain(err)
			}
			fmt.Fprintf(h.Stdout, "paired as kiosk %q (site %q, id %s) with the console %q\n", r.KioskName, r.Site, r.KioskID, r.ConsoleName)
			return nil
		}),
	}
}

// Pairing is the kiosk's pairing (nil when not paired).
func (k kioskCLI) Pairing() *kiosksync.Pairing { return k.s.Pairing() }

// PendingCount is how many sealed registrations wait for the console.
func (k kioskCLI) PendingCount(ctx context.Context) (int, error) {
	st, err := k.s.Status(ctx)
	if err != nil {
		return 0, err
	}
	return st.Pending, nil
}

// Leave unpairs the kiosk.
func (k kioskCLI) Leave(ctx context.Context, force bool) (*kiosksync.Left, error) {
	return k.s.Leave(ctx, force)
}

// kioskPairLeaveCommand is `pair leave [--yes] [--force]`: unpair this
// kiosk so that `pair join` works again with a new pairing file. It asks
// first (unless --yes), and refuses while sealed registrations have not
// reached the console unless --force (they are deleted, unsent).
func kioskPairLeaveCommand(h Host, with servicesRunner) *cobra.Command {
	var yes, force bool
	c := &cobra.Command{
		Use:   "leave [--yes] [--force]",
		Short: "On a kiosk: unpair it from its console (then 'pair join' takes a new pairing file)",
		Long: `Unpair this kiosk from its console: its keys and pairing are removed, and
'pair join FILE' works again with a new pairing file (after the console
revoked this kiosk, or to move it to another console). Asks first unless
--yes. Sealed registrations the console has not acknowledged would be lost:
it refuses while there are any unless --force, which deletes them.`,
		Args: noArgs,
		RunE: with(func(ctx context.Context, s Services, _ []string) error {
			l, ok := s.KioskSync.(kioskLeaver)
			if !ok {
				return errors.New("unpairing is not available here")
			}
			p := l.Pairing()
			if p == nil {
				return errors.New("this kiosk is not paired with a console; nothing was changed")
			}
			pending, err := l.PendingCount(ctx)
			if err != nil {
				return err
			}
			if pending > 0 && !force {
				return fmt.Errorf("%d sealed registration(s) have not reached the console (no site pack acknowledged them); "+
					"unpairing would delete them and they cannot be recovered. Export them ('sync export --out FILE'), import them at the "+
					"console and import its next site pack here first, or run 'pair leave --force' to delete them; nothing was changed", pending)
			}
			if !yes {
				fmt.Fprintf(h.Stderr, "Unpair kiosk %q from the console %q", p.KioskName, p.ConsoleName)
				if pending > 0 {
					fmt.Fprintf(h.Stderr, " and DELETE %d sealed registration(s) that never reached it", pending)
				}
				fmt.Fprint(h.Stderr, "? Type yes to go on: ")
				line, _ := bufio.NewReader(h.Stdin).ReadString('\n')
				if strings.TrimSpace(strings.ToLower(line)) != "yes" {
					return errors.New("not unpaired; nothing was changed")
				}
			}
			left, err := l.Leave(ctx, force)
			if err != nil {
				return plain(err)
			}
			if left.Deleted > 0 {
				fmt.Fprintf(h.Stderr, "WARNING: %d sealed registration(s) were deleted without reaching the console; those people must register again\n", left.Deleted)
			}
			fmt.Fprintf(h.Stdout, "unpaired kiosk %q (id %s) from the console %q; 'pair join FILE' takes a new pairing file\n",
				left.KioskName, left.KioskID, left.ConsoleName)
			return nil
		}),
	}
	c.Flags().BoolVar(&yes, "yes", false, "do not ask")
	c.Flags().BoolVar(&force, "force", false, "unpair even though sealed registrations have not reached the console (they are deleted)")
	return c
}

// KioskSyncOf is a kiosk's sync as the commands use it.
func KioskSyncOf(s *kiosksync.Service) KioskSync { return kioskCLI{s} }
