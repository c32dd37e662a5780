package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"id06desk/internal/batches"
	"id06desk/internal/i18n"
)

// BatchSender sends orders to Nexus (the batches service).
type BatchSender interface {
	Send(ctx context.Context, r batches.Request) ([]batches.Sent, error)
}

func nexusCommand(h Host, with servicesRunner) *cobra.Command {
	var ids []string
	var out string
	batch := &cobra.Command{
		Use:   "batch [--order ID]... [--out DIR]",
		Short: "Send ready orders to Nexus as batches (all ready orders when none are named)",
		Long: `Send ready orders to Nexus: one import zip (Excel file + one photo per
row) per 300 orders, with a summary page, delivered as Settings → Nexus
says (a folder, or mail through the outbox). --out DIR saves the files
in DIR instead. The orders become "sent to Nexus" with their batch id.
The files hold personal data in clear (identity numbers and photos):
upload them to Nexus's order portal, then delete them.`,
		Args: noArgs,
		RunE: with(func(ctx context.Context, s Services, _ []string) error {
			return nexusBatch(ctx, s, ids, out, h.Stdout)
		}),
	}
	batch.Flags().StringArrayVar(&ids, "order", nil, "an order to send (repeat for several)")
	batch.Flags().StringVar(&out, "out", "", "save the files in this folder (whatever the delivery setting)")
	return group("nexus", "Send orders to Nexus", batch)
}

func nexusBatch(ctx context.Context, s Services, ids []string, out string, stdout io.Writer) error {
	if s.Batches == nil {
		return errors.New("sending to Nexus is not available here")
	}
	if out != "" {
		abs, err := filepath.Abs(out)
		if err != nil {
			return fmt.Errorf("--out %s: %w", out, err)
		}
		out = abs
	}
	sent, err := s.Batches.Send(ctx, batches.Request{Actor: "cli", OrderIDs: ids, Folder: out})
	for _, b := range sent {
		fmt.Fprintf(stdout, "batch %s: %d orders\n", b.Batch.ID, b.Batch.OrderCount)
		for _, f := range b.Files {
			fmt.Fprintf(stdout, "  %s\n", f)
		}
		if b.Batch.MailCount > 0 {
			fmt.Fprintf(stdout, "  queued %d mail(s) to %s; they go out with the running app or `id06desk outbox flush`\n", b.Batch.MailCount, b.Batch.MailedTo)
		}
	}
	if err != nil {
		var ie *i18n.Error
		var msg interface{ Msg() i18n.Message }
		switch {
		case errors.As(err, &msg):
			return errors.New(msg.Msg().In(i18n.EN))
		case errors.As(err, &ie):
			return errors.New(ie.Msg.In(i18n.EN))
		}
		return err
	}
	if len(sent) > 0 {
		fmt.Fprintln(stdout, "The files hold personal data in clear: upload them to Nexus, then delete them.")
	}
	return nil
}
