package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"id06desk/internal/order"
	"id06desk/internal/orders"
)

// OrderLister lists orders (the orders service).
type OrderLister interface {
	ListOrders(ctx context.Context, q order.ListQuery) (order.Page, error)
}

// OrderStatusRecorder records Nexus's answer for orders (the orders
// service).
type OrderStatusRecorder interface {
	RecordStatus(ctx context.Context, actor string, c orders.StatusChange) (int, error)
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
	RegisteredKiosk string       `json:"registeredKiosk,omitempty"`
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
	return group("orders", "The orders that came back from registration", list, ordersExportCommand(h, with), orderStatusCommand(h, with))
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

// orderStatusCommand records Nexus's answer for one order, through the
// same service (and rules) as the console.
func orderStatusCommand(h Host, with servicesRunner) *cobra.Command {
	var reason, date string
	var names []string
	for _, st := range orders.Recordable() {
		names = append(names, string(st))
	}
	c := &cobra.Command{
		Use:   "status ID STATUS [--reason TEXT] [--date YYYY-MM-DD]",
		Short: "Record Nexus's answer for an order: " + strings.Join(names, ", "),
		Long: `Record Nexus's answer for an order, as the Orders view does:
  rejected_by_nexus  Nexus refused it (--reason says why; required)
  in_production      Nexus is making the card
  delivered          the card was delivered (--date, default today)
  cancelled          the company withdraws the order (--reason optional)
The order's status must allow the move; otherwise nothing changes.`,
		Args: exactArgs(2, "give the order id and the new status"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st := order.Status(args[1])
			if !slices.Contains(orders.Recordable(), st) {
				return usagef("unknown status %q (one of %s)", args[1], strings.Join(names, ", "))
			}
			return with(func(ctx context.Context, s Services, _ []string) error {
				if s.OrderStatus == nil {
					return errors.New("orders are not available")
				}
				_, err := s.OrderStatus.RecordStatus(ctx, "", orders.StatusChange{IDs: []string{args[0]}, Status: st, Reason: reason, Date: date})
				if err != nil {
					return err
				}
				fmt.Fprintf(h.Stdout, "%s %s\n", args[0], st)
				return nil
			})(cmd, args)
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why Nexus rejected the order, or why it is cancelled")
	c.Flags().StringVar(&date, "date", "", "the delivery date, YYYY-MM-DD (delivered only; default today)")
	return c
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
				Industry: o.Industry, Status: o.Status, IdentityCheck: o.IdentityCheck, RegisteredAt: o.RegisteredAt, RegisteredWhere: o.RegisteredWhere,
				RegisteredKiosk: o.RegisteredKiosk})
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
		where := l.RegisteredWhere
		if l.RegisteredKiosk != "" {
			where += " " + l.RegisteredKiosk
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s (%s)\n", l.ID, l.Name, l.Email, l.CardType, l.Status, l.IdentityCheck,
			l.RegisteredAt.Local().Format("2006-01-02 15:04"), where)
	}
	return tw.Flush()
}
