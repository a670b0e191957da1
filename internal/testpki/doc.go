// Package testpki builds a small, deterministic test PKI in code: a root, PEC signing
// CAs shaped like AgID CA1, and provider signing certificates shaped like the real
// ones (the certificate profile of RFC 6109 section 5). It is used by the CMS and envelope tests,
// by the message builders, and later by the public pec/pectest package.
//
// It is test-only code: every constructor panics on programmer error (a bad option
// combination, an unknown key index) instead of returning an error.
//
// # Determinism
//
// No key is generated at run time. The keys are fixed PKCS#8 PEM files embedded from
// keys/ (see keys/README.md for the openssl commands that made them): six RSA-2048,
// two RSA-1024, two ECDSA P-256 and one ECDSA P-384. Certificates come from fixed
// templates: serial numbers are derived from the names and the key (or set with
// [Serial]), validity periods are fixed, and signatures are deterministic (RSA
// PKCS#1 v1.5; ECDSA per RFC 6979, since no random source is passed). Every
// certificate is therefore byte-identical across runs and processes.
//
// # Default validity
//
// Roots and CAs: 2020-01-01 00:00:00 UTC to 2049-12-31 23:59:59 UTC.
// Provider leaves: 2024-01-01 00:00:00 UTC to 2044-01-01 00:00:00 UTC.
// Bundled fixtures signed with these certificates therefore do not expire in any
// realistic lifetime of the project. Tests still pin their verification time; use
// [ReferenceTime] when any time inside every default validity will do.
//
// # Certificate profiles
//
//   - [NewRoot]: self-signed, basicConstraints CA:TRUE (no path length limit),
//     keyUsage certSign|crlSign, SKI.
//   - [Identity.NewCA]: a PEC signing CA like AgID CA1: CA:TRUE pathlen:0, keyUsage
//     certSign|crlSign, EKU clientAuth+emailProtection, policy 1.3.76.16.3.1, SKI/AKI,
//     optional non-critical rfc822 name constraints ([PermittedEmailDomains]).
//   - [Identity.NewProvider]: CN "Posta Certificata <org>", O <org>, C IT, SAN
//     rfc822Name <email>, keyUsage digitalSignature (critical), EKU emailProtection,
//     policy 1.3.76.16.3.1.1, SKI/AKI, no basicConstraints.
//
// Options change any of these (key, validity, SHA-1 certificate signature, key usage,
// EKU, SAN, serial, name constraints).
//
// # Limits
//
// None: the input is the test's own, and keys come from a fixed embedded set
// (loaded once and cached for the process).
package testpki
