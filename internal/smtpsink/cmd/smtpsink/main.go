// Command smtpsink runs a recording SMTP server on loopback for the
// end-to-end tests: it prints "smtp 127.0.0.1:<port>" on its first line and
// writes each message it accepts into --dir as NNNNNN.eml until it gets
// SIGTERM or SIGINT.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"id06desk/internal/smtpsink"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	dir := flag.String("dir", "", "folder that receives each message as a .eml file (required)")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "smtpsink: --dir is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s, err := smtpsink.Start(smtpsink.Options{Addr: *addr, Dir: *dir})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("smtp %s\n", s.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	<-ctx.Done()
	s.Close()
}
