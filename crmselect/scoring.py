"""Weighted scoring with knock-outs: from answers and demo scores to totals and ranks.

Pure functions of an :class:`~crmselect.model.Evaluation`; :func:`score` ties them together.
The requirement side (formulas 1–3) works on the evaluation's integer-coded answers
(:attr:`~crmselect.model.Evaluation.coded_answers`, :mod:`crmselect.model.answers`), built
once per evaluation: nothing loops over vendors × requirements in Python.

1. **Requirement score** ``a_vr`` = the compliance scale's score of vendor *v*'s answer to
   requirement *r* (NaN when blank or absent).
2. **Knock-outs**: a vendor whose answer to a *mandatory* requirement does not satisfy it
   (``roadmap`` or ``not_supported`` on the default scale), is missing, or was excluded
   on import is knocked out; every failed requirement is listed as a reason (an excluded
   answer with the cell and what was typed: clarify it before deciding).
3. **RFP criterion score**, per leaf criterion *c*, a priority-weighted mean::

       rfp_vc = Σ_{r∈c} p_r · a_vr / Σ_{r∈c} p_r        (p_r = MoSCoW weight of r)

   where r's priority is raised when it supports a weak business process
   (:func:`effective_priorities`).

   Missing answers count 0 (policy ``zero``) or are left out of both sums (``ignore``).
4. **Demo criterion score**: each demo score normalised to [0, 1]; the panel's score per
   (vendor, script, criterion) — by default the mean over evaluators; the policy's
   ``demo_aggregation`` may choose median, trimmed mean, evaluator weights or bias
   normalisation, and scores agreed in moderation replace it (:mod:`crmselect.consensus`);
   then the mean over the scripts exercising *c*.
5. **Blend**: ``P_vc = (1 − s_c) · rfp_vc + s_c · demo_vc``, with ``s_c`` the criterion's
   demo share (0 where no script exercises *c*, 1 where *c* has no weighted requirements).
   A **price criterion** (``Evaluation.price``) takes its column from the bids instead:
   ``P_v,price`` = the price score of vendor *v*'s bid (:func:`price_table`), scored among
   the vendors not knocked out. Reference checks then blend in by the same rule, with
   the reference share ``q_c`` (0 unless set; formula R3 of :mod:`crmselect.references`).
6. **Total** ``T_v = Σ_c P_vc · w_c`` with ``w`` the global leaf weights
   (:func:`crmselect.weights.global_weights`); vendors not knocked out are ranked by
   ``T`` in descending order, and equal totals share a rank (competition ranking 1, 1, 3).

Nothing is dropped silently: every missing answer and missing demo score is listed in
:attr:`ScoreResult.missing` with how it was treated.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect._version import __version__
from crmselect.consensus import (
    ConsensusScores,
    PanelAggregate,
    aggregate_scores,
    apply_moderation,
    panel_item_scores,
)
from crmselect.consensus._panel import object_array
from crmselect.consensus.aggregate import matrix_frame
from crmselect.display import html_table
from crmselect.errors import ImportProblem, Problem, ValidationError
from crmselect.model import (
    Criterion,
    Evaluation,
    MissingPolicy,
    PriceBasis,
    PriceCriterion,
    Priority,
)
from crmselect.model.answers import NO_ANSWER
from crmselect.price import abnormally_low, limit_notes, price_scores
from crmselect.ranking import rank
from crmselect.references import reference_criterion_scores, reference_shares
from crmselect.weights import global_weights

if TYPE_CHECKING:
    from matplotlib.axes import Axes

MISSING_COLUMNS = ["vendor", "kind", "item", "criterion", "treatment"]


def requirement_scores(evaluation: Evaluation) -> pd.DataFrame:
    """Vendors × requirements matrix of answer scores in [0, 1]; NaN where no answer
    (formula 1, from the evaluation's :attr:`~crmselect.model.Evaluation.coded_answers`)."""
    return pd.DataFrame(
        evaluation.coded_answers.score.copy(),
        index=pd.Index(evaluation.vendor_ids, name="vendor"),
        columns=_layout(evaluation).requirements,
    )


_MOSCOW_UP = (Priority.COULD, Priority.SHOULD, Priority.MUST)


def effective_priorities(evaluation: Evaluation) -> dict[str, Priority]:
    """Requirement id → the priority scoring uses, after the process-rating uplift.

    A requirement that supports a weak business process rises by the policy's number of
    MoSCoW steps for that process's rating (could → should → must; the largest uplift over
    all its processes applies; must is the ceiling; ``wont`` stays out of scope) — so that
    the committee's process review (seed 003, needs specification) shows in the scores.
    """
    steps: dict[str, int] = {}
    for process in evaluation.processes:
        uplift = evaluation.policy.process_uplift[process.rating]
        for rid in process.requirements:
            steps[rid] = max(steps.get(rid, 0), uplift)
    result = {}
    for r in evaluation.requirements:
        if r.priority is Priority.WONT or not steps.get(r.id):
            result[r.id] = r.priority
        else:
            position = _MOSCOW_UP.index(r.priority) + steps[r.id]
            result[r.id] = _MOSCOW_UP[min(position, len(_MOSCOW_UP) - 1)]
    return result


def process_gaps(evaluation: Evaluation) -> pd.DataFrame:
    """The gap analysis: which processes drive which requirements, and what it does to them.

    One row per (process, requirement): ``process``, ``rating``, ``requirement``,
    ``criterion``, ``stated`` and ``effective`` priority (see :func:`effective_priorities`).
    """
    effective = effective_priorities(evaluation)
    requirements = {r.id: r for r in evaluation.requirements}
    rows = [
        {
            "process": p.id,
            "rating": p.rating.value,
            "requirement": rid,
            "criterion": requirements[rid].criterion,
            "stated": requirements[rid].priority.value,
            "effective": effective[rid].value,
        }
        for p in evaluation.processes
        for rid in p.requirements
    ]
    columns = ["process", "rating", "requirement", "criterion", "stated", "effective"]
    return pd.DataFrame(rows, columns=columns)


def excluded_answers(evaluation: Evaluation) -> dict[tuple[str, str], ImportProblem]:
    """(vendor, requirement) → the import finding that excluded the vendor's answer.

    An answer read from a returned workbook (its ``origin`` is ``file!sheet!cell``) whose
    compliance the importer could not use — a value outside the drop-down, a formula, a
    changed requirement text — comes back blank, and the error it caused is among
    ``evaluation.import_problems``: the one at the answer's cell, else the first error
    about that requirement in that file.
    """
    errors: dict[tuple[str, str], list[ImportProblem]] = {}
    for p in evaluation.import_problems:
        if p.severity == "error" and p.requirement:
            errors.setdefault((p.file, p.requirement), []).append(p)
    found: dict[tuple[str, str], ImportProblem] = {}
    if not errors:
        return found
    for position in evaluation.coded_answers.blank.tolist():
        a = evaluation.responses[position]
        if not a.origin:
            continue
        candidates = errors.get((a.origin.split("!")[0], a.requirement), [])
        if candidates:
            at_cell = [p for p in candidates if p.place == a.origin]
            found[(a.vendor, a.requirement)] = (at_cell or candidates)[0]
    return found


def knockouts(evaluation: Evaluation) -> dict[str, tuple[str, ...]]:
    """Vendor id → reasons it is knocked out (only knocked-out vendors appear).

    A mandatory requirement knocks a vendor out when the answer's level does not satisfy
    mandatory requirements (on the default scale ``roadmap`` and ``not_supported``), or
    when there is no answer. An answer the importer excluded (:func:`excluded_answers`)
    is not silence: its reason names the cell and what was typed, ``"R3: answer excluded
    (acme.xlsx!Requirements!F4: 'Mostly') — clarify before deciding"``.
    """
    coded = evaluation.coded_answers
    mandatory = np.flatnonzero(coded.mandatory)
    levels = evaluation.scale.levels
    # the last entry is what NO_ANSWER (-1) picks: no answer never satisfies
    satisfies = np.array([lvl.satisfies_mandatory for lvl in levels] + [False])
    level = coded.level[:, mandatory]
    failed = np.nonzero(~satisfies[level])  # row-major: by vendor, then requirement
    excluded = excluded_answers(evaluation) if (level == NO_ANSWER).any() else {}
    reasons: dict[str, list[str]] = {}
    for v, k in zip(*(axis.tolist() for axis in failed), strict=True):
        vendor, rid = evaluation.vendors[v].id, evaluation.requirements[mandatory[k]].id
        code = int(level[v, k])
        if code == NO_ANSWER:
            reason = _unanswered_reason(excluded.get((vendor, rid)))
        else:
            reason = f"mandatory requirement answered {levels[code].label!r}"
        reasons.setdefault(vendor, []).append(f"{rid}: {reason}")
    return {v: tuple(rs) for v, rs in reasons.items()}


def _unanswered_reason(finding: ImportProblem | None) -> str:
    """Why a mandatory requirement without an answer knocks out: the import ``finding``
    that excluded the answer (its cell and what was typed), else that it is unanswered."""
    if finding is None:
        return "mandatory requirement not answered"
    return (
        f"answer excluded ({finding.place}: "
        + (finding.quoted_value or finding.what)
        + ") — clarify before deciding"
    )


def rfp_criterion_scores(evaluation: Evaluation, answers: pd.DataFrame) -> pd.DataFrame:
    """Vendors × leaf criteria: priority-weighted mean of requirement scores (formula 3).

    ``answers`` is :func:`requirement_scores`. Columns of criteria without weighted
    requirements are NaN; a vendor with no answered requirement in a criterion under the
    ``ignore`` policy scores 0 there.
    """
    layout = _layout(evaluation)
    p = layout.priority[layout.order]
    a = answers.to_numpy(dtype=float)[:, layout.order]  # the requirements sorted by leaf
    answered = ~np.isnan(a)
    a[~answered] = 0.0  # in place (a is a copy): a missing answer adds nothing
    a *= p
    numerator = layout.sums(a)
    if evaluation.policy.missing is MissingPolicy.ZERO:
        denominator = np.broadcast_to(layout.leaf_weight, numerator.shape)
    else:
        denominator = layout.sums(answered * p)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(denominator > 0, numerator / denominator, 0.0)
    scores[:, ~(layout.leaf_weight > 0)] = np.nan
    return pd.DataFrame(scores, index=answers.index, columns=layout.leaves)


@attrs.frozen(eq=False)
class _Layout:
    """What formulas 3 and 5 take from an evaluation's requirements and criteria, found
    once per evaluation (:func:`_layout`): ``Σ_{r∈c}`` as one :func:`numpy.add.reduceat`
    over the requirements sorted by leaf criterion."""

    leaves: pd.Index
    """The leaf criteria (the columns of the performance matrix)."""
    requirements: pd.Index
    """The requirement ids (the columns of :func:`requirement_scores`)."""
    requirement_ids: npt.NDArray[np.object_]
    """The requirement ids as an object array (rows of :func:`missing_items`)."""
    requirement_criteria: npt.NDArray[np.object_]
    """Each requirement's leaf criterion id, as an object array."""
    priority: npt.NDArray[np.float64]
    """The MoSCoW weight ``p_r`` of each requirement, after the process uplift."""
    order: npt.NDArray[np.intp]
    """The requirements sorted by leaf (stable)."""
    starts: npt.NDArray[np.intp]
    """Where each leaf that has requirements starts in :attr:`order`."""
    present: npt.NDArray[np.bool_]
    """The leaves that have requirements."""
    leaf_weight: npt.NDArray[np.float64]
    """``Σ_{r∈c} p_r`` per leaf (0 for a leaf without requirements)."""
    shares: npt.NDArray[np.float64]
    """The demo share ``s_c`` of each leaf (:func:`demo_share`)."""
    weights: pd.Series
    """The global leaf weights ``w`` of formula 6 (copied into every result)."""

    def sums(self, values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Rows × leaves: the sums of ``values`` (rows × requirements in :attr:`order`)
        over each leaf's requirements, 0 for a leaf without requirements."""
        sums = np.zeros((values.shape[0], len(self.leaves)))
        if self.starts.size:
            sums[:, self.present] = np.add.reduceat(values, self.starts, axis=1)
        return sums


_LAYOUTS: weakref.WeakKeyDictionary[Evaluation, _Layout] = weakref.WeakKeyDictionary()
"""The :class:`_Layout` of each evaluation alive (frozen, hashed by identity)."""


def _shares(evaluation: Evaluation) -> npt.NDArray[np.float64]:
    """The demo share of every leaf (:func:`demo_share`), the requirements walked once."""
    weights = evaluation.policy.priority_weights
    carried = np.array([weights[r.priority] > 0 for r in evaluation.requirements], dtype=bool)
    leaves = evaluation.leaves()
    weighted = np.bincount(evaluation.coded_answers.leaf[carried], minlength=len(leaves)) > 0
    demoed = evaluation.demo_criteria()
    return np.array(
        [_share(evaluation, c, demoed, bool(has)) for c, has in zip(leaves, weighted, strict=True)],
        dtype=float,
    )


def _layout(evaluation: Evaluation) -> _Layout:
    """The :class:`_Layout` of ``evaluation``, built on first use and kept."""
    found = _LAYOUTS.get(evaluation)
    if found is None:
        weights = evaluation.policy.priority_weights
        priority = effective_priorities(evaluation)
        p = np.array([weights[priority[r.id]] for r in evaluation.requirements], dtype=float)
        leaves = [c.id for c in evaluation.leaves()]
        leaf = evaluation.coded_answers.leaf
        order = np.argsort(leaf, kind="stable")
        counts = np.bincount(leaf, minlength=len(leaves))
        present = counts > 0
        found = _Layout(
            leaves=pd.Index(leaves, name="criterion"),
            requirements=pd.Index([r.id for r in evaluation.requirements], name="requirement"),
            requirement_ids=object_array([r.id for r in evaluation.requirements]),
            requirement_criteria=object_array([r.criterion for r in evaluation.requirements]),
            priority=p,
            order=order,
            starts=(np.cumsum(counts) - counts)[present],
            present=present,
            leaf_weight=np.zeros(len(leaves)),
            shares=_shares(evaluation),
            weights=global_weights(evaluation.criteria),
        )
        found.leaf_weight[:] = found.sums(p[order][np.newaxis, :])[0]
        for array in attrs.astuple(found, recurse=False)[2:-1]:
            array.flags.writeable = False  # shared by every later score of the evaluation
        _LAYOUTS[evaluation] = found
    return found


def panel_scores(evaluation: Evaluation) -> PanelAggregate | ConsensusScores | None:
    """The panel's demo scores per item, aggregated as ``policy.demo_aggregation`` says and
    with the consensus meeting's ``moderations`` applied (see :mod:`crmselect.consensus`);
    ``None`` when nobody gave a demo score."""
    if not _scored_demos(evaluation):
        return None
    aggregate = aggregate_scores(evaluation, **_aggregation(evaluation))
    return (
        apply_moderation(aggregate, evaluation.moderations) if evaluation.moderations else aggregate
    )


def _scored_demos(evaluation: Evaluation) -> bool:
    """Whether anyone gave a demo score."""
    return any(d.score is not None for d in evaluation.demo_scores)


def _aggregation(evaluation: Evaluation) -> dict[str, Any]:
    """The policy's ``demo_aggregation`` as the keyword arguments of
    :func:`~crmselect.consensus.aggregate_scores`."""
    how = evaluation.policy.demo_aggregation
    return {
        "method": how.method,
        "trim": how.trim,
        "weights": how.evaluator_weights or None,
        "normalise": how.normalise,
        "missing": how.missing,
        "min_evaluators": how.min_evaluators,
    }


def demo_criterion_scores(evaluation: Evaluation) -> pd.DataFrame:
    """Vendors × leaf criteria: normalised demo scores — the panel's score per (vendor,
    script, criterion) (:func:`panel_scores`), then the mean over scripts.

    NaN where a vendor has no demo score for a criterion (or no script exercises it).
    """
    leaves = pd.Index([c.id for c in evaluation.leaves()], name="criterion")
    vendors = pd.Index(evaluation.vendor_ids, name="vendor")
    if not _scored_demos(evaluation):
        return pd.DataFrame(np.nan, index=vendors, columns=leaves)
    if evaluation.moderations:  # the meeting's agreed scores replace items of the aggregate
        matrix = panel_scores(evaluation).matrix()  # type: ignore[union-attr]
    else:  # the panel's scores per item, without the spread tables of the full aggregate
        panel, items = panel_item_scores(evaluation, **_aggregation(evaluation))
        matrix = matrix_frame(items, panel, normalised=True)
    if matrix.index.equals(vendors) and matrix.columns.equals(leaves):
        return matrix  # already vendors × leaves (every vendor was scored on every leaf)
    return matrix.reindex(index=vendors, columns=leaves).astype(float)


def demo_share(evaluation: Evaluation, criterion: Criterion) -> float:
    """The demo share ``s_c`` of formula 5: the share of ``criterion``'s score taken from
    demos — 0 when no demo script exercises it, else the criterion's own ``demo_share``, else
    the policy's default when it has requirements that carry weight, and 1 when it has none.
    """
    weights = evaluation.policy.priority_weights
    has_requirements = any(
        r.criterion == criterion.id and weights[r.priority] > 0 for r in evaluation.requirements
    )
    return _share(evaluation, criterion, evaluation.demo_criteria(), has_requirements)


def _share(
    evaluation: Evaluation, criterion: Criterion, demoed: frozenset[str], has_requirements: bool
) -> float:
    """:func:`demo_share` given the criteria a script exercises (``demoed``) and whether
    ``criterion`` has requirements that carry weight (by their stated priority)."""
    if criterion.id not in demoed:
        return 0.0
    if criterion.demo_share is not None:
        return criterion.demo_share
    return evaluation.policy.demo_share if has_requirements else 1.0


def demo_shares(evaluation: Evaluation) -> pd.Series:
    """Leaf criterion → its demo share ``s_c`` (:func:`demo_share`)."""
    layout = _layout(evaluation)
    return pd.Series(layout.shares, index=layout.leaves.rename(None), dtype=float)


def blend_arrays(
    share: npt.NDArray[np.float64],
    rfp: npt.NDArray[np.float64],
    demo: npt.NDArray[np.float64],
    missing: MissingPolicy,
) -> npt.NDArray[np.float64]:
    """Formula 5 on arrays whose last axis is the criteria (NaN = missing part); ``demo``
    may carry leading axes (e.g. bootstrap draws × vendors × criteria).

    ``zero``: a missing part counts 0. ``ignore``: the criterion uses whichever part exists
    (0 if neither does).
    """
    rfp_known, demo_known = ~np.isnan(rfp), ~np.isnan(demo)
    rfp_values, demo_values = np.where(rfp_known, rfp, 0.0), np.where(demo_known, demo, 0.0)
    if missing is MissingPolicy.ZERO:
        blended = (1 - share) * rfp_values + share * demo_values
    else:
        rfp_w = (1 - share) * rfp_known
        demo_w = share * demo_known
        total = rfp_w + demo_w
        with np.errstate(invalid="ignore", divide="ignore"):
            blended = np.where(total > 0, (rfp_w * rfp_values + demo_w * demo_values) / total, 0.0)
    return np.clip(blended, 0.0, 1.0)


def blend(evaluation: Evaluation, rfp: pd.DataFrame, demo: pd.DataFrame) -> pd.DataFrame:
    """The performance matrix ``P = (1 − s)·rfp + s·demo`` per leaf (formula 5; see
    :func:`blend_arrays` for missing parts), then the reference checks (formula R3)."""
    values = blended(evaluation, rfp, demo.to_numpy(dtype=float))
    return pd.DataFrame(values, index=rfp.index, columns=rfp.columns)


def blended(
    evaluation: Evaluation, rfp: pd.DataFrame, demo: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """:func:`blend` on a demo part given as an array with ``rfp``'s vendors and criteria as
    its last two axes, and any leading ones (the panel bootstrap's draws × vendors ×
    criteria): formula 5, then formula R3 of :mod:`crmselect.references`."""
    vendors, criteria = list(rfp.index), list(rfp.columns)
    share = demo_shares(evaluation).reindex(criteria).to_numpy()
    values = blend_arrays(share, rfp.to_numpy(dtype=float), demo, evaluation.policy.missing)
    return blend_references(evaluation, values, vendors, criteria)


def blend_references(
    evaluation: Evaluation,
    values: npt.NDArray[np.float64],
    vendors: list[str],
    criteria: list[str],
) -> npt.NDArray[np.float64]:
    """Formula R3 of :mod:`crmselect.references`, ``P' = (1 − q)·P + q·ref``, on ``values``
    (vendors × criteria, or draws × vendors × criteria: the panel bootstrap's matrices);
    ``values`` unchanged when the tender has no reference checks."""
    if evaluation.references is None:
        return values
    reference = reference_criterion_scores(evaluation).reindex(index=vendors, columns=criteria)
    share = reference_shares(evaluation).reindex(criteria).to_numpy()
    return blend_arrays(share, values, reference.to_numpy(dtype=float), evaluation.policy.missing)


PRICE_COLUMNS = ["price", "score", "in_running", "abnormally_low", "note"]


def price_table(
    evaluation: Evaluation, knocked_out: Mapping[str, tuple[str, ...]]
) -> pd.DataFrame | None:
    """The price criterion's column with its inputs; ``None`` without a price criterion.

    Columns :data:`PRICE_COLUMNS`, one row per vendor. ``score`` is
    :func:`crmselect.cost.price_scores` with the criterion's method, the bids of the vendors
    still in the running (not knocked out) setting the reference: a knocked-out bid is
    scored against them and never moves their scores — with a relative method it could
    otherwise reverse the order of two vendors in the running. A knocked-out vendor without
    a price scores 0 (listed in :func:`missing_items`). ``abnormally_low``: more than 20 %
    under the median bid in the running (:func:`crmselect.cost.abnormally_low`; needs three
    bids) — a reason to ask the bidder, not to reject. ``note``: why a bid scores 0 where
    the formula alone does not say it (:func:`crmselect.cost.price_notes`: at or over the
    budget or the ceiling, or over every bid in the running), else ``""``.

    Raises :class:`~crmselect.errors.ValidationError` naming every vendor in the running
    without a price.
    """
    rule = evaluation.price
    if rule is None:
        return None
    vendors = list(evaluation.vendor_ids)
    running = [v for v in vendors if v not in knocked_out]
    _require_prices(rule, running)
    prices = pd.Series({v: float(rule.prices[v]) for v in vendors if v in rule.prices}, dtype=float)
    if prices.empty:
        scores = pd.Series(0.0, index=vendors)
        notes = pd.Series("", index=vendors, dtype=object)
        flagged = pd.Series(False, index=vendors)
    else:
        scores, notes = _scored_bids(rule, prices, running)
        flagged = abnormally_low(prices[running])["flagged"] if running else pd.Series(dtype=bool)
    frame = pd.DataFrame(
        {
            "price": prices.reindex(vendors),
            "score": scores.reindex(vendors).fillna(0.0),
            "in_running": pd.Series({v: v in running for v in vendors}),
            "abnormally_low": flagged.reindex(vendors, fill_value=False).astype(bool),
            "note": notes.reindex(vendors, fill_value=""),
        }
    )
    return frame.rename_axis("vendor")


def _require_prices(rule: PriceCriterion, running: list[str]) -> None:
    """Raise :class:`~crmselect.errors.ValidationError` naming every vendor in the running
    without a price, with where the price criterion's basis lets the committee give it."""
    unpriced = [v for v in running if v not in rule.prices]
    if not unpriced:
        return
    hint = (
        "give it under price.prices"
        if rule.basis is PriceBasis.BID
        else "give it under price.prices, or let the costs: section price its offer (a "
        "returned Pricing sheet or a 'pricing:' entry)"
    )
    raise ValidationError(
        f"Cannot score the price criterion {rule.criterion!r}",
        [Problem(f"vendor {v!r}", f"is in the running but has no price; {hint}") for v in unpriced],
    )


def _scored_bids(
    rule: PriceCriterion, prices: pd.Series, running: list[str]
) -> tuple[pd.Series, pd.Series]:
    """The price scores of the bids, the vendors in the running setting the reference, and
    their budget/ceiling notes (:func:`crmselect.cost.limit_notes`).

    A :class:`~crmselect.errors.ValidationError` from the scoring (e.g. a ceiling below the
    lowest bid) is raised again with each problem placed at the price criterion's origin.
    """
    try:
        scores = price_scores(
            prices,
            rule.method,
            ceiling=rule.ceiling,
            budget=rule.budget,
            floor=rule.floor,
            among=running or None,
        )
        notes = limit_notes(
            prices, rule.method, ceiling=rule.ceiling, budget=rule.budget, among=running or None
        )
    except ValidationError as exc:  # e.g. a ceiling below the lowest bid: say where
        where = rule.origin or f"price criterion {rule.criterion!r}"
        raise ValidationError(
            f"Cannot score the price criterion {rule.criterion!r}",
            [Problem(where, f"{p.where}: {p.what}") for p in exc.problems],
        ) from None
    return scores, notes


def missing_items(evaluation: Evaluation) -> pd.DataFrame:
    """Every missing RFP answer and demo score, with how scoring treated it."""
    others = _missing_demo_scores(evaluation) + _missing_prices(evaluation)
    columns = [
        np.concatenate([answers, object_array([row[k] for row in others])])
        for k, answers in enumerate(_missing_answers(evaluation))
    ]
    return pd.DataFrame(dict(zip(MISSING_COLUMNS, columns, strict=True)))


_MissingRow = tuple[str, str, str, str, str]
"""One row of :data:`MISSING_COLUMNS`: vendor, kind, item, criterion, treatment."""


def _missing_answers(evaluation: Evaluation) -> list[npt.NDArray[np.object_]]:
    """The missing RFP answers, as the columns :data:`MISSING_COLUMNS` (object arrays of
    the ids and texts): a knock-out for a mandatory requirement, else scored 0 or left out
    of the criterion mean by the missing policy (formulas 2 and 3)."""
    if evaluation.policy.missing is MissingPolicy.ZERO:
        optional = "scored 0"
    else:
        optional = "left out of the criterion mean"
    coded = evaluation.coded_answers
    flat = np.flatnonzero(~coded.answered)  # by vendor, then requirement
    v, r = np.divmod(flat, coded.level.shape[1])
    layout = _layout(evaluation)
    return [
        object_array(evaluation.vendor_ids)[v],
        np.full(flat.size, "rfp answer", dtype=object),
        layout.requirement_ids[r],
        layout.requirement_criteria[r],
        np.where(coded.mandatory[r], "knock-out (mandatory)", optional).astype(object),
    ]


_DEMO_METHOD_NAMES = {"mean": "mean", "median": "median", "trimmed": "trimmed mean"}


def _missing_demo_scores(evaluation: Evaluation) -> list[_MissingRow]:
    """The missing demo scores, one row per evaluator who did not score a (vendor, script,
    criterion), in that order, treated as :func:`_demo_treatment` says.

    On arrays: the vendors × items × evaluators grid of the scores given
    (:func:`_scored_demo_cells`), whether anyone scored each (vendor, item) and each
    (vendor, criterion); rows are built for the missing cells only.
    """
    coded = evaluation.coded_demo_scores
    cells = len(evaluation.vendors) * coded.slots * len(evaluation.evaluators)
    if np.count_nonzero(coded.given) == cells:  # each score its own cell: every cell scored
        return []
    scored = _scored_demo_cells(evaluation)
    items = [(s.id, cid) for s in evaluation.demo_scripts for cid in s.criteria]
    by_item = scored.sum(axis=2) > 0
    criterion, criteria = pd.factorize(pd.Index([cid for _, cid in items], dtype=object))
    member = np.zeros((len(items), len(criteria)), dtype=np.intp)
    member[np.arange(len(items)), criterion] = 1
    by_criterion = (by_item.astype(np.intp) @ member)[:, criterion] > 0  # vendor × item
    vendors, evaluators = evaluation.vendors, evaluation.evaluators
    return [
        (
            vendors[v].id,
            "demo score",
            f"{items[k][0]}/{evaluators[e].id}",
            items[k][1],
            _demo_treatment(evaluation, bool(by_item[v, k]), bool(by_criterion[v, k])),
        )
        for v, k, e in zip(*(axis.tolist() for axis in np.nonzero(~scored)), strict=True)
    ]


def _scored_demo_cells(evaluation: Evaluation) -> npt.NDArray[np.bool_]:
    """Vendors × items (the scripts' (script, criterion) slots) × evaluators: ``True``
    where the evaluator gave the vendor a score on the item (every id is validated).

    On the evaluation's coded demo scores: each score given is at
    flat position ``(vendor · slots + slot) · evaluators + evaluator``.
    """
    coded = evaluation.coded_demo_scores
    given = coded.given
    evaluators = len(evaluation.evaluators)
    flat = (coded.vendor[given] * coded.slots + coded.slot[given]) * evaluators
    grid = np.zeros(len(evaluation.vendors) * coded.slots * evaluators, dtype=np.bool_)
    grid[flat + coded.evaluator[given]] = True
    return grid.reshape(len(evaluation.vendors), coded.slots, evaluators)


def _demo_treatment(evaluation: Evaluation, item_scored: bool, criterion_scored: bool) -> str:
    """How formula 4 treats a missing demo score of a (vendor, script, criterion) item.

    ``item_scored``: another evaluator scored the item; ``criterion_scored``: someone scored
    the vendor on the criterion in some script. The panel's aggregate of the other
    evaluators where someone scored the item; else the script is left out of the
    criterion's demo mean where another script was scored; else the criterion has no demo
    score at all, treated by the missing policy.
    """
    if item_scored:
        method = _DEMO_METHOD_NAMES[evaluation.policy.demo_aggregation.method]
        return f"{method} of the other evaluators' scores"
    if criterion_scored:
        return "script left out of the criterion's demo mean"
    return "no demo score at all: " + (
        "counts 0"
        if evaluation.policy.missing is MissingPolicy.ZERO
        else "criterion falls back to its RFP score"
    )


def _missing_prices(evaluation: Evaluation) -> list[_MissingRow]:
    """The vendors without a price for the price criterion (formula 5): scored 0 if knocked
    out, else scoring refuses (:func:`price_table`); none without a price criterion."""
    if evaluation.price is None:
        return []
    out = knockouts(evaluation)
    cid = evaluation.price.criterion
    return [
        (
            v.id,
            "price",
            cid,
            cid,
            "price scored 0 (knocked out)" if v.id in out else "scoring refuses: no price",
        )
        for v in evaluation.vendors
        if v.id not in evaluation.price.prices
    ]


@attrs.frozen(eq=False)
class ScoreResult:
    """Everything :func:`score` computed, with the evaluation it came from.

    DataFrames are indexed by vendor id and (where relevant) criterion or requirement id.
    """

    evaluation: Evaluation
    requirement_scores: pd.DataFrame
    rfp: pd.DataFrame
    demo: pd.DataFrame
    matrix: pd.DataFrame
    weights: pd.Series
    totals: pd.Series
    ranking: pd.Series
    knocked_out: Mapping[str, tuple[str, ...]]
    missing: pd.DataFrame
    prices: pd.DataFrame | None = None
    """The price criterion's inputs and scores (:func:`price_table`), if it has one."""
    version: str = __version__

    @property
    def contributions(self) -> pd.DataFrame:
        """Vendors × leaf criteria: ``P_vc · w_c``; each row sums to the vendor's total."""
        return self.matrix * self.weights

    @property
    def winners(self) -> tuple[str, ...]:
        """Vendor ids ranked first (more than one only on an exact tie)."""
        return tuple(self.ranking[self.ranking == 1].index)

    @property
    def fingerprint(self) -> str:
        """SHA-256 hex of the inputs scored: the :attr:`~crmselect.model.Evaluation.fingerprint`
        of :attr:`evaluation`."""
        return self.evaluation.fingerprint

    def to_frame(self) -> pd.DataFrame:
        """One row per vendor, best first, knocked-out vendors last.

        Columns: ``name``, ``total``, ``rank``, ``knocked_out``, ``reasons``,
        ``missing_answers`` (count of missing RFP answers).
        """
        names = {v.id: v.name for v in self.evaluation.vendors}
        missing = self.missing[self.missing["kind"] == "rfp answer"].groupby("vendor").size()
        frame = pd.DataFrame(
            {
                "name": pd.Series(names),
                "total": self.totals,
                "rank": self.ranking,
                "knocked_out": pd.Series({v: v in self.knocked_out for v in names}),
                "reasons": pd.Series({v: "; ".join(self.knocked_out.get(v, ())) for v in names}),
                "missing_answers": missing.reindex(list(names), fill_value=0),
            }
        ).rename_axis("vendor")
        order = frame.assign(_ko=frame["knocked_out"]).sort_values(
            ["_ko", "rank", "total"],
            ascending=[True, True, False],
            na_position="last",
            kind="stable",
        )
        return order.drop(columns="_ko")

    def __repr__(self) -> str:
        leaders = ", ".join(self.winners) or "none"
        return (
            f"<ScoreResult {self.evaluation.name!r}: {len(self.totals)} vendors, "
            f"{len(self.knocked_out)} knocked out, winner {leaders}>"
        )

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        frame["total"] = frame["total"].map("{:.3f}".format)
        highlight = [v for v in frame.index if v in self.knocked_out]
        return html_table(
            frame, caption=f"{self.evaluation.name} — totals and ranks", highlight=highlight
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """The totals as bars, knocked-out vendors greyed (:func:`crmselect.plots.totals`;
        needs the ``crmselect[plots]`` extra)."""
        from crmselect.plots import totals

        return totals(self, ax)


def score(evaluation: Evaluation, *, eliminated: Mapping[str, str] | None = None) -> ScoreResult:
    """Score an evaluation: knock-outs, criterion scores, totals and ranks.

    See the module docstring for the formulas. ``eliminated``: vendor id → why the
    committee eliminated it (the shortlist, :func:`crmselect.record.eliminated`); such a
    vendor keeps its scores but is out like a knocked-out one, with that reason — it can
    neither win nor move another's price score.

    >>> import crmselect
    >>> result = crmselect.score(crmselect.example())
    >>> bool(abs(result.weights.sum() - 1) < 1e-12)
    True
    """
    answers = requirement_scores(evaluation)
    rfp = rfp_criterion_scores(evaluation, answers)
    demo = demo_criterion_scores(evaluation)
    matrix = blend(evaluation, rfp, demo)
    out = knockouts(evaluation)
    for vendor, why in (eliminated or {}).items():
        if vendor in evaluation.vendor_ids:
            out[vendor] = (*out.get(vendor, ()), why)
    prices = price_table(evaluation, out)
    if prices is not None and evaluation.price is not None:
        matrix[evaluation.price.criterion] = prices["score"]
    weights = _layout(evaluation).weights.copy()
    totals = (matrix @ weights).rename("total")
    eligible = pd.Series({v: v not in out for v in evaluation.vendor_ids})
    return ScoreResult(
        evaluation=evaluation,
        requirement_scores=answers,
        rfp=rfp,
        demo=demo,
        matrix=matrix,
        weights=weights,
        totals=totals,
        ranking=rank(totals, eligible),
        knocked_out=out,
        missing=missing_items(evaluation),
        prices=prices,
    )
