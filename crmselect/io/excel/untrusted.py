"""Open workbooks that came from outside (vendors, evaluators) without trusting them.

A returned .xlsx is a zip of XML files written by someone else. Before openpyxl parses
anything, :func:`open_untrusted_workbook` checks the container against :class:`ReadLimits`:

* the file is a zip at all (an OLE file is a legacy .xls or a password-protected workbook;
  a renamed CSV, PDF or executable is refused by name);
* no macros (``vbaProject.bin`` or a macro-enabled content type): refused, not ignored;
* member count, total uncompressed size and per-member compression ratio (zip bombs), read
  from the zip directory before anything is decompressed, and checked again while
  streaming, because a tampered directory can lie;
* no XML document type declarations anywhere (``<!DOCTYPE``/``<!ENTITY``): workbooks never
  need them, and they carry entity-expansion ("billion laughs") and external-entity (XXE)
  attacks. openpyxl additionally parses through ``defusedxml`` (asserted at import);
* the parts a workbook needs are present, and the zip's checksums are intact.

Only then is the workbook opened — read-only (values, not styles; formulas come back as
their text, never evaluated), and every exception openpyxl may raise on a malformed part is
turned into :class:`UntrustedInputError` naming the file.
"""

from __future__ import annotations

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

from crmselect.errors import InputFileError, Problem
from crmselect.io.excel.xlsx import excel_length

# openpyxl parses worksheets with defusedxml when it is installed; we depend on it.
assert openpyxl.DEFUSEDXML, (
    "openpyxl is not using defusedxml: install defusedxml (a crmselect dependency) and do not "
    "set OPENPYXL_DEFUSEDXML=False"
)

MiB = 1 << 20
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MACRO_TYPES = (b"macroEnabled", b"vbaProject", b"ms-office.activeX")
_REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")


class UntrustedInputError(InputFileError):
    """A file from outside is unsafe or malformed; ``problems`` say which file and why."""


@attrs.frozen
class ReadLimits:
    """Bounds on what an untrusted workbook may contain (all overridable).

    The defaults fit a large tender (30 sheets, 100,000 rows) with a wide margin, while
    keeping the worst case — time and memory to parse — to seconds and a few hundred MiB.
    """

    max_file_bytes: int = 50 * MiB
    max_members: int = 2_000
    max_uncompressed_bytes: int = 250 * MiB
    max_member_ratio: float = 200.0
    """Uncompressed/compressed size of one member; plain XML rarely exceeds 30–50."""
    max_rows: int = 100_000
    max_columns: int = 200
    max_cell_chars: int = 32_767


DEFAULT_LIMITS = ReadLimits()


def refuse(path: Path, what: str) -> UntrustedInputError:
    return UntrustedInputError(f"{path.name} was refused", [Problem(str(path), what)])


def check_container(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """Check an .xlsx container before any XML is parsed; raise :class:`UntrustedInputError`."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise refuse(path, "file not found") from None
    except OSError as exc:
        raise refuse(path, f"cannot be read ({exc.strerror or exc})") from None
    if size > limits.max_file_bytes:
        raise refuse(
            path,
            f"file is {size / MiB:.1f} MiB; the limit is {limits.max_file_bytes / MiB:.0f} MiB",
        )
    if head.startswith(_OLE_MAGIC):
        raise refuse(
            path,
            "this is a legacy .xls or a password-protected workbook; save it "
            "as an unprotected .xlsx (Excel Workbook) and send it again",
        )
    if not zipfile.is_zipfile(path):
        raise refuse(
            path,
            "not an .xlsx workbook (not a zip container); save it as an Excel Workbook (.xlsx)",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            _check_members(path, archive, limits)
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


def _check_members(path: Path, archive: zipfile.ZipFile, limits: ReadLimits) -> None:
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise refuse(
            path, f"{len(members):,} parts in the container; the limit is {limits.max_members:,}"
        )
    names = {m.filename for m in members}
    if len(names) != len(members):
        raise refuse(path, "the container holds two parts with the same name")
    declared = sum(m.file_size for m in members)
    if declared > limits.max_uncompressed_bytes:
        raise refuse(
            path,
            f"parts would expand to {declared / MiB:,.0f} MiB; the limit is "
            f"{limits.max_uncompressed_bytes / MiB:.0f} MiB",
        )
    for member in members:
        if member.flag_bits & 0x1:
            raise refuse(path, f"part {member.filename!r} is encrypted")
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MiB and ratio > limits.max_member_ratio:
            raise refuse(
                path,
                f"part {member.filename!r} compresses {ratio:,.0f}:1 (limit "
                f"{limits.max_member_ratio:g}:1) — a zip bomb?",
            )
        lowered = member.filename.lower()
        if lowered.endswith("vbaproject.bin") or "activex" in lowered:
            raise refuse(
                path,
                "the workbook contains macros or ActiveX controls; save it as a "
                "plain Excel Workbook (.xlsx) without macros",
            )
    missing = [p for p in _REQUIRED_PARTS if p not in names]
    if missing:
        raise refuse(path, f"not an Excel workbook: part {missing[0]!r} is missing")
    content_types = archive.read("[Content_Types].xml")
    if any(marker in content_types for marker in _MACRO_TYPES):
        raise refuse(
            path,
            "the workbook is macro-enabled; save it as a plain Excel Workbook "
            "(.xlsx) without macros",
        )
    budget = limits.max_uncompressed_bytes
    for member in members:
        budget = _scan_member(path, archive, member, budget)


def _scan_member(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> int:
    """Stream one part: enforce the real size (the directory can lie), verify its CRC, and
    refuse XML document type declarations. Returns the remaining size budget."""
    is_xml = member.filename.endswith((".xml", ".rels", ".vml"))
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(MiB):
            budget -= len(chunk)
            if budget < 0:
                raise refuse(
                    path, "parts expand beyond the size limit (the zip directory understates them)"
                )
            if is_xml:
                window = tail + chunk
                if any(marker in window for marker in _DTD_MARKERS):
                    raise refuse(
                        path,
                        f"part {member.filename!r} declares a DTD or entities; "
                        "workbooks never need them and they are a known attack",
                    )
                tail = chunk[-16:]
    return budget


@contextmanager
def open_untrusted_workbook(
    path: str | Path, limits: ReadLimits = DEFAULT_LIMITS
) -> Iterator[Workbook]:
    """Check ``path`` and open it read-only; close it afterwards.

    Formulas are returned as their text (``data_only=False``) and never evaluated; the file
    is never written.
    """
    file = Path(path)
    check_container(file, limits)
    try:
        workbook = openpyxl.load_workbook(
            file, read_only=True, data_only=False, keep_links=False, keep_vba=False
        )
    except UntrustedInputError:
        raise
    except Exception as exc:
        raise refuse(file, f"the workbook cannot be read ({type(exc).__name__}: {exc})") from None
    try:
        yield workbook
    finally:
        workbook.close()


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
            values = [(cell.value, getattr(cell, "data_type", "n")) for cell in row]
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
