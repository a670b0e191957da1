package envelope_test

import (
	"encoding/asn1"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/sigillo/sigillo/envelope"
)

// The era's end and the provider policy are values no importer can change: a
// caller that modifies what it got back does not change the next answer.
func TestFixedValuesAreFresh(t *testing.T) {
	t.Parallel()
	oid := envelope.OIDPolicyPECProvider()
	assert.Equal(t, asn1.ObjectIdentifier{1, 3, 76, 16, 3, 1, 1}, oid)
	oid[0] = 9
	assert.Equal(t, asn1.ObjectIdentifier{1, 3, 76, 16, 3, 1, 1}, envelope.OIDPolicyPECProvider())

	assert.Equal(t, time.Date(2018, 1, 14, 16, 28, 50, 0, time.UTC), envelope.DigitPACA1NotAfter())
}
