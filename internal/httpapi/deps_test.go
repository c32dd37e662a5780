package httpapi_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The API talks to storage through its own Store interfaces and domain
// types (audit.Entry, health.Database): it never imports the SQLite
// package, directly or through another package, so that storage can change
// behind the services. (Its tests may: they run on a real database.)
func TestHTTPAPIDoesNotImportSQLite(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 {
		t.Fatalf("go list gave too few packages: %v", deps)
	}
	for _, d := range deps {
		if d == "id06desk/internal/sqlite" || strings.HasPrefix(d, "id06desk/internal/sqlite/") {
			t.Errorf("httpapi depends on %s", d)
		}
	}
}
