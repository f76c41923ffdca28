"""The reference calls in the text report: per vendor, each call (the referee's role and
organisation type, who called and when) and the score given per criterion on the
reference scale, then the reference criterion score ``ref_vc`` (formula R1 of
:mod:`crmselect.references`) and the share ``q_c`` it enters the performance matrix with
(formulas R2, R3: ``P'_vc = (1 − q_c) · P_vc + q_c · ref_vc``).

The organisation and the referee's name are confidential (:func:`~crmselect.references
.confidential_fields`): the report is built from :func:`~crmselect.references.calls_table`,
which does not hold them, so they cannot reach a report handed to a vendor.
"""

from __future__ import annotations

import math

import pandas as pd

from crmselect.model import Evaluation
from crmselect.references import (
    References,
    calls_table,
    reference_criterion_scores,
    reference_shares,
)


def references_report(evaluation: Evaluation) -> str:
    """The reference calls of ``evaluation`` as text; ``""`` when it has none.

    >>> import attrs, crmselect
    >>> from crmselect.references import References, ReferenceCall, ReferenceQuestion
    >>> from crmselect.references import ReferenceScore
    >>> refs = References(
    ...     questions=[ReferenceQuestion("sfa", "Does the pipeline work for you?")],
    ...     calls=[ReferenceCall("c1", "orbis", "Head of Sales", "manufacturer", "Mill", "Z.")],
    ...     scores=[ReferenceScore("c1", "sfa", 4.0)],
    ...     share=0.2,
    ... )
    >>> print(references_report(attrs.evolve(crmselect.example(), references=refs)))
    Reference calls (1; scores 0–5; referees' names and organisations are confidential)
      orbis
        c1 Head of Sales (manufacturer): sfa 4
        reference score ref_vc (0–1) × share q_c: sfa 0.80 × 0.20
    """
    refs = evaluation.references
    if refs is None or not refs.calls:
        return ""
    table = calls_table(evaluation)
    low, high = refs.scale.minimum, refs.scale.maximum
    lines = [
        f"Reference calls ({len(refs.calls)}; scores {low:g}–{high:g}; referees' names and "
        "organisations are confidential)"
    ]
    ref_scores = reference_criterion_scores(evaluation)
    shares = reference_shares(evaluation)
    for key, rows in table.groupby("vendor", sort=False):
        vendor = str(key)
        lines.append(f"  {vendor}")
        lines += [
            _call_line(refs, str(call), calls) for call, calls in rows.groupby("call", sort=False)
        ]
        blend = [
            f"{q} {_number(ref_scores.loc[vendor, q], '.2f')} × {shares[q]:.2f}"
            for q in refs.asked()
        ]
        lines.append(f"    reference score ref_vc (0–1) × share q_c: {', '.join(blend)}")
    return "\n".join(lines)


def _call_line(refs: References, call: str, rows: pd.DataFrame) -> str:
    """One call: ``c1 Head of Sales (manufacturer), by e1 on 2026-03-02: sfa 4, mkt –``."""
    made = refs.call(call)
    by = f", by {made.caller}" if made.caller else ""
    on = f" on {made.date}" if made.date else ""
    scores = ", ".join(f"{r.criterion} {_number(r.score, 'g')}" for r in rows.itertuples())
    return f"    {call} {made.role} ({made.organisation_type}){by}{on}: {scores}"


def _number(value: object, spec: str) -> str:
    """``value`` formatted with ``spec``; ``–`` when it is missing (NaN)."""
    number = float(value)  # type: ignore[arg-type]
    return "–" if math.isnan(number) else format(number, spec)
