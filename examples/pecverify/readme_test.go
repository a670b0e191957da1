package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's reason-code table lists exactly the envelope Code* constants (the
// values of signature.reason_code), read from the envelope sources so that a new
// code fails here until the README lists it.
func TestREADMEReasonCodes(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	names, err := filepath.Glob(filepath.Join("..", "..", "envelope", "*.go"))
	require.NoError(t, err)
	var want []string
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !n.IsExported() || !strings.HasPrefix(n.Name, "Code") || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, err := strconv.Unquote(lit.Value)
						require.NoError(t, err)
						want = append(want, v)
					}
				}
			}
		}
	}
	require.NotEmpty(t, want)

	raw, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	var got []string
	in := false
	for _, line := range strings.Split(string(raw), "\n") {
		switch {
		case strings.HasPrefix(line, "| reason code |"):
			in = true
		case in && strings.HasPrefix(line, "|---"):
		case in && strings.HasPrefix(line, "| "):
			got = append(got, strings.TrimSpace(strings.SplitN(line, "|", 3)[1]))
		default:
			in = false
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	assert.Equal(t, want, got, "README reason-code table")
}
