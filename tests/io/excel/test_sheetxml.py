"""Malformed sheet XML is refused, naming the cell, before openpyxl resolves it its own way
(crmselect/io/excel/sheetxml.py; issue 16 item 2)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from crmselect.io.excel.sheetxml import MAX_DEPTH, SheetRefused, check_sheet
from crmselect.io.excel.untrusted import ReadLimits, UntrustedInputError
from crmselect.io.forms.rfp_response import RfpResponse, read_response
from crmselect.io.forms.rfp_template import write_template
from tests.helpers import KEY, questions

MAIN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
REQUIREMENTS_PART = "xl/worksheets/sheet2.xml"
Mutation = Callable[[dict[str, bytes]], None]


def sheet(rows: bytes) -> bytes:
    return MAIN + b"<sheetData>" + rows + b"</sheetData></worksheet>"


def scan(xml: bytes, *, shared: int = 2, cells: int = 1_000) -> int:
    return check_sheet(
        io.BytesIO(xml), shared_strings=shared, cells_left=cells, max_rows=1_000, max_columns=50
    )


WELL_FORMED = sheet(
    b'<row r="1"><c r="A1" t="s"><v>1</v></c><c r="C1"><v>-2.5e3</v></c></row>'
    b'<row><c><v>1</v></c><c t="b"><v>0</v></c></row>'  # references left out: implied
    b'<row r="7"><c r="B7" t="inlineStr"><is><t>x</t></is></c><c r="C7"><f>A1</f></c></row>'
)


def test_a_well_formed_sheet_passes_and_its_cells_are_counted() -> None:
    assert scan(WELL_FORMED) == 1_000 - 6


MALFORMED = [
    ("second-row-4", b'<row r="4"/><row r="4"/>', "A4", "a second row 4 after row 4"),
    ("rows-out-of-order", b'<row r="5"/><row r="3"/>', "A3", "rows out of order: row 3"),
    ("implied-row-repeats", b'<row r="2"/><row r="1"/>', "A1", "rows out of order"),
    ("cell-of-another-row", b'<row r="6"><c r="F60"/></row>', "F60", "F60 is inside row 6"),
    ("second-cell", b'<row r="1"><c r="B1"/><c r="B1"/></row>', "B1", "a second cell B1"),
    ("cells-out-of-order", b'<row r="1"><c r="C1"/><c r="B1"/></row>', "B1", "out of order"),
    ("shared-string-minus-one", b'<row r="1"><c r="A1" t="s"><v>-1</v></c></row>', "A1", "'-1'"),
    ("shared-string-past-end", b'<row r="1"><c r="A1" t="s"><v>2</v></c></row>', "A1", "holds 2"),
    ("shared-string-fraction", b'<row r="1"><c r="A1" t="s"><v>1.0</v></c></row>', "A1", "1.0"),
    ("shared-string-underscore", b'<row r="1"><c r="A1" t="s"><v>0_1</v></c></row>', "A1", "0_1"),
    ("two-values", b'<row r="1"><c r="A1"><v>1</v><v>2</v></c></row>', "A1", "two <v>"),
    ("two-formulas", b'<row r="1"><c r="A1"><f>1</f><f>2</f></c></row>', "A1", "two <f>"),
    ("unknown-type", b'<row r="1"><c r="A1" t="x"><v>1</v></c></row>', "A1", "cell type 'x'"),
    ("boolean-two", b'<row r="1"><c r="A1" t="b"><v>2</v></c></row>', "A1", "neither 0 nor 1"),
    ("number-nan", b'<row r="1"><c r="A1"><v>nan</v></c></row>', "A1", "'nan' is not a number"),
    ("number-spaced", b'<row r="1"><c r="A1"><v> 7</v></c></row>', "A1", "not a number"),
    ("lower-case-ref", b'<row r="1"><c r="a1"/></row>', "", "cell reference 'a1'"),
    ("row-number-text", b'<row r="4.0"/>', "", "row number '4.0'"),
    ("row-beyond-limit", b'<row r="1001"/>', "A1001", "beyond the limit"),
    ("column-beyond-limit", b'<row r="1"><c r="AZ1"/></row>', "AZ1", "column 52"),
    ("cell-outside-row", b'<row r="1"/><c r="A2"/>', "", "a cell outside any row"),
]


@pytest.mark.parametrize(
    ("rows", "cell", "what"), [pytest.param(*c[1:], id=c[0]) for c in MALFORMED]
)
def test_malformed_rows_and_cells_are_refused_naming_the_cell(
    rows: bytes, cell: str, what: str
) -> None:
    with pytest.raises(SheetRefused) as caught:
        scan(sheet(rows))
    assert caught.value.cell == cell
    assert what in caught.value.what


def test_a_second_sheet_data_and_a_row_outside_it_are_refused() -> None:
    with pytest.raises(SheetRefused, match="a second sheetData"):
        scan(MAIN + b"<sheetData/><sheetData/></worksheet>")
    with pytest.raises(SheetRefused, match="a row outside the sheet's data"):
        scan(MAIN + b'<sheetData/><row r="1"/></worksheet>')


def test_deep_nesting_and_the_cell_budget_are_refused() -> None:
    with pytest.raises(SheetRefused, match=f"nested more than {MAX_DEPTH}"):
        scan(MAIN + b"<x>" * 100 + b"</x>" * 100 + b"</worksheet>")
    cells = sheet(b'<row r="1">' + b"<c/>" * 11 + b"</row>")
    assert scan(cells, cells=11) == 0
    with pytest.raises(SheetRefused, match="more cells than the file's limit"):
        scan(cells, cells=10)


def test_elements_of_other_namespaces_are_ignored_as_openpyxl_ignores_them() -> None:
    other = b'<x:row xmlns:x="urn:other" r="1"/><x:row xmlns:x="urn:other" r="1"/>'
    assert scan(sheet(b'<row r="1"><c r="A1"/></row>' + other)) == 999


# -- end to end: a returned RFP workbook with one malformed sheet -----------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = write_template(questions(), "x", tmp_path_factory.mktemp("base") / "x.xlsx", key=KEY)
    workbook = openpyxl.load_workbook(path)
    sheet_ = workbook["Requirements"]
    for row, label in zip(range(2, 6), ("Fully supported out of the box",) * 4, strict=True):
        sheet_.cell(row=row, column=6).value = label
    workbook.save(path)
    assert workbook.sheetnames.index("Requirements") == 1  # its part is sheet2.xml
    return path.read_bytes()


def rezip(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    change(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def row_xml(xml: bytes, row: int) -> bytes:
    found = re.search(rb'<row r="%d".*?</row>' % row, xml)
    assert found is not None
    return found[0]


def edit_sheet(change: Callable[[bytes], bytes], strings: tuple[str, ...] = ()) -> Mutation:
    """A change of the Requirements part; ``strings`` adds a shared-string table."""

    def mutate(parts: dict[str, bytes]) -> None:
        parts[REQUIREMENTS_PART] = change(parts[REQUIREMENTS_PART])
        if strings:
            items = b"".join(b"<si><t>%s</t></si>" % s.encode() for s in strings)
            parts["xl/sharedStrings.xml"] = (
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + items
                + b"</sst>"
            )
            parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="%s"/></Types>' % SST_TYPE,
            )

    return mutate


def second_row_4(xml: bytes) -> bytes:
    original = row_xml(xml, 4)
    return xml.replace(
        original, original + original.replace(b"Fully supported out of the box", b"Not supported")
    )


def cell_of_row_50(xml: bytes) -> bytes:
    changed = xml.replace(b'<c r="F5" ', b'<c r="F50" ', 1)
    assert changed != xml
    return changed


def shared_minus_one(xml: bytes) -> bytes:
    return re.sub(
        rb'<c r="F2" s="(\d+)" t="inlineStr"><is><t>[^<]*</t></is></c>',
        rb'<c r="F2" s="\1" t="s"><v>-1</v></c>',
        xml,
    )


def rows_swapped(xml: bytes) -> bytes:
    three, four = row_xml(xml, 3), row_xml(xml, 4)
    return xml.replace(three + four, four + three)


def array_formula(xml: bytes) -> bytes:
    return xml.replace(
        b'<c r="G2" s="5" t="n" />', b'<c r="G2" s="5"><f t="array" ref="G2">UPPER(C2)</f></c>'
    )


END_TO_END = [
    ("second-row-4", edit_sheet(second_row_4), "Requirements!A4", "a second row 4"),
    ("cell-F50-in-row-5", edit_sheet(cell_of_row_50), "Requirements!F50", "inside row 5"),
    (
        "shared-string-minus-one",
        edit_sheet(shared_minus_one, ("Not supported", "Fully supported out of the box")),
        "Requirements!F2",
        "shared string '-1' does not exist",
    ),
    ("rows-out-of-order", edit_sheet(rows_swapped), "Requirements!A3", "rows out of order"),
]


@pytest.mark.parametrize(
    ("mutate", "cell", "what"), [pytest.param(*c[1:], id=c[0]) for c in END_TO_END]
)
def test_a_returned_workbook_with_malformed_sheet_xml_is_refused_naming_the_cell(
    tmp_path: Path, base: bytes, mutate: Mutation, cell: str, what: str
) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(rezip(base, mutate))
    with pytest.raises(UntrustedInputError) as caught:
        read_response(path, questions(), key=KEY)
    message = str(caught.value)
    assert "x.xlsx" in message
    assert f"{cell} cannot be read: " in message
    assert what in message


def test_shared_strings_in_range_are_read(tmp_path: Path, base: bytes) -> None:
    in_range = edit_sheet(
        lambda xml: shared_minus_one(xml).replace(b"<v>-1</v>", b"<v>0</v>"),
        ("Not supported", "Fully supported out of the box"),
    )
    path = tmp_path / "x.xlsx"
    path.write_bytes(rezip(base, in_range))
    returned = read_response(path, questions(), key=KEY)
    assert isinstance(returned, RfpResponse)
    answer = {r.requirement: r.compliance for r in returned.responses}
    assert answer["R1"] != answer["R2"]  # R1 reads "Not supported", R2 "Fully supported…"


def test_an_array_formula_is_read_as_its_formula_text(tmp_path: Path, base: bytes) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(rezip(base, edit_sheet(array_formula)))
    returned = read_response(path, questions(), key=KEY)
    comment = {r.requirement: r.comment for r in returned.responses}["R1"]
    assert comment == "=UPPER(C2)"
    warned = [p for p in returned.problems if p.cell == "G2"]
    assert [(p.severity, p.value) for p in warned] == [("warning", "=UPPER(C2)")]
    assert "formula" in warned[0].what


def test_the_cell_budget_counts_every_sheet_of_the_file(tmp_path: Path, base: bytes) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(base)
    assert isinstance(read_response(path, questions(), key=KEY), RfpResponse)
    with pytest.raises(UntrustedInputError, match="more cells than the file's limit") as caught:
        read_response(path, questions(), key=KEY, limits=ReadLimits(max_cells=50))
    assert "(50 cells, 100,000 rows, 200 columns)" in str(caught.value)
    assert "malformed" not in str(caught.value)  # a limit, not a broken file


def test_a_data_table_formula_is_read_as_its_table_formula(tmp_path: Path, base: bytes) -> None:
    table = b'<c r="G2" s="5"><f t="dataTable" ref="G2" dt2D="1" r1="C2" r2="C3"/></c>'
    path = tmp_path / "x.xlsx"
    path.write_bytes(
        rezip(base, edit_sheet(lambda xml: xml.replace(b'<c r="G2" s="5" t="n" />', table)))
    )
    returned = read_response(path, questions(), key=KEY)
    assert {r.requirement: r.comment for r in returned.responses}["R1"] == "=TABLE(C2,C3)"
