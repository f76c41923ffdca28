"""Scripted demos on paper: the script pack a vendor follows, the scoring sheet an evaluator fills.

**Script pack** (:func:`script_pack`, :func:`write_script_pack`): a Markdown document per
vendor — the agenda with the time allowed per script, and for each script the steps to
show and the criteria the panel will score, on which scale.

**Scoring sheet** (:func:`write_scoring_sheet`): one Excel workbook per evaluator, with
sheets

``Instructions``  who the sheet is for, the scale, how to score, and the scripts;
``Scores``        one row per vendor × script × criterion: hidden id columns (evaluator,
                  vendor, script, criterion), the visible vendor, script and criterion,
                  what to look for (the criterion's description and the script's scoring
                  guidance, :func:`look_for`), a **Score** cell validated as a decimal between the
                  demo scale's minimum and maximum, and a **Note**;
``crmselect``     (very hidden) format version, the evaluation's fingerprint, the evaluator,
                  the scale, every row's ids, and a checksum over them — signed with the
                  tender's key (:mod:`crmselect.io.forms.meta`).

Neither carries a price, sealed envelope or not: both are made from the evaluation without
its bids or returned Pricing values (:func:`crmselect.envelope.without_prices`), so no
evaluator and no vendor sees another's price in them (issue 18 item 1).

Sheets are protected so that only Score and Note cells are editable — a guard against slips,
not security (Excel's sheet protection is weak). Integrity comes from the reader:
:func:`read_scoring_sheet` opens the returned file through
:func:`crmselect.io.forms.meta.open_form` and compares every row with the
evaluation itself:

* rows are matched by their hidden ids, never by position: inserted, deleted, duplicated
  and reordered rows are reported; a row whose visible vendor, script or criterion no longer
  matches its ids (e.g. only some columns were sorted) has its score *excluded*;
* a score must be a number on the demo scale: text, formulas (read as text, never
  evaluated), booleans, dates, error values and off-scale numbers are excluded and reported;
  a number stored as text (``"4"``, ``"3,5"``) is used, with a warning;
* a score at an extreme of the scale (:class:`~crmselect.model.policy.JustifyScores`) with
  a blank note is used, with a warning at its Note cell: it needs a written justification
  (:mod:`crmselect.declarations`);
* a sheet made for another evaluator, another demo scale or another format, or by another
  tender, or whose hidden sheet was edited (its tag does not verify), is refused with
  :class:`~crmselect.io.excel.untrusted.UntrustedInputError`.

Every finding is an :class:`~crmselect.errors.ImportProblem` ``file!sheet!cell: what — what
to do`` (its ``requirement`` field holds the item, ``vendor/script/criterion``). An excluded
score is not lost: its value stays in the report and the item counts as not scored. Reading
never modifies the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import attrs
import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from crmselect._version import __version__
from crmselect.declarations import (
    UNJUSTIFIED_ACTION,
    needs_justification,
    require_declarations,
    unjustified_what,
)
from crmselect.envelope import without_prices
from crmselect.errors import CrmselectError, ImportProblem, Problem
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
from crmselect.io.excel.xlsx import (
    INPUT_FILL,
    UNLOCKED,
    WRAP,
    escape_illegal,
    header_row,
    label_rows,
    protect,
    put_text,
    replace_atomically,
    save_atomic,
)
from crmselect.io.folder.key import TenderKey
from crmselect.io.forms.meta import META_SHEET, Fact, FormMeta, Meta, open_form, write_meta
from crmselect.io.forms.reading import (
    Findings,
    ReturnedForm,
    free_text,
    header_columns,
    outside_columns,
    read_each,
)
from crmselect.model import DemoScore, DemoScript, Evaluation, Evaluator, Vendor
from crmselect.record import TenderRecord
from crmselect.scales import DemoScale

SHEET_FORMAT = "crmselect.demo-scores/2"
"""/2: signed with the tender's key (:mod:`crmselect.io.forms.meta`); /1 files are refused."""
INSTRUCTIONS_SHEET = "Instructions"
SCORES_SHEET = "Scores"
ID_HEADERS = ("Evaluator ID", "Vendor ID", "Script ID", "Criterion ID")
LABEL_HEADERS = ("Vendor", "Script", "Criterion")
SCORE_HEADERS = (*ID_HEADERS, *LABEL_HEADERS, "Look for", "Score", "Note")
"""Columns A–J of the Scores sheet; the reader finds columns by these headers."""
DEMO_META = FormMeta(
    version_key="format_version",
    version=SHEET_FORMAT,
    table_row=14,
    header=("vendor", "script", "criterion", "row"),
    sheets=(SCORES_SHEET,),
    not_this_form="sheet {sheet!r} is missing: this is not a crmselect scoring sheet, or a sheet "
    "was deleted — send the evaluator a new one",
    wrong_version="format {found!r} is not {expected!r}: the sheet was not made by this "
    "crmselect, or was tampered with — send the evaluator a new sheet",
    recipient_key="evaluator_id",
    recipient="evaluator",
    outsider="who is not on this panel",
    wrong_hint=" — wrong evaluator's file?",
    earlier=("crmselect.demo-scores/1",),
    send_new="send the evaluator a new sheet",
)
"""The scoring sheet's hidden sheet: eleven facts (rows 1–11), then from row 14 one row per
scored item (vendor, script, criterion, its row on the Scores sheet), under a header."""

Item = tuple[str, str, str]

_NUMBER_TEXT = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


# -- shared definitions -------------------------------------------------------------------------


def sheet_items(evaluation: Evaluation, vendors: Sequence[str] | None = None) -> list[Item]:
    """The (vendor, script, criterion) rows of a scoring sheet, in sheet order: by vendor
    (evaluation order, or ``vendors``), then script, then criterion."""
    chosen = list(evaluation.vendor_ids) if vendors is None else list(vendors)
    unknown = [v for v in chosen if v not in evaluation.vendor_ids]
    if unknown:
        raise CrmselectError(
            f"No vendor {unknown[0]!r} in {evaluation.name!r}; vendors: "
            f"{', '.join(evaluation.vendor_ids)}"
        )
    return [(v, s.id, c) for v in chosen for s in evaluation.demo_scripts for c in s.criteria]


def questions_hash(evaluation: Evaluation) -> str:
    """The evaluation's fingerprint without answers, prices, scores or the chair's
    moderations: what a scoring sheet was made from."""
    price = evaluation.price and attrs.evolve(evaluation.price, prices={})
    return attrs.evolve(
        evaluation,
        responses=(),
        pricing={},
        price=price,
        demo_scores=(),
        moderations=(),
        import_problems=(),
    ).fingerprint


def layout_checksum(evaluator: str, minimum: float, maximum: float, items: Iterable[Item]) -> str:
    """32 hex digits of SHA-256 over the format, evaluator, scale and row ids of a sheet."""
    parts = [SHEET_FORMAT, evaluator, repr(float(minimum)), repr(float(maximum))]
    parts += ["|".join(item) for item in items]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _as_written(text: str) -> str:
    """What :func:`put_text` stores for ``text`` (so a round trip compares equal)."""
    return escape_illegal(str(text).replace("\r\n", "\n").replace("\r", "\n"))


def _labels(
    evaluation: Evaluation,
) -> tuple[dict[str, Vendor], dict[str, DemoScript], dict[str, str], dict[str, str]]:
    vendors = {v.id: v for v in evaluation.vendors}
    scripts = {s.id: s for s in evaluation.demo_scripts}
    criteria = evaluation.criteria_by_id()
    labels = {cid: c.label for cid, c in criteria.items()}
    hints = {cid: c.description for cid, c in criteria.items()}
    return vendors, scripts, labels, hints


def look_for(hint: str, guidance: Mapping[float, str]) -> str:
    """What an evaluator looks for in a row: the criterion's description, then the script's
    scoring guidance for it, one line per score (``5: shown end to end``)."""
    lines = [hint] if hint else []
    lines += [f"{score:g}: {text}" for score, text in guidance.items()]
    return "\n".join(lines)


# -- script pack --------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def _md(text: str) -> str:
    """Inline Markdown text: special characters escaped, line breaks as spaces, so text from
    the evaluation can neither format nor inject HTML."""
    flat = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", flat.replace("&", "&amp;"))


def script_steps(script: DemoScript) -> tuple[str, ...]:
    """The steps of a script: its ``steps`` field when the model has one, otherwise the
    non-empty lines of its description (leading bullets or numbers removed)."""
    steps = getattr(script, "steps", None)
    if steps:
        return tuple(str(s) for s in steps)
    lines = (_BULLET.sub("", line).strip() for line in script.description.splitlines())
    return tuple(line for line in lines if line)


def _clock(minutes: float) -> str:
    whole = round(minutes)
    return f"{whole // 60}:{whole % 60:02d}"


def script_pack(evaluation: Evaluation, vendor_id: str) -> str:
    """The script pack for one vendor as Markdown: agenda and time allowed, then per script
    the steps to show and the criteria the panel scores.

    >>> import crmselect
    >>> text = script_pack(crmselect.example(), "orbis")
    >>> text.splitlines()[0]
    '# Scripted demonstration — Larkspur Instruments — CRM selection 2026'
    """
    evaluation = without_prices(evaluation)
    vendors, _, labels, hints = _labels(evaluation)
    if vendor_id not in vendors:
        raise CrmselectError(
            f"No vendor {vendor_id!r} in {evaluation.name!r}; vendors: {', '.join(vendors)}"
        )
    if not evaluation.demo_scripts:
        raise CrmselectError(f"{evaluation.name!r} has no demo scripts")
    lines = _pack_head(evaluation, vendors[vendor_id].name)
    lines += _pack_agenda(evaluation.demo_scripts)
    for s in evaluation.demo_scripts:
        lines += _pack_script(s, labels, hints)
    return "\n".join(lines) + "\n"


def _pack_head(evaluation: Evaluation, vendor_name: str) -> list[str]:
    """The title of the script pack, the vendor, the time allowed in all and what the vendor
    is asked to do."""
    scale = evaluation.demo_scale
    timed = [s.minutes for s in evaluation.demo_scripts if s.minutes is not None]
    total = sum(timed)
    return [
        f"# Scripted demonstration — {_md(evaluation.name)}",
        "",
        f"**Vendor:** {_md(vendor_name)}  ",
        f"**Time allowed:** {total:g} minutes for {len(evaluation.demo_scripts)} scripts"
        + ("" if len(timed) == len(evaluation.demo_scripts) else " (some scripts are untimed)"),
        "",
        "Please show each script in the order given, in your standard product, and say when "
        "something you show needs configuration, customisation or a third-party product. "
        f"The evaluation panel scores every script on the criteria listed under it, from "
        f"{scale.minimum:g} to {scale.maximum:g} (higher is better); what is not shown in "
        "the time allowed cannot be scored.",
        "",
    ]


def _pack_agenda(scripts: Sequence[DemoScript]) -> list[str]:
    """The agenda: a table of the scripts with their minutes and the time each starts at
    (an untimed script takes none)."""
    lines = [
        "## Agenda",
        "",
        "| Script | Title | Minutes | Starts at |",
        "| --- | --- | ---: | ---: |",
    ]
    elapsed = 0.0
    for s in scripts:
        minutes = "—" if s.minutes is None else f"{s.minutes:g}"
        lines.append(f"| {_md(s.id)} | {_md(s.title)} | {minutes} | {_clock(elapsed)} |")
        elapsed += s.minutes or 0.0
    return lines


def _pack_script(script: DemoScript, labels: dict[str, str], hints: dict[str, str]) -> list[str]:
    """The section of one script: its title, the time allowed, the steps to show and the
    criteria the panel scores (each with its description when it has one)."""
    lines = ["", f"## {_md(script.id)} — {_md(script.title)}", ""]
    if script.minutes is not None:
        lines += [f"*Time allowed: {script.minutes:g} minutes.*", ""]
    lines += _show_us(script_steps(script))
    lines += ["**The panel scores:**", ""]
    for cid in script.criteria:
        hint = hints.get(cid, "")
        lines.append(f"- **{_md(labels[cid])}**" + (f" — {_md(hint)}" if hint else ""))
        guidance = script.guidance.get(cid, {})
        lines += [f"  - *{score:g}:* {_md(text)}" for score, text in guidance.items()]
    return lines


def _show_us(steps: tuple[str, ...]) -> list[str]:
    """The steps to show: a numbered list when there are several, one line for a single
    step, nothing when there is none."""
    if len(steps) > 1:
        return [
            "**Show us:**",
            "",
            *(f"{i}. {_md(step)}" for i, step in enumerate(steps, start=1)),
            "",
        ]
    if steps:
        return [f"**Show us:** {_md(steps[0])}", ""]
    return []


def write_script_pack(evaluation: Evaluation, vendor_id: str, path: str | Path) -> Path:
    """Write :func:`script_pack` to ``path`` (UTF-8 Markdown, via a temporary file and a
    rename, so an existing file is never left half-written)."""
    text = script_pack(evaluation, vendor_id)

    def write(temporary: str) -> None:
        with open(temporary, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)

    return replace_atomically(path, write)


# -- writing scoring sheets ---------------------------------------------------------------------


def write_scoring_sheet(
    evaluation: Evaluation,
    evaluator_id: str,
    path: str | Path,
    *,
    key: TenderKey,
    vendors: Sequence[str] | None = None,
    prefill: bool = False,
) -> Path:
    """Write the scoring sheet of one evaluator, signed with the tender's ``key``
    (:func:`~crmselect.io.folder.key.tender_key`); returns its path.

    ``vendors`` restricts the rows to some vendors (default: all, in evaluation order).
    ``prefill`` writes the evaluator's scores and notes already in the evaluation (to send a
    sheet back for corrections).

    >>> import crmselect, tempfile, pathlib
    >>> from crmselect.io.folder.key import TenderKey
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "sales.xlsx"
    >>> write_scoring_sheet(crmselect.example(), "sales", out, key=TenderKey.generate()).name
    'sales.xlsx'
    """
    panel = {e.id: e for e in evaluation.evaluators}
    if evaluator_id not in panel:
        raise CrmselectError(
            f"No evaluator {evaluator_id!r} in {evaluation.name!r}; evaluators: "
            f"{', '.join(panel) or 'none'}"
        )
    if not evaluation.demo_scripts:
        raise CrmselectError(f"{evaluation.name!r} has no demo scripts to score")
    evaluation = without_prices(evaluation)
    items = sheet_items(evaluation, vendors)
    evaluator = panel[evaluator_id]
    workbook = Workbook()
    _instructions(workbook.worksheets[0], evaluation, evaluator, len(items))
    given = (
        {
            (d.vendor, d.script, d.criterion): d
            for d in evaluation.demo_scores
            if d.evaluator == evaluator_id
        }
        if prefill
        else {}
    )
    _scores(workbook.create_sheet(SCORES_SHEET), evaluation, evaluator_id, items, given)
    _meta(workbook, evaluation, evaluator, items, key)
    return save_atomic(workbook, path)


def write_scoring_sheets(
    evaluation: Evaluation,
    folder: str | Path,
    *,
    key: TenderKey,
    record: TenderRecord | None,
    vendors: Sequence[str] | None = None,
) -> list[Path]:
    """One scoring sheet per evaluator, ``folder/<evaluator id>.xlsx``, each signed with
    ``key`` — the panel's sheets as the tender issues them.

    ``record`` is the tender's record (:attr:`crmselect.Tender.record`): while an evaluator
    has no declaration of interest on it, no sheet is written
    (:func:`crmselect.declarations.require_declarations`). It has no default, so that the
    check is never skipped by leaving it out: ``record=None`` says that the evaluation keeps
    no record (one built in Python) and nothing is checked, as for a record without entries.
    :func:`write_scoring_sheet` writes one sheet and checks nothing; it is the tool for a
    sheet sent again (``prefill``), to a member who declared when the first went out."""
    require_declarations(record, [e.id for e in evaluation.evaluators], "a scoring sheet")
    target = Path(folder)
    return [
        write_scoring_sheet(evaluation, e.id, target / f"{e.id}.xlsx", key=key, vendors=vendors)
        for e in evaluation.evaluators
    ]


def _instructions(
    sheet: Worksheet, evaluation: Evaluation, evaluator: Evaluator, rows: int
) -> None:
    sheet.title = INSTRUCTIONS_SHEET
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 10
    sheet.column_dimensions["D"].width = 40
    put_text(sheet["A1"], f"Demo scoring sheet — {evaluation.name}")
    sheet["A1"].font = Font(bold=True, size=14)
    scale = evaluation.demo_scale
    low, high = evaluation.policy.justify_scores.bounds(scale.minimum, scale.maximum)
    who = evaluator.name or evaluator.id
    lines = [
        ("Evaluator", who + (f" ({evaluator.role})" if evaluator.role else "")),
        ("Scale", f"{scale.minimum:g} to {scale.maximum:g}; higher is better; decimals allowed"),
        (
            "How to score",
            f"On the Scores sheet, give one score per row ({rows} rows: every vendor × script "
            "× criterion) in the yellow Score column, right after each demo, and note what "
            "you saw. Leave a score blank if you did not see that part. Do not add, delete or "
            "reorder rows, and do not sort only some columns: rows are matched by hidden ids "
            "and every row is checked.",
        ),
        (
            "Justify",
            f"A score of {low:g} or less, or of {high:g} or more, needs a written reason in "
            "its Note: what you saw that makes it so low or so high.",
        ),
        ("Return", "Save as .xlsx (no macros, no password) and send it back unchanged in name."),
    ]
    start = label_rows(sheet, lines, start=3) + 1
    header_row(sheet, ("Script", "Title", "Minutes", "Criteria scored"), row=start)
    _, _, labels, _ = _labels(evaluation)
    for offset, s in enumerate(evaluation.demo_scripts, start=1):
        put_text(sheet.cell(row=start + offset, column=1), s.id)
        put_text(sheet.cell(row=start + offset, column=2), s.title)
        if s.minutes is not None:
            sheet.cell(row=start + offset, column=3, value=float(s.minutes))
        put_text(sheet.cell(row=start + offset, column=4), ", ".join(labels[c] for c in s.criteria))
    protect(sheet)


def _scores(
    sheet: Worksheet,
    evaluation: Evaluation,
    evaluator_id: str,
    items: list[Item],
    given: dict[Item, DemoScore],
) -> None:
    header_row(sheet, SCORE_HEADERS)
    vendors, scripts, labels, hints = _labels(evaluation)
    scale = evaluation.demo_scale
    validation = DataValidation(
        type="decimal",
        operator="between",
        formula1=f"{scale.minimum:g}",
        formula2=f"{scale.maximum:g}",
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop",
        errorTitle="Score",
        error=f"Enter a number from {scale.minimum:g} to {scale.maximum:g} (decimals allowed).",
        promptTitle="Score",
        prompt=f"{scale.minimum:g} to {scale.maximum:g}, higher is better",
    )
    sheet.add_data_validation(validation)
    for row, (vendor, script, criterion) in enumerate(items, start=2):
        where = f"{SCORES_SHEET}!row {row}"
        values = (
            evaluator_id,
            vendor,
            script,
            criterion,
            vendors[vendor].name,
            scripts[script].title,
            labels[criterion],
            look_for(hints.get(criterion, ""), scripts[script].guidance.get(criterion, {})),
        )
        for column, value in enumerate(values, start=1):
            put_text(sheet.cell(row=row, column=column), value, where)
            sheet.cell(row=row, column=column).alignment = WRAP
        score = sheet.cell(row=row, column=9)
        note = sheet.cell(row=row, column=10)
        for cell in (score, note):
            cell.protection, cell.fill = UNLOCKED, INPUT_FILL
        note.alignment = WRAP
        previous = given.get((vendor, script, criterion))
        if previous is not None:
            if previous.score is not None:
                score.value = float(previous.score)
            if previous.note:
                put_text(note, previous.note, where)
    last = max(len(items) + 1, 2)
    validation.add(f"I2:I{last}")
    widths = (12, 12, 12, 12, 24, 36, 26, 40, 9, 40)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for letter in "ABCD":
        sheet.column_dimensions[letter].hidden = True
    sheet.freeze_panes = "E2"
    sheet.auto_filter.ref = f"A1:J{last}"
    protect(sheet)
    sheet.protection.autoFilter = False


def _meta(
    workbook: Workbook,
    evaluation: Evaluation,
    evaluator: Evaluator,
    items: list[Item],
    key: TenderKey,
) -> None:
    scale = evaluation.demo_scale
    facts: tuple[tuple[str, Fact], ...] = (
        ("evaluation", evaluation.name),
        ("evaluation_hash", questions_hash(evaluation)),
        ("evaluator_id", evaluator.id),
        ("evaluator_name", evaluator.name),
        ("scale_minimum", scale.minimum),
        ("scale_maximum", scale.maximum),
        ("rows", len(items)),
        ("layout_checksum", layout_checksum(evaluator.id, scale.minimum, scale.maximum, items)),
        ("created", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        ("crmselect", __version__),
    )
    rows = ((*item, offset + 2) for offset, item in enumerate(items))
    write_meta(workbook, DEMO_META, facts, rows, key=key)


# -- reading scoring sheets ---------------------------------------------------------------------


@attrs.frozen(eq=False)
class ScoringSheet(ReturnedForm):
    """What one returned scoring sheet says, and every problem found in it.

    ``scores`` has one :class:`~crmselect.model.DemoScore` per row found (``score`` None
    where blank or excluded); its ``origin`` is the score cell (``sales.xlsx!Scores!I7``).
    """

    path: Path
    evaluator: str
    scores: tuple[DemoScore, ...]
    problems: tuple[ImportProblem, ...]

    @property
    def scored(self) -> int:
        """Rows with a usable score."""
        return sum(d.score is not None for d in self.scores)

    def to_frame(self) -> pd.DataFrame:
        """The scores as a long table (evaluator, vendor, script, criterion, score, note)."""
        return pd.DataFrame(
            [(d.evaluator, d.vendor, d.script, d.criterion, d.score, d.note) for d in self.scores],
            columns=["evaluator", "vendor", "script", "criterion", "score", "note"],
        )

    def __repr__(self) -> str:
        return (
            f"<ScoringSheet {self.path.name}: evaluator {self.evaluator!r}, {self.scored} of "
            f"{len(self.scores)} rows scored, {len(self.errors)} errors, "
            f"{len(self.problems) - len(self.errors)} other findings>"
        )


def read_scoring_sheet(
    path: str | Path,
    evaluation: Evaluation,
    *,
    key: TenderKey,
    evaluator: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> ScoringSheet:
    """Read one returned scoring sheet against ``evaluation``, signed with the tender's
    ``key``.

    ``evaluator``, when given, is who the file is expected from; a sheet made for someone
    else is refused. Raises :class:`~crmselect.io.excel.untrusted.UntrustedInputError` (a
    :class:`~crmselect.errors.CrmselectError` naming the file) when the file cannot be used
    at all; otherwise returns the scores with every problem found.
    """
    file = Path(path)
    report = Findings(file, limits)
    with open_form(file, DEMO_META, limits, key=key) as (workbook, meta):
        evaluator_id, sent = _check_meta(meta, evaluation, evaluator, report)
        for extra in workbook.sheetnames:
            if extra not in (SCORES_SHEET, META_SHEET, INSTRUCTIONS_SHEET):
                report.add(
                    extra,
                    "",
                    "info",
                    "sheet added by the evaluator; it is not read",
                    "ask the evaluator to put scores and notes on the Scores sheet",
                )
        grid = read_grid(workbook, SCORES_SHEET, file, limits)
    scores = _rows(grid, evaluation, evaluator_id, sent, report)
    return ScoringSheet(file, evaluator_id, tuple(scores), tuple(report.problems))


def _check_meta(
    meta: Meta, evaluation: Evaluation, expected: str | None, report: Findings
) -> tuple[str, list[Item]]:
    path = meta.path
    evaluator_id = meta.recipient({e.id for e in evaluation.evaluators}, expected)
    minimum, maximum = meta.value("scale_minimum"), meta.value("scale_maximum")
    if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in (minimum, maximum)):
        raise refuse(path, "the hidden sheet has no demo scale: send the evaluator a new sheet")
    low, high = float(minimum), float(maximum)
    scale = evaluation.demo_scale
    if (low, high) != (scale.minimum, scale.maximum):
        raise refuse(
            path,
            f"made for the demo scale {low:g}..{high:g}; the evaluation now scores "
            f"{scale.minimum:g}..{scale.maximum:g} — send the evaluator a new sheet",
        )
    sent: list[Item] = []
    for row in meta.rows(3):
        vendor, script, criterion = (text.strip() for text in row)
        if vendor or script or criterion:
            sent.append((vendor, script, criterion))
    checksum = layout_checksum(evaluator_id, low, high, sent)
    if meta.value("layout_checksum") != checksum or meta.value("rows") != len(sent):
        raise refuse(
            path,
            "the hidden crmselect sheet was edited (its checksum does not match): send the "
            "evaluator a new sheet",
        )
    # a changed evaluation is not this file's finding: every row is checked against the
    # current scripts below, and a change to the award basis is a deviation on the record
    return evaluator_id, sent


def _columns(grid: Grid, report: Findings) -> dict[str, int]:
    columns = header_columns(grid, SCORE_HEADERS)
    lost = [h for h in (*ID_HEADERS, "Score") if h not in columns]
    if lost:
        raise refuse(
            Path(report.file),
            f"the Scores sheet has no {lost[0]!r} column (header row changed) — send the "
            "evaluator a new sheet",
        )
    for title in SCORE_HEADERS:
        if title not in columns:
            report.add(
                SCORES_SHEET,
                "1",
                "warning" if title in LABEL_HEADERS else "info",
                f"column {title!r} was deleted",
                "nothing to do; rows are matched by their hidden ids"
                if title != "Note"
                else "nothing to do; the notes are lost",
            )
    expected = {t: i for i, t in enumerate(SCORE_HEADERS, start=1)}
    if any(columns[t] != expected[t] for t in columns):
        report.add(
            SCORES_SHEET,
            "1",
            "warning",
            "columns were moved or inserted",
            "nothing to do; columns are found by their headers",
        )
    return columns


def _valid_items(evaluation: Evaluation) -> set[Item]:
    return {
        (v, s.id, c)
        for v in evaluation.vendor_ids
        for s in evaluation.demo_scripts
        for c in s.criteria
    }


def _rows(
    grid: Grid, evaluation: Evaluation, evaluator: str, sent: list[Item], report: Findings
) -> list[DemoScore]:
    """The scores of the Scores sheet, each row matched to an item ``sent`` by its hidden
    ids; rows that are not used, changed labels, rows reordered or deleted and rows without
    a usable score are reported."""
    columns = _columns(grid, report)
    used = set(columns.values())
    vendors, scripts, labels, _ = _labels(evaluation)
    valid = _valid_items(evaluation)
    expected = set(sent)
    seen: dict[Item, int] = {}  # item → its row, in the sheet's order
    scores: list[DemoScore] = []
    width = max(len(SCORE_HEADERS), max((len(r) for r in grid), default=0))
    for row_number in range(2, len(grid) + 1):
        outside_columns(
            report,
            SCORES_SHEET,
            grid[row_number - 1],
            row_number,
            used,
            what="value outside the sheet's columns; it is not used",
            action="ask the evaluator to put remarks in the Note column",
        )
        item = _row_item(grid, row_number, columns, evaluator, expected, seen, width, report)
        if item is None:
            continue
        seen[item] = row_number
        if item not in valid:
            _removed_since_sent(grid[row_number - 1], row_number, columns, item, report)
            continue
        wanted = (vendors[item[0]].name, scripts[item[1]].title, labels[item[2]])
        mismatch = _check_labels(grid, row_number, columns, wanted, "/".join(item), report)
        scores.append(
            _score(grid, row_number, columns, evaluation, evaluator, item, mismatch, report)
        )
    _reordered(sent, seen, report)
    _deleted(sent, seen, valid, report)
    _unscored(scores, report)
    return scores


def _shown(row: list[tuple[object, str]]) -> str:
    """The values of ``row`` that are not blank, as text, for a finding."""
    return " | ".join(as_text(v, t) for v, t in row if not is_blank(v))


def _row_item(
    grid: Grid,
    row_number: int,
    columns: dict[str, int],
    evaluator: str,
    expected: set[Item],
    seen: dict[Item, int],
    width: int,
    report: Findings,
) -> Item | None:
    """The item (vendor, script, criterion) of row ``row_number`` by its hidden ids, or
    ``None`` (reported when the row has content) for a row without ids, of another
    evaluator, not ``expected`` or already ``seen`` in an earlier row."""
    ids = [as_text(*cell_at(grid, row_number, columns[h])).strip() for h in ID_HEADERS]
    shown = _shown(grid[row_number - 1])
    if not any(ids):
        if shown:
            report.add(
                SCORES_SHEET,
                f"A{row_number}:{get_column_letter(width)}{row_number}",
                "error",
                "row without ids (inserted by the evaluator?); its content is not used",
                "ask the evaluator to score in the sheet's own rows",
                value=shown,
            )
        return None
    item: Item = (ids[1], ids[2], ids[3])
    refused = _refused_row(ids[0], item, evaluator, expected, seen)
    if refused is None:
        return item
    header, what, action = refused
    cell = cell_ref(row_number, columns[header])
    report.add(SCORES_SHEET, cell, "error", what, action, requirement="/".join(item), value=shown)
    return None


def _refused_row(
    owner: str, item: Item, evaluator: str, expected: set[Item], seen: dict[Item, int]
) -> tuple[str, str, str] | None:
    """Why the row of ``item``, whose Evaluator ID is ``owner``, is not used — the header of
    the id cell to report, what and what to do — or ``None`` when it is used."""
    key = "/".join(item)
    if owner != evaluator:
        return (
            "Evaluator ID",
            f"row belongs to evaluator {owner!r}, not {evaluator!r} (copied from another "
            "sheet?); not used",
            "ask the evaluator to score in their own sheet",
        )
    if item not in expected:
        return (
            "Vendor ID",
            f"unknown row {key} (inserted, or its hidden ids were edited); not used",
            "ask the evaluator to score in the sheet's own rows",
        )
    if item in seen:
        return (
            "Vendor ID",
            f"row {key} appears again (first in row {seen[item]}); this row is not used",
            "ask the evaluator to keep one row per vendor, script and criterion",
        )
    return None


def _removed_since_sent(
    row: list[tuple[object, str]],
    row_number: int,
    columns: dict[str, int],
    item: Item,
    report: Findings,
) -> None:
    """Report the row of an item sent that is no longer in the evaluation."""
    key = "/".join(item)
    report.add(
        SCORES_SHEET,
        cell_ref(row_number, columns["Vendor ID"]),
        "error",
        f"{key} is no longer in the evaluation (vendor, script or criterion removed "
        "since the sheet was sent); not used",
        "nothing to do, or send a new sheet",
        requirement=key,
        value=_shown(row),
    )


def _reordered(sent: list[Item], seen: dict[Item, int], report: Findings) -> None:
    """Report rows found (``seen``, in the sheet's order) in another order than ``sent``."""
    if list(seen) != [i for i in sent if i in seen]:
        report.add(
            SCORES_SHEET, "", "info", "rows were reordered", "nothing to do; rows are matched by id"
        )


def _deleted(sent: list[Item], seen: dict[Item, int], valid: set[Item], report: Findings) -> None:
    """Report each item sent, and still in the evaluation (``valid``), whose row was not
    found (not ``seen``)."""
    for item in sent:
        if item not in seen and item in valid:
            report.add(
                SCORES_SHEET,
                "",
                "warning",
                f"the row of {'/'.join(item)} was deleted; it counts as not scored",
                "ask the evaluator for the score",
                requirement="/".join(item),
            )


def _unscored(scores: list[DemoScore], report: Findings) -> None:
    """Report how many of the rows read have no usable score, when any has none."""
    blank = sum(d.score is None for d in scores)
    if blank:
        report.add(
            SCORES_SHEET,
            "",
            "info",
            f"{blank} of {len(scores)} rows have no usable score; they count as not scored",
            "ask the evaluator if the rows were meant to be left blank",
        )


def _check_labels(
    grid: Grid,
    row: int,
    columns: dict[str, int],
    wanted: tuple[str, str, str],
    key: str,
    report: Findings,
) -> bool:
    """Report visible labels that no longer match the row's ids; True when any does (the
    score is then excluded: the evaluator may have scored a different row)."""
    mismatch = False
    for title, text in zip(LABEL_HEADERS, wanted, strict=True):
        if title not in columns:
            continue
        value, dtype = cell_at(grid, row, columns[title])
        if as_text(value, dtype) == _as_written(text):
            continue
        mismatch = True
        report.add(
            SCORES_SHEET,
            cell_ref(row, columns[title]),
            "error",
            f"the {title.lower()} shown ({as_text(value, dtype)!r}) is not this row's "
            f"({text!r}) — were only some columns sorted or edited? The score is excluded",
            "ask the evaluator to confirm the score in a new sheet",
            requirement=key,
            value=value,
        )
    return mismatch


def _score(
    grid: Grid,
    row: int,
    columns: dict[str, int],
    evaluation: Evaluation,
    evaluator: str,
    item: Item,
    excluded: bool,
    report: Findings,
) -> DemoScore:
    key = "/".join(item)
    cell = cell_ref(row, columns["Score"])
    origin = f"{report.file}!{SCORES_SHEET}!{cell}"
    value, dtype = cell_at(grid, row, columns["Score"])
    scale = evaluation.demo_scale
    score, why = score_value(value, dtype, scale)
    if why is not None:
        report.add(
            SCORES_SHEET,
            cell,
            "error",
            why,
            f"ask the evaluator for a number from {scale.minimum:g} to {scale.maximum:g}",
            requirement=key,
            value=value,
        )
    elif score is not None and isinstance(value, str):
        report.add(
            SCORES_SHEET,
            cell,
            "warning",
            f"number stored as text; read as {score:g}",
            "nothing to do, unless that is not what the evaluator meant",
            requirement=key,
            value=value,
        )
    if excluded and score is not None:
        score = None
    note = free_text(
        grid,
        row,
        columns.get("Note"),
        report,
        sheet=SCORES_SHEET,
        about=key,
        label="the note",
        ask="evaluator",
    )
    if score is not None and not note.strip() and needs_justification(score, evaluation):
        where = columns.get("Note", columns["Score"])
        report.add(
            SCORES_SHEET,
            cell_ref(row, where),
            "warning",
            unjustified_what(score, evaluation),
            UNJUSTIFIED_ACTION,
            requirement=key,
            value=f"{score:g}",
        )
    return DemoScore(evaluator, item[0], item[1], item[2], score, note, origin=origin)


def score_value(value: object, dtype: str, scale: DemoScale) -> tuple[float | None, str | None]:
    """The score a Score cell holds on ``scale`` and, when it holds none that can be used,
    why (``None, None`` for a blank cell). A number stored as text (``"4"``, ``"3,5"``) is a
    score. Scoring sheets and reference-call instruments (:mod:`.reference_calls`) read their
    Score cells with it."""
    why = _not_a_score(value, dtype)
    if why is not None:
        return None, why
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            return None, "the score is not a finite number; excluded"
        return _on_scale(number, f"{number:g}", scale)
    if isinstance(value, str) and _NUMBER_TEXT.match(value.strip()):
        text = value.strip()
        return _on_scale(float(text.replace(",", ".")), repr(text), scale)
    if is_blank(value):
        return None, None
    return None, "not a number; excluded"


def _not_a_score(value: object, dtype: str) -> str | None:
    """Why a cell's value is no score whatever it says — a formula (read as text, never
    evaluated), an error value, a boolean, a date or time — or ``None``."""
    if dtype == "f" or (isinstance(value, str) and value.lstrip().startswith("=")):
        return (
            "a formula was typed into the score cell; it was read as text, not evaluated, "
            "and the score is excluded"
        )
    if dtype == "e":
        return f"error value {value!r} in the score cell; excluded"
    if isinstance(value, bool):
        return "TRUE/FALSE is not a score; excluded"
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return "a date or time is not a score (cell formatted as a date?); excluded"
    return None


def _on_scale(number: float, written: str, scale: DemoScale) -> tuple[float | None, str | None]:
    """``number`` when it is on ``scale``, otherwise why not (the score as ``written``)."""
    if not scale.contains(number):
        return (
            None,
            f"score {written} is off the scale {scale.minimum:g}..{scale.maximum:g}; excluded",
        )
    return number, None


# -- several sheets -----------------------------------------------------------------------------


@attrs.frozen(eq=False)
class ScoringImport:
    """Several returned scoring sheets: those read, and those refused (with why)."""

    sheets: tuple[ScoringSheet, ...]
    refused: tuple[Problem, ...]

    @property
    def scores(self) -> tuple[DemoScore, ...]:
        return tuple(d for s in self.sheets for d in s.scores)

    @property
    def problems(self) -> tuple[ImportProblem, ...]:
        return tuple(p for s in self.sheets for p in s.problems)

    def missing_evaluators(self, evaluation: Evaluation) -> tuple[str, ...]:
        """Panel members without a sheet read."""
        read = {s.evaluator for s in self.sheets}
        return tuple(e.id for e in evaluation.evaluators if e.id not in read)

    def apply_to(self, evaluation: Evaluation) -> Evaluation:
        """``evaluation`` with the scores of every evaluator whose sheet was read replaced by
        the sheet's, and the findings added to ``import_problems``."""
        read = {s.evaluator for s in self.sheets}
        kept = tuple(d for d in evaluation.demo_scores if d.evaluator not in read)
        return attrs.evolve(
            evaluation,
            demo_scores=kept + self.scores,
            import_problems=(*evaluation.import_problems, *self.problems),
        )

    def __repr__(self) -> str:
        return (
            f"<ScoringImport {len(self.sheets)} sheets read, {len(self.refused)} refused, "
            f"{len(self.problems)} findings>"
        )


def read_scoring_sheets(
    paths: Iterable[str | Path],
    evaluation: Evaluation,
    *,
    key: TenderKey,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> ScoringImport:
    """Read several scoring sheets, each signed with ``key``; a refused file, or a second
    sheet of the same evaluator, is listed in ``refused`` instead of stopping the others."""
    sheets, refused = read_each(
        paths,
        lambda path: read_scoring_sheet(path, evaluation, key=key, limits=limits),
        lambda sheet: sheet.evaluator,
        second="sheet of evaluator",
        desc="Reading scoring sheets",
    )
    return ScoringImport(tuple(sheets), tuple(refused))
