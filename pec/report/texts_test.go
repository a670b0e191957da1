package report

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// codeConsts reads the exported string constants named Code* or Finding* of
// the package in dir (its non-test sources), by name, with their values. A
// constant defined as another package's constant (pkg.Name) takes the value
// from known, which holds the constants read so far as "pkg.Name".
func codeConsts(t *testing.T, dir, pkg string, known map[string]string) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	out := map[string]string{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		if f.Name.Name != pkg {
			continue
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !n.IsExported() || !(strings.HasPrefix(n.Name, "Code") || strings.HasPrefix(n.Name, "Finding")) || i >= len(vs.Values) {
						continue
					}
					switch v := vs.Values[i].(type) {
					case *ast.BasicLit:
						if v.Kind != token.STRING {
							continue
						}
						s, err := strconv.Unquote(v.Value)
						require.NoError(t, err)
						out[pkg+"."+n.Name] = s
					case *ast.SelectorExpr:
						x, ok := v.X.(*ast.Ident)
						require.True(t, ok, "%s.%s", pkg, n.Name)
						s, ok := known[x.Name+"."+v.Sel.Name]
						require.True(t, ok, "%s.%s = %s.%s: read %s first", pkg, n.Name, x.Name, v.Sel.Name, x.Name)
						out[pkg+"."+n.Name] = s
					}
				}
			}
		}
	}
	return out
}

// Every exported Code* and Finding* constant of envelope, receipt, pec and
// pec/mailbox has a text in Italian and in English: the envelope Code* constants
// (signature reasons) in reasonTexts, every other one in findingTexts. The
// constants are read from the package sources, so a new code without text
// fails here.
func TestEveryCodeHasTexts(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	known := map[string]string{}
	for _, p := range []struct{ dir, name string }{
		{"envelope", "envelope"}, {"receipt", "receipt"}, {"pec", "pec"}, {filepath.Join("pec", "mailbox"), "mailbox"},
	} {
		for k, v := range codeConsts(t, filepath.Join(root, p.dir), p.name, known) {
			known[k] = v
		}
	}
	names := make([]string, 0, len(known))
	for k := range known {
		names = append(names, k)
	}
	sort.Strings(names)
	require.Greater(t, len(names), 80, "the constants were not found")
	reasons, findings := reasonTexts(), findingTexts()
	for _, name := range names {
		table := findings
		if strings.HasPrefix(name, "envelope.Code") {
			table = reasons
		}
		tx, ok := table[known[name]]
		if assert.True(t, ok, "%s (%q) has no text", name, known[name]) {
			assert.NotEmpty(t, tx.it, "%s: Italian text", name)
			assert.NotEmpty(t, tx.en, "%s: English text", name)
			assert.NotEqual(t, tx.it, tx.en, "%s: the Italian text is the English one", name)
		}
	}
}
