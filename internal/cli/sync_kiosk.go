package cli

import (
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

func init() { pairJoinCommand = kioskPairJoinCommand }

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
	if st.AwaitingFirstAck {
		b.WriteString("\nno bundle acknowledged yet: export, then import the console's next site pack")
	}
	if st.ClockWarning {
		fmt.Fprintf(&b, "\nWARNING: this computer's clock differed from the console's by %s at the last site pack; set the clock (offline expiry checks depend on it)",
			(time.Duration(st.ClockSkewSeconds) * time.Second).Abs())
	}
	return b.String()
}

// kioskPairJoinCommand is `pair join FILE`: pair this kiosk with the
// console that wrote the pairing file. Run it with the kiosk closed (a
// running kiosk learns of the pairing when it starts), or pair from the
// kiosk's admin view.
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

// KioskSyncOf is a kiosk's sync as the commands use it.
func KioskSyncOf(s *kiosksync.Service) KioskSync { return kioskCLI{s} }
