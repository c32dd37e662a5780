// Package cli holds the scripted commands (`settings`, `invite`, `outbox`,
// `orders`, `keys`).
// They follow the same rules as the UI because they call the same services;
// main.go builds those services and hands them over.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"id06desk/internal/invitations"
	"id06desk/internal/outbox"
	"id06desk/internal/settings"
	"id06desk/internal/token"
)

// Services are what the commands use.
type Services struct {
	Settings    *settings.Service
	Invitations *invitations.Service
	Outbox      *outbox.Worker
	Orders      OrderLister
	Keys        *token.KeyRing
}

// ErrUsage marks a command line that is wrong (exit code 2).
var ErrUsage = errors.New("usage")

// Run runs args (starting with the command name). Register is called on
// every flag set so global flags (--data-dir) work after the command too.
func Run(ctx context.Context, s Services, args []string, register func(*flag.FlagSet), stdout, stderr io.Writer) error {
	switch args[0] {
	case "settings":
		return runSettings(ctx, s, args[1:], stdout)
	case "invite":
		return runInvite(ctx, s, args[1:], register, stdout, stderr)
	case "outbox":
		return runOutbox(ctx, s, args[1:], register, stdout)
	case "orders":
		return runOrders(ctx, s, args[1:], register, stdout)
	case "keys":
		return runKeys(s, args[1:], stdout)
	}
	return fmt.Errorf("%w: unknown command %q", ErrUsage, args[0])
}

func runSettings(ctx context.Context, s Services, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: settings get [KEY] | settings set KEY=VALUE...", ErrUsage)
	}
	switch args[0] {
	case "get":
		v, err := s.Settings.Load(ctx)
		if err != nil {
			return err
		}
		pub := v.Public()
		if len(args) > 1 {
			for _, k := range args[1:] {
				if _, ok := settings.Lookup(k); !ok {
					return fmt.Errorf("%w: unknown setting %q; known settings: %s", ErrUsage, k, strings.Join(settings.Keys(), ", "))
				}
				fmt.Fprintln(stdout, pub[k])
			}
			return nil
		}
		keys := settings.Keys()
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(stdout, "%s=%s\n", k, pub[k])
		}
		return nil
	case "set":
		if len(args) < 2 {
			return fmt.Errorf("%w: settings set KEY=VALUE...", ErrUsage)
		}
		changes := map[string]string{}
		for _, a := range args[1:] {
			k, v, ok := strings.Cut(a, "=")
			if !ok {
				return fmt.Errorf("%w: %q is not KEY=VALUE", ErrUsage, a)
			}
			changes[k] = v
		}
		if err := s.Settings.Set(ctx, "cli", changes); err != nil {
			var fe settings.Errors
			if errors.As(err, &fe) {
				return fmt.Errorf("nothing was changed: %w", err)
			}
			return err
		}
		fmt.Fprintf(stdout, "Saved %d setting(s).\n", len(changes))
		return nil
	}
	return fmt.Errorf("%w: settings get [KEY] | settings set KEY=VALUE...", ErrUsage)
}

func runInvite(ctx context.Context, s Services, args []string, register func(*flag.FlagSet), stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("invite", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	register(fs)
	email := fs.String("email", "", "")
	cardType := fs.String("card-type", "", "")
	industry := fs.String("industry", "", "")
	lang := fs.String("lang", "", "")
	csvFile := fs.String("csv", "", "")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	var rows []invitations.Row
	switch {
	case *email != "" && *csvFile == "":
		rows = []invitations.Row{{Email: *email, CardType: *cardType, Industry: *industry, Language: *lang}}
	case *csvFile != "" && *email == "":
		f, err := os.Open(*csvFile)
		if err != nil {
			return fmt.Errorf("read CSV: %w", err)
		}
		var lineErrs []invitations.LineError
		rows, lineErrs = invitations.ParseCSV(f)
		f.Close()
		if len(lineErrs) > 0 {
			for _, e := range lineErrs {
				fmt.Fprintf(stderr, "%s line %d: %s\n", *csvFile, e.Line, e.Message)
			}
			return errors.New("the CSV file has errors; nothing was sent")
		}
	default:
		return fmt.Errorf("%w: invite --email E [--card-type T] [--industry I] [--lang sv|en], or invite --csv FILE", ErrUsage)
	}
	created, err := s.Invitations.Create(ctx, "cli", rows, true)
	var bad *invitations.InvalidRowsError
	if errors.As(err, &bad) {
		for _, r := range bad.Rows {
			for field, fe := range r.Errors {
				fmt.Fprintf(stderr, "row %d (%s): %s: %s\n", r.Index+1, rows[r.Index].Email, field, fe.Message)
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

func runOutbox(ctx context.Context, s Services, args []string, register func(*flag.FlagSet), stdout io.Writer) error {
	if len(args) == 0 || args[0] != "flush" {
		return fmt.Errorf("%w: outbox flush [--timeout 60s]", ErrUsage)
	}
	fs := flag.NewFlagSet("outbox flush", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	register(fs)
	timeout := fs.Duration("timeout", 60*time.Second, "")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
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
		return fmt.Errorf("%d mail(s) not delivered: %s", res.Failed+res.Retrying, st.LastError)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("stopped after %s with mail still waiting", *timeout)
	}
	return nil
}
