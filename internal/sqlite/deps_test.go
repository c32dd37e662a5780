package sqlite_test

import (
	"go/build"
	"sort"
	"strings"
	"testing"
)

// Storage persists; the rules live in the services. So internal/sqlite
// depends, inside the module, only on domain packages: types, errors and
// the ports it implements, never on a service (registration, invitations,
// orders, housekeeping, ...), which could tempt it to decide.
var domainPackages = map[string]string{
	"id06desk/internal/audit":      "the audit log's entry",
	"id06desk/internal/health":     "the database status /api/health reports",
	"id06desk/internal/i18n":       "the messages domain errors carry (invite's)",
	"id06desk/internal/identity":   "identity rules the domain types use (invite's org-number check shares its Luhn)",
	"id06desk/internal/lifecycle":  "the status transition table type invite and order keep their tables in",
	"id06desk/internal/invite":     "invitation types, statuses and their one table",
	"id06desk/internal/kioskstate": "an offline kiosk's sync state, queue and site pack changes (imports audit and invite only)",
	"id06desk/internal/order":      "order types, statuses and their one table",
	"id06desk/internal/nexus":      "the Nexus batch type and its import profile (imports order and i18n only)",
	"id06desk/internal/outbox":     "the mail queue's Message and Outcome and the Store port sqlite implements (imports nothing of the app)",
	"id06desk/internal/pairing":    "the console's records of offline kiosks (kiosks, received registrations, refusals, conflicts)",
}

func TestStorageImportsOnlyDomainPackages(t *testing.T) {
	ctx := build.Default
	seen := map[string]bool{}
	var walk func(path, dir string)
	walk = func(path, dir string) {
		if seen[path] {
			return
		}
		seen[path] = true
		pkg, err := ctx.Import(path, dir, 0)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		for _, imp := range pkg.Imports {
			if strings.HasPrefix(imp, "id06desk/") {
				walk(imp, pkg.Dir)
			}
		}
	}
	walk("id06desk/internal/sqlite", ".")
	var bad []string
	for p := range seen {
		if _, ok := domainPackages[p]; !ok && p != "id06desk/internal/sqlite" {
			bad = append(bad, p)
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Fatalf("internal/sqlite depends on %v: storage may import only domain packages (%v)", bad, keys(domainPackages))
	}
	if len(seen) < 2 {
		t.Fatalf("walked %v: the import graph was not read", seen)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, strings.TrimPrefix(k, "id06desk/internal/"))
	}
	sort.Strings(out)
	return out
}
