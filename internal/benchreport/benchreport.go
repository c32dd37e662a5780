// Package benchreport turns `go test -bench` output into the one table
// `make bench` prints (issue 15's Report): each benchmark with a target,
// its baseline measured in the same run, the ratio, the target and
// whether it is met. The targets are a committed file (targets.txt, one
// row a line), so adding a benchmark to the table is adding one line.
//
// Results are read with golang.org/x/perf/benchfmt (the format benchstat
// reads); a benchmark run several times (-count) is summarised by its
// median. A target whose benchmark (or baseline) is missing from the
// output is a row that says "not run", never a row left out.
package benchreport

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// Target is one row of the targets file.
type Target struct {
	// Bench and Baseline name benchmarks as package.Name[/Sub] (the
	// package's last path element, the name without "Benchmark" and
	// without the -GOMAXPROCS suffix): photo.Decode12MP,
	// invitations.Invite1000/EndToEnd. Baseline is "" when there is none.
	Bench, Baseline string
	// Metric is the unit compared: sec/op (or ns/op), B/op, mails/s, fps,
	// any b.ReportMetric unit.
	Metric string
	// BaselineMetric is the baseline's unit: Metric, unless the baseline
	// is written name:metric (one benchmark that measures both in the same
	// rounds, e.g. startup.Startup:baseline-ms).
	BaselineMetric string
	// Op is <=, <, >= or >; "" when the row is reported without a target.
	Op string
	// Limit is the bound: a ratio to the baseline when Ratio, else a
	// value in Metric's unit.
	Limit float64
	Ratio bool
	// Text is the target as written (for the table); Why the one line of
	// reason.
	Text, Why string
	// Line is the row's line in the targets file.
	Line int
}

// ParseTargets reads a targets file: one row a line,
//
//	benchmark | baseline | metric | target | why
//
// baseline "-" for none, or name:metric to compare against another metric
// (of the same or another benchmark); target "<= 1.5x" or ">= 0.5x" (a ratio to the
// baseline), "< 0.05" or ">= 25" (a bound on the value itself, in the
// metric's unit) or "-" (reported, no target). Blank lines and lines
// starting with # are ignored.
func ParseTargets(r io.Reader) ([]Target, error) {
	var out []Target
	seen := map[string]int{}
	s := bufio.NewScanner(r)
	for n := 1; s.Scan(); n++ {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) != 5 {
			return nil, fmt.Errorf("targets line %d: %d fields, want 5 (benchmark | baseline | metric | target | why)", n, len(f))
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		t := Target{Bench: f[0], Baseline: f[1], Metric: f[2], Text: f[3], Why: f[4], Line: n}
		if t.Baseline == "-" {
			t.Baseline = ""
		}
		t.BaselineMetric = t.Metric
		if name, metric, ok := strings.Cut(t.Baseline, ":"); ok {
			t.Baseline, t.BaselineMetric = name, metric
		}
		if t.Bench == "" || t.Metric == "" || t.Why == "" {
			return nil, fmt.Errorf("targets line %d: benchmark, metric and why are required", n)
		}
		if !strings.Contains(t.Bench, ".") || (t.Baseline != "" && !strings.Contains(t.Baseline, ".")) {
			return nil, fmt.Errorf("targets line %d: name benchmarks as package.Name (photo.Decode12MP)", n)
		}
		if err := parseBound(&t); err != nil {
			return nil, fmt.Errorf("targets line %d: %w", n, err)
		}
		if t.Ratio && t.Baseline == "" {
			return nil, fmt.Errorf("targets line %d: a ratio target (%s) needs a baseline", n, t.Text)
		}
		key := t.Bench + " " + t.Metric
		if prev, dup := seen[key]; dup {
			return nil, fmt.Errorf("targets line %d: %s %s is already on line %d", n, t.Bench, t.Metric, prev)
		}
		seen[key] = n
		out = append(out, t)
	}
	return out, s.Err()
}

func parseBound(t *Target) error {
	s := t.Text
	if s == "-" {
		return nil
	}
	for _, op := range []string{"<=", ">=", "<", ">"} {
		if rest, ok := strings.CutPrefix(s, op); ok {
			t.Op = op
			s = strings.TrimSpace(rest)
			break
		}
	}
	if t.Op == "" {
		return fmt.Errorf("target %q: start it with <=, <, >= or > (or write - for none)", t.Text)
	}
	if rest, ok := strings.CutSuffix(s, "x"); ok {
		t.Ratio, s = true, strings.TrimSpace(rest)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("target %q: %w", t.Text, err)
	}
	t.Limit = v
	return nil
}

// Results are the measurements of one `go test -bench` output, by
// benchmark (package.Name[/Sub]) and unit.
type Results struct {
	values map[string]map[string][]float64
	// status says why a benchmark has no values: "failed" or "skipped".
	status map[string]string
	order  []string
}

// ReadResults reads `go test -bench` output (several packages, -count
// runs and unrelated lines allowed).
func ReadResults(r io.Reader) (*Results, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	res := &Results{values: map[string]map[string][]float64{}, status: map[string]string{}}
	br := benchfmt.NewReader(bytes.NewReader(data), "bench output")
	for br.Scan() {
		rec, ok := br.Result().(*benchfmt.Result)
		if !ok {
			continue // syntax errors are other lines of go test's output
		}
		name, _ := splitProcs(rec.Name.String())
		key := shortPkg(rec.GetConfig("pkg")) + "." + name
		units := res.values[key]
		if units == nil {
			units = map[string][]float64{}
			res.values[key] = units
			res.order = append(res.order, key)
		}
		for _, v := range rec.Values {
			units[v.Unit] = append(units[v.Unit], v.Value)
			if v.OrigUnit != "" && v.OrigUnit != v.Unit {
				units[v.OrigUnit] = append(units[v.OrigUnit], v.OrigValue)
			}
		}
	}
	if err := br.Err(); err != nil {
		return nil, err
	}
	// go test prints a benchmark's failure or skip before its package's
	// "ok"/"FAIL" line and after its "pkg:" line.
	pkg := ""
	var pending []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(rest)
			continue
		}
		for _, st := range []string{"FAIL", "SKIP"} {
			if rest, ok := strings.CutPrefix(line, "--- "+st+": Benchmark"); ok {
				name, _ := splitProcs(strings.Fields(rest)[0])
				if pkg == "" {
					pending = append(pending, st+" "+name)
					continue
				}
				res.status[shortPkg(pkg)+"."+name] = map[string]string{"FAIL": "failed", "SKIP": "skipped"}[st]
			}
		}
		// A package whose benchmarks all failed before printing "pkg:"
		// names itself on its FAIL line.
		if rest, ok := strings.CutPrefix(line, "FAIL\t"); ok && len(pending) > 0 {
			p := strings.Fields(rest)[0]
			for _, pe := range pending {
				st, name, _ := strings.Cut(pe, " ")
				res.status[shortPkg(p)+"."+name] = map[string]string{"FAIL": "failed", "SKIP": "skipped"}[st]
			}
			pending = nil
		}
		if strings.HasPrefix(line, "ok ") || strings.HasPrefix(line, "ok\t") || strings.HasPrefix(line, "FAIL\t") {
			pkg, pending = "", nil
		}
	}
	return res, nil
}

// splitProcs cuts the -GOMAXPROCS suffix go test adds to a name.
func splitProcs(name string) (string, string) {
	i := strings.LastIndexByte(name, '-')
	if i < 0 || strings.LastIndexByte(name, '/') > i {
		return name, ""
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name, ""
	}
	return name[:i], name[i+1:]
}

// shortPkg is a package's last path element: id06desk/internal/photo → photo.
func shortPkg(pkg string) string {
	if i := strings.LastIndexByte(pkg, '/'); i >= 0 {
		return pkg[i+1:]
	}
	return pkg
}

// Median is the median of bench's values in unit, and whether it ran.
func (r *Results) Median(bench, unit string) (float64, bool) {
	v := slices.Clone(r.values[bench][unit])
	if len(v) == 0 {
		return 0, false
	}
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2], true
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2, true
}

// Names lists the benchmarks that ran, in order of appearance.
func (r *Results) Names() []string { return slices.Clone(r.order) }

// Verdicts of a row.
const (
	Met      = "yes"
	NotMet   = "**no**"
	Reported = "reported"
	NotRun   = "not run"
)

// Row is one line of the table.
type Row struct {
	Target
	Value, Base    float64
	HasValue       bool
	HasBase        bool
	RatioValue     float64
	HasRatio       bool
	Verdict, Cause string
}

// Evaluate checks each target against the results.
func Evaluate(targets []Target, res *Results) []Row {
	rows := make([]Row, 0, len(targets))
	for _, t := range targets {
		row := Row{Target: t}
		row.Value, row.HasValue = res.Median(t.Bench, t.Metric)
		if t.Baseline != "" {
			row.Base, row.HasBase = res.Median(t.Baseline, t.BaselineMetric)
		}
		if row.HasValue && row.HasBase && row.Base != 0 {
			row.RatioValue, row.HasRatio = row.Value/row.Base, true
		}
		switch {
		case !row.HasValue:
			row.Verdict, row.Cause = NotRun, res.why(t.Bench, t.Metric)
		case t.Ratio && !row.HasRatio:
			row.Verdict, row.Cause = NotRun, "baseline "+res.why(t.Baseline, t.BaselineMetric)
		case t.Op == "":
			row.Verdict = Reported
		default:
			v := row.Value
			if t.Ratio {
				v = row.RatioValue
			}
			if compare(v, t.Op, t.Limit) {
				row.Verdict = Met
			} else {
				row.Verdict = NotMet
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// why says why bench has no value in unit.
func (r *Results) why(bench, unit string) string {
	// A sub-benchmark whose parent failed or was skipped did not run.
	for name := bench; ; {
		if st := r.status[name]; st != "" {
			return st
		}
		i := strings.LastIndexByte(name, '/')
		if i < 0 {
			break
		}
		name = name[:i]
	}
	if _, ran := r.values[bench]; ran {
		return "reported no " + unit
	}
	return "not in the output"
}

func compare(v float64, op string, limit float64) bool {
	switch op {
	case "<=":
		return v <= limit
	case "<":
		return v < limit
	case ">=":
		return v >= limit
	case ">":
		return v > limit
	}
	return false
}

// WriteMarkdown prints the table, then the benchmarks that ran without a
// row (so a new benchmark is seen even before its row is added).
func WriteMarkdown(w io.Writer, rows []Row, res *Results) error {
	var b strings.Builder
	b.WriteString("| Benchmark | Baseline | Metric | Value | Baseline value | Ratio | Target | Met | Why |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---|---|---|\n")
	listed := map[string]bool{}
	for _, r := range rows {
		listed[r.Bench], listed[r.Baseline] = true, true
		base, value, baseValue, ratio := "–", "–", "–", "–"
		if r.Baseline != "" {
			base = r.Baseline
			if r.BaselineMetric != r.Metric {
				base += " (" + r.BaselineMetric + ")"
			}
		}
		if r.HasValue {
			value = formatValue(r.Value, r.Metric)
		}
		if r.HasBase {
			baseValue = formatValue(r.Base, r.BaselineMetric)
		}
		if r.HasRatio {
			ratio = formatNumber(r.RatioValue) + "×"
		}
		verdict := r.Verdict
		if r.Cause != "" {
			verdict += " (" + r.Cause + ")"
		}
		target := r.Text
		if target == "-" {
			target = "–"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			r.Bench, base, r.Metric, value, baseValue, ratio, target, verdict, r.Why)
	}
	var extra []string
	for _, n := range res.Names() {
		if !listed[n] {
			extra = append(extra, n)
		}
	}
	if len(extra) > 0 {
		fmt.Fprintf(&b, "\nAlso measured, without a row in the targets file: %s.\n", strings.Join(extra, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// formatValue prints a value in its unit, times in s/ms/µs.
func formatValue(v float64, unit string) string {
	switch unit {
	case "sec/op":
		switch {
		case v >= 1:
			return formatNumber(v) + " s"
		case v >= 1e-3:
			return formatNumber(v*1e3) + " ms"
		default:
			return formatNumber(v*1e6) + " µs"
		}
	case "B/op":
		return formatNumber(v/(1<<20)) + " MiB"
	}
	return formatNumber(v) + " " + unit
}

// formatNumber gives 3 significant digits, without an exponent.
func formatNumber(v float64) string {
	if v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	digits := max(0, 2-int(math.Floor(math.Log10(math.Abs(v)))))
	return strconv.FormatFloat(v, 'f', digits, 64)
}
