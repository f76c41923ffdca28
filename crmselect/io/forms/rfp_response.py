"""Import a vendor's returned RFP workbook — treating it as hostile.

:func:`read_response` opens the file through :mod:`crmselect.io.excel.untrusted` (container
limits, no macros, no DTDs, defusedxml), then compares every row with the buyer's own
:class:`~crmselect.model.Evaluation`, never with what the workbook claims:

* rows are matched by the hidden requirement id, never by position; inserted, deleted,
  duplicated and reordered rows are reported;
* requirement text, section, priority or mandatory flag changed by the vendor is reported;
  an answer next to changed requirement text is *excluded* until the vendor confirms it;
* compliance values outside the drop-down, formulas typed into answer cells (read as text,
  never evaluated) and values of the wrong type are excluded and reported;
* a workbook made for another vendor, another evaluation or another template version is
  refused.

Every finding is an :class:`~crmselect.errors.ImportProblem` named
``file!sheet!cell: what — what to do``. An excluded answer is not lost: its value is kept
in the report, and the requirement counts as unanswered under the evaluation's missing-
answer policy (so an excluded mandatory answer knocks the vendor out, visibly). Reading
never modifies the file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path

import attrs
from openpyxl.utils import get_column_letter

from crmselect.clarifications import PRICING
from crmselect.errors import ImportProblem
from crmselect.io.excel.untrusted import (
    DEFAULT_LIMITS,
    Grid,
    ReadLimits,
    as_text,
    cell_at,
    cell_ref,
    is_blank,
    read_grid,
    refuse,
)
from crmselect.io.folder.key import TenderKey
from crmselect.io.forms.meta import META_SHEET, Meta, open_form
from crmselect.io.forms.reading import (
    Findings,
    ReturnedForm,
    free_text,
    header_columns,
    outside_columns,
)
from crmselect.io.forms.rfp_template import (
    ANSWER_HEADERS,
    COMPANY_SHEET,
    ISO_4217,
    LISTS_SHEET,
    PRICING_FIELDS,
    PRICING_SHEET,
    REFERENCE_HEADERS,
    REFERENCE_ROWS,
    REQUIREMENT_HEADERS,
    REQUIREMENTS_SHEET,
    RFP_META,
    YES_NO,
    PricingField,
    company_rows,
    reference_start_row,
    requirement_checksum,
    requirements_hash,
)
from crmselect.model import Access, Deployment, Evaluation, Response


@attrs.frozen(eq=False)
class RfpResponse(ReturnedForm):
    """What one returned workbook says, and every problem found in it."""

    path: Path
    vendor: str
    responses: tuple[Response, ...]
    pricing: Mapping[str, float | str | None]
    deployment: frozenset[Deployment]
    access: frozenset[Access]
    references: tuple[Mapping[str, str], ...]
    problems: tuple[ImportProblem, ...]

    def __repr__(self) -> str:
        answered = sum(r.compliance is not None for r in self.responses)
        return (
            f"<RfpResponse {self.path.name}: vendor {self.vendor!r}, {answered} answers, "
            f"{len(self.errors)} errors, {len(self.problems) - len(self.errors)} other "
            "findings>"
        )


def read_response(
    path: str | Path,
    evaluation: Evaluation,
    *,
    key: TenderKey,
    vendor: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> RfpResponse:
    """Read one returned RFP workbook against ``evaluation``.

    ``key`` is the tender's key, which the workbook must be signed with (a workbook of
    another tender, or whose hidden sheet was edited, is refused). ``vendor``, when given,
    is the vendor the file is expected from; a workbook made for another vendor is
    refused. Raises :class:`~crmselect.io.excel.untrusted.UntrustedInputError`
    (a :class:`~crmselect.errors.CrmselectError`) when the file cannot be used at all;
    otherwise returns the answers with every problem found.
    """
    file = Path(path)
    report = Findings(file, limits)
    with open_form(file, RFP_META, limits, key=key) as (workbook, meta):
        vendor_id = _check_meta(meta, evaluation, vendor, report)
        known = {
            REQUIREMENTS_SHEET,
            META_SHEET,
            PRICING_SHEET,
            COMPANY_SHEET,
            LISTS_SHEET,
            "Instructions",
        }
        for extra in (s for s in workbook.sheetnames if s not in known):
            report.add(
                extra,
                "",
                "info",
                "sheet added by the vendor; it is not read",
                "ask the vendor to put answers in the template's sheets",
            )
        responses = _requirements(
            read_grid(workbook, REQUIREMENTS_SHEET, file, limits), evaluation, vendor_id, report
        )
        pricing: dict[str, float | str | None] = {}
        if PRICING_SHEET in workbook.sheetnames:
            pricing = _pricing(read_grid(workbook, PRICING_SHEET, file, limits), report)
        else:
            report.add(
                PRICING_SHEET,
                "",
                "error",
                "the Pricing sheet was deleted",
                "ask the vendor for the commercial offer in the template",
            )
        deployment: frozenset[Deployment] = frozenset()
        access: frozenset[Access] = frozenset()
        references: tuple[Mapping[str, str], ...] = ()
        if COMPANY_SHEET in workbook.sheetnames:
            profile = next(v for v in evaluation.vendors if v.id == vendor_id)
            offered = {f"deployment:{d.value}" for d in profile.deployment}
            offered |= {f"access:{a.value}" for a in profile.access}
            deployment, access, references = _company(
                read_grid(workbook, COMPANY_SHEET, file, limits), offered, report
            )
        else:
            report.add(
                COMPANY_SHEET,
                "",
                "warning",
                "the Company sheet was deleted",
                "ask the vendor for deployment, access and references",
            )
    return RfpResponse(
        file,
        vendor_id,
        tuple(responses),
        pricing,
        deployment,
        access,
        references,
        tuple(_clarify_action(p) for p in report.problems),
    )


def _clarify_action(problem: ImportProblem) -> ImportProblem:
    """``problem`` with its action pointing to the clarification register when it is an
    answer or a price the vendor must correct: asking the vendor is the first step, and
    recording the answer (with the original kept) is the second — never an edit of the
    vendor's workbook."""
    sheets = {REQUIREMENTS_SHEET: "", PRICING_SHEET: PRICING}
    wanted = problem.severity == "error" and problem.action.startswith("ask the vendor")
    if not (wanted and problem.requirement and problem.sheet in sheets):
        return problem
    item = f"{sheets[problem.sheet]}{problem.requirement}"
    return attrs.evolve(
        problem, action=f"{problem.action}; record the answer in clarifications.csv ({item})"
    )


def _check_meta(meta: Meta, evaluation: Evaluation, expected: str | None, report: Findings) -> str:
    vendor_id = meta.recipient(evaluation.vendor_ids, expected)
    if meta.value("requirements_hash") == requirements_hash(evaluation):
        # weights or settings may have changed since: that is the award basis's business
        # (a deviation on the tender's record, crmselect.record), not this file's
        return vendor_id
    sent = {rid: checksum for rid, _, checksum in meta.rows(3) if rid}
    current = {r.id: requirement_checksum(r) for r in evaluation.requirements}
    unknown = [rid for rid in sent if rid not in current]
    if len(unknown) * 2 > max(len(sent), 1):
        raise refuse(
            meta.path, "made for another evaluation: most of its requirements are not in this one"
        )
    mandatory = {r.id for r in evaluation.requirements if r.mandatory}
    for rid, checksum in sent.items():
        if rid in current and current[rid] != checksum:
            report.add(
                META_SHEET,
                "",
                "error",
                *_knockout_risk(
                    rid in mandatory,
                    f"requirement {rid} changed after this template was sent; the answer is "
                    "excluded",
                    "ask the vendor to answer the current text",
                ),
                requirement=rid,
            )
    return vendor_id


def _header_columns(grid: Grid, report: Findings, path: Path) -> dict[str, int]:
    columns = header_columns(grid, REQUIREMENT_HEADERS)
    lost = [h for h in ("ID", *ANSWER_HEADERS) if h not in columns]
    if lost:
        raise refuse(
            path,
            f"the Requirements sheet has no {lost[0]!r} column (header row "
            "changed) — send the vendor a new template",
        )
    for title in REQUIREMENT_HEADERS:
        if title not in columns:
            report.add(
                REQUIREMENTS_SHEET,
                "1",
                "warning",
                f"column {title!r} was deleted",
                "nothing to do; answers are matched by id",
            )
    expected = {t: i for i, t in enumerate(REQUIREMENT_HEADERS, start=1)}
    if any(columns[t] != expected[t] for t in columns):
        report.add(
            REQUIREMENTS_SHEET,
            "1",
            "warning",
            "columns were moved or inserted",
            "nothing to do; columns are found by their headers",
        )
    return columns


def _requirements(
    grid: Grid, evaluation: Evaluation, vendor: str, report: Findings
) -> list[Response]:
    """The answers of the Requirements sheet, each row matched to a requirement of
    ``evaluation`` by its hidden id; rows that are not used, changed cells and rows
    reordered or deleted are reported."""
    columns = _header_columns(grid, report, Path(report.file))
    by_id = {r.id: r for r in evaluation.requirements}
    labels = evaluation.criteria_by_id()
    used = set(columns.values())
    seen: dict[str, int] = {}  # requirement id → its row, in the sheet's order
    responses: list[Response] = []
    for row_number in range(2, len(grid) + 1):
        outside_columns(
            report,
            REQUIREMENTS_SHEET,
            grid[row_number - 1],
            row_number,
            used,
            what="value outside the template's columns; it is not used",
            action="ask the vendor to put it in Comment",
        )
        rid = _row_id(grid, row_number, columns, by_id, seen, report)
        if rid is None:
            continue
        seen[rid] = row_number
        requirement = by_id[rid]
        expected = (
            labels[requirement.criterion].label,
            requirement.text,
            requirement.priority.value,
            "yes" if requirement.mandatory else "no",
        )
        excluded = _check_rowas_text(grid, row_number, columns, rid, expected, report)
        responses.append(
            _answer(
                evaluation,
                vendor,
                rid,
                requirement.mandatory,
                row_number,
                columns,
                grid,
                excluded,
                report,
            )
        )
    _reordered(evaluation, seen, report)
    _deleted(evaluation, seen, report)
    return responses


def _row_id(
    grid: Grid,
    row_number: int,
    columns: dict[str, int],
    by_id: Mapping[str, object],
    seen: Mapping[str, int],
    report: Findings,
) -> str | None:
    """The requirement id of row ``row_number``, or ``None`` (reported when the row has
    content) for a row without an id, with an id not in ``by_id`` or with an id already
    ``seen`` in an earlier row."""
    rid_value, _ = cell_at(grid, row_number, columns["ID"])
    rid = as_text(rid_value, "n").strip()
    if not rid:
        _without_id(grid[row_number - 1], row_number, report)
        return None
    if rid in by_id and rid not in seen:
        return rid
    if rid not in by_id:
        what = f"unknown requirement id {rid!r} (row inserted or id edited); not used"
        action = "ask the vendor to use the template's rows"
    else:
        what = f"requirement {rid} appears again (first in row {seen[rid]}); this row is not used"
        action = "ask the vendor to keep one row per requirement"
    answers = [cell_at(grid, row_number, columns[h]) for h in ANSWER_HEADERS]
    report.add(
        REQUIREMENTS_SHEET,
        cell_ref(row_number, columns["ID"]),
        "error",
        what,
        action,
        requirement=rid,
        value=" | ".join(as_text(v, t) for v, t in answers if not is_blank(v)),
    )
    return None


def _without_id(row: list[tuple[object, str]], row_number: int, report: Findings) -> None:
    """Report a row without a requirement id that has content (a row the vendor inserted)."""
    if any(not is_blank(v) for v, _ in row):
        report.add(
            REQUIREMENTS_SHEET,
            f"A{row_number}:{get_column_letter(max(len(row), len(REQUIREMENT_HEADERS)))}"
            f"{row_number}",
            "error",
            "row without a requirement id (inserted by the vendor?); its content is not used",
            "ask the vendor to use the template's rows",
            value=" | ".join(as_text(v, t) for v, t in row if not is_blank(v)),
        )


def _reordered(evaluation: Evaluation, seen: Mapping[str, int], report: Findings) -> None:
    """Report rows found (``seen``, in the sheet's order) in another order than the
    template's."""
    if list(seen) != [r.id for r in evaluation.requirements if r.id in seen]:
        report.add(
            REQUIREMENTS_SHEET,
            "",
            "info",
            "rows were reordered",
            "nothing to do; answers are matched by id",
        )


def _deleted(evaluation: Evaluation, seen: Mapping[str, int], report: Findings) -> None:
    """Report each requirement whose row was not found (not ``seen``): an error for a
    mandatory one, a warning otherwise."""
    for r in evaluation.requirements:
        if r.id not in seen:
            report.add(
                REQUIREMENTS_SHEET,
                "",
                "error" if r.mandatory else "warning",
                f"the row of requirement {r.id} was deleted; it counts as unanswered",
                "ask the vendor to answer it",
                requirement=r.id,
            )


def _check_rowas_text(
    grid: Grid,
    row: int,
    columns: dict[str, int],
    rid: str,
    expected: tuple[str, str, str, str],
    report: Findings,
) -> bool:
    """Report changed section, text, priority or mandatory cells; True when the text changed
    (the answer is then excluded)."""
    changed_text = False
    for title, want in zip(
        ("Section", "Requirement", "Priority", "Mandatory"), expected, strict=True
    ):
        if title not in columns:
            continue
        value, dtype = cell_at(grid, row, columns[title])
        if as_text(value, dtype) == want:
            continue
        cell = cell_ref(row, columns[title])
        if title == "Requirement":
            changed_text = True
            report.add(
                REQUIREMENTS_SHEET,
                cell,
                "error",
                *_knockout_risk(
                    expected[3] == "yes",
                    "the vendor changed the requirement text; the answer is excluded",
                    "ask the vendor to answer the original text",
                ),
                requirement=rid,
                value=value,
            )
        else:
            report.add(
                REQUIREMENTS_SHEET,
                cell,
                "warning",
                f"{title.lower()} was changed by the vendor (ours: {want!r})",
                "nothing to do; ours is used",
                requirement=rid,
                value=value,
            )
    return changed_text


def _knockout_risk(mandatory: bool, what: str, action: str) -> tuple[str, str]:
    """``what`` and ``action`` of an error that excludes an answer; for a mandatory
    requirement they say that the exclusion knocks the vendor out until it is clarified."""
    if not mandatory:
        return what, action
    return (
        f"{what}. KNOCK-OUT RISK: the requirement is mandatory, so the vendor is knocked out "
        "until this is clarified",
        f"clarify with the vendor before deciding: {action}",
    )


def _answer(
    evaluation: Evaluation,
    vendor: str,
    rid: str,
    mandatory: bool,
    row: int,
    columns: dict[str, int],
    grid: Grid,
    excluded: bool,
    report: Findings,
) -> Response:
    sheet = REQUIREMENTS_SHEET
    origin = f"{report.file}!{sheet}!{cell_ref(row, columns['Compliance'])}"
    value, dtype = cell_at(grid, row, columns["Compliance"])
    level: str | None = None
    cell = cell_ref(row, columns["Compliance"])
    if dtype == "f" or (isinstance(value, str) and value.startswith("=")):
        report.add(
            sheet,
            cell,
            "error",
            *_knockout_risk(
                mandatory,
                "a formula was typed into the answer cell; it was read "
                "as text and not evaluated, and the answer is excluded",
                "ask the vendor to choose a value from the drop-down",
            ),
            requirement=rid,
            value=value,
        )
    elif not is_blank(value):
        level = _compliance(evaluation, value, mandatory, excluded, cell, rid, report)
    elif mandatory:
        report.add(
            sheet,
            cell,
            "warning",
            "mandatory requirement left blank: the vendor is knocked out",
            "ask the vendor whether this is intended",
            requirement=rid,
        )
    if excluded and level is not None:
        level = None
    comment, evidence = (
        free_text(
            grid,
            row,
            columns.get(h),
            report,
            sheet=REQUIREMENTS_SHEET,
            about=rid,
            label="a text cell",
            ask="vendor",
        )
        for h in ("Comment", "Evidence")
    )
    return Response(vendor, rid, level, comment, evidence, origin=origin)


def _compliance(
    evaluation: Evaluation,
    value: object,
    mandatory: bool,
    excluded: bool,
    cell: str,
    rid: str,
    report: Findings,
) -> str | None:
    """The level key of a non-blank, non-formula compliance cell, or ``None`` (reported).

    A value that is not exactly a drop-down label but names a level anyway — its key, an
    alias (``yes``, ``tp``, ``standard``), another case, stray or non-breaking spaces — is
    used, with a warning naming what was typed and the level it was read as (unless the
    answer is excluded anyway because the requirement text was changed).
    """
    scale = evaluation.scale
    level = scale.parse(value) if isinstance(value, str) else None
    if level is None:
        report.add(
            REQUIREMENTS_SHEET,
            cell,
            "error",
            *_knockout_risk(
                mandatory,
                "not one of the drop-down values; the answer is excluded",
                f"ask the vendor to choose one of: {', '.join(lv.label for lv in scale.levels)}",
            ),
            requirement=rid,
            value=value,
        )
        return None
    label = scale.level(level).label
    if value != label and not excluded:
        report.add(
            REQUIREMENTS_SHEET,
            cell,
            "warning",
            f"not exactly a drop-down value; read as {label!r} ({level})",
            "check that this is what the vendor meant; if not, ask them to choose from the "
            "drop-down",
            requirement=rid,
            value=value,
        )
    return level


def _pricing(grid: Grid, report: Findings) -> dict[str, float | str | None]:
    """The Pricing sheet's answers by field key (``None``: blank or not usable); each
    finding names the field's key as what it is about (``requirement``)."""
    fields = {f.key: f for f in PRICING_FIELDS}
    values: dict[str, float | str | None] = dict.fromkeys(fields)
    found: dict[str, int] = {}  # key → its row
    for row in range(1, len(grid) + 1):
        key = as_text(*cell_at(grid, row, 1)).strip()
        if key not in fields:
            continue
        f = fields[key]
        value, dtype = cell_at(grid, row, 3)
        cell = cell_ref(row, 3)
        found[key] = row
        if is_blank(value):
            continue
        if dtype == "f":
            report.add(
                PRICING_SHEET,
                cell,
                "error",
                "a formula was typed in; read as text, not evaluated, and not used",
                "ask the vendor for a plain value",
                requirement=f.key,
                value=value,
            )
            continue
        values[key] = _pricing_value(f, value, cell, report)
    for key in fields.keys() - found.keys():
        report.add(
            PRICING_SHEET,
            "",
            "warning",
            f"the row for {fields[key].label!r} was deleted",
            "ask the vendor for it",
            requirement=key,
        )
    priced = any(isinstance(values[f.key], float) for f in PRICING_FIELDS if f.kind == "number")
    if priced and "currency" in found and values["currency"] is None:
        _blank_currency(grid, found["currency"], report)
    return values


def _blank_currency(grid: Grid, row: int, report: Findings) -> None:
    """A priced sheet whose currency cell is blank (one that held a value was reported
    where it was read): its prices cannot be compared, nor assumed to be in any currency."""
    if not is_blank(cell_at(grid, row, 3)[0]):
        return
    report.add(
        PRICING_SHEET,
        cell_ref(row, 3),
        "error",
        "no currency given for the prices; they cannot be compared or costed",
        "ask the vendor for the ISO code of the prices' currency (e.g. EUR)",
        requirement="currency",
    )


def _pricing_value(
    f: PricingField, value: object, cell: str, report: Findings
) -> float | str | None:
    if f.kind in ("number", "integer"):
        return _pricing_number(f, value, cell, report)
    text = str(value).strip()
    if f.kind == "currency":
        return _currency(f, value, cell, report)
    if f.kind == "choice":
        folded = {c.lower(): c for c in f.choices}
        if text.lower() not in folded:
            report.add(
                PRICING_SHEET,
                cell,
                "error",
                f"{f.label}: not one of {', '.join(f.choices)}; not used",
                "ask the vendor to use the drop-down",
                requirement=f.key,
                value=value,
            )
            return None
        return folded[text.lower()]
    return text


_NUMBER_TEXT = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def _pricing_number(f: PricingField, value: object, cell: str, report: Findings) -> float | None:
    """A number cell of the Pricing sheet, in [0, ``f.maximum``]; a plain number stored as
    text (``"850"``) is read as the number, with a warning. Anything else is reported at the
    cell and not used (``None``)."""
    stored_as_text = isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()) is not None
    number: float | None = None
    if stored_as_text:
        number = float(str(value).strip())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    if number is None or not math.isfinite(number) or not 0 <= number <= f.maximum:
        report.add(
            PRICING_SHEET,
            cell,
            "error",
            f"{f.label}: not a number from 0 to {f.maximum:,.0f}; not used",
            "ask the vendor for a plain number (digits, a decimal point, no currency)",
            requirement=f.key,
            value=value,
        )
        return None
    if f.kind == "integer" and not number.is_integer():
        report.add(
            PRICING_SHEET,
            cell,
            "error",
            f"{f.label}: not a whole number; not used",
            "ask the vendor for a whole number",
            requirement=f.key,
            value=value,
        )
        return None
    if stored_as_text:
        report.add(
            PRICING_SHEET,
            cell,
            "warning",
            f"{f.label}: a number stored as text; read as {number:g}",
            "check the number; nothing else to do",
            requirement=f.key,
            value=value,
        )
    return number


def _currency(f: PricingField, value: object, cell: str, report: Findings) -> str | None:
    """The ISO 4217 code of the Pricing sheet's currency cell: another case or stray spaces
    are read with a warning; a symbol (``£``) or a name (``Euro``) is reported and not
    used."""
    text = str(value).strip()
    code = text.upper()
    if code not in ISO_4217:
        report.add(
            PRICING_SHEET,
            cell,
            "error",
            f"{f.label}: not an ISO 4217 currency code; not used",
            "ask the vendor for the three-letter code of the currency of their prices "
            "(GBP for £, EUR for €, USD for US$)",
            requirement=f.key,
            value=value,
        )
        return None
    if code != value:
        report.add(
            PRICING_SHEET,
            cell,
            "warning",
            f"{f.label}: read as {code}",
            "nothing to do",
            requirement=f.key,
            value=value,
        )
    return code


def _company(
    grid: Grid, offered: set[str], report: Findings
) -> tuple[frozenset[Deployment], frozenset[Access], tuple[Mapping[str, str], ...]]:
    """The Company sheet's yes/no answers and references; an answer that contradicts the
    vendor's profile in the evaluation (``offered``) is a warning."""
    answers = _company_answers(grid, offered, report)
    deployment = frozenset(
        Deployment(k.split(":")[1])
        for k, yes in answers.items()
        if yes and k.startswith("deployment:")
    )
    access = frozenset(
        Access(k.split(":")[1]) for k, yes in answers.items() if yes and k.startswith("access:")
    )
    return deployment, access, _references(grid)


def _company_answers(grid: Grid, offered: set[str], report: Findings) -> dict[str, bool]:
    """The usable yes/no answers of the Company sheet by their ``group:key``, in the
    sheet's order; rows whose key is not one of the template's are not read."""
    answers: dict[str, bool] = {}
    wanted = {f"{group}:{key}" for group, key, _ in company_rows()}
    for row in range(1, len(grid) + 1):
        key = as_text(*cell_at(grid, row, 1)).strip()
        if key not in wanted:
            continue
        answer = _company_answer(grid, row, key, offered, report)
        if answer is not None:
            answers[key] = answer
    return answers


def _company_answer(
    grid: Grid, row: int, key: str, offered: set[str], report: Findings
) -> bool | None:
    """Whether the answer in row ``row`` (about ``key``) is yes; ``None`` when it is blank,
    or not yes or no (an error). An answer that contradicts ``offered`` is a warning."""
    value, dtype = cell_at(grid, row, 3)
    if is_blank(value):
        return None
    text = as_text(value, dtype).strip().lower()
    if text not in YES_NO:
        report.add(
            COMPANY_SHEET,
            cell_ref(row, 3),
            "error",
            "expected yes or no; not used",
            "ask the vendor to use the drop-down",
            value=value,
        )
        return None
    if (text == "yes") != (key in offered):
        report.add(
            COMPANY_SHEET,
            cell_ref(row, 3),
            "warning",
            f"{key.replace(':', ' ')}: the vendor says {text}, the evaluation's "
            "vendor profile says the opposite",
            "check with the vendor and correct one of them",
            value=value,
        )
    return text == "yes"


def _references(grid: Grid) -> tuple[Mapping[str, str], ...]:
    """The Company sheet's references, one mapping of header → text for each row of the
    reference table that is not empty."""
    references = []
    start = reference_start_row()
    for row in range(start, start + REFERENCE_ROWS):
        entry = {
            h: as_text(*cell_at(grid, row, c)).strip()
            for c, h in enumerate(REFERENCE_HEADERS, start=1)
        }
        if any(entry.values()):
            references.append(entry)
    return tuple(references)
