"""Scored reference checks: calls to a vendor's customers, scored per criterion, blended in.

A committee member calls a referee the vendor named — someone in a given *role* at a
customer *organisation* — and asks one question per criterion the committee chose
(:class:`ReferenceQuestion`), scoring each answer on the reference scale (0–5 by default;
higher is better) with a note (:class:`ReferenceScore`). Each call is a
:class:`ReferenceCall`: the vendor, the referee's role and organisation type (shown), the
organisation and the referee's name (**confidential**), who made the call and when. All of
it is one :class:`References`, held by :attr:`crmselect.model.Evaluation.references`.

The formulas, numbered after :mod:`crmselect.scoring`'s (which applies R3 in its blend):

R1. **Reference criterion score** ``ref_vc`` = the mean, over the calls *k* of vendor *v*
    with a usable score for criterion *c*, of the normalised score
    ``(x_kc − min) / (max − min)``. A call without a score for *c* (blank, or excluded on
    import) is left out of the mean; NaN when no call of *v* scored *c*.
R2. **Reference share** ``q_c`` = 0 when no question covers *c*; else ``shares[c]`` when
    given; else the default ``share`` — which is **0**, so a tender that sets no share
    scores exactly as it did without references.
R3. **Reference blend**, after the demo blend (formula 5)::

        P'_vc = (1 − q_c) · P_vc + q_c · ref_vc

    — formula 5's blend again (:func:`crmselect.scoring.blend_arrays`), so a missing
    ``ref_vc`` follows the policy's ``missing`` rule as a missing demo part does: ``zero``
    counts it 0, ``ignore`` keeps ``P_vc``. :func:`reference_missing` lists every missing
    score and its treatment.

**Why a blend, not a separate criterion.** References are evidence *about* criteria the
committee already weighs (does the pipeline work as demonstrated, did the partner deliver
on time) — a further source for the same leaf, like a demo, not a new thing to value. A
criterion of its own would take weight from the tree (a change of the frozen award basis
for every existing tender) and would double-count what the leaf already scores; a share per
criterion leaves the weights alone and is 0 unless the committee sets it.

**Confidential.** The organisation and the referee's name are marked
``metadata={"confidential": True}`` (:func:`confidential_fields`) and kept out of every
``repr``. Nothing meant for vendors (RFP templates, script packs) reads
:attr:`~crmselect.model.Evaluation.references` at all; the reference instruments
(:mod:`crmselect.io.forms.reference_calls`) show role and organisation type only; and
:func:`calls_frame` — what reports show — leaves both out unless
``confidential=False`` is asked for (an export for the committee only).

>>> import crmselect
>>> from crmselect.model import Criterion, Requirement, Vendor
>>> refs = References(
...     questions=(ReferenceQuestion("fit", "Does it do what was promised?"),),
...     calls=(
...         ReferenceCall("c1", "a", "Head of Sales", "manufacturer", "Acme", "J. Doe"),
...         ReferenceCall("c2", "a", "CRM lead", "retailer", "Shop", "P. Roe"),
...     ),
...     scores=(ReferenceScore("c1", "fit", 4.0), ReferenceScore("c2", "fit", 2.0)),
...     share=0.5,
... )
>>> evaluation = crmselect.model.Evaluation(
...     "demo",
...     [Criterion("fit", weight=1)],
...     [Requirement("R1", "Pipeline", "fit")],
...     [Vendor("a", "A")],
...     references=refs,
... )
>>> round(float(reference_criterion_scores(evaluation).loc["a", "fit"]), 12)  # (0.8 + 0.4) / 2
0.6
>>> "J. Doe" in repr(refs) or "J. Doe" in calls_frame(evaluation).to_string()
False
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from crmselect.converters import as_tuple
from crmselect.errors import Problem, ValidationError
from crmselect.scales import DemoScale

if TYPE_CHECKING:
    from crmselect.model import Evaluation

__all__ = [
    "CONFIDENTIAL",
    "ReferenceCall",
    "ReferenceQuestion",
    "ReferenceScore",
    "References",
    "calls_frame",
    "calls_table",
    "confidential_fields",
    "reference_criterion_scores",
    "reference_missing",
    "reference_problems",
    "reference_share",
    "reference_shares",
]

CONFIDENTIAL = "confidential"
"""The attrs metadata key marking a field that must never reach a vendor."""
_SECRET: dict[str, Any] = {CONFIDENTIAL: True}


def _text(value: object) -> str:
    return str(value).strip()


@attrs.frozen
class ReferenceQuestion:
    """The question asked of every referee about leaf criterion ``criterion``."""

    criterion: str = attrs.field(converter=_text)
    text: str = attrs.field(converter=_text)


@attrs.frozen
class ReferenceCall:
    """One reference call: the vendor whose customer was called, the referee's ``role`` and
    the ``organisation_type`` (shown in reports), the ``organisation`` and the referee's
    ``name`` (confidential: :func:`confidential_fields`, never in a ``repr``), who made the
    call (``caller``, a panel member's id) and on which ISO ``date``."""

    id: str = attrs.field(converter=_text)
    vendor: str = attrs.field(converter=_text)
    role: str = attrs.field(converter=_text)
    organisation_type: str = attrs.field(converter=_text)
    organisation: str = attrs.field(converter=_text, repr=False, metadata=_SECRET)
    name: str = attrs.field(converter=_text, repr=False, metadata=_SECRET)
    caller: str = attrs.field(default="", converter=_text)
    date: str = attrs.field(default="", converter=_text)


@attrs.frozen
class ReferenceScore:
    """What the referee of call ``call`` said about ``criterion``: ``score`` on the
    reference scale (``None`` when not given or excluded on import) and the caller's
    ``note``; ``origin`` is the cell it was read from."""

    call: str
    criterion: str
    score: float | None
    note: str = ""
    origin: str = attrs.field(default="", eq=False)


def confidential_fields(kind: type[Any] = ReferenceCall) -> tuple[str, ...]:
    """The fields of the attrs class ``kind`` marked confidential."""
    return tuple(a.name for a in attrs.fields(kind) if a.metadata.get(CONFIDENTIAL))


def _share(value: object) -> float:
    share = float(value)  # type: ignore[arg-type]
    if not 0.0 <= share <= 1.0:
        raise ValidationError(
            "Invalid reference share", [Problem("references", f"share {share:g} not in [0, 1]")]
        )
    return share


def _shares(value: Mapping[str, object]) -> Mapping[str, float]:
    return {str(k): _share(v) for k, v in value.items()}


@attrs.frozen
class References:
    """The reference checks of a tender: the questions, the calls made, the scores given,
    and the reference shares ``q_c`` (formula R2: ``shares`` per criterion, else ``share``,
    default 0) on ``scale`` (0–5 by default)."""

    questions: tuple[ReferenceQuestion, ...] = attrs.field(default=(), converter=as_tuple)
    calls: tuple[ReferenceCall, ...] = attrs.field(default=(), converter=as_tuple)
    scores: tuple[ReferenceScore, ...] = attrs.field(default=(), converter=as_tuple)
    share: float = attrs.field(default=0.0, converter=_share)
    shares: Mapping[str, float] = attrs.field(factory=dict, converter=_shares)
    scale: DemoScale = attrs.field(factory=lambda: DemoScale(0, 5))

    def call(self, call_id: str) -> ReferenceCall:
        """The call ``call_id``; :class:`KeyError` when there is none."""
        return {c.id: c for c in self.calls}[call_id]

    def asked(self) -> tuple[str, ...]:
        """The criteria a question covers, in question order."""
        return tuple(q.criterion for q in self.questions)

    def __repr__(self) -> str:
        return (
            f"<References {len(self.questions)} questions, {len(self.calls)} calls, "
            f"{sum(s.score is not None for s in self.scores)} scores>"
        )


def reference_problems(evaluation: Evaluation) -> list[Problem]:
    """Everything wrong with ``evaluation.references`` against the evaluation: questions on
    unknown, non-leaf or price criteria or asked twice, shares of criteria without a
    question, calls of unknown vendors or by callers not on the panel, call ids used twice,
    dates that are not ISO dates, scores of unknown calls or criteria, off the scale, or
    given twice."""
    refs = evaluation.references
    if refs is None:
        return []
    leaves = {c.id for c in evaluation.leaves()}
    price = evaluation.price.criterion if evaluation.price is not None else None
    found = _question_problems(refs, leaves, price)
    found += _call_problems(refs, evaluation)
    found += _score_problems(refs)
    return found


def _question_problems(refs: References, leaves: set[str], price: str | None) -> list[Problem]:
    found = []
    for criterion, count in Counter(refs.asked()).items():
        where = f"references.questions: {criterion}"
        if criterion not in leaves:
            found.append(Problem(where, f"{criterion!r} is not a leaf criterion"))
        elif criterion == price:
            found.append(Problem(where, f"{criterion!r} is the price criterion, scored from bids"))
        if count > 1:
            found.append(Problem(where, f"{count} questions for {criterion!r}; ask one"))
    found += [
        Problem(f"references.shares: {c}", f"{c!r} has a share but no question")
        for c in refs.shares
        if c not in refs.asked()
    ]
    return found


def _call_problems(refs: References, evaluation: Evaluation) -> list[Problem]:
    panel = {e.id for e in evaluation.evaluators}
    found = [
        Problem(f"references.calls: {call}", f"call id {call!r} is used {n} times")
        for call, n in Counter(c.id for c in refs.calls).items()
        if n > 1
    ]
    for c in refs.calls:
        where = f"references.calls: {c.id}"
        if not c.id:
            found.append(Problem(where, "call id is empty"))
        if c.vendor not in evaluation.vendor_ids:
            found.append(Problem(where, f"unknown vendor {c.vendor!r}"))
        if c.caller and c.caller not in panel:
            found.append(Problem(where, f"caller {c.caller!r} is not on the panel (evaluators)"))
        if c.date and not _iso_date(c.date):
            found.append(Problem(where, f"date {c.date!r} is not an ISO date (2026-03-31)"))
    return found


def _iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _score_problems(refs: References) -> list[Problem]:
    calls, asked = {c.id for c in refs.calls}, set(refs.asked())
    found = []
    for s in refs.scores:
        where = s.origin or f"references.scores: {s.call}/{s.criterion}"
        if s.call not in calls:
            found.append(Problem(where, f"unknown call {s.call!r}"))
        if s.criterion not in asked:
            found.append(Problem(where, f"no question for criterion {s.criterion!r}"))
        if s.score is not None and not refs.scale.contains(s.score):
            low, high = refs.scale.minimum, refs.scale.maximum
            found.append(Problem(where, f"score {s.score:g} is off the scale {low:g}..{high:g}"))
    found += [
        Problem(f"references.scores: {call}/{criterion}", "scored twice")
        for (call, criterion), n in Counter((s.call, s.criterion) for s in refs.scores).items()
        if n > 1
    ]
    return found


def reference_share(evaluation: Evaluation, criterion: str) -> float:
    """The reference share ``q_c`` of leaf ``criterion`` (formula R2)."""
    refs = evaluation.references
    if refs is None or criterion not in refs.asked():
        return 0.0
    return refs.shares.get(criterion, refs.share)


def reference_shares(evaluation: Evaluation) -> pd.Series:
    """Leaf criterion → its reference share ``q_c`` (formula R2)."""
    return pd.Series(
        {c.id: reference_share(evaluation, c.id) for c in evaluation.leaves()}, dtype=float
    )


def reference_criterion_scores(evaluation: Evaluation) -> pd.DataFrame:
    """Vendors × leaf criteria: ``ref_vc`` of formula R1 (NaN where no call of the vendor
    scored the criterion, and for criteria without a question)."""
    vendors = pd.Index(evaluation.vendor_ids, name="vendor")
    leaves = pd.Index([c.id for c in evaluation.leaves()], name="criterion")
    refs = evaluation.references
    frame = pd.DataFrame(np.nan, index=vendors, columns=leaves)
    if refs is None:
        return frame
    vendor_of = {c.id: c.vendor for c in refs.calls}
    given: dict[tuple[str, str], list[float]] = {}
    for s in refs.scores:
        if s.score is not None and s.call in vendor_of:
            given.setdefault((vendor_of[s.call], s.criterion), []).append(
                refs.scale.normalise(s.score)
            )
    for (vendor, criterion), values in given.items():
        frame.loc[vendor, criterion] = float(np.mean(values))
    return frame


MISSING_COLUMNS = ["vendor", "call", "criterion", "treatment"]


def reference_missing(evaluation: Evaluation) -> pd.DataFrame:
    """Every missing reference score and how formulas R1 and R3 treat it: a call's blank
    score is left out of the vendor's mean; a vendor with no score at all for a criterion
    whose share is above 0 counts 0 (policy ``zero``) or keeps its RFP and demo score
    (``ignore``)."""
    refs = evaluation.references
    rows: list[tuple[str, str, str, str]] = []
    if refs is not None:
        scored = {(s.call, s.criterion) for s in refs.scores if s.score is not None}
        for c in refs.calls:
            rows += [
                (c.vendor, c.id, q, "left out of the mean over calls")
                for q in refs.asked()
                if (c.id, q) not in scored
            ]
        absent = reference_criterion_scores(evaluation).isna()
        whole = "counts 0" if evaluation.policy.missing.value == "zero" else "RFP and demo only"
        rows += [
            (v, "", q, f"no reference score at all: {whole}")
            for v in evaluation.vendor_ids
            for q in refs.asked()
            if reference_share(evaluation, q) > 0 and bool(absent.loc[v, q])
        ]
    return pd.DataFrame(rows, columns=MISSING_COLUMNS)


def calls_frame(evaluation: Evaluation, *, confidential: bool = True) -> pd.DataFrame:
    """One row per reference call: vendor, role, organisation type, caller, date and how
    many criteria were scored. ``confidential=False`` adds the organisation and the
    referee's name — an export for the committee only, never for a vendor."""
    refs = evaluation.references
    hidden = set(confidential_fields()) if confidential else set()
    columns = [a.name for a in attrs.fields(ReferenceCall) if a.name not in hidden]
    if refs is None:
        return pd.DataFrame(columns=[*columns, "scored"]).set_index("id")
    scored = Counter(s.call for s in refs.scores if s.score is not None)
    rows = [
        {**{name: getattr(c, name) for name in columns}, "scored": scored[c.id]} for c in refs.calls
    ]
    return pd.DataFrame(rows, columns=[*columns, "scored"]).set_index("id")


CALLS_TABLE_COLUMNS = ["vendor", "call", "role", "organisation_type", "criterion", "score"]


def calls_table(evaluation: Evaluation) -> pd.DataFrame:
    """One row per reference call × question asked, in vendor order: the vendor, the call,
    the referee's role and organisation type, the criterion and the score on the reference
    scale (NaN: not given, or excluded on import) — what the reports show, never the
    organisation or the referee's name (:func:`confidential_fields`).

    >>> import crmselect
    >>> from crmselect.model import Criterion, Requirement, Vendor
    >>> refs = References(
    ...     questions=(ReferenceQuestion("fit", "Does it do what was promised?"),),
    ...     calls=(ReferenceCall("c1", "a", "Head of Sales", "retailer", "Shop", "P. Roe"),),
    ...     scores=(ReferenceScore("c1", "fit", 4.0),),
    ... )
    >>> evaluation = crmselect.model.Evaluation(
    ...     "demo", [Criterion("fit", weight=1)], [Requirement("R1", "Pipeline", "fit")],
    ...     [Vendor("a", "A")], references=refs)
    >>> calls_table(evaluation).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'vendor': 'a', 'call': 'c1', 'role': 'Head of Sales', 'organisation_type': 'retailer',
      'criterion': 'fit', 'score': 4.0}]
    """
    refs = evaluation.references
    if refs is None:
        return pd.DataFrame(columns=CALLS_TABLE_COLUMNS)
    given = {(s.call, s.criterion): s.score for s in refs.scores}
    order = {vendor: i for i, vendor in enumerate(evaluation.vendor_ids)}
    calls = sorted(refs.calls, key=lambda c: order.get(c.vendor, len(order)))
    rows = [
        (c.vendor, c.id, c.role, c.organisation_type, q, given.get((c.id, q)))
        for c in calls
        for q in refs.asked()
    ]
    frame = pd.DataFrame(rows, columns=CALLS_TABLE_COLUMNS)
    frame["score"] = pd.to_numeric(frame["score"]).astype(float)
    return frame
