// Command benchreport reads `go test -bench` output (files, or standard
// input) and prints the Markdown table of the targets file: each
// benchmark, its baseline, the ratio, the target and whether it is met.
// `make bench` pipes the benchmarks into it; the README's performance
// table is its output.
//
//	go test -run '^$' -bench . ./... | benchreport -targets internal/benchreport/targets.txt
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"id06desk/internal/benchreport"
)

func main() {
	targetsPath := flag.String("targets", "internal/benchreport/targets.txt", "the targets `file`")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: benchreport [-targets file] [bench-output ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(*targetsPath, flag.Args(), os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run(targetsPath string, files []string, stdin io.Reader, stdout io.Writer) error {
	tf, err := os.Open(targetsPath)
	if err != nil {
		return err
	}
	defer tf.Close()
	targets, err := benchreport.ParseTargets(tf)
	if err != nil {
		return fmt.Errorf("%s: %w", targetsPath, err)
	}
	var in io.Reader = stdin
	if len(files) > 0 {
		var readers []io.Reader
		for _, name := range files {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			readers = append(readers, f)
		}
		in = io.MultiReader(readers...)
	}
	res, err := benchreport.ReadResults(in)
	if err != nil {
		return err
	}
	return benchreport.WriteMarkdown(stdout, benchreport.Evaluate(targets, res), res)
}
