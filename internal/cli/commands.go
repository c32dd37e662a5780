package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"id06desk/internal/i18n"
	"id06desk/internal/invitations"
	"id06desk/internal/settings"
	"id06desk/internal/smtpout"
)

func settingsCommand(h Host, with servicesRunner) *cobra.Command {
	get := &cobra.Command{
		Use:   "get [KEY...]",
		Short: "Show settings (secrets are never shown)",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, k := range args {
				if _, ok := settings.Lookup(k); !ok {
					return usagef("unknown setting %q; known settings: %s", k, strings.Join(settings.Keys(), ", "))
				}
			}
			return with(func(ctx context.Context, s Services, args []string) error {
				return settingsGet(ctx, s, args, h.Stdout)
			})(cmd, args)
		},
	}
	set := &cobra.Command{
		Use:   "set KEY=VALUE...",
		Short: "Change settings (all or nothing)",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("settings set KEY=VALUE...")
			}
			for _, a := range args {
				if !strings.Contains(a, "=") {
					return usagef("%q is not KEY=VALUE", a)
				}
			}
			return nil
		},
		RunE: with(func(ctx context.Context, s Services, args []string) error {
			return settingsSet(ctx, s, args, h.Stdout)
		}),
	}
	return group("settings", "Show or change settings", get, set)
}

func settingsGet(ctx context.Context, s Services, keys []string, stdout io.Writer) error {
	v, err := s.Settings.Load(ctx)
	if err != nil {
		return err
	}
	pub := v.Public()
	if len(keys) > 0 {
		for _, k := range keys {
			fmt.Fprintln(stdout, pub[k])
		}
		return nil
	}
	all := settings.Keys()
	sort.Strings(all)
	for _, k := range all {
		fmt.Fprintf(stdout, "%s=%s\n", k, pub[k])
	}
	return nil
}

func settingsSet(ctx context.Context, s Services, args []string, stdout io.Writer) error {
	changes := map[string]string{}
	for _, a := range args {
		k, v, _ := strings.Cut(a, "=")
		changes[k] = v
	}
	if err := s.Settings.Set(ctx, "", changes); err != nil {
		var fe settings.Errors
		if errors.As(err, &fe) {
			return fmt.Errorf("nothing was changed: %w", err)
		}
		return err
	}
	fmt.Fprintf(stdout, "Saved %d setting(s).\n", len(changes))
	return nil
}

func inviteCommand(h Host, with servicesRunner) *cobra.Command {
	var row invitations.Row
	var csvFile string
	c := &cobra.Command{
		Use:   "invite (--email E [--card-type T] [--industry I] [--lang sv|en] | --csv FILE)",
		Short: `Queue invitations; prints "<id> <code> <link>" per line`,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (row.Email == "") == (csvFile == "") {
				return usagef("invite --email E [--card-type T] [--industry I] [--lang sv|en], or invite --csv FILE")
			}
			return with(func(ctx context.Context, s Services, _ []string) error {
				return invite(ctx, s, row, csvFile, h.Stdout, h.Stderr)
			})(cmd, args)
		},
	}
	c.Flags().StringVar(&row.Email, "email", "", "the cardholder's email address")
	c.Flags().StringVar(&row.CardType, "card-type", "", "card type code (default: the company's default)")
	c.Flags().StringVar(&row.Industry, "industry", "", "industry code")
	c.Flags().StringVar(&row.Language, "lang", "", "language of the mail: sv or en")
	c.Flags().StringVar(&csvFile, "csv", "", "invite everyone in this CSV `FILE` (columns email, card_type, industry, language, name)")
	c.AddCommand(&cobra.Command{
		Use:   "revoke ID...",
		Short: "Revoke invitations: their links and codes stop working (a paired kiosk learns it with its next site pack)",
		Args:  cobra.MinimumNArgs(1),
		RunE: with(func(ctx context.Context, s Services, args []string) error {
			for _, id := range args {
				if err := s.Invitations.Revoke(ctx, "", id); err != nil {
					return fmt.Errorf("revoke %s: %w", id, err)
				}
				fmt.Fprintf(h.Stdout, "Revoked %s.\n", id)
			}
			return nil
		}),
	})
	return c
}

func invite(ctx context.Context, s Services, one invitations.Row, csvFile string, stdout, stderr io.Writer) error {
	rows := []invitations.Row{one}
	if csvFile != "" {
		f, err := os.Open(csvFile)
		if err != nil {
			return fmt.Errorf("read CSV: %w", err)
		}
		var lineErrs []invitations.LineError
		rows, lineErrs = invitations.ParseCSV(f)
		f.Close()
		if len(lineErrs) > 0 {
			for _, e := range lineErrs {
				fmt.Fprintf(stderr, "%s line %d: %s\n", csvFile, e.Line, e.Msg)
			}
			return errors.New("the CSV file has errors; nothing was sent")
		}
	}
	created, err := s.Invitations.Create(ctx, "", rows, true)
	var bad *invitations.InvalidRowsError
	if errors.As(err, &bad) {
		for _, r := range bad.Rows {
			for field, fe := range r.Errors {
				fmt.Fprintf(stderr, "row %d (%s): %s: %s\n", r.Index+1, rows[r.Index].Email, field, fe.Msg)
			}
		}
		return errors.New("some rows need fixing; nothing was sent")
	}
	if err != nil {
		return err
	}
	for _, c := range created {
		fmt.Fprintf(stdout, "%s %s %s\n", c.ID, c.Code, c.Link)
	}
	return nil
}

func outboxCommand(h Host, with servicesRunner) *cobra.Command {
	var timeout time.Duration
	flush := &cobra.Command{
		Use:   "flush",
		Short: "Deliver every waiting mail now",
		Args:  noArgs,
		RunE: with(func(ctx context.Context, s Services, _ []string) error {
			return outboxFlush(ctx, s, timeout, h.Stdout)
		}),
	}
	flush.Flags().DurationVar(&timeout, "timeout", 60*time.Second, "give up after this long")
	return group("outbox", "The mails waiting to be sent", flush)
}

func outboxFlush(ctx context.Context, s Services, timeout time.Duration, stdout io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := s.Outbox.Flush(ctx)
	if res.NotConfigured {
		return errors.New("no mail server is set up: id06desk settings set smtp.host=… smtp.from=…")
	}
	st, _ := s.Outbox.Status(context.Background())
	fmt.Fprintf(stdout, "sent %d, retrying %d, failed %d, still waiting %d\n", res.Sent, res.Retrying, res.Failed, st.Pending)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if res.Failed > 0 || res.Retrying > 0 {
		why := smtpout.FailureMessage(st.LastError).In(i18n.EN)
		if st.LastError.Detail != "" {
			why += " (" + st.LastError.Detail + ")"
		}
		return fmt.Errorf("%d mail(s) not delivered: %s", res.Failed+res.Retrying, why)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("stopped after %s with mail still waiting", timeout)
	}
	return nil
}
