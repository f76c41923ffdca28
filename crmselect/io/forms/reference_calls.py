"""Reference-call instruments: issued per vendor × call, filled by the caller, read back.

**Instrument** (:func:`write_reference_sheet`): one Excel workbook per reference call
(:class:`~crmselect.references.ReferenceCall`), with sheets

``Instructions``  the call, the vendor, the referee's role and organisation type, who makes
                  the call, the scale and how to score;
``Answers``       one row per question (:class:`~crmselect.references.ReferenceQuestion`):
                  hidden id columns (call, criterion), the visible criterion and question,
                  a **Score** cell validated on the reference scale and a **Note**;
``crmselect``     (very hidden) format version, the call, its vendor, the scale, every row's
                  criterion and a checksum over them — signed with the tender's key
                  (:mod:`crmselect.io.forms.meta`).

**Confidential.** An instrument never carries the organisation or the referee's name
(:func:`~crmselect.references.confidential_fields`): a file can be forwarded, and the caller
takes the contact from ``reference_calls.csv``, which stays in the tender folder.

**Reading** (:func:`read_reference_sheet`) is the scoring sheets' (:mod:`.demo_sheets`):
the file is opened as untrusted input through :func:`~crmselect.io.forms.meta.open_form`; a
file of another tender, of an unknown call, edited in its hidden sheet or made for another
scale is refused (:class:`~crmselect.io.excel.untrusted.UntrustedInputError`); rows are
matched by their hidden ids, and every finding is an
:class:`~crmselect.errors.ImportProblem` ``file!sheet!cell: what — what to do``: rows without
ids, of another call, repeated, deleted or no longer asked; a criterion label that no longer
matches its ids (the score is excluded); formulas, text, booleans, dates, error values and
off-scale numbers (excluded); and a half-filled instrument (``n of m rows have no usable
score``).

**The folder** (``evaluation.yaml``)::

    references:
      share: 0.2                        # q_c of every questioned criterion (default 0)
      shares: {sfa: 0.3}                # per criterion, over ``share``
      questions:
        - {criterion: sfa, question: "How well does the pipeline work for your team?"}
      calls: reference_calls.csv        # call, vendor, role, organisation_type,
                                        # organisation, name[, caller, date]
      scores: reference_scores.csv      # call, criterion, score[, note] (optional)
      instruments: [references/*.xlsx]  # the returned instruments

:func:`read_references_section` reads it (:func:`crmselect.io.folder.tender.load_tender`),
:func:`import_reference_sheets` adds the returned instruments' scores (an instrument's call
takes its scores from the instrument, not from ``scores:``), and
:func:`write_references_section` writes it back (:func:`crmselect.save_evaluation`: the
scores as read, so that a saved folder needs no instruments).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from crmselect._version import __version__
from crmselect.errors import CrmselectError, ImportProblem, InputFileError, Problem
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
    save_atomic,
    write_csv,
)
from crmselect.io.folder.key import TenderKey
from crmselect.io.folder.returns import returned_paths
from crmselect.io.folder.tables import read_csv
from crmselect.io.folder.yamlfile import Reader, YNode, is_file, shorten
from crmselect.io.forms.demo_sheets import score_value
from crmselect.io.forms.meta import META_SHEET, FormMeta, Meta, open_form, write_meta
from crmselect.io.forms.reading import (
    Findings,
    ReturnedForm,
    free_text,
    header_columns,
    outside_columns,
    read_each,
)
from crmselect.model import Evaluation
from crmselect.references import (
    ReferenceCall,
    ReferenceQuestion,
    References,
    ReferenceScore,
)
from crmselect.scales import DemoScale

FORMAT = "crmselect.reference-call/1"
INSTRUCTIONS_SHEET = "Instructions"
ANSWERS_SHEET = "Answers"
ID_HEADERS = ("Call ID", "Criterion ID")
ANSWER_HEADERS = (*ID_HEADERS, "Criterion", "Question", "Score", "Note")
"""Columns A–F of the Answers sheet; the reader finds columns by these headers."""
REFERENCE_META = FormMeta(
    version_key="format_version",
    version=FORMAT,
    table_row=14,
    header=("criterion", "row"),
    sheets=(ANSWERS_SHEET,),
    not_this_form="sheet {sheet!r} is missing: this is not a crmselect reference-call "
    "instrument, or a sheet was deleted — send the caller a new one",
    wrong_version="format {found!r} is not {expected!r}: the instrument was not made by this "
    "crmselect, or was tampered with — send the caller a new one",
    recipient_key="call_id",
    recipient="reference call",
    outsider="which is not in the tender's reference calls",
    wrong_hint=" — wrong call's file?",
    send_new="send the caller a new instrument",
)
"""The instrument's hidden sheet: nine facts, then from row 14 one row per question
(criterion, its row on the Answers sheet)."""


def _references(evaluation: Evaluation) -> References:
    if evaluation.references is None or not evaluation.references.questions:
        raise CrmselectError(f"{evaluation.name!r} has no reference questions (references:)")
    return evaluation.references


def layout_checksum(call: str, vendor: str, scale: DemoScale, criteria: Iterable[str]) -> str:
    """32 hex digits of SHA-256 over the format, call, vendor, scale and rows of an
    instrument."""
    parts = [FORMAT, call, vendor, repr(scale.minimum), repr(scale.maximum), *criteria]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


# -- writing ------------------------------------------------------------------------------------


def write_reference_sheet(
    evaluation: Evaluation, call_id: str, path: str | Path, *, key: TenderKey
) -> Path:
    """Write the instrument of reference call ``call_id``, signed with the tender's ``key``;
    returns its path. The organisation and the referee's name are not written.

    >>> import crmselect, tempfile, pathlib
    >>> from crmselect.io.folder.key import TenderKey
    >>> from crmselect.references import References, ReferenceCall, ReferenceQuestion
    >>> refs = References(
    ...     questions=[ReferenceQuestion("sfa", "Does the pipeline work for your team?")],
    ...     calls=[ReferenceCall("c1", "orbis", "Head of Sales", "manufacturer", "Acme", "J. Doe")],
    ... )
    >>> evaluation = attrs.evolve(crmselect.example(), references=refs)
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "orbis-c1.xlsx"
    >>> write_reference_sheet(evaluation, "c1", out, key=TenderKey.generate()).name
    'orbis-c1.xlsx'
    """
    refs = _references(evaluation)
    calls = {c.id: c for c in refs.calls}
    if call_id not in calls:
        raise CrmselectError(
            f"No reference call {call_id!r} in {evaluation.name!r}; calls: "
            f"{', '.join(calls) or 'none'}"
        )
    call = calls[call_id]
    workbook = Workbook()
    _instructions(workbook.worksheets[0], evaluation, refs, call)
    _answers(workbook.create_sheet(ANSWERS_SHEET), evaluation, refs, call)
    criteria = refs.asked()
    facts = (
        ("evaluation", evaluation.name),
        ("call_id", call.id),
        ("vendor_id", call.vendor),
        ("scale_minimum", refs.scale.minimum),
        ("scale_maximum", refs.scale.maximum),
        ("rows", len(criteria)),
        ("layout_checksum", layout_checksum(call.id, call.vendor, refs.scale, criteria)),
        ("created", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        ("crmselect", __version__),
    )
    rows = ((c, offset + 2) for offset, c in enumerate(criteria))
    write_meta(workbook, REFERENCE_META, facts, rows, key=key)
    return save_atomic(workbook, path)


def write_reference_sheets(
    evaluation: Evaluation,
    folder: str | Path,
    *,
    key: TenderKey,
    calls: Sequence[str] | None = None,
) -> list[Path]:
    """Write one instrument per reference call (or per call of ``calls``) into ``folder``,
    named ``<vendor>-<call>.xlsx``."""
    refs = _references(evaluation)
    chosen = [c for c in refs.calls if calls is None or c.id in calls]
    unknown = sorted(set(calls or ()) - {c.id for c in refs.calls})
    if unknown:
        raise CrmselectError(f"No reference call {unknown[0]!r} in {evaluation.name!r}")
    target = Path(folder)
    return [
        write_reference_sheet(evaluation, c.id, target / f"{c.vendor}-{c.id}.xlsx", key=key)
        for c in chosen
    ]


def _instructions(
    sheet: Worksheet, evaluation: Evaluation, refs: References, call: ReferenceCall
) -> None:
    sheet.title = INSTRUCTIONS_SHEET
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 70
    put_text(sheet["A1"], f"Reference call — {evaluation.name}")
    sheet["A1"].font = Font(bold=True, size=14)
    vendor = {v.id: v.name for v in evaluation.vendors}[call.vendor]
    scale = refs.scale
    lines = [
        ("Call", call.id + (f" on {call.date}" if call.date else "")),
        ("Vendor", vendor),
        ("Referee", f"{call.role or 'role not given'}, {call.organisation_type or 'organisation'}"),
        ("Caller", call.caller or "not given"),
        ("Scale", f"{scale.minimum:g} to {scale.maximum:g}; higher is better; decimals allowed"),
        (
            "How to score",
            f"Ask each of the {len(refs.questions)} questions on the Answers sheet, score the "
            "answer in the yellow Score column and note what the referee said. Leave a score "
            "blank if the referee could not answer. Do not add, delete or reorder rows: rows "
            "are matched by hidden ids and every row is checked.",
        ),
        (
            "Confidential",
            "Do not write the referee's name or organisation in this file; the committee "
            "keeps them in the tender folder.",
        ),
        ("Return", "Save as .xlsx (no macros, no password) and send it back unchanged in name."),
    ]
    label_rows(sheet, lines, start=3)
    protect(sheet)


def _answers(
    sheet: Worksheet, evaluation: Evaluation, refs: References, call: ReferenceCall
) -> None:
    header_row(sheet, ANSWER_HEADERS)
    labels = {cid: c.label for cid, c in evaluation.criteria_by_id().items()}
    scale = refs.scale
    validation = DataValidation(
        type="decimal",
        operator="between",
        formula1=f"{scale.minimum:g}",
        formula2=f"{scale.maximum:g}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Score",
        error=f"Enter a number from {scale.minimum:g} to {scale.maximum:g} (decimals allowed).",
    )
    sheet.add_data_validation(validation)
    for row, question in enumerate(refs.questions, start=2):
        where = f"{ANSWERS_SHEET}!row {row}"
        values = (call.id, question.criterion, labels[question.criterion], question.text)
        for column, value in enumerate(values, start=1):
            put_text(sheet.cell(row=row, column=column), value, where)
            sheet.cell(row=row, column=column).alignment = WRAP
        for column in (5, 6):
            cell = sheet.cell(row=row, column=column)
            cell.protection, cell.fill, cell.alignment = UNLOCKED, INPUT_FILL, WRAP
    last = max(len(refs.questions) + 1, 2)
    validation.add(f"E2:E{last}")
    for column, width in enumerate((12, 12, 26, 60, 9, 50), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for letter in "AB":
        sheet.column_dimensions[letter].hidden = True
    sheet.freeze_panes = "C2"
    protect(sheet)


# -- reading ------------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class ReferenceSheet(ReturnedForm):
    """What one returned instrument says: the call, one
    :class:`~crmselect.references.ReferenceScore` per row found (``score`` None where blank
    or excluded; ``origin`` its cell), and every problem found."""

    path: Path
    call: str
    scores: tuple[ReferenceScore, ...]
    problems: tuple[ImportProblem, ...]

    @property
    def scored(self) -> int:
        """Rows with a usable score."""
        return sum(s.score is not None for s in self.scores)

    def __repr__(self) -> str:
        return (
            f"<ReferenceSheet {self.path.name}: call {self.call!r}, {self.scored} of "
            f"{len(self.scores)} rows scored, {len(self.errors)} errors, "
            f"{len(self.problems) - len(self.errors)} other findings>"
        )


def read_reference_sheet(
    path: str | Path,
    evaluation: Evaluation,
    *,
    key: TenderKey,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> ReferenceSheet:
    """Read one returned instrument against ``evaluation``, signed with the tender's ``key``.

    Raises :class:`~crmselect.io.excel.untrusted.UntrustedInputError` when the file cannot be
    used at all; otherwise returns the scores with every problem found (module docstring).
    """
    file = Path(path)
    refs = _references(evaluation)
    report = Findings(file, limits)
    with open_form(file, REFERENCE_META, limits, key=key) as (workbook, meta):
        call, sent = _check_meta(meta, refs)
        for extra in workbook.sheetnames:
            if extra not in (ANSWERS_SHEET, INSTRUCTIONS_SHEET, META_SHEET):
                report.add(
                    extra,
                    "",
                    "info",
                    "sheet added by the caller; it is not read",
                    "ask the caller to put scores and notes on the Answers sheet",
                )
        grid = read_grid(workbook, ANSWERS_SHEET, file, limits)
    scores = _rows(grid, evaluation, refs, call, sent, report)
    return ReferenceSheet(file, call, tuple(scores), tuple(report.problems))


def _check_meta(meta: Meta, refs: References) -> tuple[str, list[str]]:
    """The call the file was made for and the criteria of its rows, once its facts agree
    with the tender's reference calls and scale; otherwise the file is refused."""
    call = meta.recipient({c.id for c in refs.calls})
    vendor = refs.call(call).vendor
    if meta.text("vendor_id") != vendor:
        raise refuse(
            meta.path,
            f"made for a call on vendor {meta.text('vendor_id')!r}; call {call!r} is now "
            f"{vendor!r}'s — send the caller a new instrument",
        )
    low, high = meta.value("scale_minimum"), meta.value("scale_maximum")
    scale = refs.scale
    if (low, high) != (scale.minimum, scale.maximum):
        raise refuse(
            meta.path,
            f"made for the scale {low}..{high}; references are now scored "
            f"{scale.minimum:g}..{scale.maximum:g} — send the caller a new instrument",
        )
    sent = [row[0].strip() for row in meta.rows(1)]
    if meta.value("layout_checksum") != layout_checksum(call, vendor, scale, sent) or meta.value(
        "rows"
    ) != len(sent):
        raise refuse(
            meta.path,
            "the hidden crmselect sheet was edited (its checksum does not match): send the "
            "caller a new instrument",
        )
    return call, sent


def _columns(grid: Grid, report: Findings) -> dict[str, int]:
    columns = header_columns(grid, ANSWER_HEADERS)
    lost = [h for h in (*ID_HEADERS, "Score") if h not in columns]
    if lost:
        raise refuse(
            Path(report.file),
            f"the Answers sheet has no {lost[0]!r} column (header row changed) — send the "
            "caller a new instrument",
        )
    return columns


def _rows(
    grid: Grid,
    evaluation: Evaluation,
    refs: References,
    call: str,
    sent: list[str],
    report: Findings,
) -> list[ReferenceScore]:
    """The scores of the Answers sheet, each row matched to a criterion ``sent`` by its
    hidden ids; rows not used, labels changed, rows deleted and blank scores are
    reported."""
    columns = _columns(grid, report)
    labels = {cid: c.label for cid, c in evaluation.criteria_by_id().items()}
    asked = set(refs.asked())
    seen: dict[str, int] = {}
    scores: list[ReferenceScore] = []
    for number in range(2, len(grid) + 1):
        outside_columns(
            report,
            ANSWERS_SHEET,
            grid[number - 1],
            number,
            set(columns.values()),
            what="value outside the sheet's columns; it is not used",
            action="ask the caller to put remarks in the Note column",
        )
        criterion = _row_criterion(grid, number, columns, call, set(sent), seen, report)
        if criterion is None:
            continue
        seen[criterion] = number
        if criterion not in asked:
            report.add(
                ANSWERS_SHEET,
                cell_ref(number, columns["Criterion ID"]),
                "error",
                f"{criterion!r} is no longer asked (question removed since the instrument "
                "was sent); not used",
                "nothing to do, or send a new instrument",
                requirement=f"{call}/{criterion}",
            )
            continue
        scores.append(_score(grid, number, columns, refs, call, criterion, labels, report))
    _deleted(sent, seen, asked, call, report)
    blank = sum(s.score is None for s in scores)
    if blank:
        report.add(
            ANSWERS_SHEET,
            "",
            "info",
            f"{blank} of {len(scores)} rows have no usable score; they count as not scored",
            "ask the caller if the referee could not answer them",
        )
    return scores


def _row_criterion(
    grid: Grid,
    number: int,
    columns: dict[str, int],
    call: str,
    sent: set[str],
    seen: dict[str, int],
    report: Findings,
) -> str | None:
    """The criterion of row ``number`` by its hidden ids, or ``None`` (reported when the row
    has content) for a row without ids, of another call, not sent or already seen."""
    owner, criterion = (as_text(*cell_at(grid, number, columns[h])).strip() for h in ID_HEADERS)
    shown = " | ".join(as_text(v, t) for v, t in grid[number - 1] if not is_blank(v))
    if not owner and not criterion:
        if shown:
            report.add(
                ANSWERS_SHEET,
                f"A{number}",
                "error",
                "row without ids (inserted by the caller?); its content is not used",
                "ask the caller to score in the instrument's own rows",
                value=shown,
            )
        return None
    if owner != call:
        why = f"row belongs to call {owner!r}, not {call!r} (copied from another instrument?)"
    elif criterion not in sent:
        why = f"unknown row {criterion!r} (inserted, or its hidden ids were edited)"
    elif criterion in seen:
        why = f"row {criterion!r} appears again (first in row {seen[criterion]})"
    else:
        return criterion
    report.add(
        ANSWERS_SHEET,
        cell_ref(number, columns["Call ID"]),
        "error",
        f"{why}; not used",
        "ask the caller to score in the instrument's own rows",
        requirement=f"{owner}/{criterion}",
        value=shown,
    )
    return None


def _deleted(
    sent: list[str], seen: dict[str, int], asked: set[str], call: str, report: Findings
) -> None:
    for criterion in sent:
        if criterion not in seen and criterion in asked:
            report.add(
                ANSWERS_SHEET,
                "",
                "warning",
                f"the row of {criterion!r} was deleted; it counts as not scored",
                "ask the caller for the score",
                requirement=f"{call}/{criterion}",
            )


def _score(
    grid: Grid,
    row: int,
    columns: dict[str, int],
    refs: References,
    call: str,
    criterion: str,
    labels: dict[str, str],
    report: Findings,
) -> ReferenceScore:
    about = f"{call}/{criterion}"
    excluded = _label_changed(grid, row, columns, labels[criterion], about, report)
    cell = cell_ref(row, columns["Score"])
    value, dtype = cell_at(grid, row, columns["Score"])
    score, why = score_value(value, dtype, refs.scale)
    scale = refs.scale
    if why is not None:
        report.add(
            ANSWERS_SHEET,
            cell,
            "error",
            why,
            f"ask the caller for a number from {scale.minimum:g} to {scale.maximum:g}",
            requirement=about,
            value=value,
        )
    elif score is not None and isinstance(value, str):
        report.add(
            ANSWERS_SHEET,
            cell,
            "warning",
            f"number stored as text; read as {score:g}",
            "nothing to do, unless that is not what the caller meant",
            requirement=about,
            value=value,
        )
    note = free_text(
        grid,
        row,
        columns.get("Note"),
        report,
        sheet=ANSWERS_SHEET,
        about=about,
        label="the note",
        ask="caller",
    )
    origin = f"{report.file}!{ANSWERS_SHEET}!{cell}"
    return ReferenceScore(call, criterion, None if excluded else score, note, origin=origin)


def _label_changed(
    grid: Grid, row: int, columns: dict[str, int], label: str, about: str, report: Findings
) -> bool:
    """Report a criterion label that no longer matches the row's ids; True when it does not
    (the score is then excluded)."""
    if "Criterion" not in columns:
        return False
    value, dtype = cell_at(grid, row, columns["Criterion"])
    written = escape_illegal(label.replace("\r\n", "\n").replace("\r", "\n"))
    if as_text(value, dtype) == written:
        return False
    report.add(
        ANSWERS_SHEET,
        cell_ref(row, columns["Criterion"]),
        "error",
        f"the criterion shown ({as_text(value, dtype)!r}) is not this row's ({label!r}) — "
        "was the column sorted or edited? The score is excluded",
        "ask the caller to confirm the score in a new instrument",
        requirement=about,
        value=value,
    )
    return True


# -- several instruments ------------------------------------------------------------------------


@attrs.frozen(eq=False)
class ReferenceImport:
    """Several returned instruments: those read, and those refused (with why)."""

    sheets: tuple[ReferenceSheet, ...]
    refused: tuple[Problem, ...]

    @property
    def scores(self) -> tuple[ReferenceScore, ...]:
        return tuple(s for sheet in self.sheets for s in sheet.scores)

    @property
    def problems(self) -> tuple[ImportProblem, ...]:
        return tuple(p for sheet in self.sheets for p in sheet.problems)

    def apply_to(self, evaluation: Evaluation) -> Evaluation:
        """``evaluation`` with the scores of every call whose instrument was read replaced
        by the instrument's, and the findings added to ``import_problems``."""
        refs = _references(evaluation)
        read = {sheet.call for sheet in self.sheets}
        kept = tuple(s for s in refs.scores if s.call not in read)
        return attrs.evolve(
            evaluation,
            references=attrs.evolve(refs, scores=kept + self.scores),
            import_problems=(*evaluation.import_problems, *self.problems),
        )


def read_reference_sheets(
    paths: Iterable[str | Path],
    evaluation: Evaluation,
    *,
    key: TenderKey,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> ReferenceImport:
    """Read several instruments, each signed with ``key``; a refused file, or a second
    instrument of the same call, is listed in ``refused`` instead of stopping the others."""
    sheets, refused = read_each(
        paths,
        lambda path: read_reference_sheet(path, evaluation, key=key, limits=limits),
        lambda sheet: sheet.call,
        second="instrument of call",
        desc="Reading reference calls",
    )
    return ReferenceImport(tuple(sheets), tuple(refused))


def import_reference_sheets(
    evaluation: Evaluation, paths: Sequence[Path], *, key: TenderKey
) -> Evaluation:
    """``evaluation`` with the returned instruments at ``paths`` read in; refused files are
    raised together (:class:`~crmselect.errors.InputFileError`)."""
    imported = read_reference_sheets(paths, evaluation, key=key)
    if imported.refused:
        raise InputFileError("Reference-call instruments were refused", list(imported.refused))
    return imported.apply_to(evaluation)


# -- the folder's references: section -----------------------------------------------------------

SECTION_KEYS = ("share", "shares", "questions", "calls", "scores", "instruments")
CALL_COLUMNS = ("call", "vendor", "role", "organisation_type", "organisation", "name")
CALL_OPTIONAL = ("caller", "date")
SCORE_COLUMNS = ("call", "criterion", "score")
SCORE_OPTIONAL = ("note",)
CALLS_FILE, SCORES_FILE = "reference_calls.csv", "reference_scores.csv"
_Row = TypeVar("_Row", ReferenceCall, ReferenceScore)


@attrs.frozen
class ReferenceSection:
    """The ``references:`` section as read: the reference checks (no scores yet) and the
    returned instruments it names."""

    references: References
    instruments: tuple[Path, ...]


def read_references_section(
    reader: Reader, node: YNode | None, folder: Path, found: list[Problem]
) -> ReferenceSection | None:
    """The ``references:`` section at ``node`` (module docstring), or ``None`` when absent.
    Problems of the section are the ``reader``'s; those of the calls table's rows are
    appended to ``found``."""
    if node is None:
        return None
    fields = reader.mapping(
        node, ("questions",), tuple(k for k in SECTION_KEYS if k != "questions")
    )
    if fields is None:
        return None
    questions = [
        q
        for item in reader.sequence(fields.get("questions"))
        if (q := _question(reader, item)) is not None
    ]
    shares_node = fields.get("shares")
    shares = {}
    if shares_node is not None and shares_node.value is not None:
        if isinstance(shares_node.value, dict):
            shares = {
                str(k): reader.number(v, 0.0, minimum=0, maximum=1)
                for k, v in shares_node.value.items()
            }
        else:
            reader.fail(shares_node, "expected a mapping of criterion ids to shares")
    share = reader.number(fields.get("share"), 0.0, minimum=0, maximum=1)
    calls = _table(reader, fields.get("calls"), folder, found, _call_rows)
    scores = _table(reader, fields.get("scores"), folder, found, _score_rows)
    instruments = returned_paths(reader, fields.get("instruments"), folder)
    built = reader.build(
        node,
        lambda: References(
            questions=questions, calls=calls, scores=scores, share=share, shares=shares
        ),
    )
    return None if built is None else ReferenceSection(built, tuple(instruments))


def _question(reader: Reader, item: YNode) -> ReferenceQuestion | None:
    fields = reader.mapping(item, ("criterion", "question"))
    if fields is None:
        return None
    criterion, text = reader.text(fields.get("criterion")), reader.text(fields.get("question"))
    if not criterion or not text:
        reader.fail(item, "a question needs a criterion and its text")
        return None
    return ReferenceQuestion(criterion, text)


def _table(
    reader: Reader,
    node: YNode | None,
    folder: Path,
    found: list[Problem],
    rows: Callable[[pd.DataFrame, Path, list[Problem]], list[_Row]],
) -> list[_Row]:
    """The ``rows`` (calls or scores) of the CSV file named at ``node``."""
    if node is None:
        return []
    name = reader.text(node)
    path = (folder / name).resolve()
    if not name or not is_file(path):
        reader.fail(node, f"file {shorten(name)!r} not found next to the evaluation file")
        return []
    try:
        frame = read_csv(path)
    except InputFileError as exc:
        reader.problems += exc.problems
        return []
    return rows(frame, path, found)


def _columns_missing(
    frame: pd.DataFrame, path: Path, found: list[Problem], required: Sequence[str], *optional: str
) -> bool:
    """Whether a ``required`` column is missing from ``frame``; missing and unknown columns
    are appended to ``found``."""
    missing = [c for c in required if c not in frame.columns]
    unknown = [c for c in frame.columns if c not in (*required, *optional)]
    found += [Problem(str(path), f"missing column {c!r}") for c in missing]
    found += [Problem(str(path), f"unknown column {c!r}") for c in unknown]
    return bool(missing)


def _call_rows(frame: pd.DataFrame, path: Path, found: list[Problem]) -> list[ReferenceCall]:
    """The calls of the rows of ``frame`` (read from ``path``); missing and unknown columns
    and rows without a call id or vendor are appended to ``found``."""
    if _columns_missing(frame, path, found, CALL_COLUMNS, *CALL_OPTIONAL):
        return []
    calls = []
    for number, row in enumerate(frame.to_dict("records"), start=2):
        empty = [c for c in ("call", "vendor") if not str(row[c]).strip()]
        if empty:
            found.append(Problem(f"{path}: row {number}", f"{empty[0]} is empty"))
            continue
        calls.append(
            ReferenceCall(*(row[c] for c in CALL_COLUMNS), *(row.get(c, "") for c in CALL_OPTIONAL))
        )
    return calls


def _score_rows(frame: pd.DataFrame, path: Path, found: list[Problem]) -> list[ReferenceScore]:
    """The scores of the rows of ``frame`` (read from ``path``): a blank score is ``None``
    (not given); rows without a call or criterion, and scores that are not finite numbers,
    are appended to ``found`` (the scale is checked with the evaluation:
    :func:`~crmselect.references.reference_problems`)."""
    if _columns_missing(frame, path, found, SCORE_COLUMNS, *SCORE_OPTIONAL):
        return []
    scores = []
    for number, row in enumerate(frame.to_dict("records"), start=2):
        where = f"{path}: row {number}"
        call, criterion, text = (str(row[c]).strip() for c in SCORE_COLUMNS)
        empty = [name for name, value in (("call", call), ("criterion", criterion)) if not value]
        value = _number(text)
        if empty or (text and value is None):
            found.append(
                Problem(
                    where, f"{empty[0]} is empty" if empty else f"score {text!r} is not a number"
                )
            )
            continue
        scores.append(ReferenceScore(call, criterion, value, str(row.get("note", "")), where))
    return scores


def _number(text: str) -> float | None:
    """``text`` as a finite number, or ``None`` (blank or not a number)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def write_references_section(refs: References, folder: Path) -> dict[str, Any]:
    """The ``references:`` section of ``refs`` for a saved ``evaluation.yaml``, writing its
    calls (with the confidential organisation and name: the folder is the committee's) and
    scores as :data:`CALLS_FILE` and :data:`SCORES_FILE` in ``folder``; refused for a scale
    other than 0–5, which the section cannot say."""
    if refs.scale != DemoScale(0, 5):
        raise CrmselectError(
            "save_evaluation writes reference checks on the 0–5 scale only; these are "
            f"scored {refs.scale.minimum:g}..{refs.scale.maximum:g}"
        )
    calls = pd.DataFrame(
        [[getattr(c, a.name) for a in attrs.fields(ReferenceCall)] for c in refs.calls],
        columns=[*CALL_COLUMNS, *CALL_OPTIONAL],
    )
    scores = pd.DataFrame(
        [(s.call, s.criterion, "" if s.score is None else s.score, s.note) for s in refs.scores],
        columns=[*SCORE_COLUMNS, *SCORE_OPTIONAL],
    )
    write_csv(calls, folder / CALLS_FILE, index=False)
    write_csv(scores, folder / SCORES_FILE, index=False)
    return {
        "share": refs.share,
        "shares": dict(refs.shares),
        "questions": [{"criterion": q.criterion, "question": q.text} for q in refs.questions],
        "calls": CALLS_FILE,
        "scores": SCORES_FILE,
    }
