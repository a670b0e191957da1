package mime

import (
	"net/mail"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDateAgreesWithNetMail(t *testing.T) {
	for _, v := range []string{
		"Fri, 14 Mar 2025 11:00:02 +0100",
		"Mon, 2 Jan 2006 15:04:05 -0700",
		" Tue, 3 Jun 2025 09:15:42 +0200 ",
		"3 Jun 2025 09:15:42 +0200",
		"Tue, 3 Jun 2025 09:15:42 GMT",
		"Tue, 3 Jun 2025 09:15:42 +0200 (CEST)",
	} {
		t.Run(v, func(t *testing.T) {
			want, err := mail.ParseDate(v)
			require.NoError(t, err)
			got, err := ParseDate(v)
			require.NoError(t, err)
			assert.True(t, want.Equal(got))
			_, offWant := want.Zone()
			_, offGot := got.Zone()
			assert.Equal(t, offWant, offGot)
		})
	}
	for _, v := range []string{"", "yesterday", "Tue, 31 Feb 2025 09:15:42 +0200"} {
		_, err := ParseDate(v)
		assert.Error(t, err, v)
	}
}

func BenchmarkParseDate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDate("Fri, 14 Mar 2025 11:00:02 +0100"); err != nil {
			b.Fatal(err)
		}
	}
}
