"""Container checks that cannot be sidestepped by letter case or encoding, and reads bounded
whatever a file holds (crmselect/io/excel/untrusted.py, parts.py; issue 16 items 3 and 4)."""

from __future__ import annotations

import io
import os
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from crmselect.io.excel.untrusted import (
    ReadLimits,
    UntrustedInputError,
    open_untrusted_workbook,
)
from crmselect.io.forms.rfp_response import RfpResponse, read_response
from crmselect.io.forms.rfp_template import write_template
from tests.helpers import KEY, questions

posix = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev need POSIX")
Parts = dict[str, bytes]
SAFETY_NET = 20.0
"""Seconds a refusal may take before the test fails instead of hanging (not a benchmark)."""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write_template(
        questions(), "x", tmp_path_factory.mktemp("base") / "x.xlsx", key=KEY
    ).read_bytes()


def rezip(
    data: bytes, change: Callable[[Parts], None], method: int = zipfile.ZIP_DEFLATED
) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    change(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def refusal(path: Path, limits: ReadLimits | None = None) -> str:
    """The refusal of opening ``path``, within the safety net."""
    started = time.monotonic()
    with (
        pytest.raises(UntrustedInputError) as caught,
        open_untrusted_workbook(path, limits or ReadLimits()),
    ):
        pass
    assert time.monotonic() - started < SAFETY_NET
    message = str(caught.value)
    assert path.name in message
    return message


def content_type(part: str, declared: str) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        parts[part.lstrip("/")] = b"<x/>"
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", f'<Override PartName="{part}" ContentType="{declared}"/></Types>'.encode()
        )

    return change


def add(name: str, content: bytes) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        parts[name] = content

    return change


DTD = '<?xml version="1.0" encoding="{}"?><!DOCTYPE x [<!ENTITY e "boom">]><Properties/>'
EXTERNAL_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/%s" Target="%s" TargetMode="%s"/></Relationships>'
)

CASES = [
    (
        "vba-content-type-lower-case",
        content_type("/xl/code.bin", "application/vnd.ms-office.vbaproject"),
        "contains macros",
    ),
    (
        "activex-content-type",
        content_type("/xl/ctrl/c1.xml", "application/vnd.ms-office.activex+xml"),
        "ActiveX controls",
    ),
    (
        "macro-sheet-content-type",
        content_type("/xl/m/s1.xml", "application/vnd.ms-excel.MACROSHEET+xml"),
        "Excel 4 macro sheet",
    ),
    (
        "ole-object-content-type",
        content_type("/xl/o/o1.bin", "application/vnd.openxmlformats-officedocument.oleObject"),
        "OLE objects",
    ),
    ("ole-embedding-part", add("xl/embeddings/oleObject1.bin", b"\0" * 64), "OLE objects"),
    ("vba-part-upper-case", add("xl/VBAPROJECT.BIN", b"\0" * 64), "contains macros"),
    (
        "external-link-part",
        add("xl/externalLinks/externalLink1.xml", b"<externalLink/>"),
        "links to other workbooks",
    ),
    (
        "doctype-utf16-le",
        add("docProps/custom.xml", b"\xff\xfe" + DTD.format("UTF-16").encode("utf-16-le")),
        "declares a DTD",
    ),
    (
        "doctype-utf16-be-no-bom",
        add("docProps/custom.xml", DTD.format("UTF-16BE").encode("utf-16-be")),
        "declares a DTD",
    ),
    (
        "doctype-upper-case-name",
        add("customXml/item1.XML", DTD.format("UTF-8").encode()),
        "declares a DTD",
    ),
    ("doctype-any-name", add("xl/media/notes.dat", DTD.format("UTF-8").encode()), "declares a DTD"),
    (
        "unc-link",
        add(
            "xl/worksheets/_rels/sheet2.xml.rels",
            EXTERNAL_RELS % (b"hyperlink", rb"\\evil\share\x", b"External"),
        ),
        "outside the workbook",
    ),
    (
        "external-image",
        add(
            "xl/drawings/_rels/d1.xml.rels",
            EXTERNAL_RELS % (b"image", b"http://evil.example/p.png", b"External"),
        ),
        "outside the workbook",
    ),
    (
        "file-target",
        add("xl/_rels/x.rels", EXTERNAL_RELS % (b"oleObject", b"file:///c:/x.docx", b"Internal")),
        "outside the workbook",
    ),
    ("not-xml-at-all", add("xl/notes.xml", b"<a><b></a>"), "not well-formed XML"),
]


@pytest.mark.parametrize(("change", "what"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_sidestepped_container_checks_are_refused(
    tmp_path: Path, base: bytes, change: Callable[[Parts], None], what: str
) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(rezip(base, change))
    assert what in refusal(path)


def test_a_web_hyperlink_is_not_an_external_link(tmp_path: Path, base: bytes) -> None:
    link = EXTERNAL_RELS % (b"hyperlink", b"https://vendor.example/doc", b"External")
    path = tmp_path / "x.xlsx"
    path.write_bytes(rezip(base, add("xl/worksheets/_rels/sheet2.xml.rels", link)))
    assert isinstance(read_response(path, questions(), key=KEY), RfpResponse)


@pytest.mark.parametrize("method", [zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2])
def test_members_compressed_other_than_stored_or_deflated_are_refused(
    tmp_path: Path, base: bytes, method: int
) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(rezip(base, lambda parts: None, method))
    assert f"compressed with method {method}" in refusal(path)


def styles_with(records: int) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        styles = parts["xl/styles.xml"]
        start, end = styles.index(b"<cellXfs"), styles.index(b"</cellXfs>")
        xf = b"<xf/>"
        parts["xl/styles.xml"] = (
            styles[:start] + b'<cellXfs count="%d">' % records + xf * records + styles[end:]
        )

    return change


def test_two_million_cell_formats_are_refused_before_openpyxl_builds_them(
    tmp_path: Path, base: bytes
) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(rezip(base, styles_with(2_000_000), zipfile.ZIP_STORED))  # no zip bomb
    assert "style records" in refusal(path)  # refused in a linear scan, not built (36 s)


def test_style_records_and_elements_are_bounded_and_overridable(
    tmp_path: Path, base: bytes
) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(rezip(base, styles_with(300)))
    assert "style records" in refusal(path, ReadLimits(max_styles=200))
    assert "XML elements beyond the limit" in refusal(path, ReadLimits(max_part_elements=200))
    with open_untrusted_workbook(path, ReadLimits(max_styles=400)) as workbook:
        assert "Requirements" in workbook.sheetnames


def test_defined_names_count_against_the_element_budget(tmp_path: Path, base: bytes) -> None:
    def names(parts: Parts) -> None:
        listed = b"".join(
            b'<definedName name="n%d">Lists!$A$1</definedName>' % i for i in range(60_000)
        )
        book = parts["xl/workbook.xml"]
        parts["xl/workbook.xml"] = book.replace(
            b"</workbook>", b"<definedNames>" + listed + b"</definedNames></workbook>"
        )

    path = tmp_path / "x.xlsx"
    path.write_bytes(rezip(base, names))
    assert "part 'xl/workbook.xml' takes the XML elements beyond the limit" in refusal(path)


def test_shared_strings_count_against_the_cell_budget(tmp_path: Path, base: bytes) -> None:
    table = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>s</t></si>" * 101
        + b"</sst>"
    )
    path = tmp_path / "x.xlsx"
    path.write_bytes(rezip(base, add("xl/sharedStrings.xml", table)))
    assert "more shared strings than the limit" in refusal(path, ReadLimits(max_cells=100))


# -- only regular files are read -----------------------------------------------------------


@posix
def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "x.xlsx"
    os.mkfifo(fifo)
    outcome: list[str] = []
    reader = threading.Thread(target=lambda: outcome.append(refusal(fifo)), daemon=True)
    reader.start()
    reader.join(SAFETY_NET)
    if reader.is_alive():  # unblock the reader before failing
        with open(fifo, "wb"):
            pass
    assert outcome, "reading a FIFO did not return"
    assert "not a regular file (a pipe, a device or a folder); give a workbook" in outcome[0]


@posix
def test_a_symlink_to_a_device_and_a_folder_are_refused(tmp_path: Path) -> None:
    link = tmp_path / "x.xlsx"
    link.symlink_to("/dev/zero")
    assert "not a regular file" in refusal(link)
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    assert "folder.xlsx" in refusal(folder)


def test_a_missing_file_and_a_file_too_large_are_refused(tmp_path: Path, base: bytes) -> None:
    assert "file not found" in refusal(tmp_path / "gone.xlsx")
    path = tmp_path / "x.xlsx"
    path.write_bytes(base)
    assert "a workbook is read up to" in refusal(path, ReadLimits(max_file_bytes=1_000))


def test_thousands_of_extra_rows_of_numbers_are_refused_at_the_cell_limit(
    tmp_path: Path, base: bytes
) -> None:
    def extra(parts: Parts) -> None:
        cells = b"".join(b"<c><v>%d</v></c>" % c for c in range(192))
        rows = b"".join(b'<row r="%d">%s</row>' % (r, cells) for r in range(1_000, 4_000))
        name = "xl/worksheets/sheet2.xml"
        parts[name] = parts[name].replace(b"</sheetData>", rows + b"</sheetData>")

    path = tmp_path / "x.xlsx"
    path.write_bytes(rezip(base, extra))
    message = refusal(path)  # 576,000 cells: refused in the scan, not read one by one
    assert "more cells than the file's limit (60,000 cells" in message
    assert "Requirements!" in message
