package main

import (
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain lets the test binary play the child roles of the bench program, since
// run starts os.Executable() with -verify-one and -measure.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && (os.Args[1] == "-verify-one" || os.Args[1] == "-measure") {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestRunSmall runs the whole program on a tiny corpus: every table is printed and
// every verifier accepts the generated messages.
func TestRunSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	stdout := os.Stdout
	r, w, err := os.Pipe()
	require.NoError(t, err)
	os.Stdout = w
	done := make(chan []byte)
	go func() { b, _ := io.ReadAll(r); done <- b }()
	err = run([]string{"-n", "20", "-openssl", "2", "-attach-size", "300000", "-reps", "1"})
	w.Close()
	os.Stdout = stdout
	out := string(<-done)
	require.NoError(t, err)
	for _, want := range []string{"Small signed messages", "Large transport envelope", "envelope.VerifyFile", "pec.ReadFile (streaming", "Targets"} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "Note: Sigillo", "a verifier rejected a generated message")
}
