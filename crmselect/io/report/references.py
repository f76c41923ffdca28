"""The References sheet of the comparison workbook: the reference calls, one row per call
× question (vendor, call, the referee's role and organisation type, criterion, score on
the reference scale; blank: not given), and per vendor the reference criterion score
``ref_vc`` (formula R1 of :mod:`crmselect.references`) under the share ``q_c`` it enters
the performance matrix with (formulas R2, R3).

The rows come from :func:`~crmselect.references.calls_table`, which holds neither the
organisation nor the referee's name (:func:`~crmselect.references.confidential_fields`):
the workbook may be shown beyond the committee, the referees' names never are.
"""

from __future__ import annotations

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from crmselect.io.excel.cells import (
    fit_columns,
    print_setup,
    write_frame,
    write_section,
    write_title,
)
from crmselect.model import Evaluation
from crmselect.references import calls_table, reference_criterion_scores, reference_shares
from crmselect.scoring import ScoreResult


def has_calls(evaluation: Evaluation) -> bool:
    """Whether ``evaluation`` has reference calls: the workbook has a References sheet."""
    return evaluation.references is not None and bool(evaluation.references.calls)


def write_references(ws: Worksheet, result: ScoreResult) -> None:
    """Fill the References sheet of ``result``'s evaluation (module docstring)."""
    evaluation = result.evaluation
    refs = evaluation.references
    asked = list(refs.asked()) if refs is not None else []
    scale = f"{refs.scale.minimum:g}–{refs.scale.maximum:g}" if refs is not None else ""
    write_title(
        ws,
        "References: the reference calls and their scores",
        f"Scores on the reference scale {scale}; blank: not given. The referees' names and "
        "organisations are confidential and not in this workbook.",
    )
    row = write_section(ws, 4, "Reference calls")
    calls = calls_table(evaluation).rename(columns={"role": "referee_role"})
    span = write_frame(ws, calls, row, name="ReferenceCalls", index=False, formats={"score": "0.0"})
    row = write_section(
        ws,
        span.next_row + 1,
        "Reference criterion scores",
        "ref_vc: mean normalised score of the vendor's calls (0–1); blended into the matrix "
        "as P' = (1 − q_c) · P + q_c · ref_vc with the share q_c in the first row.",
    )
    scores = reference_criterion_scores(evaluation)[asked]
    shares = reference_shares(evaluation)[asked].to_frame("share q_c").T
    table = pd.concat([shares, scores]).rename_axis("vendor")
    write_frame(ws, table, row, name="ReferenceScores", default_format="0.00")
    fit_columns(ws)
    print_setup(ws, freeze="A5")
