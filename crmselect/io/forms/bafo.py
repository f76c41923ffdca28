"""The best-and-final-offer workbook a shortlisted vendor fills in (issue 18 item 4).

A BAFO round asks the vendors still in the running for their final commercial offer
(EU Directive 2014/24 art. 29(6) and 30(6): tenderers are invited to submit "final tenders"
after negotiation or dialogue; FAR 15.307(b): "final proposal revisions"). One workbook per
vendor, with sheets

``Instructions``  the round, whom the workbook is for, and that the whole Pricing sheet is
                  the final offer: a blank cell is no price, not the earlier one;
``Pricing``       the RFP template's Pricing sheet as it is
                  (:mod:`crmselect.io.forms.rfp_template`: the same fields, validations and
                  protection), so the cost model prices the final offer as it priced the first;
``crmselect``     (very hidden) the form version, the evaluation's questions fingerprint,
                  the vendor and the round — signed with the tender's key
                  (:mod:`crmselect.io.forms.meta`).

:func:`read_bafo` opens a returned workbook as hostile input, like a returned RFP workbook
(:func:`crmselect.io.forms.meta.open_form`: container limits, the tag, the recipient), and
reads its Pricing sheet with the RFP reader's own checks (:mod:`crmselect.io.forms.rfp_response`),
each finding located to the cell. :func:`with_final_offers` puts the final offers in an
evaluation's ``pricing``; the earlier offers stay in the tender
(:attr:`crmselect.Tender.earlier`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import attrs
from openpyxl.styles import Font
from openpyxl.workbook.workbook import Workbook

from crmselect._version import __version__
from crmselect.errors import CrmselectError, ImportProblem, InputFileError
from crmselect.io.excel.untrusted import DEFAULT_LIMITS, ReadLimits, read_grid, refuse
from crmselect.io.excel.xlsx import WRAP, put_text, save_atomic
from crmselect.io.folder.key import TenderKey
from crmselect.io.forms.meta import FormMeta, open_form, write_meta
from crmselect.io.forms.reading import Findings, ReturnedForm, read_each
from crmselect.io.forms.rfp_response import _pricing as read_pricing
from crmselect.io.forms.rfp_template import PRICING_SHEET, questions_fingerprint
from crmselect.io.forms.rfp_template import _pricing as pricing_sheet
from crmselect.model import Evaluation

__all__ = ["BAFO_META", "BafoResponse", "read_bafo", "with_final_offers", "write_bafo"]

BAFO_VERSION = "crmselect.bafo/1"
BAFO_META = FormMeta(
    version_key="bafo_version",
    version=BAFO_VERSION,
    table_row=10,
    sheets=(PRICING_SHEET,),
    not_this_form="sheet {sheet!r} is missing: this is not a crmselect BAFO workbook, or a "
    "sheet was deleted — send the vendor a new one",
    wrong_version="BAFO version {found!r} is not {expected!r}: the workbook was not made by "
    "this crmselect, or was tampered with — send the vendor a new one",
    recipient_key="vendor_id",
    recipient="vendor",
    outsider="who is not in this evaluation",
    send_new="send the vendor a new BAFO workbook",
)
"""The BAFO workbook's hidden sheet: six facts, no row table."""


def write_bafo(
    evaluation: Evaluation,
    vendor_id: str,
    path: str | Path,
    *,
    key: TenderKey,
    round_number: int,
) -> Path:
    """Write the BAFO workbook of round ``round_number`` for one vendor, signed with the
    tender's ``key``; returns its path."""
    vendor = next((v for v in evaluation.vendors if v.id == vendor_id), None)
    if vendor is None:
        raise CrmselectError(f"no vendor {vendor_id!r} in the tender to send a BAFO workbook to")
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "Instructions"
    put_text(sheet["A1"], f"Best and final offer (round {round_number}) — {evaluation.name}")
    sheet["A1"].font = Font(bold=True, size=12)
    lines = (
        f"For: {vendor.name}",
        "Give your best and final commercial offer on the Pricing sheet, in the yellow cells.",
        "The whole sheet is your final offer: fill in every cell that applies — a blank cell "
        "is no price, not your earlier one.",
        "Do not add, delete or move rows; the workbook is checked when it is read back.",
    )
    for row, text in enumerate(lines, start=3):
        put_text(sheet.cell(row=row, column=1), text)
        sheet.cell(row=row, column=1).alignment = WRAP
    sheet.column_dimensions["A"].width = 100
    pricing_sheet(workbook.create_sheet(PRICING_SHEET))
    facts = (
        ("evaluation", evaluation.name),
        ("evaluation_hash", questions_fingerprint(evaluation)),
        ("vendor_id", vendor.id),
        ("round", round_number),
        ("created", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        ("crmselect", __version__),
    )
    write_meta(workbook, BAFO_META, facts, key=key)
    return save_atomic(workbook, path)


@attrs.frozen(eq=False)
class BafoResponse(ReturnedForm):
    """One returned BAFO workbook: whose, which round, its Pricing values (``None``: blank
    or not usable) and every finding."""

    path: Path
    vendor: str
    round_number: int
    pricing: dict[str, float | str | None]
    problems: tuple[ImportProblem, ...]

    def __repr__(self) -> str:
        return (
            f"<BafoResponse {self.path.name}: vendor {self.vendor!r}, round "
            f"{self.round_number}, {len(self.problems)} findings>"
        )


def read_bafo(
    path: str | Path,
    evaluation: Evaluation,
    *,
    key: TenderKey,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> BafoResponse:
    """Read one returned BAFO workbook against ``evaluation``; refused
    (:class:`~crmselect.io.excel.untrusted.UntrustedInputError`) when it is not one this
    tender issued to one of its vendors (its questions may have changed since: that is the
    award basis's business, as for a returned RFP workbook)."""
    file = Path(path)
    report = Findings(file, limits)
    with open_form(file, BAFO_META, limits, key=key) as (workbook, meta):
        vendor = meta.recipient(evaluation.vendor_ids)
        round_number = meta.value("round")
        if not isinstance(round_number, int | float) or round_number < 2:
            raise refuse(file, f"round {round_number!r} is not a BAFO round")
        pricing = read_pricing(read_grid(workbook, PRICING_SHEET, file, limits), report)
    return BafoResponse(file, vendor, int(round_number), pricing, tuple(report.problems))


def with_final_offers(
    evaluation: Evaluation, paths: Sequence[Path], *, key: TenderKey
) -> tuple[Evaluation, tuple[BafoResponse, ...]]:
    """``evaluation`` with the Pricing values of the returned BAFO workbooks ``paths`` in
    place of each vendor's earlier ones and their findings added to the import findings,
    and the workbooks read; raises :class:`~crmselect.errors.InputFileError` listing every
    refused workbook (one not issued by this tender, a second one from a vendor)."""
    read, refused = read_each(
        paths,
        lambda file: read_bafo(file, evaluation, key=key),
        lambda returned: returned.vendor,
        second="BAFO workbook from",
        desc="BAFO",
    )
    if refused:
        raise InputFileError(f"{len(refused)} BAFO workbook(s) refused", refused)
    pricing = {v: dict(fields) for v, fields in evaluation.pricing.items()}
    pricing |= {r.vendor: r.pricing for r in read}
    problems = (*evaluation.import_problems, *(p for r in read for p in r.problems))
    changed = attrs.evolve(evaluation, pricing=pricing, import_problems=problems)
    return changed, tuple(read)
