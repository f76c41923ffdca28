"""Open workbooks that came from outside (vendors, evaluators) without trusting them.

A returned .xlsx is a zip of XML files written by someone else. Before openpyxl parses
anything, :func:`open_untrusted_workbook` checks the container against :class:`ReadLimits`:

* it is a regular file (a FIFO, a device or a symlink to one is refused at once) of at
  most ``max_file_bytes``, read once into memory and opened from there;
* the file is a zip at all (an OLE file is a legacy .xls or a password-protected workbook;
  a renamed CSV, PDF or executable is refused by name);
* no macros, ActiveX controls, OLE embeddings or links to other files — by part name,
  content type or relationship, in any letter case (:mod:`crmselect.io.excel.parts`);
* member count, total uncompressed size and per-member compression ratio (zip bombs), read
  from the zip directory before anything is decompressed, and checked again while
  streaming, because a tampered directory can lie; stored and deflated members only;
* no XML document type declarations anywhere (``<!DOCTYPE``/``<!ENTITY``), in whatever
  encoding a part declares: workbooks never need them, and they carry entity-expansion
  ("billion laughs") and external-entity (XXE) attacks. openpyxl additionally parses
  through ``defusedxml`` (asserted at import);
* the style records, the elements of the parts openpyxl reads in full, and the cells and
  shared strings are within :class:`ReadLimits`, so that reading takes bounded time;
* the parts a workbook needs are present, and the zip's checksums are intact.

Only then is the workbook opened — read-only (values, not styles; formulas come back as
their text, never evaluated) — and every worksheet checked to read as a spreadsheet shows
it (:mod:`crmselect.io.excel.sheetxml`: no duplicate, misplaced or out-of-order rows and
cells, no shared string out of range). Every exception openpyxl may raise on a malformed
part is turned into :class:`UntrustedInputError` naming the file.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from crmselect.errors import InputFileError, Problem
from crmselect.io.excel.parts import Budget, PartRefused, forbidden_name, scan_part
from crmselect.io.excel.sheetxml import SheetRefused, check_sheet
from crmselect.io.excel.xlsx import excel_length
from crmselect.io.files import read_regular_file

# openpyxl parses worksheets with defusedxml when it is installed; we depend on it.
assert openpyxl.DEFUSEDXML, (
    "openpyxl is not using defusedxml: install defusedxml (a crmselect dependency) and do not "
    "set OPENPYXL_DEFUSEDXML=False"
)

MiB = 1 << 20
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_COMPRESSIONS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
"""What Excel and LibreOffice write; bzip2 and LZMA members are refused (no spreadsheet
writes them, and they cost more to expand)."""


class UntrustedInputError(InputFileError):
    """A file from outside is unsafe or malformed; ``problems`` say which file and why."""


@attrs.frozen
class ReadLimits:
    """Bounds on what an untrusted workbook may contain (all overridable).

    The defaults fit a large tender (3,000 requirements, 30 sheets) with a margin,
    while keeping the worst case within 5 s and 300 MiB per file on a 2-core machine
    (``benchmarks/bench_untrusted.py`` measures it): every bound below is checked in one
    streaming pass before openpyxl builds anything from the part it bounds.
    """

    max_file_bytes: int = 50 * MiB
    max_members: int = 2_000
    max_uncompressed_bytes: int = 32 * MiB
    """All parts together, as they expand (the zip directory is checked, then the stream):
    openpyxl reads sheet XML at about 10 MB/s, so this bounds a sheet of long texts. A
    returned RFP workbook of 1,500 requirements expands to about 2 MiB."""
    max_member_ratio: float = 200.0
    """Uncompressed/compressed size of one member; plain XML rarely exceeds 30–50."""
    max_rows: int = 100_000
    """Rows of one sheet."""
    max_columns: int = 200
    """Columns of one sheet."""
    max_cell_chars: int = 32_767
    """Characters of one cell (Excel's own limit), counted as Excel counts them."""
    max_cells: int = 60_000
    """Cells (``<c>`` elements, blank ones too) of all sheets of a file together, and
    strings of its shared-string table: about 25 µs each to read with openpyxl and check.
    3,000 requirements take about 33,000 (Requirements and the hidden sheet)."""
    max_styles: int = 20_000
    """Style records (cell formats, fonts, fills, borders, number formats, differential
    formats, named styles) together: openpyxl builds an object for each, about 30 µs."""
    max_part_elements: int = 50_000
    """XML elements of the parts openpyxl reads in full — styles, the workbook part (sheets,
    defined names), relationships, properties — together (worksheets and shared strings
    are bounded by ``max_cells``)."""
    max_findings: int = 1_000
    """Findings of one severity kept per file; the rest are counted in one more finding of
    that severity (so a file with too many errors still has errors)."""


DEFAULT_LIMITS = ReadLimits()


def refuse(path: Path, what: str) -> UntrustedInputError:
    """The refusal of the file at ``path``, saying ``what`` is wrong."""
    return UntrustedInputError(f"{path.name} was refused", [Problem(str(path), what)])


def check_container(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> bytes:
    """Check an .xlsx container before any XML is parsed; raise :class:`UntrustedInputError`.

    Only a regular file is read (a FIFO, a device or a folder is refused at once), and at
    most ``limits.max_file_bytes`` of it; returns its bytes, which are what is then opened,
    so the file cannot change between the check and the read.
    """
    try:
        data = read_regular_file(path, limits.max_file_bytes, kind="workbook")
    except InputFileError as exc:
        raise refuse(path, exc.problems[0].what) from None
    if data.startswith(_OLE_MAGIC):
        raise refuse(
            path,
            "this is a legacy .xls or a password-protected workbook; save it "
            "as an unprotected .xlsx (Excel Workbook) and send it again",
        )
    stream = io.BytesIO(data)
    if not zipfile.is_zipfile(stream):
        raise refuse(
            path,
            "not an .xlsx workbook (not a zip container); save it as an Excel Workbook (.xlsx)",
        )
    try:
        with zipfile.ZipFile(stream) as archive:
            _check_members(path, archive, limits)
    except PartRefused as exc:
        raise refuse(path, str(exc)) from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ) as exc:
        raise refuse(path, f"corrupt or unsupported zip container ({exc})") from None
    return data


def _check_members(path: Path, archive: zipfile.ZipFile, limits: ReadLimits) -> None:
    members = archive.infolist()
    _check_directory(path, members, limits)
    for member in members:
        _check_entry(path, member, limits)
    names = {m.filename for m in members}
    missing = [p for p in _REQUIRED_PARTS if p not in names]
    if missing:
        raise refuse(path, f"not an Excel workbook: part {missing[0]!r} is missing")
    budget = Budget(
        limits.max_uncompressed_bytes, limits.max_part_elements, limits.max_styles, limits.max_cells
    )
    # [Content_Types].xml first, so that a declared macro is refused as such
    for member in sorted(members, key=lambda m: m.filename != "[Content_Types].xml"):
        with archive.open(member) as stream:
            scan_part(member.filename, stream, budget)


def _check_directory(path: Path, members: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    """The zip directory: the number of parts, unique names, the declared sizes."""
    if len(members) > limits.max_members:
        raise refuse(
            path, f"{len(members):,} parts in the container; the limit is {limits.max_members:,}"
        )
    if len({m.filename for m in members}) != len(members):
        raise refuse(path, "the container holds two parts with the same name")
    declared = sum(m.file_size for m in members)
    if declared > limits.max_uncompressed_bytes:
        raise refuse(
            path,
            f"parts would expand to {declared / MiB:,.0f} MiB; the limit is "
            f"{limits.max_uncompressed_bytes / MiB:.0f} MiB",
        )


def _check_entry(path: Path, member: zipfile.ZipInfo, limits: ReadLimits) -> None:
    """One part as the directory lists it: not encrypted, plainly compressed, no zip bomb,
    and not a part crmselect refuses by its name (macros, ActiveX, OLE, external links)."""
    if member.flag_bits & 0x1:
        raise refuse(path, f"part {member.filename!r} is encrypted")
    if member.compress_type not in _COMPRESSIONS:
        raise refuse(
            path,
            f"part {member.filename!r} is compressed with method {member.compress_type} "
            "(only stored and deflated parts are read); save the file again from a spreadsheet",
        )
    ratio = member.file_size / max(member.compress_size, 1)
    if member.file_size > MiB and ratio > limits.max_member_ratio:
        raise refuse(
            path,
            f"part {member.filename!r} compresses {ratio:,.0f}:1 (limit "
            f"{limits.max_member_ratio:g}:1) — a zip bomb?",
        )
    what = forbidden_name(member.filename)
    if what is not None:
        raise refuse(
            path,
            f"the workbook contains {what} (part {member.filename!r}); save it as a "
            "plain Excel Workbook (.xlsx) without them",
        )


@contextmanager
def open_untrusted_workbook(
    path: str | Path, limits: ReadLimits = DEFAULT_LIMITS
) -> Iterator[Workbook]:
    """Check ``path`` and open it read-only; close it afterwards.

    Formulas are returned as their text (``data_only=False``) and never evaluated; the file
    is never written. Every worksheet is checked (:func:`~crmselect.io.excel.sheetxml.check_sheet`)
    before a cell of it is read, so that what is read is what a spreadsheet shows.
    """
    file = Path(path)
    data = check_container(file, limits)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False, keep_vba=False
        )
    except Exception as exc:
        raise refuse(file, f"the workbook cannot be read ({type(exc).__name__}: {exc})") from None
    try:
        _check_sheets(file, data, workbook, limits)
        yield workbook
    finally:
        workbook.close()


def _check_sheets(path: Path, data: bytes, workbook: Workbook, limits: ReadLimits) -> None:
    """Every worksheet's XML, in one pass each, with the file's cell budget."""
    left = limits.max_cells
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for sheet in workbook.worksheets:
            try:
                with archive.open(getattr(sheet, "_worksheet_path", "")) as stream:
                    left = check_sheet(
                        stream,
                        shared_strings=len(getattr(sheet, "_shared_strings", ())),
                        cells_left=left,
                        max_rows=limits.max_rows,
                        max_columns=limits.max_columns,
                    )
            except SheetRefused as exc:
                raise refuse(path, _sheet_refusal(sheet.title, exc, limits)) from None
            except (KeyError, zipfile.BadZipFile, zlib.error, OSError) as exc:
                raise refuse(path, f"sheet {sheet.title!r} cannot be read ({exc})") from None


def _sheet_refusal(title: str, exc: SheetRefused, limits: ReadLimits) -> str:
    where = f"{title}!{exc.cell}" if exc.cell else f"sheet {title!r}"
    if exc.limit:
        return (
            f"{where} cannot be read: {exc.what} ({limits.max_cells:,} cells, "
            f"{limits.max_rows:,} rows, {limits.max_columns:,} columns); check that this is "
            "the right file"
        )
    return (
        f"{where} cannot be read: {exc.what} (malformed sheet XML, which a spreadsheet would "
        "show differently from what would be read); save the file again from a spreadsheet"
    )


# -- reading cells of an untrusted sheet ---------------------------------------------------

SHOWN_VALUE = 200
"""Characters of an offending value quoted in a report (the full value stays in the file)."""

Grid = list[list[tuple[Any, str]]]
"""A sheet as rows of (value, openpyxl data type) pairs, 1-based rows at index 0."""


def shorten(text: str) -> str:
    if len(text) <= SHOWN_VALUE:
        return text
    return f"{text[:SHOWN_VALUE]}… ({len(text):,} characters)"


def read_grid(workbook: Workbook, title: str, path: Path, limits: ReadLimits) -> Grid:
    """Read every cell of a sheet (dimensions reset, so a lying size tag hides nothing)."""
    sheet = workbook[title]
    sheet.reset_dimensions()
    rows: Grid = []
    try:
        for row in sheet.iter_rows():
            if len(rows) >= limits.max_rows:
                raise refuse(path, f"sheet {title!r} has more than {limits.max_rows:,} rows")
            if len(row) > limits.max_columns:
                raise refuse(path, f"sheet {title!r} uses more than {limits.max_columns} columns")
            values = [(_shown(cell.value), getattr(cell, "data_type", "n")) for cell in row]
            for column, (value, _) in enumerate(values, start=1):
                if isinstance(value, str) and excel_length(value) > limits.max_cell_chars:
                    raise refuse(
                        path,
                        f"{title}!{cell_ref(len(rows) + 1, column)} holds "
                        f"{excel_length(value):,} characters as Excel counts them (UTF-16 "
                        f"code units); a cell holds at most {limits.max_cell_chars:,}",
                    )
            rows.append(values)
    except UntrustedInputError:
        raise
    except Exception as exc:
        raise refuse(
            path, f"sheet {title!r} cannot be read ({type(exc).__name__}: {exc})"
        ) from None
    return rows


def _shown(value: object) -> object:
    """A cell's value as a spreadsheet's formula bar shows it: an array formula as its text
    (``=SUM(A1:A3*B1:B3)``), a data table as ``=TABLE(row input, column input)``."""
    if isinstance(value, ArrayFormula):
        return value.text
    if isinstance(value, DataTableFormula):
        return f"=TABLE({value.r1 or ''},{value.r2 or ''})"
    return value


def cell_at(grid: Grid, row: int, column: int) -> tuple[Any, str]:
    if row - 1 < len(grid) and column - 1 < len(grid[row - 1]):
        return grid[row - 1][column - 1]
    return None, "n"


def cell_ref(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: object, dtype: str) -> str:
    """A cell as text exactly as stored (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15 and dtype == "n":
        return str(int(value))
    return str(value)
