"""Writing spreadsheet files safely: literal text, legal sheet names, atomic saves, CSV.

Every workbook crmselect writes (RFP templates, comparison workbooks, scoring sheets) goes
through these helpers, and every CSV file through :func:`write_csv`, so that no string that
came from outside the library — requirement text, vendor names, answers, comments — can
ever become a formula:

* openpyxl turns a string starting with ``=`` into a formula. :func:`put_text` forces the
  cell's type to text, and sets Excel's ``quotePrefix`` style on text that starts with a
  formula trigger (``= + - @``, tab, carriage return, or their full-width forms ``＝ ＋ －
  ＠``), so that Excel also shows and re-saves it as text (CSV/DDE injection, OWASP).
* Control characters that XML 1.0 cannot hold would make openpyxl raise
  ``IllegalCharacterError``; they are written as visible ``\\x07``-style escapes.
* Carriage returns are written as line feeds (``\r\n`` and ``\r`` → ``\n``): XML
  parsers normalise them anyway, so this only makes the stored text what will be read.
* Excel truncates cell text beyond 32,767 characters; :func:`put_text` refuses such text
  with an error instead of losing the tail silently. Excel counts UTF-16 code units
  (:func:`excel_length`): a character outside the Basic Multilingual Plane — an emoji, a
  rare CJK ideograph — counts twice.
* In a CSV file (:func:`write_csv`) a text cell starting with a formula trigger — after any
  apostrophes and white space, which a spreadsheet program may trim on import — is written
  with a leading apostrophe ``'``, the OWASP recommendation: ``=1+1`` → ``'=1+1``,
  ``" =1+1"`` → ``"' =1+1"``. Lines end with CR LF, so a text holding a carriage return or
  a line feed is quoted and cannot end the row.

Files are replaced atomically (:func:`replace_atomically`): written to a temporary file
next to the target and renamed over it, with the permissions an ordinary write would give.

Reference: OWASP, *CSV Injection*, https://owasp.org/www-community/attacks/CSV_Injection.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import stat
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path

import pandas as pd
from openpyxl.cell.cell import ERROR_CODES, Cell, MergedCell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from crmselect.errors import CrmselectError, Problem, ValidationError

MAX_CELL_TEXT = 32_767
"""Excel's limit on the characters in one cell, in UTF-16 code units (:func:`excel_length`)."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""Leading characters that spreadsheet programs may read as the start of a formula."""

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_PLAIN = re.compile(r"[\x00-\x08\x0b-\x1f]")
"""What :func:`literal` leaves to :func:`put_text`: characters XML cannot hold, and ``\\r``."""
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_TITLE = 31


def escape_illegal(text: str) -> str:
    r"""Replace characters XML cannot hold by visible escapes: ``"a\x07b"`` → ``"a\\x07b"``.

    >>> escape_illegal("bell\x07")
    'bell\\x07'
    """
    return _ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def excel_length(text: str) -> int:
    r"""The length of ``text`` as Excel counts it: UTF-16 code units, so a character beyond
    U+FFFF (an emoji) counts 2 — ``len(text) + #{c : ord(c) > 0xFFFF}``.

    Reference: Microsoft, *Excel specifications and limits* (32,767 characters per cell);
    Excel holds text as UTF-16, and its ``LEN`` gives 2 for an emoji.

    >>> excel_length("abc"), excel_length("\U0001f600" * 3)
    (3, 6)
    """
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def put_text(cell: Cell | MergedCell, text: str, where: str = "") -> None:
    """Write ``text`` into ``cell`` as literal text, never as a formula.

    Raises :class:`~crmselect.errors.ValidationError` when the text is longer than Excel
    can hold (``where`` names it in the message). ``cell`` is typed as openpyxl returns it;
    the covered part of a merged range cannot hold a value and is refused.
    """
    if isinstance(cell, MergedCell):
        raise CrmselectError(f"{where or cell.coordinate}: cannot write into a merged cell")
    value = escape_illegal(str(text).replace("\r\n", "\n").replace("\r", "\n"))
    if 2 * len(value) > MAX_CELL_TEXT and (units := excel_length(value)) > MAX_CELL_TEXT:
        raise ValidationError(
            "Text too long for one Excel cell",
            [
                Problem(
                    where or cell.coordinate,
                    f"{units:,} characters as Excel counts them (UTF-16 code units); Excel "
                    f"holds at most {MAX_CELL_TEXT:,} per cell — shorten it",
                )
            ],
        )
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_TRIGGERS) or str(text).startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


def plain_text(text: str) -> bool:
    r"""Whether openpyxl stores ``text`` unchanged as literal text when it is given as a
    value: it starts with no formula trigger (a leading ``=`` would make it a formula), is
    no error code such as ``#N/A``, holds no control character or carriage return and is
    short enough (at most half of :data:`MAX_CELL_TEXT` characters, so within it as Excel
    counts). :func:`put_text` would write it as it is too.

    >>> [plain_text(t) for t in ("Out of the box", "=1+1", "#N/A", "a\rb", "a\tb")]
    [True, False, False, False, True]
    """
    return (
        2 * len(text) <= MAX_CELL_TEXT
        and not text.startswith(FORMULA_TRIGGERS)
        and text not in ERROR_CODES
        and _NOT_PLAIN.search(text) is None
    )


def literal(sheet: Worksheet | WriteOnlyWorksheet, text: str, row: int, column: int) -> str | Cell:
    """``text`` as the value of the cell at ``row``, ``column`` of a row appended to a
    write-only ``sheet``, literal text either way: the string itself where it is
    :func:`plain_text`, else a cell written by :func:`put_text` (escapes, ``quotePrefix``,
    the length check naming ``Sheet!C7``).

    The fast path of the large streamed sheets: most texts are plain, and a plain string
    costs no cell object.
    """
    if plain_text(text):
        return text
    cell = WriteOnlyCell(sheet)
    cell.row, cell.column = row, column
    put_text(cell, text, f"{sheet.title}!{cell.coordinate}")
    return cell


def sheet_title(name: str, taken: Iterable[str] = ()) -> str:
    """A legal, unique Excel sheet title made from ``name``.

    Forbidden characters ``[]:*?/\\`` become ``_``, leading/trailing apostrophes go, the
    result is cut to 31 characters, and ``" (2)"``-style suffixes make it unique
    (case-insensitively, as Excel compares titles).

    >>> sheet_title("Q1/Q2: scores", taken=["Q1_Q2_ scores"])
    'Q1_Q2_ scores (2)'
    """
    base = _SHEET_FORBIDDEN.sub("_", name).strip("'").strip() or "Sheet"
    used = {t.lower() for t in taken}
    candidate = base[:MAX_SHEET_TITLE]
    number = 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
        number += 1
    return candidate


TEMPORARY_MARK = "~crmselect-"
"""Part of every temporary file's name:
``.{stem}~crmselect-{host}-{pid}-{8 hex digits}{suffix}`` next to the target
(``.report~crmselect-ws12-4711-1a2b3c4d.xlsx`` for ``report.xlsx`` written on ``ws12``)."""

HOST = re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:32] or "host"
"""This machine's name as temporary files carry it (letters and digits only): a process id
can be asked about only on the machine that started it."""

STALE_AFTER = 24 * 3600.0
"""Seconds after which a temporary file of a process that may still run counts as left over."""

_IN_PROGRESS: set[str] = set()
"""The temporary files this process is writing now (any thread): never left over."""


def _temporary_pattern(target: Path) -> re.Pattern[str]:
    """The names of :func:`replace_atomically`'s temporary files for ``target`` (the host
    and the process id are captured)."""
    return re.compile(
        rf"\.{re.escape(target.stem)}{re.escape(TEMPORARY_MARK)}([A-Za-z0-9]+)-(\d+)-"
        rf"[0-9a-f]{{8}}{re.escape(target.suffix)}"
    )


def _running(pid: int) -> bool:
    """Whether process ``pid`` may still be running (always presumed so where it cannot be
    asked: on Windows, ``os.kill(pid, 0)`` would terminate it)."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def _remove_stale_temporaries(target: Path) -> None:
    """Delete the temporary files an interrupted :func:`replace_atomically` of ``target``
    left behind (a killed process never reaches its clean-up).

    Only names matching the helper's exact pattern (:data:`TEMPORARY_MARK`) are candidates,
    and of those only regular files — never a symbolic link or a folder — owned by the
    current user and not being written by this process, that either were written on this
    machine (:data:`HOST`) by a process that has ended — or by one with this process's id,
    from an earlier run — or are older than :data:`STALE_AFTER` (the process id may have
    been reused; another machine's process on a shared drive cannot be asked, so its files
    are left that long). The entry is examined without following links and removed with
    ``unlink``, which removes a link itself, never what it points to. Files that cannot be
    examined or removed are left.
    """
    pattern = _temporary_pattern(target)
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or (uid is not None and info.st_uid != uid):
                continue
            if entry.path in _IN_PROGRESS:
                continue
            host, pid = match.group(1), int(match.group(2))
            old = time.time() - info.st_mtime > STALE_AFTER
            ended = host == HOST and (pid == os.getpid() or not _running(pid))
            if old or ended:
                os.unlink(entry.path)
        except OSError:
            continue


def _kept_permissions(target: Path) -> int | None:
    """The permission bits of the regular file at ``target`` (following a link to it), or
    ``None`` when there is none."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return None
    return mode & 0o777 if stat.S_ISREG(mode) else None


def _new_temporary(target: Path) -> str:
    """Create an empty temporary file next to ``target`` with the permissions an ordinary
    write of ``target`` would give (see :func:`replace_atomically`); returns its path.

    ``O_EXCL`` refuses a name that exists already, even as a (dangling) symbolic link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    kept = _kept_permissions(target)
    while True:
        mark = f"{TEMPORARY_MARK}{HOST}-{os.getpid()}-{secrets.token_hex(4)}"
        name = f".{target.stem}{mark}{target.suffix}"
        path = os.path.join(target.parent, name)
        try:
            handle = os.open(path, flags, 0o666 if kept is None else kept)
        except FileExistsError:
            continue
        _IN_PROGRESS.add(path)
        try:
            if kept is not None and os.chmod in os.supports_fd:
                os.chmod(handle, kept)  # exactly the old file's bits, whatever the umask
        finally:
            os.close(handle)
        return path


def replace_atomically(path: str | Path, write: Callable[[str], None]) -> Path:
    """Create ``path`` by calling ``write(temporary_path)`` on a temporary file in the same
    folder and renaming it into place: an interrupted or failed write never leaves a
    half-written file, and never destroys an existing file at ``path``.

    **Permissions** are those an ordinary ``open(path, "w")`` gives: a new file gets
    ``0o666 & ~umask`` — the temporary file is created with mode ``0o666`` and the operating
    system applies the process's umask, so the umask is never read or changed — and an
    existing regular file keeps its permission bits (``st_mode & 0o777``; not its owner).
    ``write`` must write into the file at the path it is given (truncating it), as
    openpyxl and pandas do.

    **Left-over temporary files** of ``path`` from a killed process are deleted first
    (:func:`_remove_stale_temporaries`); the temporary file of a failed ``write`` is deleted
    at once.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(target)
    temporary = _new_temporary(target)
    try:
        write(temporary)
        os.replace(temporary, target)
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        _IN_PROGRESS.discard(temporary)
    return target


def write_csv(frame: pd.DataFrame, path: str | Path, *, index: bool = True) -> Path:
    r"""Write ``frame`` to ``path`` as a UTF-8 CSV file, atomically (:func:`replace_atomically`)
    and safe to open in a spreadsheet program. Every CSV file crmselect writes goes through
    this function.

    Every text cell — values, column names, index values and names — that starts with a
    formula trigger (:data:`FORMULA_TRIGGERS`: ``= + - @``, tab, carriage return and their
    full-width forms), after any apostrophes and white space (:func:`looks_like_formula`), is
    written with a leading apostrophe (:func:`csv_text` undoes it when crmselect reads the
    file back), so that Excel, LibreOffice and Google Sheets show it as text instead of
    evaluating it (OWASP, *CSV Injection*): ``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``. The
    white space counts because LibreOffice's "Trim spaces" import option turns ``" =1+1"``
    into the formula ``=1+1``. Numbers stay numbers, negative ones included (``-3.5`` held
    as a number is written ``-3.5``); only ``str`` cells are changed. ``index`` writes the
    index as the first column(s), as in ``DataFrame.to_csv``.

    Lines end with CR LF, as RFC 4180 §2 prescribes: then a text holding a carriage return
    or a line feed is quoted (with ``\n`` line ends pandas leaves a lone ``\r`` unquoted, and
    a reader splits the row there).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> table = pd.DataFrame({"note": ["=1+1", "fine"], "delta": [-3.5, 2.0]})
    >>> write_csv(table, folder / "t.csv", index=False).read_bytes()
    b"note,delta\r\n'=1+1,-3.5\r\nfine,2.0\r\n"
    """
    safe = frame.copy()
    for j in range(safe.shape[1]):
        column = safe.iloc[:, j]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype | pd.CategoricalDtype):
            safe.isetitem(j, column.map(_literal_csv).to_numpy())
    safe.columns = _literal_index(safe.columns)
    safe.index = _literal_index(safe.index)

    def write(temporary: str) -> None:
        safe.to_csv(temporary, index=index, encoding="utf-8", lineterminator="\r\n")

    return replace_atomically(path, write)


def looks_like_formula(text: str) -> bool:
    r"""Whether a spreadsheet program could read ``text`` as a formula: its first character
    that is neither an apostrophe nor white space is a formula trigger
    (:data:`FORMULA_TRIGGERS`; tab and carriage return are triggers themselves).

    >>> [looks_like_formula(t) for t in ("=1+1", " \n=1", "'-2", "\tx", "a=b", "' ")]
    [True, True, True, True, False, False]
    """
    for character in text:
        if character in FORMULA_TRIGGERS:
            return True
        if character != "'" and not character.isspace():
            return False
    return False


def _literal_csv(value: object) -> object:
    """``'`` + ``value`` for text that :func:`looks_like_formula`; anything else unchanged.
    Skipping the apostrophes makes the rule reversible (:func:`csv_text`): ``'=x`` typed by a
    vendor is written ``''=x`` and read back ``'=x``."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def csv_text(text: str) -> str:
    """What :func:`write_csv` was given for a cell that reads ``text``: one leading
    apostrophe removed where the text :func:`looks_like_formula`.

    >>> csv_text("'=1+1"), csv_text("''=1+1"), csv_text("' =1"), csv_text("'quoted'")
    ('=1+1', "'=1+1", ' =1', "'quoted'")
    """
    if text.startswith("'") and looks_like_formula(text):
        return text[1:]
    return text


def _literal_index(index: pd.Index) -> pd.Index:
    """:func:`_literal_csv` on every label and name of ``index`` (one level or several)."""
    names: list[Hashable] = [_literal_csv(n) for n in index.names]
    if isinstance(index, pd.MultiIndex):
        levels = [index.get_level_values(i).map(_literal_csv) for i in range(index.nlevels)]
        return pd.MultiIndex.from_arrays(levels, names=names)
    return index.map(_literal_csv).rename(names[0])


def save_atomic(workbook: Workbook, path: str | Path) -> Path:
    """Save ``workbook`` to ``path`` (``.xlsx``) with :func:`replace_atomically`."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise CrmselectError(f"{target}: workbooks are written as .xlsx; use that extension")
    return replace_atomically(target, workbook.save)


# -- forms handed out to be filled in (RFP templates, scoring sheets, workshops) -------------

HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
"""Yellow: the cells the recipient fills in."""
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)


def header_row(sheet: Worksheet, headers: Sequence[str], row: int = 1) -> None:
    """Write ``headers`` as a dark header row starting in column A."""
    for column, title in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column)
        put_text(cell, title)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT


def protect(sheet: Worksheet) -> None:
    """Protect a form sheet so only unlocked (input) cells are editable; columns and rows may
    still be resized. A usability guard, not security (Excel's legacy hash is weak)."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def label_rows(sheet: Worksheet, rows: Sequence[tuple[str, str]], start: int) -> int:
    """Write (label, text) pairs from row ``start`` down, labels bold in column A and texts
    wrapped in column B; returns the first row after them."""
    for row, (label, text) in enumerate(rows, start=start):
        put_text(sheet.cell(row=row, column=1), label)
        sheet.cell(row=row, column=1).font = Font(bold=True)
        put_text(sheet.cell(row=row, column=2), text)
        sheet.cell(row=row, column=2).alignment = WRAP
    return start + len(rows)
