//go:build !production || e2e

package cli

import (
	"encoding/json"

	"github.com/spf13/cobra"
)

func init() {
	extraCommands = append(extraCommands, personalDataCommand)
}

// personalDataCommand prints every personal value the data folder holds
// (sqlite's PersonalValues) as a JSON array: the end-to-end harness
// (frontend/e2e/backend.mjs) looks for each in the logs after a spec.
// Hidden, and not in the shipped binary (-tags production without e2e).
func personalDataCommand(h Host, g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:    "personal-data",
		Short:  "print the personal values stored (for the log checks of the tests)",
		Hidden: true,
		Args:   noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := openApp(h, *g, false)
			if err != nil {
				return err
			}
			defer a.Close()
			v, err := a.DB.PersonalValues(cmd.Context())
			if err != nil {
				return err
			}
			if v == nil {
				v = []string{}
			}
			return json.NewEncoder(h.Stdout).Encode(v)
		},
	}
}
