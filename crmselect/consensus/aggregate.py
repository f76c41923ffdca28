"""Aggregating the panel's demo scores across evaluators.

For each item *i* = (vendor, script, criterion) the evaluators' scores ``x_ei`` (on the
demo scale) become one panel score ``a_i``:

``mean``
    weighted arithmetic mean ``a_i = Σ_e w_ec x_ei / Σ_e w_ec`` over the evaluators who
    scored *i* (``w_ec`` = evaluator *e*'s weight on the item's criterion *c*, default 1);
``median``
    weighted median: sort the scores, accumulate the weights; the first score at which the
    cumulative weight passes half the total (the midpoint of two scores when it lands on
    exactly half) — with equal weights this is the ordinary median;
``trimmed``
    trimmed mean (Tukey; ``scipy.stats.trim_mean``): sort the *k* scores, drop
    ``⌊trim · k⌋`` from each end, average the rest. It takes no evaluator weights.

**Evaluator weights** express that some members' judgement counts more, e.g. the head of
service counts double on service criteria: ``{"service": {"service": 2, "field_service":
2}}`` — a number for every criterion, or a mapping per criterion (unlisted criteria and
unlisted evaluators weigh 1), or a DataFrame evaluators × criteria.

**Bias normalisation** (off by default) removes each evaluator's personal use of the scale
before aggregating — some members score everything a point higher, others use only the
middle of the scale. It is computed per evaluator over every score the evaluator gave:

``zscore``
    ``x'_ei = μ̄ + σ̄ · (x_ei − μ_e) / σ_e`` with the evaluator's mean ``μ_e`` and population
    standard deviation ``σ_e``, the panel's mean of means ``μ̄`` and pooled deviation
    ``σ̄ = √(mean_e σ_e²)``; an evaluator who gave every item the same score (σ_e = 0) gets
    ``μ̄`` throughout. Results are clipped to the scale.
``rank``
    quantile normalisation (Bolstad et al. 2003): an evaluator's score with mid-rank *r*
    among their *n_e* scores becomes the ``(r − ½)/n_e`` quantile (linear interpolation) of
    all the panel's scores pooled; only each evaluator's *order* of the items is kept.

Normalisation changes the panel's verdict only where evaluators differ in leniency *and*
did not score the same items — with a complete panel and equal weights a constant shift
of one evaluator moves every mean equally. Use it when panels are incomplete, and say so.

**Missing scores** follow an explicit policy, and every one is listed in
:attr:`PanelAggregate.missing`:

``available`` (default)
    the aggregate of the evaluators who scored the item (what
    :func:`crmselect.scoring.demo_criterion_scores` does);
``complete``
    an item any evaluator left unscored has no panel score;
``scale_minimum``
    a missing score counts as the scale's minimum (the item is treated as not shown).

``min_evaluators`` (default 1): an item scored by fewer evaluators has no panel score.

References: J. W. Tukey (1962), *The future of data analysis*, Ann. Math. Statist. 33 (trimmed
means); B. M. Bolstad et al. (2003), Bioinformatics 19(2) 185–193 (quantile
normalisation); F. Y. Edgeworth (1888) for the weighted median.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, get_args

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect._version import __version__
from crmselect.consensus._panel import FloatArray, Panel, PanelLike, as_panel
from crmselect.consensus._ranks import mid_ranks
from crmselect.converters import is_number, is_whole
from crmselect.display import html_table
from crmselect.errors import Problem, ValidationError
from crmselect.scales import DemoScale

if TYPE_CHECKING:
    from matplotlib.axes import Axes

AggregateMethod: TypeAlias = Literal["mean", "median", "trimmed"]
Normalisation: TypeAlias = Literal["zscore", "rank"]
MissingScores: TypeAlias = Literal["available", "complete", "scale_minimum"]
EvaluatorWeights: TypeAlias = Mapping[str, float | Mapping[str, float]] | pd.Series | pd.DataFrame
"""How much each evaluator's demo scores count in the panel's aggregate (the weights *of*
evaluators, :func:`evaluator_weights`) — not criteria weights; a committee member's own
criteria weights are sampled by :class:`crmselect.robustness.MemberWeights`."""

ITEM_COLUMNS = ("score", "n", "mean", "median", "min", "max", "range", "std", "treatment")
MISSING_COLUMNS = ("evaluator", "vendor", "script", "criterion", "treatment")


# -- settings -----------------------------------------------------------------------------------


def _choice(value: str, allowed: tuple[str, ...], what: str) -> list[Problem]:
    if value in allowed:
        return []
    return [Problem(what, f"{value!r} is not one of: {', '.join(allowed)}")]


def evaluator_weights(panel: Panel, weights: EvaluatorWeights | None = None) -> pd.DataFrame:
    """The evaluators × criteria weight table implied by ``weights`` (see the module
    docstring); every weight is finite and ≥ 0, unlisted ones are 1.

    >>> import pandas as pd
    >>> panel = Panel.from_frame(pd.DataFrame({"evaluator": ["a", "b"], "vendor": "x",
    ...     "script": "D", "criterion": ["sfa", "sfa"], "score": [3, 4]}))
    >>> evaluator_weights(panel, {"b": {"sfa": 2}}).to_dict()
    {'sfa': {'a': 1.0, 'b': 2.0}}
    """
    table = pd.DataFrame(
        1.0,
        index=pd.Index(panel.evaluators, name="evaluator"),
        columns=pd.Index(panel.criteria, name="criterion"),
    )
    if weights is None:
        return table
    found: list[Problem] = []
    for evaluator, criterion, value in _weight_entries(weights):
        where = f"weights[{evaluator!r}]" + (f"[{criterion!r}]" if criterion else "")
        number, problem = _checked_entry(table, evaluator, criterion, value)
        if problem:
            found.append(Problem(where, problem))
        elif criterion is None:
            table.loc[evaluator, :] = number
        else:
            table.loc[evaluator, criterion] = number
    if found:
        raise ValidationError("Invalid evaluator weights", found)
    return table


_WeightEntry: TypeAlias = tuple[str, str | None, object]
"""An evaluator's weight as given: (evaluator, criterion or ``None`` for all, value)."""


def _weight_entries(weights: EvaluatorWeights) -> list[_WeightEntry]:
    """The weights as entries in the order given: a DataFrame by row (blank cells left
    out), a Series per evaluator, a mapping per evaluator or per (evaluator, criterion)."""
    entries: list[_WeightEntry] = []
    if isinstance(weights, pd.DataFrame):
        for evaluator, row in weights.iterrows():
            entries += [(str(evaluator), str(c), v) for c, v in row.items() if not _nan(v)]
    elif isinstance(weights, pd.Series):
        entries = [(str(e), None, v) for e, v in weights.items()]
    else:
        for evaluator, given in weights.items():
            if isinstance(given, Mapping):
                entries += [(str(evaluator), str(c), v) for c, v in given.items()]
            else:
                entries.append((str(evaluator), None, given))
    return entries


def _checked_entry(
    table: pd.DataFrame, evaluator: str, criterion: str | None, value: object
) -> tuple[float | None, str]:
    """An entry's weight, with ``""``; else ``None`` and its first problem: an evaluator or
    a criterion not in the panel (``table``), a weight that is not a finite number ≥ 0."""
    if evaluator not in table.index:
        return None, f"{evaluator!r} is not an evaluator of this panel"
    if criterion is not None and criterion not in table.columns:
        return None, f"{criterion!r} is not a criterion of this panel"
    number = _weight(value)
    if number is None:
        return None, f"weight {value!r} must be a finite number >= 0"
    return number, ""


def _nan(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _weight(value: object) -> float | None:
    if isinstance(value, bool | np.bool_):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _item_weights(panel: Panel, table: pd.DataFrame) -> FloatArray:
    """Evaluators × items weights (each item takes its criterion's column)."""
    by_criterion = table.reindex(index=list(panel.evaluators), columns=list(panel.criteria))
    return by_criterion.to_numpy(dtype=float)[:, panel.item_criteria]


# -- kernels (arrays shaped (..., evaluators, items)) --------------------------------------------


def normalise_scores(values: FloatArray, how: Normalisation, scale: DemoScale) -> FloatArray:
    """Per-evaluator bias normalisation of an evaluators × items array (NaN = missing); see
    the module docstring for both formulas.

    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]])
    >>> normalise_scores(x, "zscore", DemoScale(0, 5)).round(3).tolist()
    [[1.5, 2.5, 3.5], [1.5, 2.5, 3.5]]
    """
    out = np.full_like(values, np.nan)
    given = ~np.isnan(values)
    if how == "zscore":
        counts = given.sum(axis=1)
        has = counts > 0
        means = np.where(has, np.nansum(values, axis=1) / np.maximum(counts, 1), np.nan)
        centred = values - means[:, None]
        sds = np.sqrt(np.nansum(centred**2, axis=1) / np.maximum(counts, 1))
        grand = float(np.nanmean(means[has]))
        pooled = math.sqrt(float(np.mean(sds[has] ** 2)))
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.where(sds[:, None] > 0, centred / sds[:, None], 0.0)
        out = np.where(given, np.clip(grand + pooled * z, scale.minimum, scale.maximum), np.nan)
    elif how == "rank":
        pooled_scores = np.sort(values[given])
        for e in range(values.shape[0]):
            row = values[e]
            mask = given[e]
            if not mask.any():
                continue
            ranks = mid_ranks(row[mask])
            out[e, mask] = np.quantile(pooled_scores, (ranks - 0.5) / mask.sum())
    else:
        raise ValidationError(
            "Unknown normalisation", _choice(str(how), get_args(Normalisation), "normalise")
        )
    return out


def _weighted_median(values: FloatArray, weights: FloatArray) -> FloatArray:
    """Weighted median along the last axis; NaN values and zero weights take no part."""
    active = ~np.isnan(values) & (weights > 0)
    keyed = np.where(active, values, np.inf)
    order = np.argsort(keyed, axis=-1, kind="stable")
    v = np.take_along_axis(keyed, order, axis=-1)
    w = np.take_along_axis(np.where(active, weights, 0.0), order, axis=-1)
    cum = np.cumsum(w, axis=-1)
    total = cum[..., -1:]
    half = total / 2
    tol = 1e-12 * np.maximum(total, 1.0)
    first = np.argmax(cum >= half - tol, axis=-1)[..., None]
    at = np.take_along_axis(v, first, axis=-1)
    exact = np.abs(np.take_along_axis(cum, first, axis=-1) - half) <= tol
    nxt = np.take_along_axis(v, np.minimum(first + 1, v.shape[-1] - 1), axis=-1)
    with np.errstate(invalid="ignore"):
        median = np.where(exact & np.isfinite(nxt), (at + nxt) / 2, at)
    return np.where(total[..., 0] > 0, median[..., 0], np.nan)


def _trimmed_mean(values: FloatArray, trim: float) -> FloatArray:
    """``scipy.stats.trim_mean`` along the last axis, over the non-NaN values."""
    ordered = np.sort(values, axis=-1)
    k = (~np.isnan(ordered)).sum(axis=-1, keepdims=True)
    cut = np.floor(trim * k)
    position = np.arange(values.shape[-1])
    keep = (position >= cut) & (position < k - cut)
    kept = (k - 2 * cut)[..., 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(keep, ordered, 0.0).sum(axis=-1) / kept
    return np.where(kept > 0, mean, np.nan)


def combine(
    values: FloatArray,
    weights: FloatArray,
    method: AggregateMethod,
    trim: float,
    missing: MissingScores,
    minimum: float,
    min_evaluators: int = 1,
) -> FloatArray:
    """The aggregation kernel: arrays ``(..., evaluators, items)`` → ``(..., items)``.

    Items scored by fewer than ``min_evaluators`` — or, under ``complete``, with any NaN —
    come out NaN. The panel's own aggregate; resampled panels take
    :func:`combine_draws`, which gives the same without building them.
    """
    given = ~np.isnan(values)
    count = given.sum(axis=-2)
    if missing == "scale_minimum":
        values = np.where(given, values, minimum)
        given = np.ones_like(given)  # every score counts now (``count`` is of those given)
    x = np.swapaxes(values, -1, -2)
    w = np.swapaxes(weights, -1, -2)
    if method == "mean" and (weights == 1.0).all():
        result = _plain_mean(values, given)
    elif method == "mean":
        active = np.swapaxes(given, -1, -2)
        wa = np.where(active, w, 0.0)
        den = wa.sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            result = np.where(active, x * wa, 0.0).sum(axis=-1) / den
        result = np.where(den > 0, result, np.nan)
    elif method == "median":
        result = _weighted_median(x, w)
    else:
        result = _trimmed_mean(x, trim)
    result = np.where(count >= min_evaluators, result, np.nan)
    if missing == "complete":  # an item any evaluator left out has no panel score
        result = np.where(count < values.shape[-2], np.nan, result)
    return np.asarray(result, dtype=float)


def _plain_mean(values: FloatArray, given: npt.NDArray[np.bool_]) -> FloatArray:
    """:func:`combine`'s weighted mean ``Σ w·x / Σ w`` over the scores given, when every
    weight is 1: the same sums (``x · 1 = x``, added evaluator after evaluator in the same
    order, as numpy reduces over the evaluators' axis), without the weight products."""
    count = given.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(given, values, 0.0).sum(axis=-2) / count
    return np.where(count > 0, mean, np.nan)


def combine_draws(
    values: FloatArray,
    weights: FloatArray,
    counts: FloatArray,
    method: AggregateMethod,
    trim: float,
    missing: MissingScores,
    minimum: float,
    min_evaluators: int = 1,
) -> FloatArray:
    """:func:`combine` of resampled panels without building them: ``values`` and
    ``weights`` evaluators × items, ``counts`` draws × evaluators (how many times each
    evaluator sits on each drawn panel) → draws × items.

    Draw *b*'s panel holds evaluator *e* ``c_be`` times, so each of its sums is a sum over
    the evaluators with multiplicity ``c_be``: the weighted mean is
    ``Σ_e c_be w_ei x_ei / Σ_e c_be w_ei`` (two matrix products); the weighted median and
    the trimmed mean walk each item's scores, sorted once, accumulating ``c_be w_ei``
    (median) or ``c_be`` (trimmed: the ``⌊trim · k⌋`` lowest and highest of the ``k`` drawn
    scores are dropped, an evaluator drawn twice counting as two scores). An item counts
    the *distinct* evaluators who scored it against ``min_evaluators``; under ``complete``
    an item any drawn evaluator left unscored has no score. Equals :func:`combine` of the
    drawn panels row for row (up to the order of floating-point sums).
    """
    given = ~np.isnan(values)
    sat = (counts > 0).astype(float)
    present = sat @ given.astype(float)
    if missing == "scale_minimum":
        values = np.where(given, values, minimum)
    if method == "mean":
        result = _mean_of_draws(values, weights, counts)
    elif method == "median":
        result = _median_of_draws(values, weights, counts)
    else:
        result = _trimmed_of_draws(values, counts, trim)
    result = np.where(present >= min_evaluators, result, np.nan)
    if missing == "complete":
        result = np.where(sat @ (~given).astype(float) > 0, np.nan, result)
    return np.asarray(result, dtype=float)


def _mean_of_draws(values: FloatArray, weights: FloatArray, counts: FloatArray) -> FloatArray:
    """``Σ_e c_be w_ei x_ei / Σ_e c_be w_ei`` over the scores given (NaN if no weight)."""
    active = ~np.isnan(values)
    wa = np.where(active, weights, 0.0)
    den = counts @ wa
    with np.errstate(invalid="ignore", divide="ignore"):
        result = (counts @ np.where(active, values * wa, 0.0)) / den
    return np.asarray(np.where(den > 0, result, np.nan), dtype=float)


_GROUP_CELLS = 4_000_000
"""Draws × items × distinct scores held at once by the median and the trimmed mean of
draws (bounds memory, ~32 MiB an array)."""


@attrs.frozen(eq=False)
class _ValueGroups:
    """Each item's active scores grouped by value, for the median and the trimmed mean of
    draws: ``value`` ``U`` × items, the distinct scores of each item ascending (``inf``
    padding); ``group`` evaluators × items, the position of the evaluator's score among its
    item's distinct scores (``U`` where inactive); ``weight`` evaluators × items (0 where
    inactive).

    The weight drawn up to the *g*-th distinct score of each item is one matrix product,
    ``counts @ (weight · [group ≤ g])``: ``U`` BLAS products of draws × evaluators ×
    items, with ``U`` at most the number of evaluators (and small on a discrete scale).
    """

    value: FloatArray
    group: npt.NDArray[np.intp]
    weight: FloatArray

    @classmethod
    def of(cls, values: FloatArray, active: npt.NDArray[np.bool_], weights: FloatArray) -> Any:
        """The groups of ``values`` (evaluators × items) where ``active``, weighing
        ``weights``."""
        keyed = np.where(active, values, np.inf).T  # items × evaluators
        order = np.argsort(keyed, axis=-1, kind="stable")
        v = np.take_along_axis(keyed, order, axis=-1)
        new = np.ones(v.shape, dtype=np.bool_)
        new[:, 1:] = v[:, 1:] != v[:, :-1]
        sorted_group = np.cumsum(new, axis=-1) - 1  # per sorted position, its value's group
        finite = np.isfinite(v)
        width = max(1, int((sorted_group * finite).max(initial=0)) + 1)
        item = np.broadcast_to(np.arange(v.shape[0])[:, None], v.shape)
        value = np.full((width, v.shape[0]), np.inf)
        value[sorted_group[finite], item[finite]] = v[finite]
        group = np.full(values.shape, width, dtype=np.intp)
        group[order[finite], item[finite]] = sorted_group[finite]
        return cls(value, group, np.where(active, weights, 0.0))

    def cumulative(self, counts: FloatArray) -> list[FloatArray]:
        """``U`` × draws × items: the weight drawn up to each distinct score, for the draws
        in chunks of at most :data:`_GROUP_CELLS` cells."""
        width, n = self.value.shape
        chunk = max(1, _GROUP_CELLS // max(1, width * n))
        parts = [
            np.empty((width, len(counts[s : s + chunk]), n)) for s in range(0, len(counts), chunk)
        ]
        for g in range(width):
            upto = np.where(self.group <= g, self.weight, 0.0)
            for part, s in zip(parts, range(0, len(counts), chunk), strict=True):
                np.matmul(counts[s : s + chunk], upto, out=part[g])
        return parts


def _median_of_draws(values: FloatArray, weights: FloatArray, counts: FloatArray) -> FloatArray:
    """The weighted median of :func:`_weighted_median` with evaluator *e* weighing
    ``c_be w_ei`` in draw *b*: the first distinct score (ascending) whose cumulative weight
    reaches half the total, the midpoint with the next drawn score when it lands on half
    exactly. Evaluators with the same score of an item are one group
    (:class:`_ValueGroups`), so a draw walks an item's distinct scores, not its
    evaluators."""
    active = ~np.isnan(values) & (weights > 0)
    groups = _ValueGroups.of(values, active, weights)
    v = groups.value[:, None, :]
    out = []
    for cum in groups.cumulative(counts):
        total = cum[-1:]
        half = total / 2
        tol = 1e-12 * np.maximum(total, 1.0)
        first = np.argmax(cum >= half - tol, axis=0)[None]
        reached = np.take_along_axis(cum, first, axis=0)
        at = np.take_along_axis(np.broadcast_to(v, cum.shape), first, axis=0)
        exact = np.abs(reached - half) <= tol
        later = cum > reached
        nxt = np.where(
            later.any(axis=0, keepdims=True),
            np.take_along_axis(
                np.broadcast_to(v, cum.shape), np.argmax(later, axis=0)[None], axis=0
            ),
            np.inf,
        )
        with np.errstate(invalid="ignore"):
            median = np.where(exact & np.isfinite(nxt), (at + nxt) / 2, at)
        out.append(np.where(total[0] > 0, median[0], np.nan))
    return np.concatenate(out).astype(float)


def _trimmed_of_draws(values: FloatArray, counts: FloatArray, trim: float) -> FloatArray:
    """The trimmed mean of :func:`_trimmed_mean` with evaluator *e*'s score taken
    ``c_be`` times: the ``c`` drawn scores of one value (:class:`_ValueGroups`) cover the
    positions ``[C − c, C)`` of the drawn panel's ordered scores (``C`` the cumulative
    count) and count for their overlap with the kept positions ``[cut, k − cut)``."""
    active = ~np.isnan(values)
    groups = _ValueGroups.of(values, active, np.ones(values.shape))
    v = np.where(np.isfinite(groups.value), groups.value, 0.0)[:, None, :]
    out = []
    for end in groups.cumulative(counts):
        k = end[-1:].copy()  # end is reused in place below
        cut = np.floor(trim * k)
        start = np.empty_like(end)
        start[0] = 0.0
        start[1:] = end[:-1]
        np.maximum(start, cut, out=start)
        np.minimum(end, k - cut, out=end)
        end -= start
        np.maximum(end, 0.0, out=end)  # the kept positions each distinct score covers
        kept = (k - 2 * cut)[0]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (end * v).sum(axis=0) / kept
        out.append(np.where(kept > 0, mean, np.nan))
    return np.concatenate(out).astype(float)


def criterion_means(
    item_scores: FloatArray, panel: Panel
) -> tuple[FloatArray, tuple[str, ...], tuple[str, ...]]:
    """Item scores ``(..., items)`` → ``(..., vendors, criteria)``: the mean over the scripts
    that exercise each criterion (scripts without a score left out; NaN if none), as
    ``(x @ M) / (g @ M)`` with the panel's sparse membership matrix ``M``
    (:attr:`Panel.cells`, transposed once: :attr:`Panel.cells_by_item`) and ``g`` the
    indicator of a score."""
    vendors, criteria = panel.vendors, panel.criteria
    member = panel.cells_by_item
    flat = item_scores.reshape(-1, item_scores.shape[-1])
    given = ~np.isnan(flat)
    num = np.asarray((member @ np.where(given, flat, 0.0).T).T)
    den = np.asarray((member @ given.astype(float).T).T)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(den > 0, num / den, np.nan)
    return means.reshape(*item_scores.shape[:-1], len(vendors), len(criteria)), vendors, criteria


# -- the result ---------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class PanelAggregate:
    """The panel's score per item and per vendor × criterion, with how it was computed.

    ``items`` (index vendor, script, criterion): ``score`` the panel score (after any
    normalisation, on the demo scale), ``n`` the evaluators who scored it, and the spread
    of the scores *as given* — ``mean``, ``median``, ``min``, ``max``, ``range``, ``std``
    (population) — and ``treatment`` (why an item has no score). ``missing`` lists every
    score not given and what was done about it. :meth:`matrix` is what scoring uses.
    """

    panel: Panel
    method: AggregateMethod
    trim: float
    weights: pd.DataFrame
    normalise: Normalisation | None
    missing_policy: MissingScores
    min_evaluators: int
    adjusted: pd.DataFrame
    """Evaluators × items scores that were aggregated (= the panel's when not normalised)."""
    items: pd.DataFrame
    missing: pd.DataFrame
    version: str = __version__

    @property
    def scores(self) -> pd.Series:
        """The panel score per item (index vendor, script, criterion)."""
        return self.items["score"]

    @property
    def scale(self) -> DemoScale:
        return self.panel.scale

    def settings(self) -> dict[str, object]:
        """How the aggregate was computed (for provenance and for bootstrap reuse)."""
        return {
            "method": self.method,
            "trim": self.trim,
            "normalise": self.normalise,
            "missing": self.missing_policy,
            "min_evaluators": self.min_evaluators,
            "weighted": bool((self.weights != 1.0).to_numpy().any()),
        }

    def matrix(self, normalised: bool = True) -> pd.DataFrame:
        """Vendors × criteria: mean over scripts of the item scores; in [0, 1] when
        ``normalised`` (``(x − minimum)/(maximum − minimum)``, as scoring uses it), else on
        the demo scale. NaN where a vendor has no panel score on a criterion."""
        return matrix_frame(self.scores.to_numpy(dtype=float), self.panel, normalised)

    def to_frame(self) -> pd.DataFrame:
        """:attr:`items`."""
        return self.items

    def __repr__(self) -> str:
        extra = f", normalise={self.normalise}" if self.normalise else ""
        unscored = int(self.items["score"].isna().sum())
        return (
            f"<PanelAggregate {self.method}{extra}, missing={self.missing_policy}: "
            f"{len(self.items)} items, {len(self.missing)} scores missing, "
            f"{unscored} items without a panel score>"
        )

    def _repr_html_(self) -> str:
        """The ``score`` of :meth:`to_frame` averaged over scripts (:meth:`matrix`), on the
        demo scale, vendors × criteria."""
        scores = self.to_frame()["score"].to_numpy(dtype=float)
        frame = matrix_frame(scores, self.panel, normalised=False)
        frame = frame.map(lambda v: v if math.isnan(v) else f"{v:.2f}")
        caption = (
            f"Panel demo scores ({self.method}"
            + (f", {self.normalise}-normalised" if self.normalise else "")
            + f"; scale {self.scale.minimum:g}–{self.scale.maximum:g}), vendors × criteria"
        )
        return html_table(frame, caption=caption)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Evaluator spread per criterion: for each criterion, every evaluator's mean
        deviation from the panel mean of the items (one marker per evaluator) and a grey bar
        spanning the smallest to the largest single deviation. Needs matplotlib (the
        ``plots`` extra). Returns the Axes."""
        from crmselect.plots import axes, legend_outside

        ax = axes(ax)
        wide = self.panel.wide()
        deviation = wide - wide.mean(axis=0)
        by_criterion = deviation.T.groupby(level="criterion", sort=False)
        criteria = list(self.panel.criteria)
        x = np.arange(len(criteria))
        low = [float(np.nanmin(by_criterion.get_group(c).to_numpy())) for c in criteria]
        high = [float(np.nanmax(by_criterion.get_group(c).to_numpy())) for c in criteria]
        ax.bar(x, np.subtract(high, low), bottom=low, color="#dddddd", width=0.6, label="range")
        m = len(self.panel.evaluators)
        offsets = np.linspace(-0.2, 0.2, m) if m > 1 else np.zeros(1)
        for offset, evaluator in zip(offsets, self.panel.evaluators, strict=True):
            means = [float(by_criterion.get_group(c)[evaluator].mean()) for c in criteria]
            ax.plot(x + offset, means, "o", markersize=5, label=evaluator)
        ax.axhline(0.0, color="#555555", linewidth=0.8)
        ax.set_xticks(x, criteria, rotation=30, ha="right")
        ax.set_ylabel("score − panel mean (points)")
        ax.set_title("Evaluator spread per criterion")
        legend_outside(ax)
        return ax


def matrix_frame(item_scores: FloatArray, panel: Panel, normalised: bool) -> pd.DataFrame:
    """Vendors × criteria DataFrame of :func:`criterion_means` of one item-score vector."""
    means, vendors, criteria = criterion_means(item_scores, panel)
    if normalised:
        means = (means - panel.scale.minimum) / panel.width
    return pd.DataFrame(
        means,
        index=pd.Index(vendors, name="vendor"),
        columns=pd.Index(criteria, name="criterion"),
    )


def check_settings(
    method: str, trim: float, normalise: str | None, missing: str, min_evaluators: int
) -> None:
    """Raise :class:`~crmselect.errors.ValidationError` for unknown or out-of-range settings."""
    found = _choice(method, get_args(AggregateMethod), "method")
    found += _choice(missing, get_args(MissingScores), "missing")
    if normalise is not None:
        found += _choice(normalise, get_args(Normalisation), "normalise")
    if not (is_number(trim) and 0.0 <= trim < 0.5):
        found.append(Problem("trim", f"{trim!r} must lie in [0, 0.5)"))
    if not (is_whole(min_evaluators) and min_evaluators >= 1):
        found.append(Problem("min_evaluators", f"{min_evaluators!r} must be an integer >= 1"))
    if found:
        raise ValidationError("Invalid aggregation settings", found)


def aggregate_scores(
    source: PanelLike,
    *,
    method: AggregateMethod = "mean",
    trim: float = 0.2,
    weights: EvaluatorWeights | None = None,
    normalise: Normalisation | None = None,
    missing: MissingScores = "available",
    min_evaluators: int = 1,
    scale: DemoScale | None = None,
) -> PanelAggregate:
    """Aggregate the evaluators' demo scores per item (formulas in the module docstring).

    ``source``: an Evaluation, a long DataFrame (``evaluator, vendor, script, criterion,
    score``; ``scale`` applies, default 0–5), DemoScores or a :class:`Panel`.

    >>> import crmselect
    >>> agg = aggregate_scores(crmselect.example(), method="median")
    >>> float(agg.scores.loc[("orbis", "D1", "sfa")])
    4.0
    """
    check_settings(method, trim, normalise, missing, min_evaluators)
    panel = as_panel(source, scale)
    table = evaluator_weights(panel, weights)
    raw, adjusted, score = _aggregated(
        panel, method, trim, table.to_numpy(dtype=float), normalise, missing, min_evaluators
    )
    items = _item_table(panel, raw, score, missing, min_evaluators)
    adjusted_frame = pd.DataFrame(
        adjusted.copy(), index=pd.Index(panel.evaluators, name="evaluator"), columns=panel.items
    )
    return PanelAggregate(
        panel=panel,
        method=method,
        trim=float(trim),
        weights=table,
        normalise=normalise,
        missing_policy=missing,
        min_evaluators=min_evaluators,
        adjusted=adjusted_frame,
        items=items,
        missing=_missing_table(panel, raw, score, missing),
    )


def panel_item_scores(
    source: PanelLike,
    *,
    method: AggregateMethod = "mean",
    trim: float = 0.2,
    weights: EvaluatorWeights | None = None,
    normalise: Normalisation | None = None,
    missing: MissingScores = "available",
    min_evaluators: int = 1,
    scale: DemoScale | None = None,
) -> tuple[Panel, FloatArray]:
    """The panel of ``source`` and its score per item, in the order of its items: the
    ``score`` column of :func:`aggregate_scores` (same arguments) without the spread of
    the scores and the list of those missing — what scoring takes from the panel."""
    check_settings(method, trim, normalise, missing, min_evaluators)
    panel = as_panel(source, scale)
    by_criterion = (
        np.ones((len(panel.evaluators), len(panel.criteria)))
        if weights is None
        else evaluator_weights(panel, weights).to_numpy(dtype=float)
    )
    return panel, _aggregated(
        panel, method, trim, by_criterion, normalise, missing, min_evaluators
    )[2]


def _aggregated(
    panel: Panel,
    method: AggregateMethod,
    trim: float,
    by_criterion: FloatArray,
    normalise: Normalisation | None,
    missing: MissingScores,
    min_evaluators: int,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The raw and the (normalised) aggregated evaluators × items scores (read-only), and
    the panel score per item (:func:`combine`), with the evaluators × criteria weights
    ``by_criterion`` (:func:`evaluator_weights`, in the panel's order); the settings are
    checked (:func:`check_settings`)."""
    if method == "trimmed" and not (by_criterion.max(axis=0) == by_criterion.min(axis=0)).all():
        raise ValidationError(
            "Invalid aggregation settings",
            [Problem("weights", "the trimmed mean takes no evaluator weights; use mean or median")],
        )
    raw = panel.grid
    adjusted = raw if normalise is None else normalise_scores(raw, normalise, panel.scale)
    w = by_criterion[:, panel.item_criteria]
    score = combine(
        adjusted[None],
        w[None],
        method,
        trim,
        missing,
        panel.scale.minimum,
        min_evaluators=min_evaluators,
    )[0]
    return raw, adjusted, score


def _item_table(
    panel: Panel, raw: FloatArray, score: FloatArray, missing: str, min_evaluators: int
) -> pd.DataFrame:
    given = ~np.isnan(raw)
    n = given.sum(axis=0)
    # all-NaN items (nobody scored them) make numpy warn; they are NaN on purpose
    with warnings.catch_warnings(action="ignore", category=RuntimeWarning):
        frame = pd.DataFrame(
            {
                "score": score,
                "n": n,
                "mean": np.nanmean(raw, axis=0),
                "median": np.nanmedian(raw, axis=0),
                "min": np.nanmin(raw, axis=0),
                "max": np.nanmax(raw, axis=0),
                "std": np.nanstd(raw, axis=0),
            },
            index=panel.items,
        )
    frame.insert(6, "range", frame["max"] - frame["min"])
    treatment = np.full(len(frame), "", dtype=object)
    treatment[(n < len(panel.evaluators)) & ~np.isnan(score)] = "aggregate of the scores given"
    treatment[np.isnan(score) & (n < min_evaluators)] = f"fewer than {min_evaluators} score(s)"
    if missing == "complete":
        treatment[np.isnan(score) & (n < len(panel.evaluators)) & (n >= min_evaluators)] = (
            "incomplete: no panel score (policy complete)"
        )
    if missing == "scale_minimum":
        treatment[(n < len(panel.evaluators)) & ~np.isnan(score)] = (
            "missing scores counted as the scale minimum"
        )
    frame["treatment"] = treatment
    return frame[list(ITEM_COLUMNS)]


def _missing_table(panel: Panel, raw: FloatArray, score: FloatArray, missing: str) -> pd.DataFrame:
    treatment = {
        "available": "left out: the item's score is the aggregate of the others",
        "complete": "the item has no panel score (policy complete)",
        "scale_minimum": f"counted as {panel.scale.minimum:g} (scale minimum)",
    }[missing]
    rows = []
    for e, k in zip(*np.nonzero(np.isnan(raw)), strict=True):
        vendor, script, criterion = panel.items[k]
        what = treatment if not np.isnan(score[k]) or missing == "complete" else "no panel score"
        rows.append((panel.evaluators[e], vendor, script, criterion, what))
    return pd.DataFrame(rows, columns=list(MISSING_COLUMNS))
