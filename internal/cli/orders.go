package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"id06desk/internal/order"
)

// OrderLister lists orders (the orders service).
type OrderLister interface {
	ListOrders(ctx context.Context, q order.ListQuery) (order.Page, error)
}

// orderLine is one order in `orders list --json`: the console's list fields,
// no identity numbers.
type orderLine struct {
	ID              string       `json:"id"`
	Name            string       `json:"name"`
	Email           string       `json:"email"`
	CardType        string       `json:"cardType"`
	Industry        string       `json:"industry,omitempty"`
	Status          order.Status `json:"status"`
	IdentityCheck   string       `json:"identityCheck"`
	RegisteredAt    time.Time    `json:"registeredAt"`
	RegisteredWhere string       `json:"registeredWhere"`
}

func ordersCommand(h Host, with servicesRunner) *cobra.Command {
	var status string
	var asJSON bool
	list := &cobra.Command{
		Use:   "list [--status S] [--json]",
		Short: "List orders, newest first",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := parseOrderStatus(status)
			if err != nil {
				return err
			}
			return with(func(ctx context.Context, s Services, _ []string) error {
				return listOrders(ctx, s, st, asJSON, h.Stdout)
			})(cmd, args)
		},
	}
	list.Flags().StringVar(&status, "status", "", "only orders with this status (ready, sent_to_nexus, ...)")
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	return group("orders", "The orders that came back from registration", list, ordersExportCommand(h, with))
}

// parseOrderStatus reads a --status flag ("" : any).
func parseOrderStatus(status string) (order.Status, error) {
	st := order.Status(status)
	if st != "" && !st.Valid() {
		var names []string
		for _, v := range order.Statuses() {
			names = append(names, string(v))
		}
		return "", usagef("unknown status %q (one of %s)", status, strings.Join(names, ", "))
	}
	return st, nil
}

// listOrders prints every order with status st (all when empty), newest
// first.
func listOrders(ctx context.Context, s Services, st order.Status, asJSON bool, stdout io.Writer) error {
	var lines []orderLine
	for page := 1; ; page++ {
		p, err := s.Orders.ListOrders(ctx, order.ListQuery{Status: st, Page: page, PageSize: 500})
		if err != nil {
			return err
		}
		for _, o := range p.Items {
			lines = append(lines, orderLine{ID: o.ID, Name: o.FirstName + " " + o.LastName, Email: o.Email, CardType: o.CardType,
				Industry: o.Industry, Status: o.Status, IdentityCheck: o.IdentityCheck, RegisteredAt: o.RegisteredAt, RegisteredWhere: o.RegisteredWhere})
		}
		if page*p.PageSize >= p.Total {
			break
		}
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if lines == nil {
			lines = []orderLine{}
		}
		return enc.Encode(lines)
	}
	if len(lines) == 0 {
		fmt.Fprintln(stdout, "No orders.")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tEMAIL\tCARD TYPE\tSTATUS\tIDENTITY CHECK\tREGISTERED")
	for _, l := range lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s (%s)\n", l.ID, l.Name, l.Email, l.CardType, l.Status, l.IdentityCheck,
			l.RegisteredAt.Local().Format("2006-01-02 15:04"), l.RegisteredWhere)
	}
	return tw.Flush()
}
