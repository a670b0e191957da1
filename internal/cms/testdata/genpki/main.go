// Command genpki writes the testpki certificates and keys from which the openssl
// fixtures of package cms were made (see ../README.md):
//
//	go run ./internal/cms/testdata/genpki DIR
//
// The identities must stay in step with fixtureECProvider in ../../cms_test.go.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/sigillo/sigillo/internal/testpki"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: genpki DIR")
		os.Exit(2)
	}
	w := testpki.Default()
	ec := w.CA.NewProvider("EC PEC S.p.A.", "posta-certificata@pec.ec.example.it", testpki.KeyECDSAP256(0))
	files := map[string][]byte{
		"root.pem":        w.Root.PEM(),
		"ca.pem":          w.CA.PEM(),
		"provider.pem":    w.Provider.PEM(),
		"provider.key":    w.Provider.KeyPEM(),
		"ec-provider.pem": ec.PEM(),
		"ec-provider.key": ec.KeyPEM(),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(os.Args[1], name), data, 0o600); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
