// Command smtpsink runs a recording SMTP server on loopback for the
// end-to-end tests: it prints "smtp 127.0.0.1:<port>" on its first line and
// writes each message it accepts into --dir as NNNNNN.eml and/or delivers it
// into the Maildir --maildir (DIR/new, as a mail server does, so an IMAP
// server serving that Maildir sees it: relay → mailbox) until it gets SIGTERM
// or SIGINT. --refuse REGEX refuses the recipients it matches.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"syscall"

	"id06desk/internal/smtpsink"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	dir := flag.String("dir", "", "folder that receives each message as a .eml file")
	mdir := flag.String("maildir", "", "Maildir that receives each message in its new/ folder")
	refuse := flag.String("refuse", "", "refuse recipients matching this regular expression (550 5.1.1 naming the address)")
	flag.Parse()
	var refuseRE *regexp.Regexp
	if *refuse != "" {
		var err error
		if refuseRE, err = regexp.Compile(*refuse); err != nil {
			fmt.Fprintln(os.Stderr, "smtpsink: --refuse:", err)
			os.Exit(2)
		}
	}
	if *dir == "" && *mdir == "" {
		fmt.Fprintln(os.Stderr, "smtpsink: --dir or --maildir is required")
		os.Exit(2)
	}
	if *dir != "" {
		if err := os.MkdirAll(*dir, 0o700); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	s, err := smtpsink.Start(smtpsink.Options{Addr: *addr, Dir: *dir, Maildir: *mdir, Refuse: refuseRE})
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
