"""Preparing and recording the consensus meeting: the moderation list and moderated scores.

**Items to moderate** (:func:`moderation_list`). For item *i* (vendor, script, criterion)
with scores ``x_ei`` on a scale of width ``W = maximum − minimum``:

* *range*: ``max_e x_ei − min_e x_ei ≥ range_threshold · W`` (default 35 %: 1.75 points on
  0–5) — the panel is split;
* *leave-one-out deviation*: ``|x_ei − x̄_{−e,i}| ≥ deviation_threshold · W`` (default 25 %:
  1.25 points on 0–5), with ``x̄_{−e,i}`` the mean of the *other* evaluators' scores of the
  item — one evaluator saw something the others did not (or missed something).

Flagged items are sorted by ``severity`` = the larger of ``range / (range_threshold · W)``
and ``max_e |deviation| / (deviation_threshold · W)`` (≥ 1 for every flagged item).

**Evaluators to discuss**: over every item an evaluator scored,

* *bias* ``b_e = mean_i (x_ei − x̃_{R∖e,i})`` with ``x̃_{R∖e,i}`` the *median* of the scores
  of the item by the rest *R* of the panel — systematically lenient (> 0) or strict (< 0);
  flagged when ``|b_e| ≥ bias_threshold · W`` (default 10 %: half a point on 0–5). The
  median keeps one very lenient member from making everyone else look strict (with the
  mean, a member ``d`` points above the rest shifts every other member's bias by
  ``−d/(m − 1)``), and the rest is found by sequential exclusion as for the correlation
  below (:func:`evaluator_biases`), since with three evaluators the median of the other two
  is their mean. Bias normalisation (:func:`~crmselect.consensus.aggregate_scores`
  ``normalise=``) can remove it;
* *correlation* — the evaluator–rest correlation: Spearman's ρ between ``x_ei`` and the mean
  ``x̄_{R∖e,i}`` of the rest *R* of the panel over the items: does the evaluator order the
  items as the others do? Flagged when ``ρ < correlation_threshold`` (default 0.3, a weak
  correlation by Cohen's 1988 bands). The rest is found by **sequential exclusion**
  (:func:`evaluator_correlations`): with *R* = every evaluator, compute every member's ρ
  against the others of *R*; if some fall below the threshold, set the lowest aside (all of
  them when tied) and compute again without them, until every remaining member clears the
  threshold (or fewer than two remain). An evaluator set aside keeps the ρ that set them
  aside. Without this a strong dissenter drags down everyone else's reference — they make
  up ``1/(m − 1)`` of it, half with three evaluators — so that two members who agree
  perfectly would be flagged along with the one who reverses their order;
* ``spread`` — the evaluator's standard deviation over the others' mean standard deviation
  (< 1: uses less of the scale), reported, not flagged.

**Moderated scores**: the consensus meeting agrees a score for an item; each agreement is a
:class:`ModeratedScore` (vendor, script, criterion, agreed score, reason, by whom, date).
:func:`apply_moderation` puts them over the panel aggregate: agreed scores replace the
aggregate, every original is kept, and :attr:`ConsensusScores.audit` lists every override
with the scores it replaced.

The moderation list also marks the items the consensus meeting has settled already
(``moderated``, ``agreed``, ``agreed_by``: the chair's :class:`ModeratedScore`), so the chair
sees what is done.

References: J. Cohen (1988), *Statistical Power Analysis for the Behavioral Sciences*, 2nd
ed. (ρ = 0.1 / 0.3 / 0.5 small / medium / large); the evaluator–rest correlation is the
panel's form of the corrected item–total correlation of J. C. Nunnally and I. H. Bernstein
(1994), *Psychometric Theory*, 3rd ed., ch. 8, and sequential exclusion the usual way of
removing, one at a time, the items that correlate worst with the rest.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Literal, cast

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect._version import __version__
from crmselect.consensus._panel import FloatArray, Panel, PanelLike, as_panel
from crmselect.consensus._ranks import spearman_rho
from crmselect.consensus.aggregate import PanelAggregate, matrix_frame
from crmselect.converters import is_number
from crmselect.display import flat_index, html_table
from crmselect.errors import Problem, ValidationError
from crmselect.model import Evaluation, ModeratedScore, moderation_problems
from crmselect.scales import DemoScale

MODERATION_COLUMNS = ("vendor", "script", "criterion", "score", "reason", "by", "date")
AUDIT_COLUMNS = (
    "vendor",
    "script",
    "criterion",
    "panel_scores",
    "aggregate",
    "agreed",
    "change",
    "reason",
    "by",
    "date",
    "origin",
)


def moderations_from_frame(frame: pd.DataFrame, source: str = "") -> list[ModeratedScore]:
    """Moderated scores from a table with columns :data:`MODERATION_COLUMNS` (``date``
    optional); every bad row is reported at once."""
    missing = [c for c in MODERATION_COLUMNS[:-1] if c not in frame.columns]
    if missing:
        raise ValidationError(
            f"Wrong columns in {source or 'moderations'}",
            [Problem(source or "moderations", f"missing column {c!r}") for c in missing],
        )
    built: list[ModeratedScore] = []
    found: list[Problem] = []
    for number, row in enumerate(frame.to_dict("records"), start=2):
        where = f"{source}: row {number}" if source else f"row {number}"
        text = {c: _text(row.get(c), c) for c in frame.columns}
        try:
            score = float(text["score"].replace(",", "."))
        except ValueError:
            found.append(Problem(where, f"score {text['score']!r} is not a number"))
            continue
        try:
            built.append(
                ModeratedScore(
                    text["vendor"],
                    text["script"],
                    text["criterion"],
                    score,
                    text["reason"],
                    text["by"],
                    text.get("date", ""),
                    origin=where,
                )
            )
        except ValidationError as exc:
            found += exc.problems
    if found:
        raise ValidationError(f"Cannot read {source or 'moderations'}", found)
    return built


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _text(value: object, column: str) -> str:
    """A cell of column ``column`` as text: the reason, free text, as written (white space
    too, so that a moderations.csv crmselect wrote reads back exactly); the others stripped."""
    if _blank(value):
        return ""
    return str(value) if column == "reason" else str(value).strip()


# -- the moderation list ------------------------------------------------------------------------


def leave_one_out(values: FloatArray, statistic: Literal["mean", "median"] = "mean") -> FloatArray:
    """``x_ei`` minus the mean (or median) of the other evaluators' scores of item *i*
    (evaluators × items; NaN where *e* did not score *i* or nobody else did).

    >>> leave_one_out(np.array([[4.0], [4.0], [1.0]])).ravel().tolist()
    [1.5, 1.5, -3.0]
    >>> leave_one_out(np.array([[4.0], [4.0], [1.0], [5.0]]), "median").ravel().tolist()
    [0.0, 0.0, -3.0, 1.0]
    """
    if statistic == "median":
        return _leave_one_out_median(values)
    given = ~np.isnan(values)
    total = np.where(given, values, 0.0).sum(axis=0)
    count = given.sum(axis=0)
    others = count - given
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_others = (total - np.where(given, values, 0.0)) / others
    return np.where(given & (others > 0), values - mean_others, np.nan)


def _leave_one_out_median(values: FloatArray) -> FloatArray:
    """``x_ei`` minus the median of the other scores of item *i*, every item sorted once:
    with *e*'s score at position ``r`` of the item's ``k`` sorted scores, the others' *j*-th
    smallest is the sorted ``j``-th (``j < r``) or ``(j + 1)``-th, and their median the mean
    of the ``⌊(k − 2)/2⌋``-th and ``⌊(k − 1)/2⌋``-th (0-based) of the ``k − 1``."""
    m = values.shape[0]
    order = np.argsort(values, axis=0, kind="stable")  # NaN last
    ordered = np.take_along_axis(values, order, axis=0)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(m)[:, None], axis=0)
    others = (~np.isnan(values)).sum(axis=0) - 1

    def nth(j: npt.NDArray[np.int64]) -> FloatArray:
        at = np.clip(j + (j >= rank), 0, m - 1)
        return np.asarray(np.take_along_axis(ordered, at, axis=0), dtype=float)

    median = (nth((others - 1) // 2) + nth(others // 2)) / 2
    return np.where(~np.isnan(values) & (others >= 1), values - median, np.nan)


_TIE = 1e-12
"""Correlations this close count as tied (set aside together: the order of evaluators
never decides who is set aside)."""


def _rest_correlation(values: FloatArray, e: int, rest: Sequence[int]) -> float:
    """Spearman's ρ of evaluator ``e``'s scores with the mean of ``rest``'s, over the items
    ``e`` and at least one of ``rest`` scored (NaN for fewer than 3 such items or a constant
    side). The mean is summed in sorted order, so it is the same whatever the order of
    ``rest``."""
    others = np.sort(values[list(rest)], axis=0)  # NaN last
    count = (~np.isnan(others)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        reference = np.nansum(others, axis=0) / count
    pair = ~np.isnan(values[e]) & (count > 0)
    if pair.sum() < 3:
        return math.nan
    return spearman_rho(values[e, pair], reference[pair])


def _rest_bias(values: FloatArray, e: int, rest: Sequence[int]) -> float:
    """Mean over the items of ``x_ei`` minus the median of ``rest``'s scores of item *i*
    (items ``e`` and at least one of ``rest`` scored; NaN if none)."""
    others = values[list(rest)]
    has = ~np.isnan(values[e]) & (~np.isnan(others)).any(axis=0)
    if not has.any():
        return math.nan
    return float(np.mean(values[e, has] - np.nanmedian(others[:, has], axis=0)))


def _sequential_exclusion(
    m: int,
    statistic: Callable[[int, tuple[int, ...]], float],
    outlying: Callable[[float], bool],
    extremity: Callable[[float], float],
) -> tuple[FloatArray, list[tuple[int, ...]]]:
    """The panel's rest *R* by sequential exclusion (module docstring): round by round,
    every evaluator still in *R* gets ``statistic(e, R ∖ e)``; while some are ``outlying``,
    the most extreme (and any within 1e-12 of it) leave *R*, keeping that value. Returns the
    values and, per evaluator, the rest it was compared with. Permuting the evaluators
    permutes the output."""
    value = np.full(m, np.nan)
    compared: list[tuple[int, ...]] = [() for _ in range(m)]
    rest = list(range(m))
    while len(rest) >= 2:
        for e in rest:
            compared[e] = tuple(o for o in rest if o != e)
            value[e] = statistic(e, compared[e])
        out = [e for e in rest if outlying(float(value[e]))]
        if not out:
            break
        worst = max(extremity(float(value[e])) for e in out)
        rest = [e for e in rest if e not in out or extremity(float(value[e])) < worst - _TIE]
    return value, compared


def evaluator_correlations(
    values: FloatArray, threshold: float = 0.30
) -> tuple[FloatArray, list[tuple[int, ...]]]:
    """Each evaluator's Spearman ρ with the rest of the panel, the rest found by sequential
    exclusion (evaluators × items; see the module docstring); returns the correlations and,
    per evaluator, the rest they were compared with (row indices).

    Round by round, every evaluator still in the rest *R* gets ``ρ_e = ρ_S(x_e, x̄_{R∖e})``;
    while some ``ρ_e < threshold``, the lowest (and any within 1e-12 of it) leave *R*,
    keeping that ρ. NaN (too few items, a constant side) never counts as below. The result
    does not depend on the order of the evaluators: permuting the rows permutes the output.

    Two evaluators who agree and one who reverses their order: against the mean of all the
    others, the two would get ρ = 0 (flagged); set aside first, the dissenter alone is.

    >>> same = [0.0, 1.0, 2.0, 4.0, 5.0]
    >>> rho, rest = evaluator_correlations(np.array([same, same, same[::-1]]))
    >>> [round(float(r), 2) for r in rho], rest
    ([1.0, 1.0, -1.0], [(1,), (0,), (0, 1)])
    """
    return _sequential_exclusion(
        values.shape[0],
        lambda e, rest: _rest_correlation(values, e, rest),
        lambda rho: rho < threshold,
        lambda rho: -rho,
    )


def evaluator_biases(
    values: FloatArray, threshold: float
) -> tuple[FloatArray, list[tuple[int, ...]]]:
    """Each evaluator's bias ``b_e = mean_i (x_ei − x̃_{R∖e,i})`` against the median of the
    rest *R* of the panel, the rest found by sequential exclusion as in
    :func:`evaluator_correlations`: while some ``|b_e| ≥ threshold`` (in points), the most
    extreme leaves *R*, keeping that bias. With three evaluators the median of the other two
    is their mean, so one lenient member would otherwise make the two who agree look
    strict by half its lead.

    >>> same = [1.0, 2.0, 3.0, 4.0]
    >>> bias, rest = evaluator_biases(np.array([same, same, [x + 1.5 for x in same]]), 0.5)
    >>> [round(float(b), 2) for b in bias], rest
    ([0.0, 0.0, 1.5], [(1,), (0,), (0, 1)])
    """
    return _sequential_exclusion(
        values.shape[0],
        lambda e, rest: _rest_bias(values, e, rest),
        lambda bias: abs(bias) >= threshold,
        abs,
    )


@attrs.frozen(eq=False)
class ModerationReport:
    """What the chair takes to the consensus meeting.

    ``items``: the flagged items, most severe first (index vendor, script, criterion;
    columns ``n``, ``mean``, ``min``, ``max``, ``range``, ``range_share``, ``farthest``
    (evaluator), ``deviation`` (their score minus the others' mean), ``severity``,
    ``reasons``, ``moderated`` (the meeting agreed a score already), ``agreed`` (that score,
    NaN if none), ``agreed_by`` (who, and the date if given), then one column per evaluator
    with their score). ``evaluators``: one row per evaluator (``scored``, ``missing``,
    ``mean``, ``bias`` (mean deviation from the others' median), ``bias_share``,
    ``mean_abs_deviation`` (from the others' mean), ``correlation`` (with the rest of the
    panel), ``compared_with`` (that rest), ``spread``, ``flagged``, ``reasons``).
    Thresholds are shares of the scale width (see the module docstring); ``moderations``
    are the agreed scores the items were marked with.
    """

    panel: Panel
    items: pd.DataFrame
    evaluators: pd.DataFrame
    range_threshold: float
    deviation_threshold: float
    bias_threshold: float
    correlation_threshold: float
    moderations: tuple[ModeratedScore, ...] = ()
    version: str = __version__

    @property
    def flagged_evaluators(self) -> tuple[str, ...]:
        return tuple(str(e) for e in self.evaluators.index[self.evaluators["flagged"]])

    def to_frame(self) -> pd.DataFrame:
        """:attr:`items`."""
        return self.items

    def describe(self) -> str:
        """The thresholds in words (for reports)."""
        width = self.panel.width
        return (
            f"an item is listed when its range is at least {self.range_threshold:.0%} of the "
            f"scale ({self.range_threshold * width:g} points) or one evaluator is at least "
            f"{self.deviation_threshold:.0%} ({self.deviation_threshold * width:g} points) "
            "from the others' mean; an evaluator is flagged for a mean deviation of at least "
            f"{self.bias_threshold:.0%} ({self.bias_threshold * width:g} points) or a "
            f"correlation with the others below {self.correlation_threshold:g}"
        )

    def __repr__(self) -> str:
        flagged = ", ".join(self.flagged_evaluators) or "none"
        done = int(self.items["moderated"].sum())
        return (
            f"<ModerationReport {len(self.items)} of {len(self.panel.items)} items to "
            f"moderate ({done} moderated already); evaluators flagged: {flagged}>"
        )

    def _repr_html_(self) -> str:
        frame = flat_index(self.to_frame())
        shown = frame.astype(object).map(
            lambda v: f"{v:.2f}" if isinstance(v, float) and not math.isnan(v) else v
        )
        return html_table(shown, caption=f"{len(frame)} item(s) to moderate — {self.describe()}")


def _share(name: str, value: float, low: float, high: float) -> list[Problem]:
    if is_number(value) and math.isfinite(value) and low <= value <= high:
        return []
    return [Problem(name, f"{value!r} must lie in [{low:g}, {high:g}]")]


def moderation_list(
    source: PanelLike,
    *,
    range_threshold: float = 0.35,
    deviation_threshold: float = 0.25,
    bias_threshold: float = 0.10,
    correlation_threshold: float = 0.30,
    scale: DemoScale | None = None,
    moderations: Iterable[ModeratedScore] | pd.DataFrame | None = None,
) -> ModerationReport:
    """Items where the evaluators disagree most, and evaluators whose scoring stands out
    (rules and defaults in the module docstring; thresholds are shares of the scale width).

    ``moderations``: the scores the consensus meeting agreed so far (default: the
    evaluation's own, when ``source`` is an :class:`~crmselect.model.Evaluation`); the
    items they settle are marked ``moderated`` on the list, with the agreed score and who
    agreed it. Moderations of items not on the list are not shown.

    >>> import crmselect
    >>> report = moderation_list(crmselect.example())
    >>> len(report.items) > 0, list(report.items.index.names)
    (True, ['vendor', 'script', 'criterion'])
    """
    found = _share("range_threshold", range_threshold, 0, 1)
    found += _share("deviation_threshold", deviation_threshold, 0, 1)
    found += _share("bias_threshold", bias_threshold, 0, 1)
    found += _share("correlation_threshold", correlation_threshold, -1, 1)
    if found:
        raise ValidationError("Invalid moderation thresholds", found)
    if moderations is None:
        moderations = source.moderations if isinstance(source, Evaluation) else ()
    elif isinstance(moderations, pd.DataFrame):
        moderations = moderations_from_frame(moderations)
    agreed = tuple(moderations)
    panel = as_panel(source, scale)
    values = panel.values()
    deviation = leave_one_out(values)
    items = _mark_moderated(
        _items(panel, values, deviation, range_threshold, deviation_threshold), agreed
    )
    evaluators = _evaluators(panel, values, deviation, bias_threshold, correlation_threshold)
    return ModerationReport(
        panel,
        items,
        evaluators,
        range_threshold,
        deviation_threshold,
        bias_threshold,
        correlation_threshold,
        agreed,
    )


def _mark_moderated(items: pd.DataFrame, moderations: Sequence[ModeratedScore]) -> pd.DataFrame:
    """``items`` with the columns ``moderated``, ``agreed`` and ``agreed_by`` inserted after
    ``reasons``: the score the meeting agreed for the item, and who agreed it (and when)."""
    by_item = {m.item: m for m in moderations}
    found = [by_item.get(cast(tuple[str, str, str], key)) for key in items.index]
    marked = items.copy()
    at = list(marked.columns).index("reasons") + 1
    columns: dict[str, list[object]] = {
        "moderated": [m is not None for m in found],
        "agreed": [math.nan if m is None else m.score for m in found],
        "agreed_by": ["" if m is None else m.by + (f", {m.date}" if m.date else "") for m in found],
    }
    for offset, (name, column) in enumerate(columns.items()):
        # an evaluator may be called "agreed": their column stays, as with "mean" before
        marked.insert(at + offset, name, column, allow_duplicates=True)
    return marked


def _items(
    panel: Panel,
    values: FloatArray,
    deviation: FloatArray,
    range_threshold: float,
    deviation_threshold: float,
) -> pd.DataFrame:
    width = panel.width
    tol = 1e-9 * width
    rows = []
    for k, key in enumerate(panel.items):
        column = values[:, k]
        given = ~np.isnan(column)
        if given.sum() < 2:
            continue
        spread = float(column[given].max() - column[given].min())
        dev = deviation[:, k]
        far = int(np.nanargmax(np.abs(dev)))
        reasons = []
        severity = spread / (range_threshold * width) if range_threshold > 0 else math.inf
        if spread >= range_threshold * width - tol:
            reasons.append(
                f"range {spread:g} ({spread / width:.0%} of the scale; threshold "
                f"{range_threshold:.0%})"
            )
        dev_severity = (
            abs(dev[far]) / (deviation_threshold * width) if deviation_threshold > 0 else math.inf
        )
        for e in np.nonzero(np.abs(np.nan_to_num(dev)) >= deviation_threshold * width - tol)[0]:
            others = column[given & (np.arange(len(column)) != e)].mean()
            side = "above" if dev[e] > 0 else "below"
            reasons.append(
                f"{panel.evaluators[e]} scored {column[e]:g}, {abs(dev[e]):.2f} {side} the "
                f"others' mean {others:.2f}"
            )
        if not reasons:
            continue
        row = {
            "n": int(given.sum()),
            "mean": float(column[given].mean()),
            "min": float(column[given].min()),
            "max": float(column[given].max()),
            "range": spread,
            "range_share": spread / width,
            "farthest": panel.evaluators[far],
            "deviation": float(dev[far]),
            "severity": max(severity, dev_severity),
            "reasons": "; ".join(reasons),
        }
        row.update({e: float(column[i]) for i, e in enumerate(panel.evaluators)})
        rows.append((key, row))
    columns = [
        "n",
        "mean",
        "min",
        "max",
        "range",
        "range_share",
        "farthest",
        "deviation",
        "severity",
        "reasons",
        *panel.evaluators,
    ]
    index = pd.MultiIndex.from_tuples(
        [k for k, _ in rows] or [], names=["vendor", "script", "criterion"]
    )
    frame = pd.DataFrame([r for _, r in rows], index=index, columns=columns)
    return frame.sort_values("severity", ascending=False, kind="stable")


def _evaluators(
    panel: Panel,
    values: FloatArray,
    deviation: FloatArray,
    bias_threshold: float,
    correlation_threshold: float,
) -> pd.DataFrame:
    """:attr:`ModerationReport.evaluators`: one row per evaluator, flagged with the reasons
    of :func:`_bias_reason` and :func:`_agreement_reason`."""
    width = panel.width
    tol = 1e-9 * width
    given = ~np.isnan(values)
    correlations, compared = evaluator_correlations(values, correlation_threshold)
    biases, _ = evaluator_biases(values, bias_threshold * width - tol)
    sds = np.array(
        [np.std(row[~np.isnan(row)]) if (~np.isnan(row)).any() else np.nan for row in values]
    )
    rows = []
    for e in range(len(panel.evaluators)):
        dev = deviation[e][~np.isnan(deviation[e])]
        bias = float(biases[e])
        rho = float(correlations[e])
        rest = ", ".join(panel.evaluators[o] for o in compared[e])
        reasons = [
            reason
            for reason in (
                _bias_reason(bias, bias_threshold * width - tol),
                _agreement_reason(rho, rest, correlation_threshold),
            )
            if reason
        ]
        rows.append(
            {
                "scored": int(given[e].sum()),
                "missing": int((~given[e]).sum()),
                "mean": float(values[e][given[e]].mean()) if given[e].any() else math.nan,
                "bias": bias,
                "bias_share": bias / width,
                "mean_abs_deviation": float(np.abs(dev).mean()) if dev.size else math.nan,
                "correlation": rho,
                "compared_with": rest,
                "spread": _spread(sds, e),
                "flagged": bool(reasons),
                "reasons": "; ".join(reasons),
            }
        )
    return pd.DataFrame(rows, index=pd.Index(panel.evaluators, name="evaluator"))


def _spread(sds: FloatArray, e: int) -> float:
    """Evaluator ``e``'s standard deviation over the mean of the others' (NaN when theirs is
    unknown or 0): above 1, ``e`` uses more of the scale than the rest of the panel."""
    other_sds = np.delete(sds, e)
    mean_other_sd = float(np.nanmean(other_sds)) if np.isfinite(other_sds).any() else math.nan
    spread = sds[e] / mean_other_sd if mean_other_sd and mean_other_sd > 0 else math.nan
    return float(spread)


def _bias_reason(bias: float, limit: float) -> str:
    """Why an evaluator whose bias reaches ``limit`` (in points, either way) is flagged;
    ``""`` when it does not."""
    if not math.isnan(bias) and abs(bias) >= limit:
        side = "above" if bias > 0 else "below"
        word = "lenient" if bias > 0 else "strict"
        return f"systematic bias: {abs(bias):.2f} points {side} the others on average ({word})"
    return ""


def _agreement_reason(rho: float, rest: str, threshold: float) -> str:
    """Why an evaluator whose rank correlation ``rho`` with the mean of the others (``rest``)
    is under ``threshold`` is flagged; ``""`` when it is not."""
    if not math.isnan(rho) and rho < threshold:
        return (
            f"low agreement: Spearman ρ = {rho:.2f} with the mean of {rest} "
            f"(threshold {threshold:g})"
        )
    return ""


# -- moderated scores ---------------------------------------------------------------------------


@attrs.frozen(eq=False)
class ConsensusScores:
    """The panel's scores after the consensus meeting.

    ``items`` (index vendor, script, criterion): ``aggregate`` (the panel's, unchanged),
    ``agreed`` (NaN where not moderated), ``final`` (agreed where given, else aggregate)
    and ``moderated``. ``audit``: one row per override (columns :data:`AUDIT_COLUMNS`),
    with every evaluator's original score in ``panel_scores``.
    """

    aggregate: PanelAggregate
    moderations: tuple[ModeratedScore, ...]
    items: pd.DataFrame
    audit: pd.DataFrame
    version: str = __version__

    @property
    def scores(self) -> pd.Series:
        """The final score per item."""
        return self.items["final"]

    def matrix(self, normalised: bool = True) -> pd.DataFrame:
        """Vendors × criteria of the final scores (see :meth:`PanelAggregate.matrix`)."""
        return matrix_frame(self.scores.to_numpy(dtype=float), self.aggregate.panel, normalised)

    def to_frame(self) -> pd.DataFrame:
        """:attr:`items`."""
        return self.items

    def __repr__(self) -> str:
        return (
            f"<ConsensusScores {len(self.items)} items, {len(self.moderations)} moderated "
            f"({self.aggregate.method} otherwise)>"
        )

    def _repr_html_(self) -> str:
        """The moderated rows of :meth:`to_frame` (who agreed them, and why: :attr:`audit`)."""
        frame = self.to_frame()
        frame = flat_index(frame[frame["moderated"]])
        return html_table(
            frame.astype(object),
            caption=f"{len(self.moderations)} moderated score(s) — originals kept, "
            "who and why in the audit",
        )


def apply_moderation(
    aggregate: PanelAggregate, moderations: Iterable[ModeratedScore] | pd.DataFrame
) -> ConsensusScores:
    """The panel's scores with the meeting's agreed scores in place of the aggregate.

    Every moderation must name an item of the panel, give a score on its scale, and appear
    once per item; all problems are reported together.

    >>> import crmselect
    >>> from crmselect.consensus import aggregate_scores
    >>> agg = aggregate_scores(crmselect.example())
    >>> result = apply_moderation(agg, [ModeratedScore("helix", "D1", "sfa", 1.5,
    ...                                 "quote approval not shown", "chair")])
    >>> float(result.scores.loc[("helix", "D1", "sfa")]), len(result.audit)
    (1.5, 1)
    """
    if isinstance(moderations, pd.DataFrame):
        moderations = moderations_from_frame(moderations)
    moderations = tuple(moderations)
    panel = aggregate.panel
    known = set(panel.items)
    found = moderation_problems(
        moderations,
        panel.scale,
        lambda m: [] if m.item in known else [f"{'/'.join(m.item)} is not an item of the panel"],
    )
    if found:
        raise ValidationError("Invalid moderated scores", found)
    base = aggregate.scores
    position = {key: k for k, key in enumerate(panel.items)}
    at = np.array([position[m.item] for m in moderations], dtype=np.int64)
    agreed_values = np.full(len(base), np.nan)
    agreed_values[at] = [m.score for m in moderations]
    agreed = pd.Series(agreed_values, index=base.index, name="agreed")
    items = pd.DataFrame(
        {
            "aggregate": base,
            "agreed": agreed,
            "final": agreed.where(agreed.notna(), base),
            "moderated": agreed.notna(),
        }
    )
    values = panel.values()
    before_values = base.to_numpy(dtype=float)
    rows = []
    for m, k in zip(moderations, at, strict=True):
        listed = ", ".join(
            f"{e} {'–' if math.isnan(v) else f'{v:g}'}"
            for e, v in zip(panel.evaluators, values[:, k], strict=True)
        )
        before = float(before_values[k])
        rows.append(
            (*m.item, listed, before, m.score, m.score - before, m.reason, m.by, m.date, m.origin)
        )
    audit = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
    return ConsensusScores(aggregate, moderations, items, audit)
