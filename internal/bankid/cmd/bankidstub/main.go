// Command bankidstub runs the BankID stand-in (bankidtest.Server) on
// loopback for the end-to-end tests: it writes the client certificate, its key and the root
// CA as PEM files into --dir, prints "bankid <base URL>" on its first line,
// and answers every identification with the default scenario (pending →
// complete) until it gets SIGTERM or SIGINT.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"id06desk/internal/bankid/bankidtest"
)

func main() {
	dir := flag.String("dir", "", "folder for client-cert.pem, client-key.pem and root-ca.pem (required)")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "bankidstub: --dir is required")
		os.Exit(2)
	}
	srv, err := bankidtest.NewServer()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bankidstub:", err)
		os.Exit(1)
	}
	defer srv.Close()
	cfg := srv.Config()
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, "bankidstub:", err)
		os.Exit(1)
	}
	for name, data := range map[string][]byte{"client-cert.pem": cfg.CertPEM, "client-key.pem": cfg.KeyPEM, "root-ca.pem": cfg.RootCAPEM} {
		if err := os.WriteFile(filepath.Join(*dir, name), data, 0o600); err != nil {
			fmt.Fprintln(os.Stderr, "bankidstub:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("bankid %s\n", cfg.BaseURL)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	<-ctx.Done()
}
