package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// keysCommand is `keys list` and `keys rotate`: the Ed25519 keys that sign
// invitation links. Rotating makes a new signing key; links signed with the
// old ones keep working, and a running app picks the new key up by itself.
func keysCommand(h Host, with servicesRunner) *cobra.Command {
	list := &cobra.Command{
		Use:   "list",
		Short: "List the keys that sign invitation links",
		Args:  noArgs,
		RunE: with(func(_ context.Context, s Services, _ []string) error {
			active := s.Keys.ActiveKeyID()
			for _, k := range s.Keys.PublicKeys() {
				mark := ""
				if k.KeyID == active {
					mark = "  (signs new invitations)"
				}
				fmt.Fprintf(h.Stdout, "%s%s\n", k.KeyID, mark)
			}
			return nil
		}),
	}
	rotate := &cobra.Command{
		Use:   "rotate",
		Short: "Make a new signing key; links signed with earlier keys keep working",
		Args:  noArgs,
		RunE: with(func(_ context.Context, s Services, _ []string) error {
			if err := s.Keys.Rotate(); err != nil {
				return fmt.Errorf("rotate the signing key: %w", err)
			}
			fmt.Fprintf(h.Stdout, "new signing key %s; links signed with earlier keys keep working\n", s.Keys.ActiveKeyID())
			return nil
		}),
	}
	return group("keys", "The keys that sign invitation links", list, rotate)
}
