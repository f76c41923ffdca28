"""The weights workshop: a pairwise-comparison workbook per committee member, and reading it.

:func:`write_workshop` gives each member one sheet per node of the criteria tree (the top
level and every criterion with sub-criteria): a matrix whose upper half holds a drop-down
of Saaty's scale — 9 … 2, 1, 1/2 … 1/9, read as "the row criterion is this many times as
important as the column criterion". The lower half mirrors it and is locked.

:func:`read_workshop` reads a returned workbook as untrusted input (the same defences as
RFP responses, :mod:`crmselect.io.excel.untrusted`) into :class:`~crmselect.model.Judgements`
per node, with the AHP weights and consistency ratio per node and every problem located to
the cell. A blank comparison is skipped (Harker's completion fills it); a value off the
scale is reported and skipped — never guessed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

import attrs
import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from crmselect.display import html_table
from crmselect.errors import CrmselectError, ImportProblem, ValidationError
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
    protect,
    put_text,
    save_atomic,
    sheet_title,
)
from crmselect.io.folder.key import TenderKey
from crmselect.io.forms.meta import META_SHEET, FormMeta, open_form, write_meta
from crmselect.io.forms.reading import Findings
from crmselect.model import Criterion, Evaluation, Judgements, walk_tree
from crmselect.weights.ahp import AhpResult
from crmselect.weights.judgements import judgement_results

WORKSHOP_VERSION = "crmselect.workshop/2"
"""/2: signed with the tender's key (:mod:`crmselect.io.forms.meta`); /1 files are refused."""
WORKSHOP_META = FormMeta(
    version_key="workshop_version",
    version=WORKSHOP_VERSION,
    table_row=5,
    not_this_form="not a crmselect weights workshop (its hidden sheet is missing)",
    wrong_version="workshop version {found!r} is not {expected!r}; send the member a new workbook",
    recipient_key="member",
    recipient="member",
    outsider="who is not on this panel (evaluators: in evaluation.yaml)",
    earlier=("crmselect.workshop/1",),
    send_new="send the member a new workbook",
)
"""The workshop's hidden sheet: three facts, then from row 5 one row per judged node (node id
or ``top``, its sheet's title, the comma-separated ids of its children)."""
LISTS_SHEET = "Lists"
SAATY_CHOICES = (
    "9",
    "8",
    "7",
    "6",
    "5",
    "4",
    "3",
    "2",
    "1",
    "1/2",
    "1/3",
    "1/4",
    "1/5",
    "1/6",
    "1/7",
    "1/8",
    "1/9",
)
"""The drop-down values, most to least important."""
FIRST_ROW = 5
"""Row of the first criterion in a node sheet; row FIRST_ROW - 1 holds the column names and
row FIRST_ROW - 2 (hidden) the column ids; column A (hidden) holds the row ids."""
FIRST_COLUMN = 3
_TOLERANCE = 0.01
_MIRROR_FILL = PatternFill("solid", fgColor="EEEEEE")
_BOLD = Font(bold=True)


def judged_nodes(criteria: tuple[Criterion, ...]) -> list[tuple[str, str, list[Criterion]]]:
    """(node id — "" for the top level —, label, children) for every node with ≥ 2 children."""
    nodes = [("", "Top level", list(criteria))]
    nodes += [(c.id, c.label, list(c.children)) for _, c in walk_tree(criteria) if c.children]
    return [n for n in nodes if len(n[2]) >= 2]


def tree_hash(criteria: tuple[Criterion, ...]) -> str:
    """Identifies the tree's shape (ids and parentage), not its weights."""
    shape = ";".join(
        f"{node}:{','.join(c.id for c in children)}" for node, _, children in judged_nodes(criteria)
    )
    return hashlib.sha256(shape.encode()).hexdigest()


def write_workshop(
    evaluation: Evaluation, member: str, path: str | Path, *, key: TenderKey
) -> Path:
    """Write the pairwise-comparison workbook for one committee member — an evaluator of
    ``evaluation``'s panel —, signed with the tender's ``key``
    (:func:`~crmselect.io.folder.key.tender_key`)."""
    if not member.strip():
        raise CrmselectError("write_workshop needs the member's id (e.g. an evaluator id)")
    panel = [e.id for e in evaluation.evaluators]
    if member not in panel:
        raise CrmselectError(
            f"{member!r} is not on the panel of {evaluation.name!r}: a workshop member must be "
            f"one of its evaluators ({', '.join(panel) or 'none'}; evaluators: in "
            "evaluation.yaml)"
        )
    workbook = Workbook()
    intro = workbook.worksheets[0]
    intro.title = "Instructions"
    put_text(intro["A1"], f"{evaluation.name} — weights workshop for {member}")
    intro["A1"].font = Font(bold=True, size=14)
    put_text(
        intro["A3"],
        "On each sheet, compare the criterion of the row with the criterion "
        "of the column: choose 9 if the row is nine times as important, 1 if "
        "they are equally important, 1/9 if the column is nine times as "
        "important. Fill the yellow cells; leave a cell blank to skip a "
        "comparison.",
    )
    intro["A3"].alignment = Alignment(wrap_text=True)
    intro.column_dimensions["A"].width = 100
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    for row, value in enumerate(SAATY_CHOICES, start=1):
        put_text(lists.cell(row=row, column=1), value)
    workbook.defined_names["SaatyScale"] = DefinedName(
        "SaatyScale", attr_text=f"'{LISTS_SHEET}'!$A$1:$A${len(SAATY_CHOICES)}"
    )
    taken = [intro.title, LISTS_SHEET, META_SHEET]
    nodes: list[tuple[str, str, str]] = []
    for node, label, children in judged_nodes(evaluation.criteria):
        title = sheet_title(f"Weights - {label}", taken)
        taken.append(title)
        _node_sheet(workbook.create_sheet(title), label, children)
        nodes.append((node or "top", title, ",".join(c.id for c in children)))
    facts = (("member", member), ("tree_hash", tree_hash(evaluation.criteria)))
    write_meta(workbook, WORKSHOP_META, facts, nodes, key=key)
    for hidden in (META_SHEET, LISTS_SHEET):
        workbook.move_sheet(hidden, offset=len(workbook.sheetnames))
    return save_atomic(workbook, path)


def _node_sheet(sheet: Worksheet, label: str, children: list[Criterion]) -> None:
    put_text(sheet["B1"], f"{label}: how many times as important is the row as the column?")
    sheet["B1"].font = _BOLD
    validation = DataValidation(
        type="list",
        formula1="=SaatyScale",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        error="Choose a value of Saaty's scale from the list.",
    )
    sheet.add_data_validation(validation)
    for i, row_criterion in enumerate(children):
        row = FIRST_ROW + i
        put_text(sheet.cell(row=row, column=1), row_criterion.id)
        put_text(sheet.cell(row=row, column=2), row_criterion.label)
        sheet.cell(row=row, column=2).font = _BOLD
        column = FIRST_COLUMN + i
        put_text(sheet.cell(row=FIRST_ROW - 2, column=column), row_criterion.id)
        put_text(sheet.cell(row=FIRST_ROW - 1, column=column), row_criterion.label)
        sheet.cell(row=FIRST_ROW - 1, column=column).font = _BOLD
        sheet.cell(row=FIRST_ROW - 1, column=column).alignment = Alignment(wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = 16
        for j in range(len(children)):
            cell = sheet.cell(row=row, column=FIRST_COLUMN + j)
            if j == i:
                put_text(cell, "1")
            elif j > i:
                cell.fill, cell.protection = INPUT_FILL, UNLOCKED
                validation.add(cell.coordinate)
            else:
                cell.fill = _MIRROR_FILL
    sheet.column_dimensions["A"].hidden = True
    sheet.row_dimensions[FIRST_ROW - 2].hidden = True
    sheet.column_dimensions["B"].width = 34
    protect(sheet)


@attrs.frozen(eq=False)
class WorkshopResponse:
    """One member's returned workshop: judgements, AHP result per node, problems."""

    path: Path
    member: str
    judgements: tuple[Judgements, ...]
    results: Mapping[str, AhpResult]
    problems: tuple[ImportProblem, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per node: the number of judgements, λ_max, CR and the verdict."""
        rows = [
            {
                "node": node or "top",
                "judgements": len(j.pairs),
                "lambda_max": self.results[node].lambda_max if node in self.results else None,
                "consistency_ratio": (
                    self.results[node].consistency_ratio if node in self.results else None
                ),
                "consistent": (self.results[node].is_consistent if node in self.results else None),
            }
            for j in self.judgements
            for node in [j.node]
        ]
        return pd.DataFrame(rows).set_index("node") if rows else pd.DataFrame()

    def __repr__(self) -> str:
        return (
            f"<WorkshopResponse {self.path.name}: member {self.member!r}, "
            f"{len(self.judgements)} nodes judged, {len(self.problems)} problem(s)>"
        )

    def _repr_html_(self) -> str:
        return html_table(self.to_frame(), caption=repr(self).strip("<>"))


def parse_ratio(value: object) -> float | None:
    """A Saaty-scale value written as a number or a fraction (``3``, ``"1/3"``, ``0.333``);
    ``None`` when it is not within 1 % of a value of the scale."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, str):
            number = float(Fraction(value.strip()))
        elif isinstance(value, int | float):
            number = float(value)
        else:
            return None
    except (ValueError, ZeroDivisionError, TypeError, OverflowError):
        return None
    for choice in SAATY_CHOICES:
        exact = float(Fraction(choice))
        if abs(number - exact) <= _TOLERANCE * exact:
            return exact
    return None


def read_workshop(
    path: str | Path,
    evaluation: Evaluation,
    *,
    key: TenderKey,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> WorkshopResponse:
    """Read a member's returned workshop workbook against ``evaluation``'s criteria tree;
    refused unless it is signed with the tender's ``key`` and made for a member of the
    panel (an evaluator)."""
    file = Path(path)
    findings = Findings(file, limits)
    judgements: list[Judgements] = []
    grids: dict[str, Grid] = {}
    judged = {node or "top" for node, _, _ in judged_nodes(evaluation.criteria)}
    listed: set[str] = set()
    with open_form(file, WORKSHOP_META, limits, key=key) as (workbook, meta):
        if meta.text("tree_hash") != tree_hash(evaluation.criteria):
            raise refuse(file, "made for another criteria tree; send the member a new workbook")
        member = meta.recipient({e.id for e in evaluation.evaluators})
        for node, title, children in meta.rows(3):
            ids = children.split(",")
            if not _first_listing(node, judged, listed, findings):
                continue
            if title not in workbook.sheetnames:
                findings.add(
                    title,
                    "",
                    "error",
                    "this sheet was deleted; its node has no judgements",
                    "ask the member for a complete workbook",
                )
                continue
            if title not in grids:  # a sheet listed for several nodes is read once
                grids[title] = read_grid(workbook, title, file, limits)
            pairs = _pairs(grids[title], ids, title, findings)
            if pairs:
                judgements.append(
                    Judgements(
                        "" if node == "top" else node, pairs, member, origin=f"{file.name}!{title}"
                    )
                )
    results = _ahp_results(evaluation, judgements, findings)
    kept = tuple(j for j in judgements if j.node in results)
    return WorkshopResponse(file, member, kept, results, tuple(findings.problems))


def _ahp_results(
    evaluation: Evaluation, judgements: list[Judgements], findings: Findings
) -> dict[str, AhpResult]:
    """The AHP result of each node's judgements; a node whose judgements do not give
    weights (a criterion never compared) is an error finding on its sheet."""
    results: dict[str, AhpResult] = {}
    for j in judgements:
        try:
            results.update(judgement_results(evaluation.criteria, [j]))
        except ValidationError as exc:
            for p in exc.problems:
                findings.add(
                    j.origin.split("!")[-1],
                    "",
                    "error",
                    p.what,
                    "ask the member to compare every criterion at least once",
                )
    return results


def _first_listing(node: str, judged: set[str], listed: set[str], findings: Findings) -> bool:
    """Whether the hidden sheet's row for ``node`` is to be read: a node of the criteria tree
    with children (``judged``), not listed before; otherwise an error finding (none for a
    row without a node)."""
    if not node:
        return False
    if node in judged and node not in listed:
        listed.add(node)
        return True
    findings.add(
        META_SHEET,
        "",
        "error",
        f"the hidden sheet lists node {node!r} "
        + ("again" if node in listed else "which the criteria tree does not judge")
        + "; the row is not read",
        "send the member a new workbook",
        value=node,
    )
    return False


def _pairs(
    grid: Grid, ids: list[str], title: str, findings: Findings
) -> list[tuple[str, str, float]]:
    """The upper-half comparisons of one node sheet; problems go to ``findings``."""
    found = [as_text(*cell_at(grid, FIRST_ROW + i, 1)) for i in range(len(ids))]
    columns = [as_text(*cell_at(grid, FIRST_ROW - 2, FIRST_COLUMN + j)) for j in range(len(ids))]
    if found != ids or columns != ids:
        findings.add(
            title,
            "A5",
            "error",
            "rows or columns were moved, added or deleted; this node is not read",
            "ask the member for an unchanged workbook",
            value=f"rows {', '.join(found)}; columns {', '.join(columns)}",
        )
        return []
    pairs: list[tuple[str, str, float]] = []
    for i, row_id in enumerate(ids):
        for j, column_id in enumerate(ids):
            value, dtype = cell_at(grid, FIRST_ROW + i, FIRST_COLUMN + j)
            where = cell_ref(FIRST_ROW + i, FIRST_COLUMN + j)
            if j <= i:
                if j < i and not is_blank(value):
                    findings.add(
                        title,
                        where,
                        "warning",
                        "value in the lower half is ignored; it mirrors the upper half",
                        "nothing to do",
                        value=value,
                    )
                continue
            if is_blank(value):
                continue
            ratio = None if dtype == "f" else parse_ratio(value)
            if ratio is None:
                findings.add(
                    title,
                    where,
                    "error",
                    "not a value of Saaty's scale (9 … 1 … 1/9); this comparison is skipped",
                    "ask the member to choose from the list",
                    value=value,
                )
                continue
            pairs.append((row_id, column_id, ratio))
    return pairs
