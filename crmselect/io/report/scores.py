"""The live sheets of the comparison workbook: **Weights** (inputs → global weights) and
**Matrix** (scores × weights → totals → ranks).

Weights sheet, one row per node of the criteria tree in depth-first order (a child below its
parent, indented)::

    E  Weight (input)   the node's local weight as the committee gave it — an input cell
    F  Exported weight  the same number as a plain value, for comparison after edits
    G  Local share      = E_n / SUM(E_s for every sibling s of n, n included)
    H  Global weight    = G_n                  for a top-level node
                        = H_parent(n) * G_n    otherwise

so ``H`` of a leaf is the product of the normalised local weights on its path — the formula
of :func:`crmselect.weights.global_weights` — and editing any input re-normalises every
share and global weight. The siblings are listed explicitly in the ``SUM`` (runs of adjacent
rows as ranges, ``SUM($E$5,$E$9:$E$11)``), because siblings are not adjacent in a
depth-first listing. Under the table ``SUMIF(leaf column, "leaf", H)`` checks that the leaf
global weights sum to 1.

Matrix sheet, one row per vendor (best first as exported), one column per leaf criterion::

    row 4        global weight of each leaf        = 'Weights'!$H$k (a link, per column)
    score cells  P_vc from ScoreResult.matrix — plain numbers, every cell filled (0 included):
                 SUMPRODUCT counts a blank or text cell as 0 without a warning; the price
                 criterion's column links to its live scores on the Costs sheet
                 (:mod:`crmselect.io.report.price`)
    Total        = SUMPRODUCT($D$4:$X$4, D6:X6)                       (T_v = Σ_c w_c · P_vc)
    Rank         = IF($C6="eligible",
                      1 + SUMPRODUCT(($C$6:$C$11="eligible")
                                     * (ROUND($Y$6:$Y$11,12) > ROUND($Y6,12))), "")

The rank is the competition rank among eligible vendors (1 + the number of eligible vendors
with a strictly larger total, so ties share a rank: 1, 1, 3), rounded to 12 decimals first
exactly like :func:`crmselect.ranking.rank`; a knocked-out vendor shows its status and an
empty rank. ``COUNTIFS(..., ">"&Y6)`` would be shorter but is wrong: the criterion string
carries only 15 significant digits, so a vendor can count itself as "larger" and lose a rank
to rounding. ``RANK``/``RANK.EQ`` cannot skip the knocked-out rows.

Numbers are stored as openpyxl writes them, with 16 significant digits, so a recalculated
total may differ from the library's in the 16th digit (about 1e-16); the ranks do not, as
both sides round to 12 decimals before comparing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np
import numpy.typing as npt
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from crmselect.errors import Problem, ValidationError
from crmselect.io.excel.cells import (
    BOLD,
    CHANGED_FILL,
    INPUT_STYLE,
    KO_FILL,
    KO_FONT,
    LABEL_FONT,
    NOTE_FONT,
    RANK_FORMAT,
    SCORE_FORMAT,
    SHARE_FORMAT,
    SMALL_WRAP,
    TOTAL_FORMAT,
    WEIGHT_FORMAT,
    Span,
    absolute,
    add_table,
    at,
    colour_scale,
    data_bar,
    fit_columns,
    formula_fill,
    print_setup,
    put,
    put_formula,
    relative,
    sheet_ref,
    write_header,
    write_title,
)
from crmselect.model import Criterion, walk_tree
from crmselect.scoring import ScoreResult, demo_share

ELIGIBLE = "eligible"
KNOCKED_OUT = "knocked out"
LEAF = "leaf"

WEIGHTS_HEADER = 4
MATRIX_HEADER = 5
_MAX_SUM_ARGS = 200  # Excel allows 255 arguments per function


@attrs.frozen
class WeightCells:
    """Where the Weights sheet put things: input cell and global-weight cell of every node."""

    title: str
    rows: Mapping[str, int]
    input_column: int
    global_column: int

    def global_ref(self, criterion: str) -> str:
        """``'Weights'!$H$7`` — the live global weight of ``criterion``."""
        return sheet_ref(self.title) + absolute(self.rows[criterion], self.global_column)


@attrs.frozen
class MatrixCells:
    """Where the Matrix sheet put each vendor's live total and rank."""

    title: str
    rows: Mapping[str, int]
    total_column: int
    rank_column: int

    def total_ref(self, vendor: str) -> str:
        return sheet_ref(self.title) + absolute(self.rows[vendor], self.total_column)

    def rank_ref(self, vendor: str) -> str:
        return sheet_ref(self.title) + absolute(self.rows[vendor], self.rank_column)


def _sum_of(column: int, rows: Sequence[int]) -> str:
    """``SUM($E$5,$E$9:$E$11)`` over ``rows`` (runs of adjacent rows become ranges; more
    than 200 arguments are nested, as Excel takes at most 255 per function)."""
    runs: list[tuple[int, int]] = []
    for r in sorted(rows):
        if runs and r == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    parts = [
        absolute(a, column) if a == b else f"{absolute(a, column)}:{absolute(b, column)}"
        for a, b in runs
    ]
    while len(parts) > _MAX_SUM_ARGS:
        parts = [
            f"SUM({','.join(parts[i : i + _MAX_SUM_ARGS])})"
            for i in range(0, len(parts), _MAX_SUM_ARGS)
        ]
    return f"SUM({','.join(parts)})"


def write_weights(ws: Worksheet, result: ScoreResult) -> WeightCells:
    """Fill the Weights sheet (see the module docstring for its formulas)."""
    evaluation = result.evaluation
    write_title(
        ws,
        "Criteria weights",
        "Input cells (Excel's Input style) hold the local weights: edit them and every local "
        "share, global weight, total and rank in this workbook is recalculated. A changed "
        "input turns yellow; 'Exported weight' keeps the value it was exported with.",
    )
    headers = [
        "Criterion",
        "Name",
        "Parent",
        "Level",
        "Weight (input)",
        "Exported weight",
        "Local share",
        "Global weight",
        "Leaf",
        "Requirements",
        "Demo share",
    ]
    write_header(ws, WEIGHTS_HEADER, 1, headers)
    nodes = list(walk_tree(evaluation.criteria))
    rows = {c.id: WEIGHTS_HEADER + 1 + i for i, (_, c) in enumerate(nodes)}
    siblings: dict[str | None, list[int]] = {}
    parents: dict[str, str | None] = {}
    for path, c in nodes:
        parent = path[-2] if len(path) > 1 else None
        parents[c.id] = parent
        siblings.setdefault(parent, []).append(rows[c.id])
    counts: dict[str, int] = {}
    weights = evaluation.policy.priority_weights
    for r in evaluation.requirements:
        if weights[r.priority] > 0:
            counts[r.criterion] = counts.get(r.criterion, 0) + 1
    E, F, G, H = 5, 6, 7, 8
    for path, c in nodes:
        row = rows[c.id]
        parent = parents[c.id]
        put(at(ws, row, 1), c.id)
        put(at(ws, row, 2), c.label)
        at(ws, row, 2).alignment = Alignment(horizontal="left", indent=2 * (len(path) - 1))
        if len(path) == 1:
            at(ws, row, 2).font = BOLD
        put(at(ws, row, 3), parent)
        put(at(ws, row, 4), len(path))
        weight_cell = at(ws, row, E)
        weight_cell.style = INPUT_STYLE
        put(weight_cell, c.weight)
        put(at(ws, row, F), c.weight)
        share = f"={relative(row, E)}/{_sum_of(E, siblings[parent])}"
        put_formula(at(ws, row, G), share, SHARE_FORMAT)
        glob = (
            f"={relative(row, G)}"
            if parent is None
            else f"={absolute(rows[parent], H)}*{relative(row, G)}"
        )
        put_formula(at(ws, row, H), glob, WEIGHT_FORMAT)
        if c.is_leaf:
            put(at(ws, row, 9), LEAF)
            put(at(ws, row, 10), counts.get(c.id, 0))
            put(at(ws, row, 11), demo_share(evaluation, c), SHARE_FORMAT)
    last = WEIGHTS_HEADER + len(nodes)
    add_table(ws, "Weights", Span(WEIGHTS_HEADER, WEIGHTS_HEADER + 1, last, 1, len(headers)))
    inputs = f"{relative(WEIGHTS_HEADER + 1, E)}:{relative(last, E)}"
    validation = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        showErrorMessage=True,
        errorTitle="Weight",
        error="A weight is a number of 0 or more (siblings are normalised to sum 1).",
    )
    validation.add(inputs)
    ws.add_data_validation(validation)
    first = WEIGHTS_HEADER + 1
    ws.conditional_formatting.add(
        inputs,
        formula_fill(f"{relative(first, E)}<>{relative(first, F)}", CHANGED_FILL),
    )
    check = last + 2
    put(at(ws, check, 7), "Σ leaf global weights")
    at(ws, check, 7).font = LABEL_FONT
    put_formula(
        at(ws, check, H),
        f'=SUMIF({absolute(first, 9)}:{absolute(last, 9)},"{LEAF}",'
        f"{absolute(first, H)}:{absolute(last, H)})",
        WEIGHT_FORMAT,
    )
    put(
        at(ws, check + 1, 1),
        "Local share = weight / sum of its siblings' weights; global weight = parent's global "
        "weight × local share (a leaf's global weight is the product along its path).",
    )
    at(ws, check + 1, 1).font = NOTE_FONT
    fit_columns(ws, maximum=45, fixed={5: 15, 6: 15, 7: 12, 8: 13})
    print_setup(ws, title_rows=f"{WEIGHTS_HEADER}:{WEIGHTS_HEADER}", freeze="C5")
    return WeightCells(ws.title, rows, E, H)


def write_matrix(
    ws: Worksheet,
    result: ScoreResult,
    weights: WeightCells,
    *,
    links: Mapping[str, Mapping[str, str]] | None = None,
) -> MatrixCells:
    """Fill the Matrix sheet (see the module docstring for its formulas). ``links``:
    criterion → vendor → a cell whose live value the score cell shows (``=<cell>``) instead
    of the exported number — the price criterion's live scores on the Costs sheet."""
    evaluation = result.evaluation
    leaves = list(evaluation.leaves())
    names = {v.id: v.name for v in evaluation.vendors}
    order = list(result.to_frame().index)
    values = _finite_scores(result, order, leaves)
    live = links or {}
    linked = ", ".join(sorted(live))
    write_title(
        ws,
        "Scored matrix",
        "Scores are the library's criterion scores P (0–1). Row 4 links each criterion's "
        "global weight from the Weights sheet; Total = SUMPRODUCT(weights, scores); Rank counts "
        "only eligible vendors (knocked-out vendors have none). Both are live formulas."
        + (
            f" The {linked} column follows the live price scores on the Costs sheet."
            if linked
            else ""
        ),
    )
    first_score, n = 4, len(leaves)
    total_col, rank_col = first_score + n, first_score + n + 1
    header = MATRIX_HEADER
    first, last = header + 1, header + len(order)
    _write_weight_rows(ws, leaves, weights, first_score)
    ws.row_dimensions[3].height = 45
    ws.row_dimensions[MATRIX_HEADER].height = 30
    fixed = ["Vendor", "Vendor name", "Status", "Total", "Rank"]
    taken = {f.lower() for f in fixed}
    labels = [c.id if c.id.lower() not in taken else f"{c.id} (criterion)" for c in leaves]
    write_header(ws, header, 1, [*fixed[:3], *labels, *fixed[3:]])
    weight_row = f"{absolute(4, first_score)}:{absolute(4, total_col - 1)}"
    status_range = f"{absolute(first, 3)}:{absolute(last, 3)}"
    total_range = f"{absolute(first, total_col)}:{absolute(last, total_col)}"
    rows: dict[str, int] = {}
    for i, vid in enumerate(order):
        row = first + i
        rows[vid] = row
        put(at(ws, row, 1), vid)
        put(at(ws, row, 2), names[vid])
        _write_status(ws, row, vid in result.knocked_out)
        _write_scores(
            ws, row, first_score, values[i], [live.get(c.id, {}).get(vid) for c in leaves]
        )
        scores = f"{relative(row, first_score)}:{relative(row, total_col - 1)}"
        put_formula(at(ws, row, total_col), f"=SUMPRODUCT({weight_row},{scores})", TOTAL_FORMAT)
        own = f"${get_column_letter(total_col)}{row}"
        rank = (
            f'=IF($C{row}="{ELIGIBLE}",1+SUMPRODUCT(({status_range}="{ELIGIBLE}")'
            f'*(ROUND({total_range},12)>ROUND({own},12))),"")'
        )
        put_formula(at(ws, row, rank_col), rank, RANK_FORMAT)
        at(ws, row, rank_col).font = BOLD
    add_table(ws, "Matrix", Span(header, first, last, 1, rank_col))
    if n:
        ws.conditional_formatting.add(
            f"{relative(first, first_score)}:{relative(last, total_col - 1)}",
            colour_scale(),
        )
    ws.conditional_formatting.add(
        f"{relative(first, total_col)}:{relative(last, total_col)}",
        data_bar(),
    )
    _totals_chart(ws, first, last, total_col, anchor=relative(last + 3, 1))
    put(
        at(ws, last + 2, 1),
        "Colour scale: score 0 red – 0.5 yellow – 1 green. Bars: total on a 0–1 scale.",
    )
    at(ws, last + 2, 1).font = NOTE_FONT
    fit_columns(
        ws,
        minimum=7,
        maximum=40,
        skip_rows=(1, 2, 3, last + 2),
        fixed={3: 13, total_col: 10, rank_col: 7},
    )
    print_setup(ws, title_rows=f"3:{header}", freeze=relative(first, first_score))
    return MatrixCells(ws.title, rows, total_col, rank_col)


def _finite_scores(
    result: ScoreResult, order: list[str], leaves: Sequence[Criterion]
) -> npt.NDArray[np.float64]:
    """The performance matrix, vendors in ``order`` × ``leaves``; a
    :class:`~crmselect.errors.ValidationError` if a score is missing or infinite."""
    matrix = result.matrix.reindex(index=order, columns=[c.id for c in leaves])
    values = matrix.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise ValidationError(
            "Cannot export the performance matrix",
            [Problem("ScoreResult.matrix", "has missing or infinite scores; re-run score()")],
        )
    return values


def _write_weight_rows(
    ws: Worksheet, leaves: Sequence[Criterion], weights: WeightCells, first_score: int
) -> None:
    """Rows 3 and 4 of the Matrix sheet: each leaf's label and its global weight linked
    from the Weights sheet, their sum under the Total column."""
    put(at(ws, 3, 3), "Criterion")
    put(at(ws, 4, 3), "Global weight")
    at(ws, 3, 3).font = LABEL_FONT
    at(ws, 4, 3).font = LABEL_FONT
    for j, c in enumerate(leaves):
        column = first_score + j
        put(at(ws, 3, column), c.label)
        at(ws, 3, column).alignment = SMALL_WRAP
        at(ws, 3, column).font = NOTE_FONT
        put_formula(at(ws, 4, column), f"={weights.global_ref(c.id)}", WEIGHT_FORMAT)
    total_col = first_score + len(leaves)
    put_formula(
        at(ws, 4, total_col),
        f"=SUM({relative(4, first_score)}:{relative(4, total_col - 1)})",
        WEIGHT_FORMAT,
    )


def _write_status(ws: Worksheet, row: int, out: bool) -> None:
    """A vendor's Status cell: eligible, or knocked out (highlighted)."""
    put(at(ws, row, 3), KNOCKED_OUT if out else ELIGIBLE)
    if out:
        at(ws, row, 3).fill = KO_FILL
        at(ws, row, 3).font = KO_FONT


def _write_scores(
    ws: Worksheet,
    row: int,
    first_score: int,
    scores: npt.NDArray[np.float64],
    links: Sequence[str | None],
) -> None:
    """A vendor's score cells from ``first_score`` on: the exported score, or a formula
    showing the live value of the cell its link names."""
    for j, (score, link) in enumerate(zip(scores, links, strict=True)):
        if link is None:
            put(at(ws, row, first_score + j), float(score), SCORE_FORMAT)
        else:
            put_formula(at(ws, row, first_score + j), f"={link}", SCORE_FORMAT)


def _totals_chart(ws: Worksheet, first: int, last: int, total_col: int, anchor: str) -> None:
    """A bar chart of the live totals (categories: vendor names)."""
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = "Total score (live)"
    chart.y_axis.title = "total (0–1)"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.x_axis.scaling.orientation = "maxMin"  # best first, at the top
    chart.legend = None
    chart.gapWidth = 40
    chart.y_axis.number_format = "0.0"
    chart.y_axis.majorUnit = 0.1
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    data = Reference(ws, min_col=total_col, min_row=first - 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
    chart.height = max(6, round(0.6 * (last - first + 1) + 2.5))
    chart.width = 18
    ws.add_chart(chart, anchor)
