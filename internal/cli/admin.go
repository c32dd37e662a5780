package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"id06desk/internal/audit"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"id06desk/internal/adminauth"
)

// adminCommand is `admin password` and `admin pin`. The secret is read
// before the data folder is opened: a missing one changes nothing.
func adminCommand(h Host, open func() (Services, func(), error)) *cobra.Command {
	secretCommand := func(use, short, what string, set func(ctx context.Context, s Services, secret string) error) *cobra.Command {
		var fromStdin bool
		c := &cobra.Command{
			Use:   use + " [--stdin]",
			Short: short,
			Args:  noArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				secret, err := readSecret(what, fromStdin, h.Stdin, h.Stderr)
				if err != nil {
					return err
				}
				s, closeFn, err := open()
				if err != nil {
					return err
				}
				defer closeFn()
				return set(audit.WithActor(cmd.Context(), CLIActor()), s, secret)
			},
		}
		c.Flags().BoolVar(&fromStdin, "stdin", false, "read one line from standard input instead of asking twice")
		return c
	}
	password := secretCommand("password", `Set the admin password used by "serve"`, "admin password",
		func(ctx context.Context, s Services, pw string) error {
			if err := s.Admin.SetPassword(ctx, pw); err != nil {
				if errors.Is(err, adminauth.ErrWeakPassword) {
					return fmt.Errorf("%v; nothing was changed", err)
				}
				return err
			}
			fmt.Fprintln(h.Stdout, "Admin password set. Existing admin sessions were logged out.")
			return nil
		})
	pin := secretCommand("pin", "Set the PIN that leaves kiosk mode (4–12 digits)", "kiosk PIN (4–12 digits)",
		func(ctx context.Context, s Services, pin string) error {
			if err := s.PIN.Set(pin); err != nil {
				return fmt.Errorf("%v; nothing was changed", err)
			}
			if s.Audit != nil {
				_ = s.Audit.Audit(ctx, "", audit.KioskPINSet, "", "")
			}
			fmt.Fprintln(h.Stdout, "Kiosk PIN set.")
			return nil
		})
	return group("admin", "Set the admin password or the kiosk PIN", password, pin)
}

// readSecret reads a new password or PIN: twice without echo from a
// terminal, or one line from standard input (--stdin, or not a terminal).
func readSecret(what string, fromStdin bool, stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && !fromStdin && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(stderr, "New %s: ", what)
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Repeat it: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", fmt.Errorf("the two entries differ; nothing was changed")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("no %s on standard input; nothing was changed", what)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
