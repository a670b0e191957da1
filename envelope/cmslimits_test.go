package envelope_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sigillo/sigillo/envelope"
	"github.com/sigillo/sigillo/internal/testpki"
)

// TestVerifyCMSLimits: Limits.MaxBERDepth and Limits.MaxSigners reach the CMS
// parser, at the limit and one past it.
func TestVerifyCMSLimits(t *testing.T) {
	t.Parallel()
	w := world()
	raw := build(t, msg{})
	s, err := envelope.Locate(raw, nil)
	require.NoError(t, err)
	depth, err := testpki.DERDepth(s.Signature)
	require.NoError(t, err)
	twoSigners := build(t, msg{editP7S: func(p7s []byte) []byte {
		out, err := testpki.WithSigners(p7s, 2)
		require.NoError(t, err)
		return out
	}})
	tests := []struct {
		name   string
		raw    []byte
		limits envelope.Limits
		status envelope.Status
		reason error
	}{
		{"BER depth at the limit", raw, envelope.Limits{MaxBERDepth: depth}, envelope.StatusValid, nil},
		{"BER depth one past the limit", raw, envelope.Limits{MaxBERDepth: depth - 1}, envelope.StatusMalformed, envelope.ErrTooLarge},
		{"signers at the limit", raw, envelope.Limits{MaxSigners: 1}, envelope.StatusValid, nil},
		{"signers one past the limit", twoSigners, envelope.Limits{MaxSigners: 1}, envelope.StatusMalformed, envelope.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := envelope.Verify(tc.raw, &envelope.VerifyOptions{Trust: trustRoot(w), Limits: tc.limits})
			require.NotNil(t, r)
			assert.Equal(t, tc.status, r.Status, "err: %v", r.Err)
			if tc.reason == nil {
				assert.NoError(t, r.Err)
				return
			}
			require.ErrorIs(t, r.Err, tc.reason)
			assert.Equal(t, envelope.ReasonCode(tc.reason), r.Code)
		})
	}
}
