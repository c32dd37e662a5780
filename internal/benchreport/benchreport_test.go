package benchreport

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdata/bench.txt is `go test -bench` output captured on the build
// machine (httpapi, the invitations benchmark failing as it did on main,
// startup), with sqlite and batches lines in the same format and values
// chosen to exercise each verdict, and a skipped benchmark.
func load(t *testing.T) ([]Row, *Results) {
	t.Helper()
	tf, err := os.Open("testdata/targets.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer tf.Close()
	targets, err := ParseTargets(tf)
	if err != nil {
		t.Fatal(err)
	}
	bf, err := os.Open("testdata/bench.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer bf.Close()
	res, err := ReadResults(bf)
	if err != nil {
		t.Fatal(err)
	}
	return Evaluate(targets, res), res
}

func TestVerdicts(t *testing.T) {
	rows, _ := load(t)
	type want struct {
		verdict string
		ratio   float64 // 0: no ratio
		value   float64 // the median, in the row's metric
	}
	wants := []want{
		{NotMet, 3145 / 2133.0, 3145},                       // window-ms against the same benchmark's baseline-ms: 1.47× > 1.4×
		{Reported, 3028 / 2133.0, 3028},                     // kiosk-ms: no target
		{NotRun, 0, 0},                                      // IdleMemory skipped
		{Met, (30505 + 67432) / (21635 + 11238.0), 48968.5}, // Health ns/op 2.98× <= 3×, median of 2 in ns
		{NotRun, 0, 0},                                      // invitations failed
		{Met, 420117 / 66011.0, 0.000420117},                // FirstPage < 50 ms
		{NotMet, 61000000 / 66011.0, 0.061},                 // Page100 61 ms
		{NotRun, 0, 0},                                      // Search not in the output
		{Met, 0.66 / 0.51, 0.66},                            // Batch300 < 3 s
		{Met, 0, 14.2},                                      // peak-heap-MB in the unit as reported (not benchfmt's tidied B)
		{NotRun, 0, 0},                                      // allocs/op not reported
		{NotRun, 0, 48968.5e-9},                             // baseline gone
	}
	if len(rows) != len(wants) {
		t.Fatalf("%d rows, want %d", len(rows), len(wants))
	}
	for i, w := range wants {
		r := rows[i]
		if r.Verdict != w.verdict {
			t.Errorf("line %d %s %s: verdict %q (%s), want %q", r.Line, r.Bench, r.Metric, r.Verdict, r.Cause, w.verdict)
		}
		if w.ratio == 0 && r.HasRatio || w.ratio != 0 && (!r.HasRatio || math.Abs(r.RatioValue-w.ratio) > 1e-9*w.ratio) {
			t.Errorf("line %d %s: ratio %v (%v), want %v", r.Line, r.Bench, r.RatioValue, r.HasRatio, w.ratio)
		}
		if w.value != 0 && math.Abs(r.Value-w.value) > 1e-3*w.value {
			t.Errorf("line %d %s: value %v, want %v", r.Line, r.Bench, r.Value, w.value)
		}
	}
	causes := map[int]string{2: "skipped", 4: "failed", 7: "not in the output", 10: "reported no allocs/op", 11: "baseline not in the output"}
	for i, c := range causes {
		if rows[i].Cause != c {
			t.Errorf("row %d (%s): cause %q, want %q", i, rows[i].Bench, rows[i].Cause, c)
		}
	}
}

func TestMarkdownListsEveryRowAndTheRest(t *testing.T) {
	rows, res := load(t)
	var out bytes.Buffer
	if err := WriteMarkdown(&out, rows, res); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if !strings.HasPrefix(lines[0], "| Benchmark | Baseline | Metric |") || !strings.HasPrefix(lines[1], "|---") {
		t.Fatalf("no table header:\n%s", s)
	}
	for _, want := range []string{
		"| startup.Startup | startup.Startup (baseline-ms) | window-ms | 3145 window-ms | 2133 baseline-ms | 1.47× | <= 1.4x | **no** | window start |",
		"| startup.IdleMemory/Window | startup.IdleMemory/Baseline | tree-PSS-MB | – | – | – | – | not run (skipped) | skipped here |",
		"| invitations.Invite1000/EndToEnd | invitations.Invite1000/RawSMTP | mails/s | – | – | – | >= 0.5x | not run (failed) | failed here |",
		"| sqlite.List100k/FirstPage | sqlite.List100k/BaselinePage | sec/op | 420 µs | 66.0 µs | 6.36× | < 0.05 | yes | first page |",
		"| batches.Batch300 | – | peak-heap-MB | 14.2 peak-heap-MB | – | – | <= 20 | yes | memory flat |",
	} {
		if !strings.Contains(s, want+"\n") {
			t.Errorf("missing row\n%s\nin\n%s", want, s)
		}
	}
	if n := strings.Count("\n"+s, "\n| "); n != 1+12 { // header + one line per target
		t.Errorf("%d table lines, want 13:\n%s", n, s)
	}
	if !strings.Contains(s, "\nAlso measured, without a row in the targets file: sqlite.List100k/Status.\n") {
		t.Errorf("sqlite.List100k/Status ran without a row and is not listed:\n%s", s)
	}
	// Every benchmark that ran is named somewhere: in a row or in the list.
	for _, n := range res.Names() {
		if !strings.Contains(s, n) {
			t.Errorf("%s ran but is not in the report", n)
		}
	}
}

func TestParseTargetsRejects(t *testing.T) {
	for _, bad := range []string{
		"a.B | - | sec/op | <= 1.5x\n",                      // 4 fields
		"a.B | - | sec/op | <= 1.5x | ratio, no baseline\n", // ratio without baseline
		"a.B | a.C | sec/op | 1.5x | no operator\n",
		"a.B | a.C | sec/op | <= fast | not a number\n",
		"B | - | sec/op | - | no package\n",
		"a.B | - | sec/op | - |\n", // no why
		"a.B | - | sec/op | - | one\na.B | - | sec/op | - | twice\n",
	} {
		if _, err := ParseTargets(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// TestCommittedTargets: the targets file make bench uses parses, and every
// benchmark it names exists in the code (a renamed benchmark would
// otherwise sit in the table as "not run" for ever).
func TestCommittedTargets(t *testing.T) {
	f, err := os.Open("targets.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	targets, err := ParseTargets(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) < 10 {
		t.Fatalf("%d targets", len(targets))
	}
	for _, tg := range targets {
		for _, name := range []string{tg.Bench, tg.Baseline} {
			if name == "" {
				continue
			}
			if err := benchmarkExists("../..", name); err != nil {
				t.Errorf("targets.txt line %d: %v", tg.Line, err)
			}
		}
	}
}

// benchmarkExists checks that internal/<package> has func Benchmark<Name>
// and that each sub-benchmark's name appears in its test files.
func benchmarkExists(root, name string) error {
	pkg, full, _ := strings.Cut(name, ".")
	parts := strings.Split(full, "/")
	files, err := filepath.Glob(filepath.Join(root, "internal", pkg, "*_test.go"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("%s: no test files in internal/%s", name, pkg)
	}
	var src strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		src.Write(b)
	}
	s := src.String()
	if !strings.Contains(s, "func Benchmark"+parts[0]+"(") {
		return fmt.Errorf("%s: no func Benchmark%s in internal/%s", name, parts[0], pkg)
	}
	for _, sub := range parts[1:] {
		if !strings.Contains(s, sub+`"`) {
			return fmt.Errorf("%s: no sub-benchmark named %q in internal/%s", name, sub, pkg)
		}
	}
	return nil
}
