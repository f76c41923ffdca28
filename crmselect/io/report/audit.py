"""The **Audit** sheet of the comparison workbook: every setting the scoring used.

Values only: provenance, the compliance scale (levels, labels, scores, whether a level
satisfies a mandatory requirement, accepted aliases), the MoSCoW requirement weights, the
missing-answer policy, the demo scale, each leaf criterion's blend of RFP answers and demo
scores (``P = (1 − s)·rfp + s·demo``), the list of missing answers and demo scores with how
each was treated (``ScoreResult.missing``), and any further tables the caller passes (e.g.
import problem reports).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from crmselect.io.excel.cells import (
    LABEL_FONT,
    LEFT,
    SHARE_FORMAT,
    at,
    fit_columns,
    print_setup,
    put,
    write_frame,
    write_section,
    write_title,
)
from crmselect.model import MissingPolicy
from crmselect.scoring import ScoreResult, demo_share

AUDIT_TABLE_ROWS = 20_000
"""Rows of one table on the Audit sheet; the rest are counted in a row under it, so that the
sheet stays far below a worksheet's 1,048,576 rows however many findings there are."""
_MISSING_WHERE = "missing.csv of `crmselect evaluate --out FOLDER` (ScoreResult.missing)"
_EXTRA_WHERE = (
    "the output of `crmselect import` (every finding of the returned workbooks), or the same "
    "table in Python (Evaluation.import_problems)"
)
_MISSING_RULE = {
    MissingPolicy.ZERO: "a missing answer scores 0 (nobody gains by leaving a line blank)",
    MissingPolicy.IGNORE: "a missing answer is left out of the vendor's criterion mean",
}


def write_pairs(ws: Worksheet, row: int, pairs: Sequence[tuple[str, object]]) -> int:
    """Label–value rows (label bold in column A, value in B); returns the next free row."""
    for label, value in pairs:
        put(at(ws, row, 1), label)
        at(ws, row, 1).font = LABEL_FONT
        cell = at(ws, row, 2)
        put(cell, value, "#,##0" if isinstance(value, int) else None)
        cell.alignment = LEFT
        row += 1
    return row + 1


def _write_capped(
    ws: Worksheet, frame: pd.DataFrame, row: int, name: str, *, index: bool, where: str
) -> int:
    """``frame`` as a table of at most :data:`AUDIT_TABLE_ROWS` rows; when it has more, a
    row under it says how many were left out and ``where`` the full list is. Returns the
    next free row."""
    shown = frame.iloc[:AUDIT_TABLE_ROWS]
    row = write_frame(ws, shown, row, name=name, index=index).next_row
    left_out = len(frame) - len(shown)
    if left_out:
        put(
            at(ws, row, 1),
            f"… and {left_out:,} more rows, not shown (the first {AUDIT_TABLE_ROWS:,} are); "
            f"the full list: {where}",
        )
        row += 1
    return row + 1


def _frame_of(frame: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """The frame and whether its index carries information (not a plain 0…n−1 range)."""
    plain = isinstance(frame.index, pd.RangeIndex) and frame.index.name is None
    return frame, not plain


def write_audit(
    ws: Worksheet,
    result: ScoreResult,
    provenance: Sequence[tuple[str, object]],
    extra: Mapping[str, pd.DataFrame] | None,
) -> None:
    """Fill the Audit sheet."""
    evaluation = result.evaluation
    policy = evaluation.policy
    write_title(
        ws,
        "Audit: settings and data quality",
        "Everything the scores depend on besides the answers, and everything that was missing.",
    )
    row = write_section(ws, 4, "Provenance")
    row = write_pairs(ws, row, provenance)

    row = write_section(
        ws,
        row,
        "Compliance scale (RFP answers)",
        "A mandatory requirement answered with a level that does not satisfy it, or not "
        "answered, knocks the vendor out.",
    )
    scale = pd.DataFrame(
        [
            {
                "Key": level.key,
                "Label": level.label,
                "Score": level.score,
                "Satisfies a mandatory requirement": "yes" if level.satisfies_mandatory else "no",
                "Aliases": ", ".join(level.aliases),
            }
            for level in evaluation.scale.levels
        ]
    )
    row = write_frame(ws, scale, row, name="ComplianceScale", index=False).next_row + 1

    row = write_section(
        ws,
        row,
        "Requirement weights (MoSCoW)",
        "rfp score of a criterion = Σ weight · answer score / Σ weight over its requirements.",
    )
    priorities = pd.DataFrame(
        [{"Priority": p.value, "Weight": w} for p, w in policy.priority_weights.items()]
    )
    row = write_frame(ws, priorities, row, name="PriorityWeights", index=False).next_row + 1

    row = write_section(ws, row, "Scoring policy")
    row = write_pairs(
        ws,
        row,
        [
            ("Missing answers", f"{policy.missing.value}: {_MISSING_RULE[policy.missing]}"),
            ("Default demo share", f"{policy.demo_share:.0%}"),
            (
                "Demo scale",
                f"{evaluation.demo_scale.minimum:g} to {evaluation.demo_scale.maximum:g}, "
                "normalised linearly to 0–1",
            ),
        ],
    )

    row = write_section(
        ws,
        row,
        "Blend of RFP answers and demo scores per leaf criterion",
        "P = (1 − demo share) · rfp score + demo share · demo score; the share is 0 where no "
        "demo script exercises the criterion and 1 where it has no weighted requirements.",
    )
    scripts: dict[str, list[str]] = {}
    for s in evaluation.demo_scripts:
        for cid in s.criteria:
            scripts.setdefault(cid, []).append(s.id)
    weights = policy.priority_weights
    blend = pd.DataFrame(
        [
            {
                "Criterion": c.id,
                "Name": c.label,
                "Weighted requirements": sum(
                    1
                    for r in evaluation.requirements
                    if r.criterion == c.id and weights[r.priority]
                ),
                "Demo scripts": ", ".join(scripts.get(c.id, [])),
                "Demo share": demo_share(evaluation, c),
            }
            for c in evaluation.leaves()
        ]
    )
    row = (
        write_frame(
            ws, blend, row, name="CriterionBlend", index=False, formats={"Demo share": SHARE_FORMAT}
        ).next_row
        + 1
    )

    missing = result.missing
    row = write_section(
        ws,
        row,
        f"Missing answers and demo scores ({len(missing):,})",
        "Every gap in the input and how scoring treated it.",
    )
    row = _write_capped(ws, missing, row, "Missing", index=False, where=_MISSING_WHERE)

    for i, (title, frame) in enumerate((extra or {}).items(), start=1):
        row = write_section(ws, row, str(title))
        data, with_index = _frame_of(frame)
        row = _write_capped(ws, data, row, f"Audit{i}", index=with_index, where=_EXTRA_WHERE)

    fit_columns(ws, maximum=40, sample_rows=2000, fixed={1: 26})
    print_setup(ws, freeze="A4")
