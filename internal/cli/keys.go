package cli

import (
	"fmt"
	"io"
)

// runKeys is `keys list` and `keys rotate`: the Ed25519 keys that sign
// invitation links. Rotating makes a new signing key; links signed with the
// old ones keep working, and a running app picks the new key up by itself.
func runKeys(s Services, args []string, stdout io.Writer) error {
	if len(args) != 1 || (args[0] != "list" && args[0] != "rotate") {
		return fmt.Errorf("%w: keys list | keys rotate", ErrUsage)
	}
	if args[0] == "rotate" {
		if err := s.Keys.Rotate(); err != nil {
			return fmt.Errorf("rotate the signing key: %w", err)
		}
		fmt.Fprintf(stdout, "new signing key %s; links signed with earlier keys keep working\n", s.Keys.ActiveKeyID())
		return nil
	}
	active := s.Keys.ActiveKeyID()
	for _, k := range s.Keys.PublicKeys() {
		mark := ""
		if k.KeyID == active {
			mark = "  (signs new invitations)"
		}
		fmt.Fprintf(stdout, "%s%s\n", k.KeyID, mark)
	}
	return nil
}
