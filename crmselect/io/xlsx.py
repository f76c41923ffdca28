"""Writing Excel workbooks safely: literal text, legal sheet names, atomic saves.

Every workbook crmselect writes (RFP templates, comparison workbooks, scoring sheets) goes
through these helpers, so that no string that came from outside the library — requirement
text, vendor names, answers, comments — can ever become a formula:

* openpyxl turns a string starting with ``=`` into a formula. :func:`put_text` forces the
  cell's type to text, and sets Excel's ``quotePrefix`` style on text that starts with a
  formula trigger (``= + - @``, tab, carriage return, or their full-width forms ``＝ ＋ －
  ＠``), so that Excel also shows and re-saves it as text (CSV/DDE injection, OWASP).
* Control characters that XML 1.0 cannot hold would make openpyxl raise
  ``IllegalCharacterError``; they are written as visible ``\\x07``-style escapes.
* Carriage returns are written as line feeds (``\r\n`` and ``\r`` → ``\n``): XML
  parsers normalise them anyway, so this only makes the stored text what will be read.
* Excel truncates cell text beyond 32,767 characters; :func:`put_text` refuses such text
  with an error instead of losing the tail silently.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from crmselect.errors import CrmselectError, Problem, ValidationError

MAX_CELL_TEXT = 32_767
"""Excel's limit on the characters in one cell."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""Leading characters that spreadsheet programs may read as the start of a formula."""

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_TITLE = 31


def escape_illegal(text: str) -> str:
    r"""Replace characters XML cannot hold by visible escapes: ``"a\x07b"`` → ``"a\\x07b"``.

    >>> escape_illegal("bell\x07")
    'bell\\x07'
    """
    return _ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def put_text(cell: Cell | MergedCell, text: str, where: str = "") -> None:
    """Write ``text`` into ``cell`` as literal text, never as a formula.

    Raises :class:`~crmselect.errors.ValidationError` when the text is longer than Excel
    can hold (``where`` names it in the message). ``cell`` is typed as openpyxl returns it;
    the covered part of a merged range cannot hold a value and is refused.
    """
    if isinstance(cell, MergedCell):
        raise CrmselectError(f"{where or cell.coordinate}: cannot write into a merged cell")
    value = escape_illegal(str(text).replace("\r\n", "\n").replace("\r", "\n"))
    if len(value) > MAX_CELL_TEXT:
        raise ValidationError(
            "Text too long for one Excel cell",
            [
                Problem(
                    where or cell.coordinate,
                    f"{len(value):,} characters; Excel holds at most {MAX_CELL_TEXT:,} per cell — "
                    "shorten it",
                )
            ],
        )
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_TRIGGERS) or str(text).startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


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


def replace_atomically(path: str | Path, write: Callable[[str], None]) -> Path:
    """Create ``path`` by calling ``write(temporary_path)`` on a temporary file in the same
    folder and renaming it into place: an interrupted or failed write never leaves a
    half-written file, and never destroys an existing file at ``path``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent
    )
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target


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
