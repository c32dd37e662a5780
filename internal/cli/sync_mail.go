package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"id06desk/internal/i18n"
	"id06desk/internal/mailsync"
)

// syncRunCommand is `sync run`: one mail round now, then the outbox sends
// what waits (the command has no background jobs).
func syncRunCommand(h Host, with servicesRunner) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "run [--json]",
		Short: "One mail sync round now: send what waits, collect what arrived; prints what it did",
		Long: `Runs one round of sync by mail at once, as the running app does every
sync.poll_minutes. On a paired kiosk: sealed registrations not yet mailed
(or not acknowledged within sync.resend_hours) are mailed to the console as
bundles, then the kiosk's mailbox is read for site packs. On the console:
the sync mailbox is read for bundles (sync.transport imap), then each kiosk
with a mailbox gets a site pack if what it should know changed. Then the
outbox sends what waits.`,
		Args: noArgs,
		RunE: with(func(ctx context.Context, s Services, _ []string) error {
			if s.SyncRound == nil || s.Outbox == nil {
				return errors.New("sync by mail is not available here")
			}
			r, err := s.SyncRound(ctx)
			if err != nil {
				return plain(err)
			}
			sent, err := s.Outbox.Flush(ctx)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSONTo(h.Stdout, map[string]any{"round": r, "outbox": map[string]int{
					"sent": sent.Sent, "retry": sent.Retrying, "failed": sent.Failed}})
			}
			printRound(h.Stdout, r)
			fmt.Fprintf(h.Stdout, "outbox: %d sent, %d to retry, %d failed\n", sent.Sent, sent.Retrying, sent.Failed)
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printRound(w io.Writer, r any) {
	switch r := r.(type) {
	case *mailsync.KioskRound:
		if !r.Paired {
			fmt.Fprintln(w, "not paired with a console: nothing to sync")
			return
		}
		if r.SendConfigured {
			fmt.Fprintf(w, "queued %d bundle mails with %d registrations\n", r.BundlesQueued, r.Registrations)
		}
		if r.CollectConfigured {
			fmt.Fprintf(w, "mailbox: %d mails, %d site packs applied, %d refused\n", r.MailsSeen, r.PacksApplied, r.MailsRefused)
		}
		printProblems(w, r.Problems)
	case *mailsync.ConsoleRound:
		fmt.Fprintf(w, "transport %s\n", r.Transport)
		if r.Transport == "imap" {
			fmt.Fprintf(w, "mailbox: %d mails, %d bundles imported (%d registrations applied), %d refused\n",
				r.MailsSeen, r.BundlesImported, r.Applied, r.MailsRefused)
		}
		fmt.Fprintf(w, "queued %d site pack mails\n", r.PacksQueued)
		printProblems(w, r.Problems)
	}
}

func printProblems(w io.Writer, ps []mailsync.Problem) {
	for _, p := range ps {
		fmt.Fprintf(w, "problem: %s\n", problemIn(p))
	}
}

// problemIn is a problem's sentence in the locale's language (inLang).
func problemIn(p mailsync.Problem) string { return inLang(p.SV, p.EN) }

// inLang picks the sentence in the locale's language (cliLang) from a
// Swedish and an English one, the other when that one is missing.
func inLang(sv, en string) string {
	if cliLang() == i18n.SV && sv != "" || en == "" {
		return sv
	}
	return en
}

func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// printMailStatus prints the mail transport part of `sync status`.
func printMailStatus(w io.Writer, m any) {
	switch m := m.(type) {
	case *mailsync.KioskStatus:
		fmt.Fprintf(w, "mail: sending %s (to %s), mailbox %s; last round %s, last bundle mail %s (%d registrations), last site pack by mail %s\n",
			onOff(m.SendConfigured), orNone(m.SyncAddress), onOff(m.CollectConfigured), when(m.LastRoundAt), when(m.LastQueuedAt),
			m.LastQueuedCount, when(m.LastPackMailAt))
		fmt.Fprintf(w, "outbox: %d waiting, %d failed\n", m.OutboxPending, m.OutboxFailed)
		if m.OutboxError != nil {
			fmt.Fprintf(w, "last send error: %s %s\n", m.OutboxError.Code, m.OutboxError.Detail)
		}
		if m.Problem != nil {
			fmt.Fprintf(w, "last problem: %s\n", problemIn(*m.Problem))
		}
	case *mailsync.ConsoleStatus:
		fmt.Fprintf(w, "mail: transport %s, sync address %s, mailbox %s", m.Transport, orNone(m.SyncAddress), onOff(m.IMAPConfigured))
		if m.Transport == "receiver" {
			fmt.Fprintf(w, ", receiver %s", onOff(m.Receiver.Running))
			if m.Receiver.Addr != "" {
				fmt.Fprintf(w, " on %s", m.Receiver.Addr)
			}
		}
		fmt.Fprintf(w, "; last round %s\n", when(m.LastRoundAt))
		for _, k := range m.Kiosks {
			silent := ""
			if k.Silent {
				silent = " SILENT"
			}
			fmt.Fprintf(w, "  kiosk %s: mailbox %s, last mail %s, last site pack mailed %s, %d waiting%s\n",
				k.ID, orNone(k.MailAddress), when(k.LastMailAt), when(k.LastPackMailedAt), k.PacksWaiting, silent)
			if k.LastMailError != nil {
				fmt.Fprintf(w, "    last error: %s\n", problemIn(*k.LastMailError))
			}
		}
		for _, e := range m.Mails {
			line := fmt.Sprintf("  mail %s via %s %s: %s", when(e.At), e.Via, e.KioskName, e.Verdict)
			if e.Problem != nil {
				line += " — " + problemIn(*e.Problem)
			}
			fmt.Fprintln(w, line)
		}
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
