"""Text for the terminal: :func:`printable` makes any value safe to print, :func:`text_table`
lays rows out as an aligned table (used by every text report).

Reports quote file names, sheet names, member and vendor names and whatever a vendor typed.
Printed raw, a line feed in a sheet name starts a fake line (``… 0 finding(s)``), a carriage
return or an ANSI escape sequence overwrites what was printed, and a bidirectional override
(U+202E) shows the rest of the line reversed. :func:`printable` writes each such character
as a visible escape; it is applied where text is printed — to every value a report line
quotes, to every cell of a :func:`text_table`, and by the command line to every line it
prints — never to the data itself.
"""

from __future__ import annotations

from collections.abc import Sequence

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: object) -> str:
    r"""``str(text)`` fit for one line of a terminal: every character that does not print is
    written as a visible escape — ``\n``, ``\r``, ``\t``, else ``\xNN``, ``\uNNNN`` or
    ``\UNNNNNNNN``.

    Escaped: the C0 and C1 control characters (line feed, carriage return, tab, escape,
    bell, backspace, U+0080–U+009F, U+0085 next line), the format characters (Unicode
    category Cf: the bidirectional embeddings, overrides and isolates U+202A–U+202E and
    U+2066–U+2069, the marks U+200E, U+200F and U+061C, zero-width spaces and joiners, the
    soft hyphen, the byte-order mark), the line and paragraph separators U+2028/U+2029,
    every space but the ordinary one (no-break, thin, ideographic …), surrogates, private-use
    and unassigned code points — exactly the characters for which ``str.isprintable`` is
    false. Letters, digits, marks and symbols of every script are kept, and so are
    backslashes: escaping twice changes nothing.

    >>> printable("Notes\n0 finding(s)\x1b[2K\u202eevil")
    'Notes\\n0 finding(s)\\x1b[2K\\u202eevil'
    >>> printable("Café — 東京 ✓"), printable(printable("a\tb"))
    ('Café — 東京 ✓', 'a\\tb')
    """
    value = str(text)
    if value.isprintable():
        return value
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in value)


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable_lines(text: str) -> str:
    r"""``text`` with each of its lines made :func:`printable`: the line feeds that separate
    the lines stay, every other character that does not print is escaped.

    For text composed of lines whose values were escaped already (a report): a line feed in
    a value can only be escaped where the value is put into its line.

    >>> print(printable_lines("first\nsecond\r\x1b[31m"))
    first
    second\r\x1b[31m
    """
    return "\n".join(printable(line) for line in text.split("\n"))


def text_table(
    rows: Sequence[Sequence[object]], headers: Sequence[str], right: Sequence[int] = ()
) -> str:
    """Rows as an aligned text table; columns listed in ``right`` are right-aligned. Every
    cell is :func:`printable`, so one row is one line whatever a cell holds.

    >>> print(text_table([["a", 1], ["bb", 22]], ["x", "n"], right=[1]))
    x    n
    --  --
    a    1
    bb  22
    """
    cells = [[printable(h) for h in headers]] + [[printable(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])
