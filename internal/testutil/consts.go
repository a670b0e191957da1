package testutil

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// StringConsts reads the exported string constants of the package in dir (its
// non-test sources) whose names start with one of prefixes, as "pkg.Name" to
// value, pkg being the package name. A constant defined as another package's
// constant (other.Name) takes its value from known, which holds the constants
// read before as "other.Name"; the test fails when it is not there. Tests use it
// to check that every code of a package is documented, so that a new code
// without its text or README row fails.
func StringConsts(t testing.TB, dir string, known map[string]string, prefixes ...string) map[string]string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	out := map[string]string{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !n.IsExported() || !hasPrefix(n.Name, prefixes) || i >= len(vs.Values) {
						continue
					}
					key := f.Name.Name + "." + n.Name
					switch v := vs.Values[i].(type) {
					case *ast.BasicLit:
						if v.Kind != token.STRING {
							continue
						}
						s, err := strconv.Unquote(v.Value)
						if err != nil {
							t.Fatal(err)
						}
						out[key] = s
					case *ast.SelectorExpr:
						x, ok := v.X.(*ast.Ident)
						if !ok {
							t.Fatalf("%s: unexpected value", key)
						}
						s, ok := known[x.Name+"."+v.Sel.Name]
						if !ok {
							t.Fatalf("%s = %s.%s: read package %s first", key, x.Name, v.Sel.Name, x.Name)
						}
						out[key] = s
					}
				}
			}
		}
	}
	return out
}

func hasPrefix(name string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
