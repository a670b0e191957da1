// Package mailbox enumerates the messages of a mailbox, whatever form it has: a
// message file, a directory tree, an mbox, a maildir, a Thunderbird profile, the
// webmail "Formato maildir (.zip)" export, standard input or an IMAP mailbox. [Open]
// returns a Go iterator of [Item]s; [Item.Read] reads one with pec, applying the
// rules of its source.
//
// Formats followed: mbox as in RFC 4155 (and the mboxo/mboxrd quoting of its
// appendix), maildir and Maildir++ as Qmail, Courier and Dovecot store them, zip as
// in PKWARE's APPNOTE (store and deflate, zip64), IMAP4rev1 (RFC 3501) with
// imap URLs in the style of RFC 5092, messages as in RFC 5322.
//
// Everything is read-only: files are opened for reading, zip exports are read in
// place (no temporary files), IMAP mailboxes are opened with EXAMINE and bodies
// fetched with BODY.PEEK[] (RFC 3501), so no flag, \Seen included, ever changes.
//
// # Sources
//
//   - A message file: any file whose first line is a header field (RFC 5322), a
//     UTF-8 BOM before it tolerated. Located by its path.
//   - An mbox, detected by content (it starts with "From "), with or without
//     extension: Thunderbird keeps one file per folder, without extension, with a
//     .msf index beside it (ignored). Each message is a byte range of the file,
//     located "path#N", N counting from 1.
//   - A directory, searched recursively in lexical order with one os.ReadDir per
//     directory: every file is detected by content (message, mbox, zip export);
//     a file found there is taken as a message only when its header has one of the
//     usual fields (From, To, Subject, Date, Received, Message-ID...), so logs and
//     notes are not. Files that are none of them are skipped, but for .eml and
//     .mbox files and files in a cur/ or new/ directory, which are then error
//     items. Hidden files,
//     .msf files and a maildir's tmp/ are skipped; hidden directories are searched
//     (Maildir++ folders are ".Folder"); symbolic links to directories are not
//     followed.
//   - A maildir (a directory with cur/ and new/, either may be missing) and its
//     Maildir++ folders are directories like any other; "Maildir/cur" alone works.
//   - A zip export: a file starting with a zip signature. Its entries are detected
//     by content like files (entries that are not mail, such as those of a .docx
//     found in a folder, are skipped before any limit applies) and read straight
//     from the zip (store and deflate; at most the declared size is inflated);
//     located "path!entry". An mbox inside it, or a zip in its cur/ or new/, is an
//     error item ([ErrUnsupported]).
//   - "-": standard input, one message or an mbox; items hold their bytes and are
//     located "-" or "-#N".
//   - imap://user@host[:port]/MAILBOX (to a loopback host only: no TLS, no
//     password on the network) and imaps://user@host[:port]/MAILBOX (TLS with the
//     system roots plus [IMAPOptions.CAFile]). The password comes from
//     [IMAPOptions.Password]; a password in the URL is refused. MAILBOX defaults to
//     INBOX. Messages are fetched in batches of [IMAPOptions.BatchSize]; each item
//     holds one message's bytes. Located "imap://user@host[:port]/MAILBOX;UID=N"
//     (RFC 5092 style; an '@' in the user is %40); such a locator, given to Open,
//     names that message alone (";UIDVALIDITY=V/" before ";UID=N" is checked too).
//
// Memory does not grow with the number of messages: directories are listed one at a
// time, an mbox is scanned through a fixed buffer, and Open keeps nothing of an item
// after yielding it. The exceptions are the listing of one directory and the central
// directory of a zip (bounded by [Limits.MaxZipEntries]).
//
// # mbox quoting
//
// An mbox writer quotes body lines that would look like a separator: mboxo quotes
// only lines matching ^From  (into ">From "), mboxrd quotes every line matching
// ^>*From  (adding one '>'). A reader cannot tell which convention wrote a file, and
// un-quoting the wrong way changes signed bytes. So [Item.Read] reads the bytes as
// stored first; only when they are not certified and the message has quoted lines
// does it read the mboxrd un-quoted variant, then the mboxo one when it differs,
// then (mboxo cannot tell a quoted "From " line from a genuine ">From " one) the
// variants that un-quote only some of the lines matching ^>From  when there are
// two to four of them, and keeps the first that is certified, with a finding naming the variant
// ([CodeMboxUnquoted], [CodeMboxUnquotedO]); else the message as stored, with
// [CodeMboxAsStored]. A genuine message is never reported altered. The header is
// the exception: a quoted line there began with "From ", a From field, which the
// bytes as stored would hide (the header is not signed, so both readings verify);
// such lines are always read un-quoted ([CodeMboxHeaderUnquoted]).
//
// # Errors
//
// A problem with one entry is an error item, never the end of the enumeration.
// Errors name the common cases ("a zip archive: give it as a mailbox export", "not a
// mail message") and quote the first bytes of the input, escaped and truncated
// ([FormatError]). Branch on them with errors.Is: [ErrNotMessage], [ErrTooLarge]
// (a *[LimitError]), [ErrUnsupported], [ErrNotLoopback], [ErrBadURL],
// [ErrSourceChanged].
//
// # Limits
//
// Each limit is a field of [Limits]; reaching it makes an error item matching
// [ErrTooLarge], and enumeration goes on.
//
//   - [DefaultMaxMessageBytes] (160 MiB): a message of an mbox, a zip entry, stdin.
//   - [DefaultMaxZipEntries] (200,000): entries of one zip; a zip with more is one
//     error item, refused before its central directory is read into memory.
//   - [DefaultMaxZipBytes] (8 GiB): uncompressed bytes read from one zip.
//   - [DefaultMaxZipRatio] (100): uncompressed over compressed size of an entry.
//   - [DefaultMaxDirDepth] (32): directory levels searched.
//   - [DefaultMaxIMAPMessageBytes] (160 MiB): an IMAP message, by RFC822.SIZE.
//   - [DefaultMaxIMAPMessages] (1,000,000): messages read from one IMAP mailbox;
//     the rest are reported by one error item.
//
// Messages themselves are bounded by pec.Options when read.
//
// # Divergences
//
// An mbox separator is any line starting with "From " (the empty line before it is
// not required), as every mbox writer quotes such lines in bodies; mboxcl2
// Content-Length headers are not used. Sequence numbers of an IMAP mailbox are
// assumed stable while it is read (another client expunging messages meanwhile may
// make some of them error items).
package mailbox
