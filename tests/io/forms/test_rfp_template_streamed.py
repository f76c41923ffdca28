"""The RFP template is written in a write-only workbook, its Requirements and hidden sheets
streamed (issue 21 items 3–4): every cell, look and setting as a sheet written cell by cell
has them, and the hidden sheet signed as :func:`write_meta` signs an ordinary one."""

from __future__ import annotations

from pathlib import Path

import attrs
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from crmselect import Requirement
from crmselect.io.excel.xlsx import INPUT_FILL, WRAP, put_text
from crmselect.io.forms.meta import META_SHEET, Fact, write_meta
from crmselect.io.forms.rfp_template import RFP_META, write_template
from crmselect.rfp import read_response
from tests.helpers import KEY, questions

_TEXTS = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from("=+-@\t\r\n '#"),
    min_size=1,
    max_size=12,
).filter(lambda text: text.strip() != "") | st.sampled_from(
    ["=1+1", "#N/A", " padded ", "a\r\nb", "bell\x07", "\uff1dx", "-3", "@x", "<&>", "😀"]
)
"""Requirement texts: formula triggers, control characters, error codes, white space."""
_FIXTURE = (
    HealthCheck.function_scoped_fixture
)  # tmp_path is shared by the examples: files overwritten


def _look(cell: Cell) -> tuple[object, ...]:
    """Everything a cell holds and shows, comparable across workbooks."""
    return (
        cell.value,
        cell.data_type,
        cell.quotePrefix,
        cell.number_format,
        *(tostring(part.to_tree()) for part in (cell.font, cell.fill, cell.alignment)),
        *(tostring(part.to_tree()) for part in (cell.border, cell.protection)),
    )


def _at(sheet: Worksheet, row: int, column: int) -> Cell:
    cell = sheet.cell(row, column)
    assert isinstance(cell, Cell)
    return cell


def _cells(sheet: Worksheet) -> dict[str, tuple[object, ...]]:
    return {
        cell.coordinate: _look(cell)
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell, Cell) and (cell.value is not None or cell.has_style)
    }


def _reference(text: str, *, answer: bool = False) -> tuple[object, ...]:
    """A Requirements body cell written the ordinary way: ``put_text`` into a cell of an
    ordinary sheet, wrapped at the top; an answer cell also unlocked and yellow."""
    cell = Cell(Workbook().create_sheet("scratch"), row=1, column=1)
    cell.alignment = WRAP
    if answer:
        cell.fill, cell.protection = INPUT_FILL, openpyxl.styles.Protection(locked=False)
    else:
        put_text(cell, text)
    return _look(cell)


@settings(max_examples=25, deadline=None, suppress_health_check=[_FIXTURE])
@given(st.lists(_TEXTS, min_size=1, max_size=4))
def test_streamed_requirement_rows_hold_what_put_text_writes(
    tmp_path: Path, texts: list[str]
) -> None:
    base = questions()
    criterion = base.requirements[0].criterion
    extra = [Requirement(f"X{i}", text, criterion) for i, text in enumerate(texts)]
    evaluation = attrs.evolve(base, requirements=[*base.requirements, *extra])
    path = write_template(evaluation, base.vendors[0].id, tmp_path / "t.xlsx", key=KEY)
    sheet = openpyxl.load_workbook(path)["Requirements"]
    first = len(base.requirements) + 2
    for offset, text in enumerate(texts):
        row = first + offset
        assert _look(_at(sheet, row, 3)) == _reference(text), (row, text)
        assert _look(_at(sheet, row, 1)) == _reference(f"X{offset}")
        for column in (6, 7, 8):
            assert _look(_at(sheet, row, column)) == _reference("", answer=True)
    assert sheet.max_row == first + len(texts) - 1
    returned = read_response(path, evaluation, key=KEY)  # the signed checksums verify
    assert {r.requirement for r in returned.responses} <= {r.id for r in evaluation.requirements}
    rewritten = {f"X{i}" for i, text in enumerate(texts) if _reference(text)[0] != text}
    assert {p.requirement for p in returned.problems if p.severity == "error"} <= rewritten


def _written(tmp_path: Path, streamed: bool, facts: list[tuple[str, Fact]]) -> Worksheet:
    """The hidden sheet ``write_meta`` writes for ``facts`` and a row table, into an
    ordinary or a write-only workbook, as read back."""
    workbook = Workbook(write_only=streamed)
    if not streamed:
        workbook.active.title = "Requirements"  # type: ignore[union-attr]
    else:
        workbook.create_sheet("Requirements")
    rows = [("R1", 2, "0123abcd"), ("=R2", 3, " x "), ("R\x073", 4.5, "")]
    write_meta(workbook, RFP_META, facts, rows, key=KEY)
    path = tmp_path / f"{streamed}.xlsx"
    workbook.save(path)
    return openpyxl.load_workbook(path)[META_SHEET]


@settings(max_examples=20, deadline=None, suppress_health_check=[_FIXTURE])
@given(
    st.lists(
        st.tuples(_TEXTS, _TEXTS | st.integers(-(10**6), 10**6) | st.floats(-1e9, 1e9)),
        max_size=7,
    )
)
def test_the_streamed_hidden_sheet_is_the_ordinary_one(
    tmp_path: Path, facts: list[tuple[str, Fact]]
) -> None:
    """Every cell, its look, the sheet's state, protection and used range — and so the
    tag, which signs the cells' values — as the ordinary sheet has them."""
    ordinary, streamed = (_written(tmp_path, s, facts) for s in (False, True))
    assert _cells(streamed) == _cells(ordinary)
    assert streamed["C1"].value == ordinary["C1"].value
    assert streamed.sheet_state == ordinary.sheet_state == "veryHidden"
    assert tostring(streamed.protection.to_tree()) == tostring(ordinary.protection.to_tree())
    assert streamed.calculate_dimension() == ordinary.calculate_dimension()


def test_the_template_keeps_every_setting_of_its_sheets(tmp_path: Path) -> None:
    evaluation = questions()
    path = write_template(evaluation, evaluation.vendors[0].id, tmp_path / "t.xlsx", key=KEY)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [
        "Instructions",
        "Requirements",
        "Pricing",
        "Company",
        "crmselect",
        "Lists",
    ]
    assert workbook.active.title == "Instructions"  # type: ignore[union-attr]
    requirements = workbook["Requirements"]
    last = len(evaluation.requirements) + 1
    assert requirements.auto_filter.ref == f"A1:H{last}"
    assert requirements.protection.sheet
    assert not requirements.protection.autoFilter
    assert not requirements.protection.formatColumns
    assert not requirements.protection.formatRows
    widths = {k: (d.width, d.hidden) for k, d in requirements.column_dimensions.items()}
    assert widths["A"] == (10, True)
    assert widths["C"] == (70, False)
    assert workbook["Pricing"].column_dimensions["A"].hidden
    assert workbook["Lists"].sheet_state == "hidden"
    assert workbook["Lists"].protection.sheet
    assert [str(v.sqref) for v in workbook["Pricing"].data_validations.dataValidation]
    assert set(workbook.defined_names) >= {"ComplianceLevels", "YesNo"}
    header = requirements["A1"]
    assert (header.value, header.font.b, header.fill.fgColor.rgb) == ("ID", True, "001F3864")
    streamed = openpyxl.load_workbook(path, read_only=True)
    sizes = {ws.title: ws.calculate_dimension() for ws in streamed.worksheets}
    streamed.close()
    assert sizes["Requirements"] == f"A1:H{last}"
    assert sizes[META_SHEET] == f"A1:C{RFP_META.table_row + len(evaluation.requirements) - 1}"
