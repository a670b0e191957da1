package testpki

import (
	"crypto"
	"crypto/x509"
	"embed"
	"encoding/pem"
	"fmt"
	"sync"
)

//go:embed keys/*.pem
var keyFS embed.FS

var (
	keyMu    sync.Mutex
	keyCache = map[string]crypto.Signer{}
)

// Number of embedded keys of each kind.
const (
	NumRSA2048 = 6 // keys/rsa2048-0.pem .. rsa2048-5.pem
	NumRSA1024 = 2 // keys/rsa1024-0.pem, rsa1024-1.pem
	NumP256    = 2 // keys/p256-0.pem, p256-1.pem
	NumP384    = 1 // keys/p384-0.pem
)

// loadKey returns the parsed embedded key keys/<name>.pem, cached per process.
func loadKey(name string) crypto.Signer {
	keyMu.Lock()
	defer keyMu.Unlock()
	if k, ok := keyCache[name]; ok {
		return k
	}
	data, err := keyFS.ReadFile("keys/" + name + ".pem")
	if err != nil {
		panic(fmt.Sprintf("testpki: no embedded key %q", name))
	}
	block, _ := pem.Decode(data)
	if block == nil {
		panic(fmt.Sprintf("testpki: key %q is not PEM", name))
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		panic(fmt.Sprintf("testpki: key %q: %v", name, err))
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		panic(fmt.Sprintf("testpki: key %q is not a crypto.Signer", name))
	}
	keyCache[name] = s
	return s
}

func keyName(kind string, n, max int) string {
	if n < 0 || n >= max {
		panic(fmt.Sprintf("testpki: %s key index %d out of range [0,%d)", kind, n, max))
	}
	return fmt.Sprintf("%s-%d", kind, n)
}

// RSA2048 returns embedded RSA-2048 key n (0 <= n < NumRSA2048).
func RSA2048(n int) crypto.Signer { return loadKey(keyName("rsa2048", n, NumRSA2048)) }

// RSA1024 returns embedded RSA-1024 key n (0 <= n < NumRSA1024).
func RSA1024(n int) crypto.Signer { return loadKey(keyName("rsa1024", n, NumRSA1024)) }

// P256 returns embedded ECDSA P-256 key n (0 <= n < NumP256).
func P256(n int) crypto.Signer { return loadKey(keyName("p256", n, NumP256)) }

// P384 returns the embedded ECDSA P-384 key.
func P384() crypto.Signer { return loadKey(keyName("p384", 0, NumP384)) }
