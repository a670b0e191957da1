package testpki

import (
	"crypto/x509"
	"sync"
)

// Names and addresses of the default world.
const (
	RootName           = "Sigillo Test Root CA"
	CAName             = "Sigillo Test PEC CA1"
	ProviderOrg        = "Example PEC S.p.A."
	ProviderEmail      = "posta-certificata@pec.example.it"
	OtherProviderOrg   = "Other PEC S.r.l."
	OtherProviderEmail = "posta-certificata@pec.example.org"
)

// World is a ready-made PKI: one root, one PEC CA under it, two providers under the CA.
type World struct {
	Root          *Identity // RootName, key rsa2048-0
	CA            *Identity // CAName, key rsa2048-1, no name constraints
	Provider      *Identity // ProviderOrg / ProviderEmail, key rsa2048-2
	OtherProvider *Identity // OtherProviderOrg / OtherProviderEmail, key rsa2048-3
}

var (
	defaultOnce  sync.Once
	defaultWorld *World
)

// Default returns the default world, built once per process. Callers must not modify
// it; use [NewWorld] for a private copy.
func Default() *World {
	defaultOnce.Do(func() { defaultWorld = NewWorld() })
	return defaultWorld
}

// NewWorld builds a fresh default world. Every certificate is RSA-signed and
// byte-identical to those of [Default].
func NewWorld() *World {
	root := NewRoot(RootName)
	ca := root.NewCA(CAName)
	return &World{
		Root:          root,
		CA:            ca,
		Provider:      ca.NewProvider(ProviderOrg, ProviderEmail, KeyRSA2048(2)),
		OtherProvider: ca.NewProvider(OtherProviderOrg, OtherProviderEmail, KeyRSA2048(3)),
	}
}

// Roots returns a new pool holding the world's root.
func (w *World) Roots() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(w.Root.Cert)
	return p
}

// Intermediates returns a new pool holding the world's PEC CA.
func (w *World) Intermediates() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(w.CA.Cert)
	return p
}
