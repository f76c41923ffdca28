"""The hidden ``crmselect`` sheet every handed-out form carries — written and read here only.

The RFP workbook, the demo scoring sheet and the weights workshop each carry a very hidden,
protected sheet named :data:`META_SHEET` that says what the file is and whom it was made
for. Every form lays it out the same way::

    row 1                the format version: key in A (``template_version`` …), value in B;
                         the tag in C (below)
    rows 2 …             the other facts, one per row: key in A, value in B (text, or a
                         number where the form writes one)
    row table_row - 1    the row table's header, when the form has one (else blank)
    rows table_row …     the row table: one row per form row (ids, checksums), as the form
                         defines it

A form declares its facts' version, where its row table starts and the wording of its
refusals in a :class:`FormMeta`; :func:`write_meta` writes the sheet; :func:`open_form`
opens a returned file without trusting it and reads the sheet, refusing a file that is not
this form or not of this version; :meth:`Meta.recipient` checks whom the file was made for.
The form then checks its own fingerprints (requirement checksums, the demo layout
checksum, the criteria tree hash) against the facts.

**Signed.** Cell C1 holds a tag: HMAC-SHA-256, with the tender's key
(:class:`~crmselect.io.folder.key.TenderKey`), over the form's version and every other cell
of the hidden sheet — the recipient, the fingerprints of the evaluation the file was made
from, every row id and checksum — serialised as JSON (:func:`signed_text`). The key never
leaves the tender folder, so a recipient can read the facts but cannot change one (another
vendor, evaluator or member; another row id or checksum) and make a tag that verifies, nor
make a form for someone else; and a form of another tender (another key) does not verify
here. :func:`open_form` checks the tag, with :func:`hmac.compare_digest`, before any fact
is used, and refuses a file whose tag does not verify: :data:`NOT_ISSUED`. The key binds a
form to its tender folder; the facts it signs bind it to the evaluation it was made from
(``evaluation_hash``, ``requirements_hash``, ``tree_hash``), which each form compares with
the current evaluation as before — so a later change of a weight or of one requirement is
reported as it always was, not as forgery.

The row where a form's table starts is part of the file format: workbooks already handed
out are read with it, so a form keeps its ``table_row`` once it has sent files.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import zipfile
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from crmselect.io.excel.cells import Looks, declare_dimension
from crmselect.io.excel.untrusted import (
    Grid,
    ReadLimits,
    as_text,
    cell_at,
    open_untrusted_workbook,
    read_grid,
    refuse,
)
from crmselect.io.excel.xlsx import (
    HEADER_FILL,
    HEADER_FONT,
    header_row,
    plain_text,
    protect,
    put_text,
    replace_atomically,
)
from crmselect.io.folder.key import TenderKey
from crmselect.io.report.stream import Styled, closed_on_failure, stream

META_SHEET = "crmselect"
"""The name of the hidden sheet, the same in every form."""

Fact = str | int | float
"""A fact's or a row-table cell's value: text, or a number."""

TAG_ROW, TAG_COLUMN = 1, 3
"""The tag's cell, C1: beside the version, outside the facts (read from columns A and B)
and the row table, so every form keeps its layout."""
NOT_ISSUED = "not issued by this tender, or its hidden sheet was edited — send a new one"
"""The refusal of a file whose tag does not verify with the tender's key."""
_DOMAIN = b"crmselect form tag\x00"


@attrs.frozen
class FormMeta:
    """What one form's hidden sheet holds, and how a file that is not this form is refused.

    ``version_key``/``version``: the first fact (``template_version``, ``crmselect.rfp/1``).
    ``table_row``: the first row of the row table; ``header`` the table's column names
    (written on the row above it; none for a table without a header). ``sheets``: the other
    sheets a returned file must still have, checked before the hidden sheet.
    ``not_this_form``: the refusal when one of them (or the hidden sheet) is missing,
    ``{sheet!r}`` filled in; ``wrong_version``: when the version differs, ``{found!r}`` and
    ``{expected!r}`` filled in. ``recipient_key``: the fact naming whom the file was made
    for; ``recipient`` what they are ("vendor"), ``outsider`` what to say of a recipient the
    evaluation does not know, ``wrong_hint`` what to add when the file came from someone else.
    ``earlier``: the versions this form had before, whose files are refused as made by an
    earlier crmselect, with ``send_new`` (what to do) after.
    """

    version_key: str
    version: str
    table_row: int
    not_this_form: str
    wrong_version: str
    recipient_key: str
    header: tuple[str, ...] = ()
    sheets: tuple[str, ...] = ()
    recipient: str = ""
    outsider: str = ""
    wrong_hint: str = ""
    earlier: tuple[str, ...] = ()
    send_new: str = "send a new one"


def write_meta(
    workbook: Workbook,
    form: FormMeta,
    facts: Sequence[tuple[str, Fact]],
    rows: Iterable[Sequence[Fact]] = (),
    *,
    key: TenderKey,
) -> None:
    """Add the hidden sheet to ``workbook``: ``form``'s version, then ``facts`` in order,
    then the row table (text through :func:`~crmselect.io.excel.xlsx.put_text`, numbers as
    numbers), signed with ``key`` (the tag in C1, see the module docstring). The facts must
    end two rows above ``form.table_row`` (the row between is the header or blank), or
    :class:`ValueError` is raised. In a write-only workbook the sheet is streamed, the same
    cells with the same tag (:func:`_stream_meta`)."""
    stated = [(form.version_key, form.version), *facts]
    if len(stated) > form.table_row - 2:
        raise ValueError(f"{len(stated)} facts do not fit above row {form.table_row - 1}")
    sheet = workbook.create_sheet(META_SHEET)
    sheet.sheet_state = "veryHidden"
    if isinstance(sheet, WriteOnlyWorksheet):
        _stream_meta(sheet, form, stated, rows, key)
    else:
        _write_meta(sheet, form, stated, rows, key)


def _write_meta(
    sheet: Worksheet,
    form: FormMeta,
    stated: Sequence[tuple[str, Fact]],
    rows: Iterable[Sequence[Fact]],
    key: TenderKey,
) -> None:
    """:func:`write_meta` into an ordinary sheet, cell by cell."""
    for row, (name, value) in enumerate(stated, start=1):
        put_text(sheet.cell(row=row, column=1), name)
        _put(sheet, row, 2, value)
    if form.header:
        header_row(sheet, form.header, row=form.table_row - 1)
    for row, values in enumerate(rows, start=form.table_row):
        for column, value in enumerate(values, start=1):
            _put(sheet, row, column, value)
    written = [[cell.value for cell in row] for row in sheet.iter_rows()]
    put_text(sheet.cell(row=TAG_ROW, column=TAG_COLUMN), sign(key, form.version, written))
    protect(sheet)


def _stream_meta(
    sheet: WriteOnlyWorksheet,
    form: FormMeta,
    stated: Sequence[tuple[str, Fact]],
    rows: Iterable[Sequence[Fact]],
    key: TenderKey,
) -> None:
    """:func:`write_meta` into a sheet of a write-only workbook (the RFP template, whose
    row table has a row per requirement): the same cells and tag, streamed
    (:func:`~crmselect.io.report.stream.stream`) — every row made first, as
    :func:`_item` gives its cells, and signed over the values they hold. Their styles are
    registered with the workbook in cell order, so the style ids are those of the sheet
    written cell by cell."""
    grid: list[list[object]] = [
        [_item(sheet, name, row, 1), _item(sheet, value, row, 2)]
        for row, (name, value) in enumerate(stated, start=1)
    ]
    grid += [[] for _ in range(len(stated), form.table_row - 2)]
    looks = Looks()
    grid.append(
        [
            _item(sheet, title, form.table_row - 1, column, looks)
            for column, title in enumerate(form.header, start=1)
        ]
    )
    grid += [
        [_item(sheet, value, row, column) for column, value in enumerate(values, start=1)]
        for row, values in enumerate(rows, start=form.table_row)
    ]
    written = [[_held(item) for item in row] for row in grid]
    grid[TAG_ROW - 1].append(_item(sheet, sign(key, form.version, written), TAG_ROW, TAG_COLUMN))
    streamed: Any = sheet  # openpyxl gives it an ordinary sheet's settings; the stubs omit them
    protect(streamed)
    declare_dimension(sheet, f"A1:{get_column_letter(max(map(len, grid)))}{len(grid)}")
    with closed_on_failure([sheet]):
        stream(sheet)
        for cells in grid:
            sheet.append(cells)


def _item(
    sheet: WriteOnlyWorksheet, value: Fact, row: int, column: int, header: Looks | None = None
) -> object:
    """A streamed cell of the hidden sheet holding ``value`` at ``row``, ``column``, as
    :func:`_put` (or, with ``header``, :func:`~crmselect.io.excel.xlsx.header_row`) writes
    it: a number or a plain text (:func:`~crmselect.io.excel.xlsx.plain_text`) as it is —
    :class:`~crmselect.io.report.stream.Styled` in the header's look — any other text in a
    cell :func:`~crmselect.io.excel.xlsx.put_text` wrote (its error naming the cell, ``B6``)."""
    if not isinstance(value, str):
        return value
    if plain_text(value):
        return value if header is None else Styled(value, header.style(sheet, "header", _header))
    cell = WriteOnlyCell(sheet)
    cell.row, cell.column = row, column
    if header is not None:
        header.give(cell, "header", _header)
    put_text(cell, value)
    _ = cell.style_id  # registered in cell order, as an ordinary sheet's styles are
    return cell


def _held(item: object) -> object:
    """The value a streamed cell of :func:`_item` holds."""
    if isinstance(item, Cell):
        return item.value
    return item.value if isinstance(item, Styled) else item


def _header(cell: Cell) -> None:
    """The look of a header cell (:func:`~crmselect.io.excel.xlsx.header_row`)."""
    cell.fill, cell.font = HEADER_FILL, HEADER_FONT


def signed_text(version: str, values: Sequence[Sequence[Any]]) -> bytes:
    """What a form's tag is computed over: ``version`` and every non-blank cell of the
    hidden sheet ``values`` (rows of cell values, row 1 first) but the tag's own, as UTF-8
    JSON — ``[version, [[row, column, kind, text], …]]``, cells in row and column order,
    ``kind`` ``"s"`` for text and ``"n"`` for a number (``repr`` of the float, so ``3`` and
    ``3.0`` are one number and ``"3"`` another). JSON quotes every text, so no two sheets
    give the same serialisation."""
    cells = [
        [row, column, *_canonical(value)]
        for row, cells in enumerate(values, start=1)
        for column, value in enumerate(cells, start=1)
        if value is not None and value != "" and (row, column) != (TAG_ROW, TAG_COLUMN)
    ]
    return json.dumps([version, cells], ensure_ascii=False, separators=(",", ":")).encode()


def _canonical(value: Any) -> tuple[str, str]:
    if isinstance(value, bool):
        return "b", str(value)
    if isinstance(value, int | float):
        return "n", repr(float(value))
    return ("s", value) if isinstance(value, str) else ("x", str(value))


def sign(key: TenderKey, version: str, values: Sequence[Sequence[Any]]) -> str:
    """The tag of a hidden sheet holding ``values`` (:func:`signed_text`) under ``key``: 64
    hex digits of HMAC-SHA-256."""
    message = _DOMAIN + signed_text(version, values)
    return hmac.new(key.secret, message, hashlib.sha256).hexdigest()


def _put(sheet: Worksheet, row: int, column: int, value: Fact) -> None:
    if isinstance(value, str):
        put_text(sheet.cell(row=row, column=column), value)
    else:
        sheet.cell(row=row, column=column, value=value)


@attrs.frozen
class Meta:
    """The hidden sheet of one returned file, as read: its facts and its row table."""

    path: Path
    form: FormMeta
    facts: Mapping[str, tuple[Any, str]]
    """Key (stripped) → the value cell as (value, openpyxl data type)."""
    grid: Grid = attrs.field(repr=False)

    def value(self, key: str) -> Any:
        """The fact ``key`` as stored (text, a number …), or ``None``."""
        return self.facts.get(key, (None, "n"))[0]

    def text(self, key: str) -> str:
        """The fact ``key`` as text, ``""`` when it is missing."""
        return as_text(*self.facts.get(key, (None, "n")))

    def rows(self, columns: int) -> list[tuple[str, ...]]:
        """The row table: the first ``columns`` cells of each row as text
        (:func:`~crmselect.io.excel.untrusted.as_text`), rows blank in all of them left out."""
        found = (
            tuple(as_text(*cell_at(self.grid, row, c)) for c in range(1, columns + 1))
            for row in range(self.form.table_row, len(self.grid) + 1)
        )
        return [texts for texts in found if any(texts)]

    def recipient(self, known: Collection[str], expected: str | None = None) -> str:
        """Whom the file was made for; refused unless one of ``known`` and, when given,
        ``expected``."""
        form = self.form
        who = str(self.value(form.recipient_key) or "")
        if who not in known:
            raise refuse(self.path, f"made for {form.recipient} {who!r}, {form.outsider}")
        if expected is not None and who != expected:
            raise refuse(
                self.path, f"made for {form.recipient} {who!r}, not {expected!r}{form.wrong_hint}"
            )
        return who


@contextmanager
def open_form(
    path: Path, form: FormMeta, limits: ReadLimits, *, key: TenderKey
) -> Iterator[tuple[Workbook, Meta]]:
    """A returned file of ``form``, opened without trusting it
    (:func:`~crmselect.io.excel.untrusted.open_untrusted_workbook`), and its hidden sheet —
    once the file is found to be ``form``: its ``sheets`` and the hidden sheet are there, its
    version is ``form.version`` and its tag verifies with ``key``; otherwise the file is
    refused (:class:`~crmselect.io.excel.untrusted.UntrustedInputError`), an unsigned or
    edited one with :data:`NOT_ISSUED`."""
    with open_untrusted_workbook(path, limits) as workbook:
        yield workbook, _read_meta(workbook, form, path, limits, key)


def _read_meta(
    workbook: Workbook, form: FormMeta, path: Path, limits: ReadLimits, key: TenderKey
) -> Meta:
    missing = [s for s in (*form.sheets, META_SHEET) if s not in workbook.sheetnames]
    if missing:
        raise refuse(path, form.not_this_form.format(sheet=missing[0]))
    grid = read_grid(workbook, META_SHEET, path, limits)
    _check_version(cell_at(grid, 1, 2)[0], form, path)
    values = [[value for value, _ in row] for row in grid]
    stated = cell_at(grid, TAG_ROW, TAG_COLUMN)[0]
    expected = sign(key, form.version, values)
    if not isinstance(stated, str) or not hmac.compare_digest(
        stated.encode("utf-8", "replace"), expected.encode()
    ):
        raise refuse(path, NOT_ISSUED)
    facts = {
        as_text(*cell_at(grid, row, 1)).strip(): cell_at(grid, row, 2)
        for row in range(1, form.table_row - 1)
    }
    facts.pop("", None)
    return Meta(path, form, facts, grid)


def _check_version(found: object, form: FormMeta, path: Path) -> None:
    """Refuse a file whose version (cell B1) is not ``form.version``: one of an earlier
    version as made by an earlier crmselect, any other as not this form's."""
    if found == form.version:
        return
    if found in form.earlier:
        raise refuse(
            path,
            f"made by an earlier crmselect (format {found!r}; this one reads {form.version!r}) "
            f"and not signed for this tender — {form.send_new}",
        )
    raise refuse(path, form.wrong_version.format(found=found, expected=form.version))


_ROW_ONE = re.compile(rb'<row r="1"(?: [^>]*)?>.*?</row>', re.DOTALL)


def resign(path: Path, form: FormMeta, key: TenderKey, limits: ReadLimits) -> bool:
    """Sign the file at ``path`` — a form **this tender made** (the bundled example's
    returned files, copied into a folder with a key of its own) — for ``key``, at
    ``form``'s current version: row 1 of the hidden sheet becomes the version key (as it
    is), ``form.version`` and the new tag; every other byte of the file stays. Returns
    whether the file is this form (an earlier version of it included) and was signed.

    This trusts the file's hidden sheet: never call it on a file returned from outside —
    that is what the tag is for.
    """
    with open_untrusted_workbook(path, limits) as workbook:
        if META_SHEET not in workbook.sheetnames:
            return False
        grid = read_grid(workbook, META_SHEET, path, limits)
    values = [[value for value, _ in row] for row in grid]
    if not values or values[0][:1] != [form.version_key]:
        return False
    version = cell_at(grid, 1, 2)[0]
    if version != form.version and version not in form.earlier:
        return False
    values[0] = [form.version_key, form.version]
    cells = (form.version_key, form.version, sign(key, form.version, values))
    row = "".join(
        f'<c r="{column}1" t="inlineStr"><is><t>{text}</t></is></c>'
        for column, text in zip("ABC", cells, strict=True)
    )
    marker = f"<t>{form.version_key}</t>".encode()
    _replace_row_one(path, marker, f'<row r="1">{row}</row>'.encode())
    return True


def _replace_row_one(path: Path, marker: bytes, row: bytes) -> None:
    """Rewrite ``path`` with the first row of its hidden sheet's XML replaced by ``row``:
    the sheet is the worksheet part whose row 1 holds ``marker`` (its version key)."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    held = [
        i
        for i, (info, data) in enumerate(members)
        if info.filename.startswith("xl/worksheets/")
        and (first := _ROW_ONE.search(data)) is not None
        and marker in first.group(0)
    ]
    if len(held) != 1:
        raise ValueError(f"{path}: {len(held)} parts look like the hidden sheet")
    info, data = members[held[0]]
    members[held[0]] = (info, _ROW_ONE.sub(row, data, count=1))

    def write(temporary: str) -> None:
        with zipfile.ZipFile(temporary, "w") as target:
            for member, content in members:
                target.writestr(member, content, compress_type=member.compress_type)

    replace_atomically(path, write)
