"""Writing the comparison workbook in constant memory: openpyxl's write-only mode.

A write-only workbook streams each sheet's rows to a temporary file as they are appended,
so the large evidence sheets (Requirements, Demos: hundreds of thousands of cells at the
upper end of issue 21) never sit in memory as cell objects. Rows go out in order, and what
is written before the rows (column widths, frozen panes, page-fit property) must be set
before the first one.

The small sheets (Summary, Matrix, Weights, Robustness, Costs, Audit) keep their random
access writers: each is written into a sheet of an ordinary scratch workbook, then
:func:`replay` streams it into the write-only sheet of the same title — every cell with
its value, type, style (named style included) and note, and the sheet's widths, heights,
merged ranges, names, conditional formats, tables, validations, charts, views, print
setup and protection. Formulas and chart references name sheets by title, so they hold unchanged.

The rows themselves go out through :func:`stream`, which writes the cells openpyxl's own
row writer spends most of the export's time on — numbers and plain texts, bare or with a
look registered once (:class:`Styled`) — as the same XML text directly, and hands every
other value or cell to openpyxl's cell writer. The file is the same; at the upper end of
issue 21 (about 800,000 cells) the rows take a fifth of the time.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from copy import copy
from itertools import chain
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.cell._writer import write_cell
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from crmselect.io.excel.cells import TABLE_STYLE, Looks, Span, header_names, relative
from crmselect.io.excel.xlsx import plain_text


class Styled(NamedTuple):
    """A streamed cell: ``value`` (a number, a text, ``None`` for an empty styled cell) with
    the look whose style id :meth:`Looks.style` gave (``style``)."""

    value: str | float | None
    style: int


Row = Sequence[object]
"""One appended row: values (``None`` for an empty cell), :class:`Styled` values or
openpyxl cells."""


@contextmanager
def closed_on_failure(sheets: Iterable[WriteOnlyWorksheet]) -> Iterator[None]:
    """Close ``sheets`` when the block fails: a sheet with rows pending would otherwise be
    finalised by the garbage collector after its temporary file, with an error printed."""
    try:
        yield
    except BaseException:
        for sheet in sheets:
            if not sheet.closed:
                sheet.close()
        raise


def replay(source: Worksheet, target: WriteOnlyWorksheet, rows: Iterable[Row] = ()) -> None:
    """Stream every cell and setting of ``source`` (an ordinary sheet) into ``target``, then
    ``rows`` from the row after ``source``'s last on.

    A large sheet is written so: its head (titles, headers, and every setting, its tables
    and conditional formats already spanning the rows to come) in an ordinary sheet, its
    body as ``rows``.
    """
    _copy_settings(source, target)
    looks = Looks()
    stream(target)
    head = ([_copy_cell(cell, target, looks) for cell in cells] for cells in source.iter_rows())
    for row in chain(head, rows):
        target.append(row)


RAW = not openpyxl.LXML
"""Whether rows are written as XML text (:func:`stream`): openpyxl writes through the
standard library's ElementTree (``et_xmlfile``), not lxml, whose writer takes no text."""


def stream(ws: WriteOnlyWorksheet) -> None:
    """Have the rows appended to ``ws`` from now on (none before, its settings all made)
    written by :func:`_row_sink` instead of openpyxl's own row writer.

    openpyxl turns every appended value into a cell object and serialises it element by
    element (about 30 µs a cell); the sink writes what that would write as text: for a
    finite ``int`` or ``float`` ``<c r="G6" t="n"><v>0.8</v></c>``, for a
    :func:`~crmselect.io.excel.xlsx.plain_text` string
    ``<c r="A6" t="inlineStr"><is><t>text</t></is></c>`` (``&<>`` escaped, ``xml:space``
    as openpyxl sets it), with ``s="id"`` for a :class:`Styled` one, and ``<c r="H6" s="id"
    t="n" />`` for a styled empty cell. Any other value, and any openpyxl cell, goes through
    openpyxl's cell writer as :meth:`WriteOnlyWorksheet.append` would send it
    (``tests/io/report/test_stream.py`` compares the two sheets' XML).
    """
    streamed: Any = ws  # the writer and the row generator are openpyxl's private slots
    streamed._get_writer()
    streamed._rows = _row_sink(ws) if RAW else _cell_sink(ws)
    next(streamed._rows)


def _row_sink(ws: WriteOnlyWorksheet) -> Generator[None, Row, None]:
    """What ``WriteOnlyWorksheet._write_rows`` is, with each row written by :func:`_write_row`:
    rows are sent in, the sheet's ``sheetData`` element is closed when it is closed."""
    streamed: Any = ws
    writer = streamed._writer
    xf = writer.xf.send(True)
    columns: list[str] = []
    with xf.element("sheetData"):
        number = 1
        try:
            while True:
                row = yield
                attributes = {"r": f"{number}", **dict(streamed.row_dimensions.get(number, {}))}
                with xf.element("row", attributes):
                    _write_row(xf, ws, row, number, columns)
                number += 1
        except GeneratorExit:
            pass
    writer.xf.send(None)


def _write_row(xf: Any, ws: WriteOnlyWorksheet, row: Row, number: int, columns: list[str]) -> None:
    """The cells of ``row`` (row ``number``) inside its ``row`` element of ``xf``; ``columns``
    the column letters known so far (grown as needed)."""
    write = xf._file  # et_xmlfile's text writer: what its elements are written with
    while len(columns) < len(row):
        columns.append(get_column_letter(len(columns) + 1))
    for column, value in enumerate(row):
        if value is None:
            continue
        style: int | None = None
        if type(value) is Styled:
            value, style = value
        at = (
            f'<c r="{columns[column]}{number}"'
            if style is None
            else (f'<c r="{columns[column]}{number}" s="{style}"')
        )
        if value is None:
            write(f'{at} t="n" />')
        elif isinstance(value, str) and value and plain_text(value):
            space = ' xml:space="preserve"' if value != value.strip() and value.strip() else ""
            write(f'{at} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>')
        elif isinstance(value, float | int) and type(value) is not bool and math.isfinite(value):
            write(f'{at} t="n"><v>{value:.16g}</v></c>')
        else:
            _write_cell(xf, ws, _cell(ws, value, style), (number, column + 1))


def _cell(ws: WriteOnlyWorksheet, value: object, style: int | None) -> Cell:
    """An openpyxl cell of ``ws`` holding ``value`` as ``append`` would make it (an openpyxl
    cell is itself), with the style of id ``style`` if given."""
    if isinstance(value, Cell):
        return value
    cell = WriteOnlyCell(ws, value)  # type: ignore[arg-type]  # refused there as in append
    if style is not None:
        streamed: Any = ws
        cell._style = copy(streamed.parent._cell_styles[style])  # type: ignore[attr-defined]
    return cell


def _write_cell(xf: Any, ws: WriteOnlyWorksheet, cell: Cell, where: tuple[int, int]) -> None:
    """``cell`` at ``where`` (row, column) as openpyxl's row writer writes it: coordinates,
    hyperlink, note, then the cell unless it is empty, unstyled and without a note."""
    streamed: Any = ws
    cell.row, cell.column = where
    if cell.hyperlink is not None:
        cell.hyperlink.ref = cell.coordinate
    if cell.comment is not None:
        streamed._comments.append(CommentRecord.from_cell(cell))
    if cell._value is None and not cell.has_style and not cell.comment:  # type: ignore[attr-defined]
        return
    write_cell(xf, ws, cell, cell.has_style)


def _cell_sink(ws: WriteOnlyWorksheet) -> Generator[None, Row, None]:
    """The rows for openpyxl's own row writer (with lxml, whose writer takes no text):
    :class:`Styled` values become cells of their style, everything else is sent as it is."""
    streamed: Any = ws
    rows = streamed._write_rows()
    next(rows)
    try:
        while True:
            row = yield
            rows.send([_cell(ws, *v) if type(v) is Styled else v for v in row])
    except GeneratorExit:
        rows.close()


def _copy_settings(source: Worksheet, target: WriteOnlyWorksheet) -> None:
    """The sheet-level settings of ``source`` on ``target`` (before any row is appended)."""
    streamed: Any = target  # openpyxl gives it an ordinary sheet's settings; the stubs omit them
    streamed.sheet_properties = copy(source.sheet_properties)
    streamed.sheet_format = copy(source.sheet_format)
    streamed.views = copy(source.views)
    for key, column in source.column_dimensions.items():
        if column.width:
            streamed.column_dimensions[key].width = column.width
    for number, row in source.row_dimensions.items():
        if row.height is not None:
            streamed.row_dimensions[number].height = row.height
    for merged in source.merged_cells.ranges:
        streamed.merged_cells.add(merged.coord)
    for name, defined in source.defined_names.items():
        streamed.defined_names[name] = defined
    streamed.conditional_formatting = source.conditional_formatting
    streamed.data_validations = source.data_validations
    for table in source.tables.values():
        left, top, right, _ = _bounds(table.ref)
        add_table(target, table, [str(source.cell(top, c).value) for c in range(left, right + 1)])
    for chart in source._charts:  # type: ignore[attr-defined]  # no public list of them
        streamed.add_chart(chart)
    streamed.page_setup = source.page_setup
    streamed.print_options = source.print_options
    streamed.page_margins = source.page_margins
    streamed.HeaderFooter = source.HeaderFooter
    streamed.protection = source.protection
    if source.print_title_rows:
        streamed.print_title_rows = source.print_title_rows


def _bounds(ref: str) -> tuple[int, int, int, int]:
    """Left column, top row, right column, bottom row of a range such as ``A5:H60``."""
    left, top, right, bottom = range_boundaries(ref)
    assert left is not None, ref
    assert top is not None, ref
    assert right is not None, ref
    assert bottom is not None, ref
    return left, top, right, bottom


def _copy_cell(cell: Cell | object, target: WriteOnlyWorksheet, looks: Looks) -> Cell | None:
    """A write-only cell of ``target`` like ``cell`` (``None`` for an empty or merged-over
    one): the value with its type as written (text stays text, whatever it starts with),
    the named style and every style attribute, the note."""
    if not isinstance(cell, Cell) or (cell.value is None and not cell.has_style):
        return None
    new = WriteOnlyCell(target)
    if cell.has_style:
        key = tuple(cell._style)  # type: ignore[attr-defined]
        looks.give(new, key, lambda new: _copy_style(cell, new))
    new.value = cell.value
    new.data_type = cell.data_type
    if cell.comment is not None:
        note = cell.comment
        new.comment = Comment(note.text, note.author, height=note.height, width=note.width)
    return new


def _copy_style(cell: Cell, new: Cell) -> None:
    """The named style and every style attribute of ``cell`` (of another workbook) on
    ``new``."""
    if cell.style != "Normal":
        new.style = cell.style
    # the proxies' copies are the style objects (the stubs type them as proxies)
    new.font = copy(cell.font)  # type: ignore[assignment]
    new.fill = copy(cell.fill)  # type: ignore[assignment]
    new.border = copy(cell.border)  # type: ignore[assignment]
    new.alignment = copy(cell.alignment)  # type: ignore[assignment]
    new.protection = copy(cell.protection)  # type: ignore[assignment]
    new.number_format = cell.number_format
    new.quotePrefix = cell.quotePrefix


def add_table(ws: WriteOnlyWorksheet, table: Table, headers: Iterable[str]) -> None:
    """Add ``table`` to ``ws`` with its columns named ``headers`` and filter buttons — what
    openpyxl reads from the header cells of an ordinary sheet, and cannot in a streamed one
    (its warning that the columns must be given is the reason for this function)."""
    min_col = _bounds(table.ref)[0]
    if not table.tableColumns:
        table.tableColumns = [
            TableColumn(id=min_col + j, name=name) for j, name in enumerate(headers)
        ]
    if table.headerRowCount and not table.autoFilter:
        table.autoFilter = AutoFilter(ref=table.ref)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns")
        streamed: Any = ws  # the stubs type add_table for ordinary sheets only
        streamed.add_table(table)


def stream_table(ws: WriteOnlyWorksheet, name: str, span: Span, headers: Sequence[str]) -> None:
    """An Excel table named ``tbl{name}`` over ``span`` of a streamed sheet, its columns
    named as :func:`~crmselect.io.excel.cells.write_header` wrote ``headers`` (banded rows,
    filter buttons, the workbook's table style); none without a data row, as
    :func:`~crmselect.io.excel.cells.add_table`."""
    if span.last <= span.header:
        return
    ref = f"{relative(span.header, span.left)}:{relative(span.last, span.right)}"
    table = Table(displayName=f"tbl{name}", ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    add_table(ws, table, header_names(headers))
