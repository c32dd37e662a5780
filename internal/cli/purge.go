package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"id06desk/internal/audit"
	"id06desk/internal/housekeeping"
	"id06desk/internal/order"
	"id06desk/internal/sqlite"
)

func purgeCommand(h Host, with servicesRunner) *cobra.Command {
	var dryRun bool
	c := &cobra.Command{
		Use:   "purge [--dry-run]",
		Short: "Delete personal data past the retention settings now (what the hourly housekeeping does)",
		Long: `Delete personal data past the retention settings now, as the hourly
housekeeping does: expired links, stale registration drafts, and the
personal data and photos of orders delivered, cancelled, or rejected or
reopened and left unchanged for retention.order_days. Prints counts per
status, never personal data; the purge is audited with your user name.`,
		Args: noArgs,
		RunE: with(func(ctx context.Context, s Services, _ []string) error {
			return purge(ctx, s, dryRun, h.Stdout)
		}),
	}
	c.Flags().BoolVar(&dryRun, "dry-run", false, "only count what would be purged; change nothing")
	return c
}

func purge(ctx context.Context, s Services, dryRun bool, stdout io.Writer) error {
	now := time.Now()
	drafts, orders := s.Retention(ctx, now)
	var res sqlite.SweepResult
	var err error
	verb := "Purged"
	if dryRun {
		verb = "Would purge"
		res, err = housekeeping.Preview(ctx, s.Sweeper, now, drafts, orders)
	} else {
		res, err = housekeeping.Sweep(ctx, s.Sweeper, now, drafts, orders)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s the personal data of %d order(s) unchanged since %s:\n", verb, res.OrdersPurged, orders.Local().Format("2006-01-02 15:04"))
	for _, st := range order.Statuses() {
		if n := res.Purged[st]; n > 0 {
			fmt.Fprintf(stdout, "  %-18s %d\n", st, n)
		}
	}
	fmt.Fprintf(stdout, "Invitations expired: %d\nRegistration drafts deleted: %d\nOld mails deleted: %d\n", res.Expired, res.DraftsDeleted, res.MailsDeleted)
	return nil
}

// createPrivate creates (or truncates) file for an export, mode 0600:
// an export holds personal data.
func createPrivate(file string) (*os.File, error) {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", file, err)
	}
	// An existing file keeps its mode on O_CREATE: make it private too.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("create %s: %w", file, err)
	}
	return f, nil
}

// writeExport runs an export into file (0600); a failed export removes
// the partial file.
func writeExport(file string, stdout io.Writer, what string, export func(w io.Writer) (int, error)) error {
	f, err := createPrivate(file)
	if err != nil {
		return err
	}
	n, err := export(f)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write %s: %w", file, cerr)
	}
	if err != nil {
		os.Remove(file)
		return err
	}
	fmt.Fprintf(stdout, "Wrote %d %s to %s\n", n, what, file)
	return nil
}

func auditCommand(h Host, with servicesRunner) *cobra.Command {
	var out, from, to string
	export := &cobra.Command{
		Use:   "export --out FILE [--from DATE] [--to DATE]",
		Short: "Write the audit log as CSV (newest first)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("audit export needs --out FILE")
			}
			var q audit.Query
			var err error
			if q.From, err = parseDay(from, false); err != nil {
				return usagef("--from: %v", err)
			}
			if q.To, err = parseDay(to, true); err != nil {
				return usagef("--to: %v", err)
			}
			return with(func(ctx context.Context, s Services, _ []string) error {
				return writeExport(out, h.Stdout, "audit line(s)", func(w io.Writer) (int, error) {
					return s.Exports.Audit(ctx, w, q)
				})
			})(cmd, args)
		},
	}
	export.Flags().StringVar(&out, "out", "", "write to `FILE` (created 0600)")
	export.Flags().StringVar(&from, "from", "", "from this `DATE` (YYYY-MM-DD, UTC) on")
	export.Flags().StringVar(&to, "to", "", "up to and including this `DATE` (YYYY-MM-DD, UTC)")
	return group("audit", "The audit log: who did what, when", export)
}

// parseDay reads YYYY-MM-DD (UTC); as an upper bound, the next day's
// start (the day is included). "" is no bound.
func parseDay(s string, upper bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return t, fmt.Errorf("%q is not a date YYYY-MM-DD", s)
	}
	if upper {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// ordersExportCommand is `orders export`.
func ordersExportCommand(h Host, with servicesRunner) *cobra.Command {
	var out, status string
	var withPNR bool
	c := &cobra.Command{
		Use:   "export --out FILE [--status S] [--with-personnummer]",
		Short: "Write orders as CSV (no photos; no personnummer unless asked for)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("orders export needs --out FILE")
			}
			st, err := parseOrderStatus(status)
			if err != nil {
				return err
			}
			return with(func(ctx context.Context, s Services, _ []string) error {
				return writeExport(out, h.Stdout, "order(s)", func(w io.Writer) (int, error) {
					return s.Exports.Orders(ctx, w, order.ListQuery{Status: st}, withPNR)
				})
			})(cmd, args)
		},
	}
	c.Flags().StringVar(&out, "out", "", "write to `FILE` (created 0600)")
	c.Flags().StringVar(&status, "status", "", "only orders with this status (ready, sent_to_nexus, ...)")
	c.Flags().BoolVar(&withPNR, "with-personnummer", false, "add personnummer, birth date and ID number (audited)")
	return c
}
