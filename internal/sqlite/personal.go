package sqlite

import (
	"context"
	"fmt"
	"sort"
)

// personalColumns are the stored values that identify a person or open
// their registration: what must never reach a log (the tests that read
// the logs look for each of them).
var personalColumns = []string{
	`SELECT email FROM invitations`,
	`SELECT name FROM invitations`,
	`SELECT token FROM invitations`,
	`SELECT code FROM invitations`,
	`SELECT first_name FROM orders`,
	`SELECT last_name FROM orders`,
	`SELECT personnummer FROM orders`,
	`SELECT id_number FROM orders`,
	`SELECT email FROM orders`,
	`SELECT phone FROM orders`,
	`SELECT json_extract(data, '$.personal.firstName') FROM registration_drafts`,
	`SELECT json_extract(data, '$.personal.lastName') FROM registration_drafts`,
	`SELECT json_extract(data, '$.personal.personnummer') FROM registration_drafts`,
	`SELECT json_extract(data, '$.personal.idNumber') FROM registration_drafts`,
	`SELECT json_extract(data, '$.personal.phone') FROM registration_drafts`,
}

// PersonalValues returns every distinct, non-empty personal value the
// database holds: the invitations' e-mail addresses, names, tokens and
// codes, and the orders' and registration drafts' names, personnummer, ID
// numbers, e-mail addresses and phone numbers. For the tests that check
// that none of them is logged.
func (db *DB) PersonalValues(ctx context.Context) ([]string, error) {
	seen := map[string]bool{}
	for _, q := range personalColumns {
		rows, err := db.reader.QueryContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("personal values (%s): %w", q, err)
		}
		for rows.Next() {
			var v *string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, fmt.Errorf("personal values (%s): %w", q, err)
			}
			if v != nil && *v != "" {
				seen[*v] = true
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("personal values (%s): %w", q, err)
		}
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out, nil
}
