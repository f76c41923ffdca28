"""Tables ⇄ model objects: requirements, RFP responses and demo scores as DataFrames or CSV.

The same functions serve a consultant who builds an evaluation from pandas DataFrames and
the evaluation-folder loader that reads CSV files; every object keeps its origin
(``responses.csv: row 17``) so errors point at the row. Rows are numbered as a spreadsheet
shows them (the header is row 1).

CSV files are read as text only (no type guessing, ``NA`` stays ``"NA"``), so nothing a
vendor typed is changed or dropped on the way in; free text (:data:`FREE_TEXT`) is not even
stripped. Reading is bounded (:func:`read_csv`): regular files only, at most
:data:`MAX_CSV_BYTES` and :data:`MAX_CSV_ROWS` rows, and every message is short.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
from collections.abc import Callable, Sequence
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect.clarifications import Clarification
from crmselect.errors import CrmselectError, InputFileError, Problem
from crmselect.io.excel.xlsx import csv_text
from crmselect.io.files import read_regular_file
from crmselect.model import DemoScore, Requirement, Response
from crmselect.model.inputs import from_columns
from crmselect.scales import ComplianceScale

T = TypeVar("T")

RESPONSE_COLUMNS = ("vendor", "requirement", "compliance", "comment", "evidence")
DEMO_SCORE_COLUMNS = ("evaluator", "vendor", "script", "criterion", "score", "note")
REQUIREMENT_COLUMNS = ("id", "criterion", "priority", "mandatory", "text")
CLARIFICATION_COLUMNS = (
    "vendor",
    "item",
    "original",
    "clarified",
    "source",
    "recorded_by",
    "recorded_at",
)

_REQUIRED = {
    RESPONSE_COLUMNS: ("vendor", "requirement", "compliance"),
    DEMO_SCORE_COLUMNS: ("evaluator", "vendor", "script", "criterion", "score"),
    REQUIREMENT_COLUMNS: ("id", "criterion", "text"),
    CLARIFICATION_COLUMNS: CLARIFICATION_COLUMNS,
}
_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0", ""}


FREE_TEXT = frozenset({"comment", "evidence", "note", "original", "source"})
"""Columns of free text, kept exactly as written — white space included, so that a comment
``" =1+1"`` reads back as it was written, not as ``"=1+1"``. Every other cell is stripped."""


def _cell(value: object, *, strip: bool = True) -> str:
    """A cell as text, stripped unless ``strip`` is false; empty for None/NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip() if strip else str(value)


def _column_cells(frame: pd.DataFrame, column: str, *, strip: bool) -> list[str]:
    """The cells of ``column`` of ``frame`` as text (:func:`_cell`), one per row; all empty
    when the frame has no such column. A column named twice reads as its last copy, as a
    row of ``frame.to_dict("records")`` would (a CSV file naming one twice is refused
    before, :func:`read_csv`)."""
    positions = [j for j, name in enumerate(frame.columns) if name == column]
    if not positions:
        return [""] * len(frame)
    values = frame.iloc[:, positions[-1]].tolist()
    if set(map(type, values)) <= {str}:  # a CSV file's column: text only, at C speed
        return list(map(str.strip, values)) if strip else values
    if strip:
        return [v.strip() if type(v) is str else _cell(v) for v in values]
    return [v if type(v) is str else _cell(v, strip=False) for v in values]


class _RowProblems(ValueError):
    """Everything wrong with one row, so that all of it is reported at once."""

    def __init__(self, whats: list[str]) -> None:
        super().__init__("; ".join(whats))
        self.whats = whats


Build = Callable[[list[list[str]], list[str], list[Problem]], list[T]]
"""Builds a table's objects from its cells (a list per column, in the order of the table's
columns, as text) and each row's place (``responses.csv: row 2``), appending the problems of
the rows it refuses to the list it is given, in row order."""


def _rows(
    frame: pd.DataFrame,
    columns: Sequence[str],
    source: str,
    build: Build[T],
    found: list[Problem] | None = None,
) -> list[T]:
    """The objects ``build`` makes of the rows, every problem collected before raising —
    or, with ``found``, appended to it and the rows that could be read returned.

    A missing required column stops the reading (no row can be read without it); unknown
    columns are reported together with the problems of the rows.
    """
    columns = tuple(columns)
    name = source or "table"
    missing = _missing_columns(frame, columns, name)
    if missing and found is not None:
        found += missing
        return []
    if missing:
        raise InputFileError(f"Wrong columns in {name}", missing)
    problems = _unknown_columns(frame, columns, name)
    cells = [_column_cells(frame, c, strip=c not in FREE_TEXT) for c in columns]
    built = build(cells, _places(source, len(frame)), problems)
    if found is not None:
        found += problems
    elif problems:
        raise InputFileError(f"Cannot read {name}", problems)
    return built


def _places(source: str, count: int) -> list[str]:
    """Where each of ``count`` rows is, numbered from 2 as a spreadsheet shows them (the
    header is row 1): ``responses.csv: row 2``, or ``row 2`` without a ``source``."""
    prefix = f"{source}: row " if source else "row "
    return list(map(prefix.__add__, map(str, range(2, count + 2))))


def _missing_columns(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> list[Problem]:
    """A problem for each required column of a ``columns`` table that ``frame`` lacks."""
    return [
        Problem(name, f"missing column {c!r}") for c in _REQUIRED[columns] if c not in frame.columns
    ]


def _unknown_columns(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> list[Problem]:
    """A problem for each column of ``frame`` that is not one of ``columns``."""
    return [
        Problem(name, f"unknown column {c!r}; expected {', '.join(columns)}")
        for c in frame.columns
        if c not in columns
    ]


def _one_by_one(make: Callable[[tuple[str, ...], str], T]) -> Build[T]:
    """The :data:`Build` that gives ``make`` each row (its cells in the order of the columns)
    and where it is: the objects it returns are kept, and the problems of the rows it
    refuses (raising) are appended, in row order."""

    def build(cells: list[list[str]], places: list[str], problems: list[Problem]) -> list[T]:
        built: list[T] = []
        for where, row in zip(places, zip(*cells, strict=True), strict=True):
            try:
                built.append(make(row, where))
            except (CrmselectError, ValueError) as exc:
                problems += _refused(where, exc)
        return built

    return build


def _readable(
    cells: list[list[str]],
    places: list[str],
    problems: list[Problem],
    whats: Callable[[tuple[str, ...]], list[str]] | None,
) -> tuple[list[list[str]], list[str]]:
    """The cells and places of the rows in which ``whats`` finds nothing wrong; what it
    finds in the others is appended to ``problems``, in row order. ``whats`` is ``None``
    where no row can have a problem (as decided from the columns' distinct values): every
    row is kept without looking at them one by one."""
    if whats is None:
        return cells, places
    kept: list[int] = []
    for i, row in enumerate(zip(*cells, strict=True)):
        refused = whats(row)
        if refused:
            problems += [Problem(places[i], what) for what in refused]
        else:
            kept.append(i)
    return [[column[i] for i in kept] for column in cells], [places[i] for i in kept]


def _refused(where: str, exc: CrmselectError | ValueError) -> list[Problem]:
    """Why ``make`` refused the row at ``where``: each problem an error carries (or its
    message when it carries none), each text of :class:`_RowProblems`, or the message of
    any other ``ValueError``."""
    if isinstance(exc, CrmselectError):
        carried = [Problem(where, p.what) for p in getattr(exc, "problems", ())]
        return carried or [Problem(where, str(exc))]
    if isinstance(exc, _RowProblems):
        return [Problem(where, what) for what in exc.whats]
    return [Problem(where, str(exc))]


def _empty(row: Sequence[str], columns: Sequence[str], keys: Sequence[str]) -> list[str]:
    """``"<key> is empty"`` for each of ``keys`` whose cell in ``row`` (cells in the order
    of ``columns``) is empty."""
    cells = dict(zip(columns, row, strict=True))
    return [f"{key} is empty" for key in keys if not cells[key]]


def responses_from_frame(
    frame: pd.DataFrame,
    scale: ComplianceScale | None = None,
    source: str = "",
    *,
    found: list[Problem] | None = None,
) -> list[Response]:
    """RFP answers from a table with columns vendor, requirement, compliance[, comment, evidence].

    ``compliance`` may be a scale key, label or alias in any case (see
    :meth:`ComplianceScale.parse`); an empty cell is a blank answer. Anything else is an
    error naming the row — an answer is never guessed or dropped. Every problem of every
    row is reported at once: raised as :class:`~crmselect.errors.InputFileError`, or, with
    ``found``, appended to it (and the rows without problems returned).
    """
    return _rows(
        frame, RESPONSE_COLUMNS, source, partial(_answers, scale or ComplianceScale()), found
    )


def _answers(
    scale: ComplianceScale, cells: list[list[str]], places: list[str], problems: list[Problem]
) -> list[Response]:
    """The :data:`Build` of :func:`responses_from_frame`. Each distinct compliance text is
    parsed once (a table repeats a handful of answers thousands of times), and the rows are
    looked at one by one only where a text is off the scale or a vendor or requirement cell
    is empty; the answers are made column by column (:func:`~crmselect.model.inputs.from_columns`).
    """
    vendor, requirement, compliance, *_ = cells
    levels = {text: scale.parse(text) for text in set(compliance) if text}
    off = {text for text, level in levels.items() if level is None}
    levels[""] = None

    def whats(row: tuple[str, ...]) -> list[str]:
        compliance = row[2]
        found = (
            [f"compliance {compliance!r} is not on the scale; use one of: {scale.describe()}"]
            if compliance in off
            else []
        )
        return found + _empty(row, RESPONSE_COLUMNS, ("vendor", "requirement"))

    flagged = bool(off) or "" in vendor or "" in requirement
    cells, places = _readable(cells, places, problems, whats if flagged else None)
    vendor, requirement, compliance, comment, evidence = cells
    keys = list(map(levels.__getitem__, compliance))
    return from_columns(Response, (vendor, requirement, keys, comment, evidence, places))


def _score(text: str) -> tuple[float | None, str]:
    """A demo score cell: the number (``None`` when empty), or why it is not one."""
    if not text:
        return None, ""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None, f"score {text!r} is not a number"
    if not math.isfinite(value):
        return None, f"score {text!r} is not a finite number"
    return value, ""


def demo_scores_from_frame(
    frame: pd.DataFrame, source: str = "", *, found: list[Problem] | None = None
) -> list[DemoScore]:
    """Demo scores from a table with columns evaluator, vendor, script, criterion, score[, note].

    An empty score cell means "not scored" (reported as missing); text that is not a number
    is an error naming the row. Every problem of every row is reported at once (``found``
    as in :func:`responses_from_frame`).
    """
    return _rows(frame, DEMO_SCORE_COLUMNS, source, _demo_scores, found)


def _demo_scores(
    cells: list[list[str]], places: list[str], problems: list[Problem]
) -> list[DemoScore]:
    """The :data:`Build` of :func:`demo_scores_from_frame`: each distinct score text read
    once (:func:`_score`), the rows looked at one by one only where a text is not a number
    or an id cell is empty, the scores made column by column."""
    ids = ("evaluator", "vendor", "script", "criterion")
    numbers = {text: _score(text) for text in set(cells[4])}

    def whats(row: tuple[str, ...]) -> list[str]:
        what = numbers[row[4]][1]
        found = _empty(row, DEMO_SCORE_COLUMNS, ids)
        return [*found, what] if what else found

    flagged = any(what for _, what in numbers.values()) or any("" in c for c in cells[:4])
    cells, places = _readable(cells, places, problems, whats if flagged else None)
    evaluator, vendor, script, criterion, score, note = cells
    value_of = {text: value for text, (value, _) in numbers.items()}
    values = list(map(value_of.__getitem__, score))
    return from_columns(DemoScore, (evaluator, vendor, script, criterion, values, note, places))


def clarifications_from_frame(
    frame: pd.DataFrame, source: str = "", *, found: list[Problem] | None = None
) -> list[Clarification]:
    """Clarifications from a table with columns :data:`CLARIFICATION_COLUMNS`, all of them
    required: ``recorded_at`` an ISO date (``2026-11-20``) or date and time. ``original``
    and ``source`` are kept exactly as written (free text). Every problem of every row is
    reported at once (``found`` as in :func:`responses_from_frame`)."""

    def make(row: tuple[str, ...], where: str) -> Clarification:
        cells = dict(zip(CLARIFICATION_COLUMNS, row, strict=True))
        whats = _empty(
            row, CLARIFICATION_COLUMNS, ("vendor", "item", "source", "recorded_by", "recorded_at")
        )
        if cells["recorded_at"] and not _iso_time(cells["recorded_at"]):
            whats.append(f"recorded_at {cells['recorded_at']!r} is not a date like 2026-11-20")
        if whats:
            raise _RowProblems(whats)
        return Clarification(origin=where, **cells)

    return _rows(frame, CLARIFICATION_COLUMNS, source, _one_by_one(make), found)


def _iso_time(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def requirements_from_frame(frame: pd.DataFrame, source: str = "") -> list[Requirement]:
    """Requirements from a table with columns id, criterion, text[, priority, mandatory]."""

    def make(row: tuple[str, ...], where: str) -> Requirement:
        rid, criterion, priority, mandatory, text = row
        flag = mandatory.lower()
        if flag not in _TRUE | _FALSE:
            raise ValueError(f"mandatory {mandatory!r} must be yes or no")
        return Requirement(rid, text, criterion, priority or "should", flag in _TRUE, origin=where)

    return _rows(frame, REQUIREMENT_COLUMNS, source, _one_by_one(make))


def responses_to_frame(responses: Sequence[Response]) -> pd.DataFrame:
    """The inverse of :func:`responses_from_frame` (compliance as scale keys)."""
    return pd.DataFrame(
        [(a.vendor, a.requirement, a.compliance or "", a.comment, a.evidence) for a in responses],
        columns=list(RESPONSE_COLUMNS),
    )


def demo_scores_to_frame(scores: Sequence[DemoScore]) -> pd.DataFrame:
    """The inverse of :func:`demo_scores_from_frame`."""
    return pd.DataFrame(
        [(d.evaluator, d.vendor, d.script, d.criterion, d.score, d.note) for d in scores],
        columns=list(DEMO_SCORE_COLUMNS),
    )


def requirements_to_frame(requirements: Sequence[Requirement]) -> pd.DataFrame:
    """The inverse of :func:`requirements_from_frame`."""
    return pd.DataFrame(
        [(r.id, r.criterion, r.priority.value, r.mandatory, r.text) for r in requirements],
        columns=list(REQUIREMENT_COLUMNS),
    )


MiB = 1 << 20
MAX_CSV_BYTES = 50 * MiB
"""The largest CSV file read: 50 MiB, the size of the largest returned workbook read
(:class:`~crmselect.io.excel.untrusted.ReadLimits`) and some 500 times the bundled example's
responses.csv; larger files are refused from their size before any byte is read."""
MAX_CSV_ROWS = 1_000_000
"""The most rows a CSV file may have: ten times a sheet of a returned workbook (100,000), room
for 300 vendors answering 3,000 requirements each. It bounds the time and memory a file of
many tiny rows takes (50 MiB of ``a`` lines would be 26 million rows)."""
SHOWN_ROWS = 10
"""The bad rows of one file listed one by one; the rest are counted in one more line."""
_EXCERPT = 200
"""Characters of a parser's own message quoted in an error."""


class EmptyCsvError(InputFileError):
    """The CSV file holds nothing but white space (and maybe a byte-order mark)."""


def _excerpt(text: str) -> str:
    """``text`` cut to :data:`_EXCERPT` characters for a message."""
    return text if len(text) <= _EXCERPT else f"{text[:_EXCERPT]}… ({len(text):,} characters)"


def _unreadable(path: Path, what: str) -> InputFileError:
    return InputFileError(f"{path} is not a readable CSV file", [Problem(str(path), what)])


def _decoded(path: Path, data: bytes) -> str:
    """``data`` as UTF-8 text (a byte-order mark dropped); an error names the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _unreadable(
            path,
            f"byte 0x{data[exc.start]:02x} in line {line} is not UTF-8 text; save the file as "
            "CSV UTF-8",
        ) from None


def _check_shape(path: Path, text: str, data: bytes) -> None:
    """Refuse a header naming a column twice, rows longer than the header (the first
    :data:`SHOWN_ROWS` listed, the others counted) and more than :data:`MAX_CSV_ROWS` rows —
    all of them at once. ``data`` is ``text`` as UTF-8 (no byte-order mark).

    The rows are counted and measured in numpy (:func:`_row_lengths`, the header read with
    :mod:`csv`), or where that reading does not apply read once with :mod:`csv`, their
    lengths compared in C; only a file with a row longer than the header is read again,
    row by row, to name them."""
    measured = _row_lengths(data)
    header = text if measured is None else data[: measured[2]].decode()
    records = csv.reader(io.StringIO(header, newline=""))
    names = [name.strip() for name in next(records, [])]
    twice = sorted({name for name in names if name and names.count(name) > 1})
    # pandas would rename the second one 'name.1' and keep both
    found = [
        Problem(f"{path}: row 1", f"column {_excerpt(name)!r} appears twice") for name in twice
    ]
    if measured is None or not names:  # a blank first line: the rows are counted by csv
        records = csv.reader(io.StringIO(text, newline=""))
        next(records, None)
        longest = max(map(len, islice(records, MAX_CSV_ROWS)), default=0)
        too_many = next(records, None) is not None
    else:
        rows, longest, _ = measured
        too_many = rows > MAX_CSV_ROWS
    if too_many:
        raise InputFileError(
            f"{path} is too large",
            [Problem(str(path), f"more than {MAX_CSV_ROWS:,} rows; split the table")],
        )
    if longest > len(names):
        found += _long_rows(path, text, len(names))
    if found:
        headline = "names a column twice" if twice else "has rows longer than its header"
        raise InputFileError(f"{path} {headline}", found)


_COMMA, _QUOTE, _LF, _CR = 44, 34, 10, 13  # the bytes of ',', '"', '\n', '\r'


def _row_lengths(data: bytes) -> tuple[int, int, int] | None:
    """How many rows follow the header of the CSV text ``data`` (UTF-8), the most cells one
    of them has, and where the header ends, as :func:`csv.reader` reads them — found in
    numpy on the bytes (the quote, the comma and the line breaks are ASCII, never part of
    another character). ``None`` where the text is not one this reading covers, and the
    :mod:`csv` module reads it: a quote that opens other than at the start of a cell or
    closes other than at its end (see :func:`_quoted_cells`), a quoted cell left open, a
    NUL byte, or a cell that could pass :func:`csv.field_size_limit`.

    Otherwise a comma or a line break is a separator outside the quoted cells; a row ends
    at each line break (``\\r\\n`` is one) and has one cell more than it has commas — a
    blank line, which has none, is counted as one cell: a header naming a column is not
    shorter.
    """
    text = np.frombuffer(data, np.uint8)
    quotes = np.flatnonzero(text == _QUOTE)
    if b"\x00" in data or not _quoted_cells(text, quotes):
        return None
    separators = np.flatnonzero((text == _COMMA) | (text == _LF) | (text == _CR))
    if len(quotes):  # keep the separators in no quoted cell
        edge = len(separators) + 1
        quoted = np.bincount(np.searchsorted(separators, quotes[0::2]), minlength=edge)
        quoted -= np.bincount(np.searchsorted(separators, quotes[1::2]), minlength=edge)
        separators = separators[np.cumsum(quoted[:-1]) == 0]
    cells = np.diff(np.concatenate(([-1], separators, [len(text)])))
    if int(cells.max()) - 1 > csv.field_size_limit():
        return None
    kind = text[separators]
    after_cr = np.zeros(len(separators), np.bool_)
    after_cr[1:] = (kind[:-1] == _CR) & (np.diff(separators) == 1)
    is_break = (kind == _CR) | ((kind == _LF) & ~after_cr)
    ends = (
        [_line_end(data, int(b)) for b in separators[is_break][[0, -1]]] if is_break.any() else []
    )
    rows = int(is_break.sum()) + int((ends[-1] if ends else 0) < len(data))
    commas = np.cumsum(kind == _COMMA)
    per_row = np.diff(np.concatenate(([0], commas[is_break], commas[-1:])))[:rows]
    return rows - 1, int(per_row[1:].max(initial=-1)) + 1, ends[0] if ends else len(data)


def _line_end(data: bytes, position: int) -> int:
    """Where the line break at ``position`` of ``data`` ends (``\\r\\n`` is one)."""
    return position + (2 if data[position : position + 2] == b"\r\n" else 1)


def _quoted_cells(text: npt.NDArray[np.uint8], quotes: npt.NDArray[np.intp]) -> bool:
    """Whether every quote of ``text`` (at ``quotes``) opens a quoted cell at the start of a
    cell — the start of the text, after a comma or a line break — and the next one closes
    it at its end, before a comma, a line break or the end of the text; a quote in a
    quoted cell is two, the second opening again where the first closed. :mod:`csv` reads
    these as the numbers of quotes before each separator say (:func:`_row_lengths`)."""
    if len(quotes) % 2:
        return False
    opening, closing = quotes[0::2], quotes[1::2]
    edge = np.array([_COMMA, _LF, _CR, _QUOTE], np.uint8)
    before = text[np.maximum(opening - 1, 0)]
    after = text[np.minimum(closing + 1, len(text) - 1)]
    return bool(
        ((opening == 0) | np.isin(before, edge)).all()
        and ((closing == len(text) - 1) | np.isin(after, edge)).all()
    )


def _long_rows(path: Path, text: str, width: int) -> list[Problem]:
    """The rows of ``text`` (a CSV file of at most :data:`MAX_CSV_ROWS` rows after its
    header) with more than ``width`` cells: the first :data:`SHOWN_ROWS` named, the others
    counted."""
    records = csv.reader(io.StringIO(text, newline=""))
    next(records, None)
    found: list[Problem] = []
    long_rows = 0
    for number, cells in enumerate(records, start=2):
        if len(cells) > width:
            long_rows += 1
            if long_rows <= SHOWN_ROWS:
                found.append(
                    Problem(
                        f"{path}: row {number}",
                        f"{len(cells)} cells, but the header has {width} columns; a value "
                        "would be shifted or lost — remove the extra cells or quote a value "
                        "holding a comma",
                    )
                )
    if long_rows > SHOWN_ROWS:
        found.append(
            Problem(str(path), f"… and {long_rows - SHOWN_ROWS:,} more rows longer than the header")
        )
    return found


def read_csv(path: Path) -> pd.DataFrame:
    """A UTF-8 CSV file as text cells only; errors name the file.

    Only a regular file of at most :data:`MAX_CSV_BYTES` and :data:`MAX_CSV_ROWS` rows is
    read (:func:`read_regular_file`), and every message is bounded: at most
    :data:`SHOWN_ROWS` bad rows are listed, and a parser's own message is quoted in part.
    A file holding only white space raises :class:`EmptyCsvError`.

    A row with more cells than the header is refused with its row number: pandas would
    otherwise shift the row's values one column to the right (taking the first as an
    index) or drop the extra ones. So is a header naming a column twice, which pandas would
    keep as ``name`` and ``name.1``. The apostrophe :func:`crmselect.io.excel.xlsx.write_csv` puts
    before text a spreadsheet would run as a formula is taken off again
    (:func:`~crmselect.io.excel.xlsx.csv_text`), so a file crmselect wrote reads back as it was.
    """
    data = read_regular_file(path, MAX_CSV_BYTES)
    text = _decoded(path, data)
    if not text.strip(" \t\r\n"):
        raise EmptyCsvError(f"{path} is empty", [Problem(str(path), "the file is empty")])
    try:
        _check_shape(path, text, data.removeprefix(codecs.BOM_UTF8))
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, index_col=False)
    except (csv.Error, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise _unreadable(path, _excerpt(str(exc).strip())) from None
    frame.columns = pd.Index([csv_text(str(c)) for c in frame.columns])
    if "'" not in text:
        return frame  # no cell starts with an apostrophe
    for j in range(frame.shape[1]):
        column = frame.iloc[:, j]
        if "\n'" not in "\n" + "\n".join(column.tolist()):
            continue  # no cell starts with an apostrophe (a quick test over the joined text)
        quoted = column.str.startswith("'")
        if quoted.any():  # only these can carry write_csv's apostrophe
            frame.isetitem(j, column.where(~quoted, column[quoted].map(csv_text)).to_numpy())
    return frame
