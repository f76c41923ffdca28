"""Cell writing, styles, Excel tables and print setup shared by the comparison workbook's sheets.

Private to the sheets of :mod:`crmselect.io.report` (:class:`Looks` serves the RFP template
too). Every string goes through
:func:`crmselect.io.excel.xlsx.put_text` (:func:`put`); numbers are written as numbers, NaN and
``None`` as empty cells, ±inf as the text ``∞``/``−∞`` (Excel has no infinity).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from copy import copy
from numbers import Integral, Real
from typing import Any

import attrs
import numpy as np
import pandas as pd
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.formatting.rule import ColorScaleRule, DataBarRule, FormulaRule, Rule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from crmselect.io.excel.xlsx import MAX_CELL_TEXT, put_text

# -- styles (shared objects: openpyxl stores each distinct style once) ------------------------

TITLE_FONT = Font(bold=True, size=14, color="1F3864")
SECTION_FONT = Font(bold=True, size=12, color="1F3864")
NOTE_FONT = Font(italic=True, size=9, color="595959")
BOLD = Font(bold=True)
LABEL_FONT = Font(bold=True, color="404040")
SMALL_WRAP = Alignment(wrap_text=True, vertical="bottom", horizontal="center")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
LEFT = Alignment(horizontal="left")
TOP = Alignment(vertical="top")
CENTRE = Alignment(horizontal="center")
KO_FILL = PatternFill("solid", fgColor="F8CBAD")
"""Knock-outs: a mandatory requirement not satisfied, a knocked-out vendor's status."""
MISSING_FILL = PatternFill("solid", fgColor="FFE699")
"""Missing answers and demo scores."""
CHANGED_FILL = PatternFill("solid", fgColor="FFFF00")
"""An input cell whose value differs from the exported one."""
KO_FONT = Font(bold=True, color="9C0006")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True, color="1F3864")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="bottom")
HEADER_BORDER = Border(bottom=Side(style="medium", color="1F3864"))
MISSING_FONT = Font(italic=True, color="7F6000")
INPUT_STYLE = "Input"
"""Excel's built-in *Input* cell style (orange fill, blue text): the cells meant to be edited."""

SCORE_FORMAT = "0.00"
TOTAL_FORMAT = "0.0000"
SHARE_FORMAT = "0.0%"
WEIGHT_FORMAT = "0.00%"
RANK_FORMAT = "0"
TABLE_STYLE = "TableStyleMedium2"

INFINITY_TEXT = "∞"

_CONTROL = re.compile(r"[\x00-\x1f]")


class Looks:
    """The styles of one sheet, each registered with openpyxl once.

    Setting a font, fill or alignment on a cell hashes and compares the style objects to
    find them in the workbook's style tables (the larger part of writing a large sheet,
    cell by cell); the style array it leaves on the cell is a handful of integers. The
    first cell of a look gets it the public way; every later one a copy of that array.
    The comparison workbook's streamed sheets and the RFP template's Requirements sheet
    style their rows so.
    """

    def __init__(self) -> None:
        self._arrays: dict[Hashable, StyleArray] = {}
        self._ids: dict[Hashable, int] = {}

    def give(self, cell: Cell, key: Hashable, look: Callable[[Cell], None]) -> None:
        """Style ``cell`` as ``look`` does (a look named ``key`` on this sheet)."""
        array = self._arrays.get(key)
        if array is None:
            look(cell)
            self._arrays[key] = copy(cell._style)  # type: ignore[attr-defined]  # a slot the stubs omit
        else:
            cell._style = copy(array)  # type: ignore[attr-defined]

    def style(self, sheet: WriteOnlyWorksheet, key: Hashable, look: Callable[[Cell], None]) -> int:
        """The style id in ``sheet``'s workbook of the look named ``key`` (``look`` styles a
        cell so), for a streamed :class:`~crmselect.io.report.stream.Styled` cell:
        registered on first use, then remembered."""
        number = self._ids.get(key)
        if number is None:
            cell = WriteOnlyCell(sheet)
            self.give(cell, key, look)
            number = self._ids[key] = cell.style_id
        return number


def declare_dimension(sheet: WriteOnlyWorksheet, ref: str) -> None:
    """Have the write-only ``sheet`` state its used range ``ref`` (``A1:H5001``) in its
    ``<dimension>`` element, as openpyxl writes it for an ordinary sheet (it writes none
    for a write-only one): a reader such as openpyxl's read-only mode sizes the sheet from
    it. Called before the sheet's first row, when that element is written."""
    streamed: Any = sheet  # openpyxl's writer asks the sheet for calculate_dimension()
    streamed.calculate_dimension = lambda: ref


def at(ws: Worksheet, row: int, column: int) -> Cell:
    """The cell at ``row``, ``column`` (1-based); never a merged-over cell."""
    cell = ws.cell(row, column)
    if not isinstance(cell, Cell):
        raise ValueError(f"{ws.title}!{cell.coordinate} is covered by a merged cell")
    return cell


def put(cell: Cell, value: object, number_format: str | None = None, where: str = "") -> None:
    """Write ``value`` into ``cell``: text as literal text (never a formula), numbers as numbers.

    ``None``, ``pd.NA`` and NaN leave the cell empty; ±inf become ``∞``/``−∞`` text; booleans
    stay booleans; anything else is written as its ``str`` through :func:`put_text`.
    """
    if type(value) is str:  # the common case first: no slow ABC checks
        put_text(cell, value, where or _where(cell, value))
        return
    if value is None or value is pd.NA or value is pd.NaT:
        return
    if isinstance(value, bool | np.bool_):
        cell.value = bool(value)
    elif isinstance(value, Integral):
        cell.value = int(value)
    elif isinstance(value, Real):
        number = float(value)
        if math.isnan(number):
            return
        if math.isinf(number):
            put_text(cell, INFINITY_TEXT if number > 0 else "−" + INFINITY_TEXT)
            cell.alignment = Alignment(horizontal="right")
            return
        cell.value = number
    else:
        text = str(value)
        put_text(cell, text, where or _where(cell, text))
        return
    if number_format is not None:
        cell.number_format = number_format


def _where(cell: Cell, text: str) -> str:
    """``Sheet!C7`` for the error message of text too long for a cell (built only when the
    text could be: a control character's escape takes 4 characters, a character beyond
    U+FFFF 2 UTF-16 code units — so ``4 · len(text)`` bounds its length as Excel counts it,
    :func:`~crmselect.io.excel.xlsx.excel_length`)."""
    return f"{cell.parent.title}!{cell.coordinate}" if 4 * len(text) > MAX_CELL_TEXT else ""


def put_formula(cell: Cell, formula: str, number_format: str | None = None) -> None:
    """Write a formula the library built itself (never one containing outside text)."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    cell.value = formula
    if number_format is not None:
        cell.number_format = number_format


def sheet_ref(title: str) -> str:
    """``'Title'!`` — a sheet reference for formulas, always quoted (``'`` doubled inside)."""
    return "'" + title.replace("'", "''") + "'!"


def absolute(row: int, column: int) -> str:
    """``$C$7`` for row 7, column 3."""
    return f"${get_column_letter(column)}${row}"


def relative(row: int, column: int) -> str:
    """``C7`` for row 7, column 3."""
    return f"{get_column_letter(column)}{row}"


def write_title(ws: Worksheet, title: str, note: str = "") -> None:
    """Title in A1 (large) and an explanatory note in A2."""
    put(at(ws, 1, 1), title)
    at(ws, 1, 1).font = TITLE_FONT
    if note:
        put(at(ws, 2, 1), note)
        at(ws, 2, 1).font = NOTE_FONT


def write_section(ws: Worksheet, row: int, title: str, note: str = "") -> int:
    """A section heading at ``row`` (and a note under it); returns the next free row."""
    put(at(ws, row, 1), title)
    at(ws, row, 1).font = SECTION_FONT
    if note:
        put(at(ws, row + 1, 1), note)
        at(ws, row + 1, 1).font = NOTE_FONT
        return row + 2
    return row + 1


def header_names(labels: Iterable[object]) -> list[str]:
    """Table column names: text without control characters, non-empty, unique ignoring case
    (Excel repairs a file whose table has duplicate or blank column names)."""
    names: list[str] = []
    seen: set[str] = set()
    for i, label in enumerate(labels, start=1):
        base = _CONTROL.sub(" ", "" if label is None else str(label)).strip() or f"Column{i}"
        base = base[:250]
        name, number = base, 2
        while name.lower() in seen:
            name = f"{base} ({number})"
            number += 1
        seen.add(name.lower())
        names.append(name)
    return names


def write_header(ws: Worksheet, row: int, column: int, labels: Iterable[object]) -> list[str]:
    """Write table column names (see :func:`header_names`) from ``column`` on; returns them."""
    names = header_names(labels)
    for j, name in enumerate(names):
        cell = at(ws, row, column + j)
        put(cell, name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        cell.border = HEADER_BORDER
    return names


@attrs.frozen
class Span:
    """Where a written table sits: header row, first and last data row, first and last column."""

    header: int
    first: int
    last: int
    left: int
    right: int

    @property
    def next_row(self) -> int:
        """The first free row after the table and one blank row."""
        return self.last + 2


def add_table(ws: Worksheet, name: str, span: Span) -> None:
    """Make ``span`` an Excel table (banded rows, filter buttons) named ``name``.

    Needs at least one data row: a table of only a header is an error in Excel.
    """
    if span.last <= span.header:
        return
    ref = f"{relative(span.header, span.left)}:{relative(span.last, span.right)}"
    table = Table(displayName=f"tbl{name}", ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)


def write_frame(
    ws: Worksheet,
    frame: pd.DataFrame,
    top: int,
    *,
    name: str,
    left: int = 1,
    index: bool = True,
    formats: Mapping[str, str] | None = None,
    default_format: str | None = None,
) -> Span:
    """Write ``frame`` as an Excel table with its header at row ``top``; returns its span.

    ``index`` writes the index as the first column(s). ``formats`` maps column names to
    number formats; other numeric cells get ``default_format``. An empty frame writes the
    header and a note row ``(none)`` but no table.
    """
    data = frame.reset_index() if index else frame
    labels = [
        "/".join(map(str, c)) if isinstance(c, tuple) else ("" if c is None else str(c))
        for c in data.columns
    ]
    if index and frame.index.name is None and frame.index.nlevels == 1:
        labels[0] = "id"
    write_header(ws, top, left, labels)
    formats = dict(formats or {})
    column_formats = [formats.get(str(c), default_format) for c in data.columns]
    row = top
    for row, values in enumerate(data.itertuples(index=False, name=None), start=top + 1):
        for j, value in enumerate(values):
            put(at(ws, row, left + j), value, column_formats[j])
    span = Span(top, top + 1, max(row, top), left, left + max(len(labels), 1) - 1)
    if data.empty:
        put(at(ws, top + 1, left), "(none)")
        at(ws, top + 1, left).font = NOTE_FONT
        return Span(top, top + 1, top + 1, span.left, span.right)
    add_table(ws, name, span)
    return span


def fit_columns(
    ws: Worksheet,
    *,
    minimum: float = 6.0,
    maximum: float = 50.0,
    fixed: Mapping[int, float] | None = None,
    sample_rows: int = 400,
    skip_rows: Sequence[int] = (1, 2),
) -> None:
    """Set column widths from the text in the first ``sample_rows`` rows (rows in
    ``skip_rows`` and text not in the body font size — titles, headings, notes — are ignored;
    formulas count as 10 characters). ``fixed`` overrides."""
    widths: dict[int, float] = {}
    skipped = set(skip_rows)
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, sample_rows)):
        for cell in row:
            if cell.value is None or cell.row in skipped or cell.font.sz not in (None, 11):
                continue  # titles, section headings and notes overflow to the right
            if cell.data_type == "f":
                length = 10.0
            elif isinstance(cell.value, float):
                length = 9.0
            else:
                text = str(cell.value)
                length = max((len(line) for line in text.split("\n")), default=0) + 1.5
            column = cell.column
            widths[column] = max(widths.get(column, minimum), min(length, maximum))
    widths.update(fixed or {})
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width


def print_setup(ws: Worksheet, *, title_rows: str | None = None, freeze: str | None = None) -> None:
    """Landscape, fit all columns to the page width (as many pages tall as needed), the
    header rows repeated on every page, narrow margins, sheet name and page in the footer."""
    if freeze is not None:
        ws.freeze_panes = freeze
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.print_options.gridLines = False
    if title_rows is not None:
        ws.print_title_rows = title_rows
    footer = ws.oddFooter
    if footer is not None:
        footer.center.text = "&A — page &P of &N"
        footer.center.size = 8


def colour_scale() -> Rule:
    """Red (0) – yellow (0.5) – green (1): a fixed scale, so colours mean the same everywhere."""
    rule: Rule = ColorScaleRule(  # type: ignore[no-untyped-call]
        start_type="num",
        start_value=0,
        start_color="F8696B",
        mid_type="num",
        mid_value=0.5,
        mid_color="FFEB84",
        end_type="num",
        end_value=1,
        end_color="63BE7B",
    )
    return rule


def share_scale() -> Rule:
    """White (0) to green (1), for shares such as rank acceptabilities."""
    rule: Rule = ColorScaleRule(  # type: ignore[no-untyped-call]
        start_type="num",
        start_value=0,
        start_color="FFFFFF",
        end_type="num",
        end_value=1,
        end_color="63BE7B",
    )
    return rule


def data_bar(maximum: float = 1.0) -> Rule:
    """Blue data bars from 0 to ``maximum``."""
    rule: Rule = DataBarRule(  # type: ignore[no-untyped-call]
        start_type="num", start_value=0, end_type="num", end_value=maximum, color="5B9BD5"
    )
    return rule


def formula_fill(formula: str, fill: PatternFill) -> Rule:
    """Fill the cell where ``formula`` (relative to the range's top-left cell) is true."""
    rule: Rule = FormulaRule(formula=[formula], fill=fill)  # type: ignore[no-untyped-call]
    return rule
