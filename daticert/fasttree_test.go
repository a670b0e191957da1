package daticert

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var sentinels = []error{ErrTooLarge, ErrTooDeep, ErrEntity, ErrSyntax, ErrNamespace, ErrRoot, ErrMissing, ErrInvalid, ErrEncoding}

// fastTreeSeeds are inputs on the edges of what fastTree decides alone.
var fastTreeSeeds = []string{
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
	"<p>a\r\nb\rc</p>", "<p a='x\r\ny&#13;'/>", "<p>&#0;</p>", "<p>&#xD800;</p>", "<p>\xef\xbf\xbe</p>",
	`<?xml version="1.0" encoding="UTF-8"?><p/>`, `<?xml version="1.1"?><p/>`, `<?xml version="1.0" encoding="ISO-8859-1"?><p>` + "\xe9</p>",
	`<?xml version="1.0"?><?xml version="1.0"?><p/>`, `<p xmlns="urn:x"/>`, `<x:p xmlns:x="urn:x"/>`, `<p><x:q/></p>`,
	"<p>a\x01b</p>", "<p a='\x01'/>", "<p><![CDATA[\x01]]></p>", "\x01<p/>", "<p>]]></p>", "<p>a>b</p>",
	"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><p/>", "<p>&amp</p>", "<p>&#x;</p>", "<p a=b/>", "<p a='1'b='2'/>",
	"<p>\xff</p>", "<1/>", "<p></p >", "<p></p\n>",
}

// FuzzFastTree is a differential check: Parse, with fastTree in front,
// must return what the encoding/xml reading alone returns, error kind, path
// and line included.
func FuzzFastTree(f *testing.F) {
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
	for _, s := range fastTreeSeeds {
		f.Add([]byte(s), 0, 0)
	}
	f.Fuzz(func(t *testing.T, data []byte, depth, elements int) {
		checkFastTree(t, data, depth, elements)
	})
}

func checkFastTree(t *testing.T, data []byte, depth, elements int) {
	opts := &ParseOptions{MaxBytes: 64 << 10, MaxDepth: depth % 8, MaxElements: elements % 64}
	if elements%64 == 0 {
		opts.MaxElements = 1000
	}
	want, wantErr := parse(data, opts, true)
	got, gotErr := parse(data, opts, false)
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
}

// TestFastTreeSeeds runs the differential check on the seeds and on every
// document of the test data, so that it runs without -fuzz.
func TestFastTreeSeeds(t *testing.T) {
	t.Parallel()
	for i, s := range fastTreeSeeds {
		for _, lim := range [][2]int{{0, 0}, {3, 5}} {
			t.Run(strings.Repeat("x", 0)+string(rune('a'+i%26)), func(t *testing.T) {
				checkFastTree(t, []byte(s), lim[0], lim[1])
			})
		}
	}
}
