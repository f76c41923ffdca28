"""The streamed rows' writer writes what openpyxl's own row writer writes (issue 21 item 3).

:func:`crmselect.io.report.stream.stream` serialises numbers and plain texts, bare or
:class:`~crmselect.io.report.stream.Styled`, as XML text and hands everything else to
openpyxl. The proof is an independent implementation: openpyxl itself. The same rows go
into one sheet through openpyxl's ``append`` (styled values as styled cells) and into a
second through the streamed writer; the two sheets' XML must be the same text, for random
rows of numbers (NaN and infinities included), texts that are plain or not (formula
triggers, error codes, markup characters, surrounding spaces, carriage returns), booleans,
empty and styled empty cells, and cells with notes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ERROR_CODES, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from crmselect.io.excel.cells import Looks
from crmselect.io.report import stream
from crmselect.io.report.stream import Styled

LOOKS = {
    "bold": lambda cell: setattr(cell, "font", Font(bold=True)),
    "amber": lambda cell: setattr(cell, "fill", PatternFill("solid", fgColor="FFE699")),
    "top": lambda cell: setattr(cell, "alignment", Alignment(vertical="top")),
}
"""The looks a random cell may have."""

NOTE = "note"
"""A stand-in for a cell with a note (the excluded answers' cells)."""

texts = st.one_of(
    st.text(alphabet="ab =+-@#&<>'\"\n\t\r é😀", max_size=12),
    st.sampled_from(sorted(ERROR_CODES)),
    st.just(" padded "),
    st.just("   "),
)
values = st.one_of(
    st.none(),
    texts,
    st.integers(-(10**18), 10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
cells = st.one_of(
    values.map(lambda value: (value, None)),
    st.tuples(values, st.sampled_from(sorted(LOOKS))),
    st.tuples(texts, st.just(NOTE)),
)
rows = st.lists(st.lists(cells, max_size=8), max_size=6)


def _openpyxl_cell(ws: WriteOnlyWorksheet, value: object, look: str | None) -> object:
    """What a row of openpyxl's own ``append`` holds for a random cell."""
    if look is None:
        return value
    cell = WriteOnlyCell(ws, value)  # type: ignore[arg-type]
    if look == NOTE:
        cell.comment = Comment(f"about {value!r}", "crmselect")
    else:
        LOOKS[look](cell)
    return cell


def _streamed_cell(ws: WriteOnlyWorksheet, looks: Looks, value: object, look: str | None) -> object:
    """What a row of the streamed writer holds for a random cell: a :class:`Styled` value
    for a look, the openpyxl cell for a note."""
    if look is None:
        return value
    if look == NOTE:
        return _openpyxl_cell(ws, value, look)
    return Styled(value, looks.style(ws, look, LOOKS[look]))  # type: ignore[arg-type]


def _sheets_xml(folder: Path, table: list[list[tuple[object, str | None]]]) -> tuple[str, str]:
    """The XML of a sheet written by openpyxl's ``append`` and of one written through
    :func:`stream.stream`, from the same rows, in one workbook (so style ids agree)."""
    wb = Workbook(write_only=True)
    plain, fast = wb.create_sheet("plain"), wb.create_sheet("fast")
    for row in table:
        plain.append([_openpyxl_cell(plain, *cell) for cell in row])
    stream.stream(fast)
    looks = Looks()
    for row in table:
        fast.append([_streamed_cell(fast, looks, *cell) for cell in row])
    path = folder / "book.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as book:
        return (
            book.read("xl/worksheets/sheet1.xml").decode(),
            book.read("xl/worksheets/sheet2.xml").decode(),
        )


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=rows)
def test_streamed_rows_are_written_as_openpyxl_writes_them(
    tmp_path: Path, table: list[list[tuple[object, str | None]]]
) -> None:
    expected, written = _sheets_xml(tmp_path, table)
    assert written == expected


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=rows)
def test_without_the_text_writer_styled_values_become_cells_of_their_style(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: list[list[tuple[object, str | None]]]
) -> None:
    """The path taken where openpyxl writes with lxml (no text can be written there):
    every row goes through openpyxl's own writer, with the same result."""
    monkeypatch.setattr(stream, "RAW", False)
    expected, written = _sheets_xml(tmp_path, table)
    assert written == expected


def test_a_typical_row_is_written_as_text(tmp_path: Path) -> None:
    """The common cells take the text path (not openpyxl's writer), and read back as given."""
    table: list[list[tuple[object, str | None]]] = [
        [("R001", None), (0.8, "top"), (" spaced ", "bold"), (None, "amber"), (3, None)]
    ]
    _, written = _sheets_xml(tmp_path, table)
    bold = written.split('<c r="C1" s="')[1].split('"')[0]
    assert '<c r="A1" t="inlineStr"><is><t>R001</t></is></c>' in written
    assert '<c r="E1" t="n"><v>3</v></c>' in written
    assert f'<c r="C1" s="{bold}" t="inlineStr"><is><t xml:space="preserve"> spaced </t>' in written


def test_an_illegal_character_is_refused_as_openpyxl_refuses_it(tmp_path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("fast")
    stream.stream(ws)
    with pytest.raises(IllegalCharacterError, match="cannot be used in worksheets"):
        ws.append(["fine", "bell \x07"])
    ws.close()
