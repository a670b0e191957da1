package envelope_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sigillo/sigillo/envelope"
)

func TestReasonCode(t *testing.T) {
	t.Parallel()
	sentinels := []struct {
		err  error
		code string
	}{
		{envelope.ErrNotSigned, "not-signed"},
		{envelope.ErrMalformed, "malformed"},
		{envelope.ErrTooLarge, "too-large"},
		{envelope.ErrDigestMismatch, "digest-mismatch"},
		{envelope.ErrBadSignature, "bad-signature"},
		{envelope.ErrSignerNotFound, "signer-not-found"},
		{envelope.ErrSignerCount, "signer-count"},
		{envelope.ErrUnsupportedAlgorithm, "unsupported-algorithm"},
		{envelope.ErrUnknownAuthority, "unknown-authority"},
		{envelope.ErrCertExpired, "expired-at-signing-time"},
		{envelope.ErrCertNotYetValid, "not-yet-valid"},
		{envelope.ErrAnchorNotValidAt, "anchor-not-valid-at"},
		{envelope.ErrCAConstraint, "ca-constraint"},
		{envelope.ErrNameConstraint, "name-constraint"},
		{envelope.ErrKeyUsage, "key-usage"},
		{envelope.ErrExtKeyUsage, "ext-key-usage"},
		{envelope.ErrSenderMismatch, "sender-mismatch"},
		{envelope.ErrNoSigningTime, "no-signing-time"},
		{envelope.ErrKeyOutsideValidity, "key-outside-validity"},
		{envelope.ErrSigningTimeInFuture, "signing-time-in-future"},
		{envelope.ErrLegacyCryptoOutOfEra, "legacy-crypto-out-of-era"},
	}
	seen := map[string]bool{}
	for _, s := range sentinels {
		t.Run(s.code, func(t *testing.T) {
			assert.Equal(t, s.code, envelope.ReasonCode(s.err), "bare sentinel")
			assert.Equal(t, s.code, envelope.ReasonCode(&envelope.VerifyError{Reason: s.err, Err: errors.New("lower layer")}), "VerifyError")
			assert.Equal(t, s.code, envelope.ReasonCode(fmt.Errorf("context: %w", s.err)), "wrapped")
		})
		assert.False(t, seen[s.code], "code %s used twice", s.code)
		seen[s.code] = true
	}
	// The reason decides, not a lower-layer error that matches another sentinel.
	assert.Equal(t, envelope.CodeUnsupportedAlgorithm,
		envelope.ReasonCode(&envelope.VerifyError{Reason: envelope.ErrUnsupportedAlgorithm, Err: envelope.ErrMalformed}))
	assert.Equal(t, "", envelope.ReasonCode(nil))
	assert.Equal(t, "error", envelope.ReasonCode(errors.New("something else")))
}

func ExampleReasonCode() {
	r := envelope.Verify([]byte("From: a@example.it\r\nContent-Type: text/plain\r\n\r\nhello\r\n"), nil)
	fmt.Println(r.Status, r.Code, envelope.ReasonCode(r.Err) == r.Code)
	// Output: absent not-signed true
}
