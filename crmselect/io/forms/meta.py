"""The hidden ``crmselect`` sheet every handed-out form carries — written and read here only.

The RFP workbook, the demo scoring sheet and the weights workshop each carry a very hidden,
protected sheet named :data:`META_SHEET` that says what the file is and whom it was made
for. Every form lays it out the same way::

    row 1                the format version: key in A (``template_version`` …), value in B
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

The row where a form's table starts is part of the file format: workbooks already handed
out are read with it, so a form keeps its ``table_row`` once it has sent files.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from crmselect.io.excel.untrusted import (
    Grid,
    ReadLimits,
    as_text,
    cell_at,
    open_untrusted_workbook,
    read_grid,
    refuse,
)
from crmselect.io.excel.xlsx import header_row, protect, put_text

META_SHEET = "crmselect"
"""The name of the hidden sheet, the same in every form."""

Fact = str | int | float
"""A fact's or a row-table cell's value: text, or a number."""


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


def write_meta(
    workbook: Workbook,
    form: FormMeta,
    facts: Sequence[tuple[str, Fact]],
    rows: Iterable[Sequence[Fact]] = (),
) -> None:
    """Add the hidden sheet to ``workbook``: ``form``'s version, then ``facts`` in order,
    then the row table (text through :func:`~crmselect.io.excel.xlsx.put_text`, numbers as
    numbers). The facts must end two rows above ``form.table_row`` (the row between is
    the header or blank), or :class:`ValueError` is raised."""
    stated = [(form.version_key, form.version), *facts]
    if len(stated) > form.table_row - 2:
        raise ValueError(f"{len(stated)} facts do not fit above row {form.table_row - 1}")
    sheet = workbook.create_sheet(META_SHEET)
    sheet.sheet_state = "veryHidden"
    for row, (key, value) in enumerate(stated, start=1):
        put_text(sheet.cell(row=row, column=1), key)
        _put(sheet, row, 2, value)
    if form.header:
        header_row(sheet, form.header, row=form.table_row - 1)
    for row, values in enumerate(rows, start=form.table_row):
        for column, value in enumerate(values, start=1):
            _put(sheet, row, column, value)
    protect(sheet)


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
def open_form(path: Path, form: FormMeta, limits: ReadLimits) -> Iterator[tuple[Workbook, Meta]]:
    """A returned file of ``form``, opened without trusting it
    (:func:`~crmselect.io.excel.untrusted.open_untrusted_workbook`), and its hidden sheet —
    once the file is found to be ``form``: its ``sheets`` and the hidden sheet are there, and
    its version is ``form.version``; otherwise the file is refused
    (:class:`~crmselect.io.excel.untrusted.UntrustedInputError`)."""
    with open_untrusted_workbook(path, limits) as workbook:
        yield workbook, _read_meta(workbook, form, path, limits)


def _read_meta(workbook: Workbook, form: FormMeta, path: Path, limits: ReadLimits) -> Meta:
    missing = [s for s in (*form.sheets, META_SHEET) if s not in workbook.sheetnames]
    if missing:
        raise refuse(path, form.not_this_form.format(sheet=missing[0]))
    grid = read_grid(workbook, META_SHEET, path, limits)
    facts = {
        as_text(*cell_at(grid, row, 1)).strip(): cell_at(grid, row, 2)
        for row in range(1, form.table_row - 1)
    }
    facts.pop("", None)
    meta = Meta(path, form, facts, grid)
    found = meta.value(form.version_key)
    if found != form.version:
        raise refuse(path, form.wrong_version.format(found=found, expected=form.version))
    return meta
