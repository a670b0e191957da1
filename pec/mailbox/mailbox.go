package mailbox

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sigillo/sigillo/pec"
)

// Default limits. Each one is a field of [Limits]; a zero field means the default.
const (
	// DefaultMaxMessageBytes is the largest message taken from an mbox, a zip entry
	// or standard input: 160 MiB, the default of pec.Options.MaxMessageBytes.
	DefaultMaxMessageBytes = pec.DefaultMaxMessageBytes

	// DefaultMaxZipEntries is the largest number of entries a zip export may have:
	// 200,000. archive/zip holds the central directory in memory (about 200
	// bytes per entry), so this also bounds the memory a zip takes.
	DefaultMaxZipEntries = 200_000

	// DefaultMaxZipBytes is the largest total of uncompressed bytes read from one zip
	// export: 8 GiB.
	DefaultMaxZipBytes = 8 << 30

	// DefaultMaxZipRatio is the largest compression ratio (uncompressed size over
	// compressed size) accepted for a zip entry: 100. Mail compresses 1.3 to 10
	// times; a zip bomb compresses a thousand times.
	DefaultMaxZipRatio = 100

	// DefaultMaxDirDepth is the deepest directory level searched below a directory
	// given to [Open]: 32.
	DefaultMaxDirDepth = 32

	// DefaultMaxIMAPMessageBytes is the largest message fetched over IMAP (by its
	// RFC822.SIZE): 160 MiB. An IMAP item holds its bytes in memory.
	DefaultMaxIMAPMessageBytes = pec.DefaultMaxMessageBytes

	// DefaultMaxIMAPMessages is the largest number of messages read from one IMAP
	// mailbox: 1,000,000.
	DefaultMaxIMAPMessages = 1_000_000

	// DefaultIMAPBatchSize is the number of messages fetched by one IMAP FETCH: 64.
	DefaultIMAPBatchSize = 64
)

// Limits bounds what [Open] reads. A zero field means its default. A limit that is
// reached is reported as an item error matching [ErrTooLarge] (a *[LimitError]
// naming the field), and enumeration goes on.
type Limits struct {
	// MaxMessageBytes: the largest message of an mbox, zip entry or standard input.
	// 0 means [DefaultMaxMessageBytes]. Single files are bounded by
	// pec.Options.MaxMessageBytes when they are read.
	MaxMessageBytes int64
	// MaxZipEntries: the largest number of entries of a zip; a zip with more is one
	// error item (it is refused before its central directory is read into memory).
	// 0 means [DefaultMaxZipEntries].
	MaxZipEntries int
	// MaxZipBytes: the largest total of uncompressed bytes of one zip; every entry
	// that would go over it is an error item. 0 means [DefaultMaxZipBytes].
	MaxZipBytes int64
	// MaxZipRatio: the largest ratio of uncompressed to compressed size of a zip
	// entry. 0 means [DefaultMaxZipRatio].
	MaxZipRatio int64
	// MaxDirDepth: the deepest directory level searched; deeper directories are
	// error items. 0 means [DefaultMaxDirDepth].
	MaxDirDepth int
	// MaxIMAPMessageBytes: the largest IMAP message fetched. 0 means
	// [DefaultMaxIMAPMessageBytes].
	MaxIMAPMessageBytes int64
	// MaxIMAPMessages: the largest number of messages read from one IMAP mailbox;
	// the messages beyond it are reported by one error item. 0 means
	// [DefaultMaxIMAPMessages].
	MaxIMAPMessages int
}

func (l Limits) withDefaults() Limits {
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if l.MaxZipEntries <= 0 {
		l.MaxZipEntries = DefaultMaxZipEntries
	}
	if l.MaxZipBytes <= 0 {
		l.MaxZipBytes = DefaultMaxZipBytes
	}
	if l.MaxZipRatio <= 0 {
		l.MaxZipRatio = DefaultMaxZipRatio
	}
	if l.MaxDirDepth <= 0 {
		l.MaxDirDepth = DefaultMaxDirDepth
	}
	if l.MaxIMAPMessageBytes <= 0 {
		l.MaxIMAPMessageBytes = DefaultMaxIMAPMessageBytes
	}
	if l.MaxIMAPMessages <= 0 {
		l.MaxIMAPMessages = DefaultMaxIMAPMessages
	}
	return l
}

// Options configures [Open]. A nil *Options means all defaults.
type Options struct {
	// Stdin is read for the name "-"; nil means os.Stdin.
	Stdin io.Reader
	// IMAP configures imap:// and imaps:// sources.
	IMAP IMAPOptions
	// Limits bounds what is read.
	Limits Limits
}

// Sentinel errors. Item errors wrap them; branch with errors.Is.
var (
	// ErrNotMessage: the input is not a mail message (nor an mbox, a maildir or a zip
	// export). It is pec.ErrNotMessage, so one errors.Is covers both packages. The
	// error is a *[FormatError] quoting the first bytes.
	ErrNotMessage = pec.ErrNotMessage

	// ErrTooLarge: a limit of [Limits] was reached. It is pec.ErrTooLarge; the error
	// is a *[LimitError].
	ErrTooLarge = pec.ErrTooLarge

	// ErrSourceChanged: an mbox file is shorter than when it was enumerated.
	ErrSourceChanged = pec.ErrSourceChanged

	// ErrNotLoopback: an imap:// URL (no TLS) names a host that is not a loopback
	// address; use imaps://.
	ErrNotLoopback = errors.New("mailbox: imap:// without TLS is only allowed to a loopback host; use imaps://")

	// ErrBadURL: an imap:// or imaps:// URL that cannot be used (no user, a password
	// in it, a bad port).
	ErrBadURL = errors.New("mailbox: bad IMAP URL")

	// ErrUnsupported: an entry of a kind that is recognised but not read (an mbox or a
	// zip inside a zip, a compression method other than store and deflate).
	ErrUnsupported = errors.New("mailbox: unsupported entry")
)

// LimitError reports which field of [Limits] an input exceeded. It matches
// [ErrTooLarge] with errors.Is.
type LimitError struct {
	Limit string // the Limits field, e.g. "MaxZipRatio"
	Max   int64  // the limit in force
	Got   int64  // what the input had (a size, a count, a ratio), 0 if unknown
}

// Error implements error.
func (e *LimitError) Error() string {
	if e.Got > 0 {
		return fmt.Sprintf("mailbox: over %s (%d > %d)", e.Limit, e.Got, e.Max)
	}
	return fmt.Sprintf("mailbox: over %s (%d)", e.Limit, e.Max)
}

// Is reports whether target is [ErrTooLarge].
func (e *LimitError) Is(target error) bool { return target == ErrTooLarge }

// FormatError reports an input that is not what it should be: its What says what it
// looks like instead ("a zip archive: give it as a mailbox export", "not a mail
// message", "an empty file") and Head quotes its first bytes, escaped and truncated.
// It matches [ErrNotMessage] or, when Unsupported is set, [ErrUnsupported].
type FormatError struct {
	What        string
	Head        string // strconv.Quote of at most 32 bytes of the input, "" if empty
	Unsupported bool
}

// Error implements error.
func (e *FormatError) Error() string {
	if e.Head == "" {
		return e.What
	}
	return e.What + " (starts with " + e.Head + ")"
}

// Is reports whether target is [ErrNotMessage] (or [ErrUnsupported]).
func (e *FormatError) Is(target error) bool {
	if e.Unsupported {
		return target == ErrUnsupported
	}
	return target == ErrNotMessage
}

// headQuoteBytes is how many input bytes an error quotes.
const headQuoteBytes = 32

// quoteHead quotes at most headQuoteBytes of b for an error text: every control
// character and invalid byte is escaped, so the text is safe on a terminal.
func quoteHead(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	cut := len(b) > headQuoteBytes
	if cut {
		b = b[:headQuoteBytes]
		for len(b) > 0 && !utf8.Valid(b) && len(b) > headQuoteBytes-3 {
			b = b[:len(b)-1] // do not split a rune when it is just cut
		}
	}
	q := strconv.QuoteToASCII(string(b))
	if cut {
		q += "..."
	}
	return q
}

// notMessage builds the error for input whose head is not a message, naming the
// common cases.
func notMessage(head []byte) error {
	what := "not a mail message"
	switch detect(head) {
	case kindZip:
		what = "a zip archive: give it as a mailbox export"
	case kindEmpty:
		what = "not a mail message: an empty file"
	default:
		switch {
		case hasPrefix(head, "%PDF"):
			what = "not a mail message: a PDF document"
		case hasPrefix(head, "\x1f\x8b"):
			what = "not a mail message: a gzip file"
		case hasPrefix(head, "<?xml"):
			what = "not a mail message: an XML document"
		case hasPrefix(head, "// <!-- <mdb:mork"):
			what = "not a mail message: a Thunderbird index (.msf)"
		}
	}
	return &FormatError{What: what, Head: quoteHead(head)}
}

func hasPrefix(b []byte, p string) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }

// Source says where an item comes from.
type Source string

// Item sources.
const (
	SourceFile    Source = "file"    // a message file (.eml, a maildir file)
	SourceMbox    Source = "mbox"    // a message of an mbox file
	SourceZip     Source = "zip"     // an entry of a zip export
	SourceStdin   Source = "stdin"   // standard input, or a message of an mbox on it
	SourceIMAP    Source = "imap"    // a message of an IMAP mailbox
	SourceUnknown Source = "unknown" // an item that failed before its source was known
)

// Item is one message of a source. It is self-contained: it stays readable after the
// iteration moved on or ended (a file item opens its file when read, an mbox item
// opens the mbox again and reads its range, zip items open the zip again, stdin and
// IMAP items hold their bytes), so items can be read concurrently by a worker pool.
// An item yielded with an error has only its Locator (and Source) set.
type Item struct {
	// Locator names the message, stably: "path" (a file), "path#N" (the Nth message
	// of an mbox, 1-based), "zip!entry/path", "-", "-#N",
	// "imap://user@host[:port]/MAILBOX;UID=N". It never holds a password. It is
	// built from file names and mailbox names: escape it before printing.
	Locator string
	// Source is where the item comes from.
	Source Source

	size   int64
	open   func() (io.ReadCloser, error)
	readAt func() (io.ReaderAt, func(), error) // random access when the source has it
	// quoted and deepQuoted tell that an mbox message has lines matching
	// ^>+From and ^>>+From : only then are un-quoted variants tried.
	quoted, deepQuoted bool
	data               []byte // the bytes, for items that hold them (never modified)
}

// Size is the size of the message as stored (what [Item.Open] returns), -1 if
// unknown.
func (it *Item) Size() int64 {
	if it == nil || it.open == nil {
		return -1
	}
	return it.size
}

// Open returns the bytes of the message as stored in its source: for an mbox
// message, without its "From " separator line and without the empty line that ends
// it, and with its quoted ">From " lines as they are; a UTF-8 BOM before a message is
// included (Read strips it). The SHA-256 returned by [Item.Read] is that of these
// bytes; for a file item it is the SHA-256 of the file.
func (it *Item) Open() (io.ReadCloser, error) {
	if it == nil || it.open == nil {
		return nil, errors.New("mailbox: item has no message")
	}
	return it.open()
}

// errItem is the item yielded with an error.
func errItem(loc string, src Source) *Item { return &Item{Locator: loc, Source: src} }

// Open enumerates the messages of the source named by name, in a stable order:
//   - "-": standard input (opts.Stdin or os.Stdin), one message or an mbox;
//   - an imap:// (loopback hosts only) or imaps:// URL,
//     imap[s]://user@host[:port]/MAILBOX (MAILBOX defaults to INBOX);
//   - a directory: searched recursively in lexical order, see the package doc;
//   - a file: a message, an mbox, or a zip export, detected by content.
//
// Every message found yields exactly one (*Item, nil); a problem with one entry
// yields (an item with only its Locator set, err) and enumeration goes on; a source
// that cannot be opened at all yields one (item with Locator name, err). Open holds
// nothing of an item after yielding it, and reads the source lazily: memory does not
// grow with the number of messages.
func Open(name string, opts *Options) iter.Seq2[*Item, error] {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.Limits = o.Limits.withDefaults()
	return func(yield func(*Item, error) bool) {
		switch {
		case name == "-":
			in := o.Stdin
			if in == nil {
				in = os.Stdin
			}
			readStdin(in, &o, yield)
		case strings.HasPrefix(strings.ToLower(name), "imap://"), strings.HasPrefix(strings.ToLower(name), "imaps://"):
			readIMAP(name, &o, yield)
		default:
			fi, err := os.Stat(name)
			if err != nil {
				yield(errItem(name, SourceUnknown), err)
				return
			}
			if fi.IsDir() {
				w := walker{o: &o, yield: yield}
				w.dir(name, 0)
				return
			}
			file(name, true, &o, yield)
		}
	}
}
