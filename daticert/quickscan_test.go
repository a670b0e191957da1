package daticert

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/require"
)

// parseReference is Parse as it was before quickScan: scan always runs
// first, etree reads the whole input, and the lines are computed eagerly.
// FuzzQuickScan checks Parse against it.
func parseReference(data []byte, opts *ParseOptions) (*Cert, error) {
	o := opts.withDefaults()
	if len(data) > o.MaxBytes {
		return nil, &ParseError{Err: fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), o.MaxBytes)}
	}
	body := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines, err := scan(body, o)
	if err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{CharsetReader: charsetReader}
	if err := doc.ReadFromBytes(body); err != nil {
		return nil, &ParseError{Err: fmt.Errorf("%w: %v", ErrSyntax, err)}
	}
	root := doc.Root()
	if root == nil {
		return nil, &ParseError{Err: fmt.Errorf("%w: no root element", ErrSyntax)}
	}
	p := &parser{body: body, opts: o, root: root, lines: append([]int{}, lines...)}
	c, err := p.cert(root)
	if err != nil {
		return nil, err
	}
	c.Raw = bytes.Clone(data)
	return c, nil
}

var sentinels = []error{ErrTooLarge, ErrTooDeep, ErrEntity, ErrSyntax, ErrRoot, ErrMissing, ErrInvalid, ErrEncoding}

// FuzzQuickScan is a differential check: Parse, with quickScan in front
// and white space runs left out of etree's input, must return what
// parseReference returns, error kind, path and line included.
func FuzzQuickScan(f *testing.F) {
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".xml") {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil {
			f.Add(b, 0, 0)
		}
		return err
	})
	require.NoError(f, err)
	for _, s := range []string{
		`<!DOCTYPE postacert [<!ENTITY a "b">]><postacert/>`,
		`<!DOCTYPE postacert SYSTEM "x.dtd"><postacert tipo="x"><intestazione/><dati/></postacert>`,
		`<!DOCTYPE p [<!-- <!ENTITY a "b"> -->]><p/>`,
		`<p a="1" b:a="2" xmlns:b="u"/>`,
		`<p><![CDATA[x]]></p> <![CDATA[ ]]>`,
		"<p>&#32;&#x41;&lt;&nbsp;</p>",
		"<postacert tipo=\"x\">\n <intestazione>\n  <mittente>a<x/> <y/>b</mittente>\n </intestazione>\n <dati/>\n</postacert>",
		"<p><q>\n</q> \t<!-- c --> <?pi x?> </p>\n<!-- after -->\n",
		"<a><a><a><a><a></a></a></a></a></a>",
		"<p/><p/>", "<p/>x", "&#32;<p/>", "<p></q>", "<p x='1' x='2'/>",
	} {
		f.Add([]byte(s), 0, 0)
	}
	f.Fuzz(func(t *testing.T, data []byte, depth, elements int) {
		opts := &ParseOptions{MaxBytes: 64 << 10, MaxDepth: depth % 8, MaxElements: elements % 64}
		if elements%64 == 0 {
			opts.MaxElements = 1000
		}
		want, wantErr := parseReference(data, opts)
		got, gotErr := Parse(data, opts)
		if wantErr != nil {
			require.Error(t, gotErr, "reference rejects, Parse accepts")
			require.Nil(t, got)
			var wpe, gpe *ParseError
			require.True(t, errors.As(wantErr, &wpe))
			require.True(t, errors.As(gotErr, &gpe))
			require.Equal(t, wpe.Path, gpe.Path)
			require.Equal(t, wpe.Line, gpe.Line)
			for _, s := range sentinels {
				require.Equal(t, errors.Is(wantErr, s), errors.Is(gotErr, s), "%v vs %v", wantErr, gotErr)
			}
			return
		}
		require.NoError(t, gotErr, "reference accepts")
		require.Equal(t, want, got)
	})
}
