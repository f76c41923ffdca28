"""The RFP response workbook a vendor fills in: layout, and the writer.

One workbook per vendor, with sheets

``Instructions``  the deadline, the compliance scale and how to answer;
``Requirements``  one row per requirement: hidden id, section, text, priority, mandatory,
                  a compliance drop-down, comment and evidence;
``Pricing``       the commercial offer as typed, validated cells;
``Company``       deployment models, access channels and references;
``Lists``         (hidden) the drop-down values, referenced through named ranges;
``crmselect``     (very hidden) template version, the evaluation's hashes, the vendor, and a
                  checksum per requirement row, so :mod:`crmselect.io.forms.rfp_response` can tell
                  what was changed — signed with the tender's key, so that the vendor cannot
                  change whom the file is for nor any of these facts.

Sheets are protected so that only answer cells are editable. That protection is a
usability guard (Excel's legacy password hash is weak), not security: integrity comes from
the signed hidden sheet (:mod:`crmselect.io.forms.meta`) and from comparing every returned
row with the buyer's own evaluation. Every string from outside
the library is written through :func:`crmselect.io.excel.xlsx.put_text`, so it can never become a
formula.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import weakref
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName, DefinedNameDict
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from crmselect._version import __version__
from crmselect.errors import CrmselectError
from crmselect.io.excel.cells import Looks, declare_dimension
from crmselect.io.excel.xlsx import (
    HEADER_FILL,
    HEADER_FONT,
    INPUT_FILL,
    UNLOCKED,
    WRAP,
    header_row,
    label_rows,
    plain_text,
    protect,
    put_text,
    save_atomic,
)
from crmselect.io.folder.key import TenderKey
from crmselect.io.forms.meta import FormMeta, write_meta
from crmselect.io.report.stream import Styled, closed_on_failure, replay, stream
from crmselect.model import Access, Deployment, Evaluation, Requirement, Vendor, fingerprint_of

TEMPLATE_VERSION = "crmselect.rfp/2"
"""/2: signed with the tender's key (:mod:`crmselect.io.forms.meta`); /1 files are refused."""
REQUIREMENTS_SHEET = "Requirements"
PRICING_SHEET = "Pricing"
COMPANY_SHEET = "Company"
INSTRUCTIONS_SHEET = "Instructions"
LISTS_SHEET = "Lists"

REQUIREMENT_HEADERS = (
    "ID",
    "Section",
    "Requirement",
    "Priority",
    "Mandatory",
    "Compliance",
    "Comment",
    "Evidence",
)
"""Columns A–H of the Requirements sheet; the importer finds columns by these headers."""
ANSWER_HEADERS = ("Compliance", "Comment", "Evidence")

RFP_META = FormMeta(
    version_key="template_version",
    version=TEMPLATE_VERSION,
    table_row=10,
    header=("requirement", "row", "checksum"),
    sheets=(REQUIREMENTS_SHEET,),
    not_this_form="sheet {sheet!r} is missing: this is not a crmselect RFP workbook, or a sheet "
    "was deleted — send the vendor a new template",
    wrong_version="template version {found!r} is not {expected!r}: the workbook was not made by "
    "this crmselect, or was tampered with — send the vendor a new template",
    recipient_key="vendor_id",
    recipient="vendor",
    outsider="who is not in this evaluation",
    earlier=("crmselect.rfp/1",),
    send_new="send the vendor a new template",
)
"""The RFP workbook's hidden sheet: eight facts, then from row 10 one row per requirement
(id, its row on the Requirements sheet, :func:`requirement_checksum`)."""


MONEY_LIMIT = 1e12
"""The largest amount a Pricing cell may hold: no CRM price comes near 10¹² in any
currency (10¹² Vietnamese đồng is about 36 million euros), and larger numbers (``1e308``)
would overflow the cost model."""


@attrs.frozen
class PricingField:
    """One input cell of the Pricing sheet; a number lies in [0, ``maximum``]."""

    key: str
    label: str
    kind: str  # "number", "integer", "currency" or "choice"
    choices: tuple[str, ...] = ()
    maximum: float = MONEY_LIMIT


_CURRENCIES = (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN "
    "BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP "
    "ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR "
    "ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA "
    "MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK "
    "PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC "
    "SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND "
    "VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG"
)
ISO_4217 = frozenset(_CURRENCIES.split())
"""The ISO 4217 codes of the currencies in circulation (list one; precious metals, fund
and test codes such as XAU and XXX left out): what the Pricing sheet's currency must be."""


PRICING_FIELDS: tuple[PricingField, ...] = (
    PricingField("currency", "Currency of every price (ISO code, e.g. EUR)", "currency"),
    PricingField(
        "licensing_model", "Licensing model offered", "choice", ("perpetual", "subscription")
    ),
    PricingField("user_type", "Users are licensed as", "choice", ("named", "concurrent")),
    PricingField("price_per_named_user", "Price per named user", "number"),
    PricingField("price_per_concurrent_user", "Price per concurrent user", "number"),
    PricingField(
        "price_period", "The user prices above are", "choice", ("per month", "per year", "one-off")
    ),
    PricingField(
        "maintenance_percent",
        "Annual maintenance, % of licence price (perpetual)",
        "number",
        maximum=100,
    ),
    PricingField(
        "subscription_term_years", "Minimum subscription term (years)", "integer", maximum=50
    ),
    PricingField(
        "implementation_days", "Implementation effort (person-days)", "number", maximum=1e6
    ),
    PricingField("day_rate", "Implementation day rate", "number"),
    PricingField("hosting_fee_per_year", "Hosting or operation fee per year", "number"),
    PricingField("contract_years", "Contract length offered (years)", "integer", maximum=50),
)
PRICING_FIRST_ROW = 4

YES_NO = ("yes", "no")
REFERENCE_HEADERS = ("Customer", "Industry", "Users", "Live since", "Contact (name, e-mail)")
REFERENCE_ROWS = 3


def requirement_checksum(requirement: Requirement) -> str:
    """16 hex digits of SHA-256 over the fields a vendor sees for one requirement."""
    text = "\x1f".join(
        (
            requirement.id,
            requirement.criterion,
            requirement.text,
            requirement.priority.value,
            str(requirement.mandatory),
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


_QUESTIONS: weakref.WeakKeyDictionary[Evaluation, str] = weakref.WeakKeyDictionary()
"""The questions fingerprint of each evaluation object alive (see :func:`questions_fingerprint`)."""


def questions_fingerprint(evaluation: Evaluation) -> str:
    """The evaluation's fingerprint without any answers or prices: what a template was made
    from — the :attr:`~crmselect.model.Evaluation.fingerprint` of a copy with no responses,
    pricing or prices (import findings are never fingerprinted).

    Computed once per evaluation object and kept while the object lives (a weak reference:
    an evaluation does not change, and a copy made with :func:`attrs.evolve` is another
    object, which computes its own), so that writing a template for each of fifty vendors,
    or reading their fifty workbooks, hashes the evaluation once. An evaluation without
    answers or prices (before the RFP goes out) is its own copy: its fingerprint is used.
    """
    found = _QUESTIONS.get(evaluation)
    if found is None:
        found = _QUESTIONS[evaluation] = _questions_fingerprint(evaluation)
    return found


def _questions_fingerprint(evaluation: Evaluation) -> str:
    price = evaluation.price
    if not (evaluation.responses or evaluation.pricing or (price and price.prices)):
        return evaluation.fingerprint
    # the copy's fingerprint without building it: no answer is checked again (issue 21)
    return fingerprint_of(
        evaluation, responses=(), pricing={}, price=price and attrs.evolve(price, prices={})
    )


def requirements_hash(evaluation: Evaluation) -> str:
    """SHA-256 over every requirement's checksum, in order: identifies the question set."""
    joined = ",".join(requirement_checksum(r) for r in evaluation.requirements)
    return hashlib.sha256(joined.encode()).hexdigest()


def company_rows() -> tuple[tuple[str, str, str], ...]:
    """(group, key, label) of every yes/no question on the Company sheet, in sheet order."""
    rows = [("deployment", d.value, f"Deployment: {d.value.replace('_', ' ')}") for d in Deployment]
    rows += [("access", a.value, f"Access: {a.value.replace('_', ' ')}") for a in Access]
    return tuple(rows)


def write_template(
    evaluation: Evaluation,
    vendor_id: str,
    path: str | Path,
    *,
    key: TenderKey,
    deadline: dt.date | None = None,
) -> Path:
    """Write the RFP response workbook for one vendor, signed with the tender's ``key``
    (:func:`~crmselect.io.folder.key.tender_key`, or
    :meth:`~crmselect.io.folder.key.TenderKey.generate` without a folder); returns its path.

    The workbook is written in openpyxl's write-only mode, as the comparison workbook is
    (:mod:`crmselect.io.report.stream`): the Requirements rows and the hidden sheet's row
    table — a row per requirement each — are streamed, the small sheets written into a
    scratch workbook and replayed, sheet by sheet in workbook order, so that every cell,
    look, setting and style id is what writing the sheets cell by cell gives (issue 21).

    >>> import crmselect, tempfile, pathlib
    >>> from crmselect.io.folder.key import TenderKey
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "orbis.xlsx"
    >>> write_template(crmselect.example(), "orbis", out, key=TenderKey.generate()).name
    'orbis.xlsx'
    """
    vendors = {v.id: v for v in evaluation.vendors}
    if vendor_id not in vendors:
        raise CrmselectError(
            f"No vendor {vendor_id!r} in {evaluation.name!r}; vendors: {', '.join(vendors)}"
        )
    vendor = vendors[vendor_id]
    workbook = Workbook(write_only=True)
    titles = (INSTRUCTIONS_SHEET, LISTS_SHEET, REQUIREMENTS_SHEET, PRICING_SHEET, COMPANY_SHEET)
    sheets = {title: workbook.create_sheet(title) for title in titles}
    scratch = Workbook()  # the small sheets are written here, then replayed
    heads = {title: scratch.create_sheet(title) for title in titles if title != REQUIREMENTS_SHEET}
    with closed_on_failure(sheets.values()):
        _instructions(heads[INSTRUCTIONS_SHEET], evaluation, vendor, deadline)
        _replay(heads[INSTRUCTIONS_SHEET], sheets[INSTRUCTIONS_SHEET])
        _lists(heads[LISTS_SHEET], workbook.defined_names, evaluation)
        _requirements(sheets[REQUIREMENTS_SHEET], evaluation)
        _pricing(heads[PRICING_SHEET])
        _replay(heads[PRICING_SHEET], sheets[PRICING_SHEET])
        _company(heads[COMPANY_SHEET])
        _replay(heads[COMPANY_SHEET], sheets[COMPANY_SHEET])
        _meta(workbook, evaluation, vendor, key)
        _replay(heads[LISTS_SHEET], sheets[LISTS_SHEET])
    workbook.move_sheet(LISTS_SHEET, offset=len(workbook.sheetnames))
    return save_atomic(workbook, path)


def _replay(source: Worksheet, target: WriteOnlyWorksheet) -> None:
    """:func:`~crmselect.io.report.stream.replay` of a small sheet, with what it leaves out
    of these sheets: the sheet's state (Lists is hidden), hidden columns (the Pricing
    keys) and the used range (:func:`~crmselect.io.excel.cells.declare_dimension`)."""
    streamed: Any = target  # openpyxl gives it an ordinary sheet's settings; the stubs omit them
    streamed.sheet_state = source.sheet_state
    declare_dimension(target, source.calculate_dimension())
    for letter, column in source.column_dimensions.items():
        if column.hidden:
            streamed.column_dimensions[letter].hidden = True
    replay(source, target)


def _instructions(
    sheet: Worksheet, evaluation: Evaluation, vendor: Vendor, deadline: dt.date | None
) -> None:
    sheet.title = INSTRUCTIONS_SHEET
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 90
    put_text(sheet["A1"], evaluation.name)
    sheet["A1"].font = Font(bold=True, size=14)
    lines = [
        ("Prepared for", vendor.name),
        ("Return by", deadline.isoformat() if deadline else "the date in our cover letter"),
        (
            "How to answer",
            "On the Requirements sheet, choose one Compliance value per row from "
            "the drop-down, and add a comment and evidence (document, page, demo) "
            "where useful. Fill in the Pricing and Company sheets. Do not add, "
            "delete, reorder or reword rows: we match answers to requirements by "
            "a hidden id and check every row.",
        ),
        ("Mandatory requirements", _mandatory_instruction(evaluation)),
        ("Format", "Return this file as .xlsx (no macros, no password)."),
    ]
    start = label_rows(sheet, lines, start=3) + 1
    header_row(sheet, ("Compliance value", "Meaning"), row=start)
    for offset, level in enumerate(evaluation.scale.levels, start=1):
        put_text(sheet.cell(row=start + offset, column=1), level.label)
        meaning = f"Answer code {level.key}" + (
            "" if level.satisfies_mandatory else " — does not meet a mandatory requirement"
        )
        put_text(sheet.cell(row=start + offset, column=2), meaning)
    protect(sheet)


def _mandatory_instruction(evaluation: Evaluation) -> str:
    """What excludes an offer, from the scale (by default: a mandatory requirement left
    blank, or answered 'On the roadmap (not yet available)' or 'Not supported')."""
    failing = evaluation.scale.failing_mandatory()
    answered = f", or answered {failing}," if failing else ""
    return f"A requirement marked mandatory that is left blank{answered} excludes the offer."


def _named_list(
    sheet: Worksheet, names: DefinedNameDict, name: str, column: int, values: Sequence[str]
) -> None:
    for row, value in enumerate(values, start=1):
        put_text(sheet.cell(row=row, column=column), value)
    letter = get_column_letter(column)
    reference = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(values)}"
    names[name] = DefinedName(name, attr_text=reference)


def _lists(sheet: Worksheet, names: DefinedNameDict, evaluation: Evaluation) -> None:
    """The hidden Lists sheet, and the workbook's names (``names``) of its drop-down lists."""
    sheet.sheet_state = "hidden"
    _named_list(sheet, names, "ComplianceLevels", 1, [lv.label for lv in evaluation.scale.levels])
    _named_list(sheet, names, "YesNo", 2, YES_NO)
    column = 3
    for f in PRICING_FIELDS:
        if f.kind == "choice":
            _named_list(sheet, names, f"Choice_{f.key}", column, f.choices)
            column += 1
    protect(sheet)


def _list_validation(name: str, title: str) -> DataValidation:
    return DataValidation(
        type="list",
        formula1=f"={name}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=title,
        error="Choose a value from the drop-down list.",
    )


def _requirement_rows(
    sheet: WriteOnlyWorksheet, evaluation: Evaluation
) -> Iterator[list[Styled | Cell]]:
    """The rows of the Requirements sheet (streamed into ``sheet``): the header, then per
    requirement its hidden id, section, text, priority and mandatory flag — wrapped at the
    top, written by :func:`~crmselect.io.excel.xlsx.put_text` (``Requirements!row 7`` named
    in its error) unless :func:`~crmselect.io.excel.xlsx.plain_text` — and three empty
    answer cells (:func:`_input`).

    Every look is registered with the workbook where its first cell comes (the answer
    cells' after the first requirement's texts), as an ordinary sheet's are when it is
    saved: the style ids are those of a template written cell by cell."""
    looks = Looks()
    yield [
        _text(sheet, looks, "header", _header, title, 1, column)
        for column, title in enumerate(REQUIREMENT_HEADERS, start=1)
    ]
    criteria = evaluation.criteria_by_id()
    answers: list[Styled | Cell] = []
    for row, r in enumerate(evaluation.requirements, start=2):
        where = f"{REQUIREMENTS_SHEET}!row {row}"
        values = (
            r.id,
            criteria[r.criterion].label,
            r.text,
            r.priority.value,
            "yes" if r.mandatory else "no",
        )
        texts = [
            _text(sheet, looks, "text", _wrapped, value, row, column, where)
            for column, value in enumerate(values, start=1)
        ]
        answers = answers or [Styled(None, looks.style(sheet, "input", _input))] * 3
        yield [*texts, *answers]


def _text(
    sheet: WriteOnlyWorksheet,
    looks: Looks,
    key: str,
    look: Callable[[Cell], None],
    value: str,
    row: int,
    column: int,
    where: str = "",
) -> Styled | Cell:
    """``value`` as literal text in the look ``key`` (``look``) at ``row``, ``column``: the
    plain text itself, or a cell :func:`~crmselect.io.excel.xlsx.put_text` wrote (escapes,
    ``quotePrefix``, the length check)."""
    if type(value) is str and plain_text(value):
        return Styled(value, looks.style(sheet, key, look))
    cell = WriteOnlyCell(sheet)
    cell.row, cell.column = row, column
    looks.give(cell, key, look)  # first: put_text may add a quote prefix
    put_text(cell, value, where)
    _ = cell.style_id  # registered now, where the cell comes (see _requirement_rows)
    return cell


def _requirements(sheet: WriteOnlyWorksheet, evaluation: Evaluation) -> None:
    """Stream the Requirements sheet: its settings (the compliance drop-down, widths, the
    hidden id column, frozen panes, the filter, protection but for filtering), then its
    rows (:func:`_requirement_rows`), each written as it is made."""
    streamed: Any = sheet  # openpyxl gives it an ordinary sheet's settings; the stubs omit them
    compliance = _list_validation("ComplianceLevels", "Compliance")
    streamed.data_validations.append(compliance)
    last = len(evaluation.requirements) + 1
    compliance.add(f"F2:F{max(last, 2)}")
    for letter, width in zip("ABCDEFGH", (10, 24, 70, 9, 11, 34, 40, 30), strict=True):
        streamed.column_dimensions[letter].width = width
    streamed.column_dimensions["A"].hidden = True
    streamed.freeze_panes = "C2"
    streamed.auto_filter.ref = f"A1:H{max(last, 2)}"
    protect(streamed)
    streamed.protection.autoFilter = False
    declare_dimension(sheet, f"A1:H{last}")
    stream(sheet)
    for row in _requirement_rows(sheet, evaluation):
        sheet.append(row)


def _header(cell: Cell) -> None:
    """The look of a header cell (:func:`~crmselect.io.excel.xlsx.header_row`)."""
    cell.fill, cell.font = HEADER_FILL, HEADER_FONT


def _wrapped(cell: Cell) -> None:
    """The look of a requirement's text cells: wrapped, at the top."""
    cell.alignment = WRAP


def _input(cell: Cell) -> None:
    """The look of an answer cell: unlocked, yellow, wrapped at the top."""
    cell.protection, cell.fill, cell.alignment = UNLOCKED, INPUT_FILL, WRAP


def _pricing(sheet: Worksheet) -> None:
    put_text(sheet["A1"], "Commercial offer — fill in the yellow cells")
    sheet["A1"].font = Font(bold=True, size=12)
    header_row(sheet, ("Key", "Item", "Your answer"), row=PRICING_FIRST_ROW - 1)
    for row, f in enumerate(PRICING_FIELDS, start=PRICING_FIRST_ROW):
        put_text(sheet.cell(row=row, column=1), f.key)
        put_text(sheet.cell(row=row, column=2), f.label)
        answer = sheet.cell(row=row, column=3)
        answer.protection, answer.fill = UNLOCKED, INPUT_FILL
        if f.kind == "choice":
            validation = _list_validation(f"Choice_{f.key}", f.label)
        elif f.kind in ("number", "integer"):
            validation = DataValidation(
                type="decimal" if f.kind == "number" else "whole",
                operator="between",
                formula1="0",
                formula2=f"{f.maximum:.0f}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="stop",
                error=f"Enter a number from 0 to {f.maximum:,.0f}.",
            )
            answer.number_format = "#,##0.00" if f.kind == "number" else "0"
        else:
            continue
        sheet.add_data_validation(validation)
        validation.add(answer.coordinate)
    sheet.column_dimensions["A"].hidden = True
    sheet.column_dimensions["B"].width = 55
    sheet.column_dimensions["C"].width = 22
    protect(sheet)


def _company(sheet: Worksheet) -> None:
    put_text(sheet["A1"], "Company and product — answer yes or no, and give three references")
    sheet["A1"].font = Font(bold=True, size=12)
    yes_no = _list_validation("YesNo", "Yes or no")
    sheet.add_data_validation(yes_no)
    header_row(sheet, ("Key", "Question", "Yes / no"), row=2)
    rows = company_rows()
    for row, (group, key, label) in enumerate(rows, start=3):
        put_text(sheet.cell(row=row, column=1), f"{group}:{key}")
        put_text(sheet.cell(row=row, column=2), label)
        answer = sheet.cell(row=row, column=3)
        answer.protection, answer.fill = UNLOCKED, INPUT_FILL
        yes_no.add(answer.coordinate)
    start = 3 + len(rows) + 1
    header_row(sheet, REFERENCE_HEADERS, row=start)
    for row in range(start + 1, start + 1 + REFERENCE_ROWS):
        for column in range(1, len(REFERENCE_HEADERS) + 1):
            cell = sheet.cell(row=row, column=column)
            cell.protection, cell.fill = UNLOCKED, INPUT_FILL
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 40
    for letter in "CDE":
        sheet.column_dimensions[letter].width = 22
    protect(sheet)


def reference_start_row() -> int:
    """First data row of the references table on the Company sheet."""
    return 3 + len(company_rows()) + 2


def _meta(workbook: Workbook, evaluation: Evaluation, vendor: Vendor, key: TenderKey) -> None:
    facts = (
        ("evaluation", evaluation.name),
        ("evaluation_hash", questions_fingerprint(evaluation)),
        ("requirements_hash", requirements_hash(evaluation)),
        ("vendor_id", vendor.id),
        ("vendor_name", vendor.name),
        ("created", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        ("crmselect", __version__),
    )
    rows = (
        (r.id, offset + 2, requirement_checksum(r))
        for offset, r in enumerate(evaluation.requirements)
    )
    write_meta(workbook, RFP_META, facts, rows, key=key)
