"""The vectorised panel paths against plain, item-by-item reference implementations on
random panels (issue 21 item 2): aggregation by every method and missing-score policy,
the bootstrap's count kernel, the sparse vendor × criterion means, leave-one-out medians
and the grid built from score entries."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import crmselect
from crmselect.consensus import (
    Panel,
    aggregate_scores,
    leave_one_out,
    panel_bootstrap,
    panel_item_scores,
)
from crmselect.consensus._panel import _grid
from crmselect.consensus.aggregate import combine, combine_draws, criterion_means

METHODS = ("mean", "median", "trimmed")
POLICIES = ("available", "complete", "scale_minimum")
HALF_POINTS = st.integers(0, 10).map(lambda k: k / 2)


@st.composite
def panels(draw: st.DrawFn) -> Panel:
    """A random panel: 1–6 evaluators, 1–3 vendors × 1–2 scripts × 1–3 criteria, half-point
    scores with some left out (each evaluator gives at least one)."""
    m = draw(st.integers(1, 6))
    vendors = [f"v{i}" for i in range(draw(st.integers(1, 3)))]
    scripts = [f"D{i}" for i in range(draw(st.integers(1, 2)))]
    criteria = [f"c{i}" for i in range(draw(st.integers(1, 3)))]
    keys = [(v, s, c) for v in vendors for s in scripts for c in criteria]
    rows = []
    for e in range(m):
        scores = draw(st.lists(st.none() | HALF_POINTS, min_size=len(keys), max_size=len(keys)))
        if all(x is None for x in scores):
            scores[0] = draw(HALF_POINTS)
        rows += [(f"e{e}", *key, x) for key, x in zip(keys, scores, strict=True)]
    frame = pd.DataFrame(rows, columns=["evaluator", "vendor", "script", "criterion", "score"])
    return Panel.from_frame(frame)


def reference_median(pairs: list[tuple[float, float]]) -> float:
    """Weighted median by its definition: sort, accumulate; the first score whose
    cumulative weight reaches half the total, the midpoint with the next when exactly half."""
    pairs = sorted((x, w) for x, w in pairs if w > 0)
    total = sum(w for _, w in pairs)
    if total <= 0:
        return math.nan
    cumulative = 0.0
    for i, (x, w) in enumerate(pairs):
        cumulative += w
        if math.isclose(cumulative, total / 2, rel_tol=1e-12, abs_tol=1e-12):
            return (x + pairs[i + 1][0]) / 2 if i + 1 < len(pairs) else x
        if cumulative > total / 2:
            return x
    return pairs[-1][0]


def reference_item(
    scores: list[float],
    weights: list[float],
    scorers: int,
    method: str,
    trim: float,
    missing: str,
    min_evaluators: int,
) -> float:
    """One item's panel score from its rows' scores (NaN = missing) and weights;
    ``scorers`` the distinct evaluators who scored it."""
    if scorers < min_evaluators or (missing == "complete" and any(map(math.isnan, scores))):
        return math.nan
    if missing == "scale_minimum":
        scores = [0.0 if math.isnan(x) else x for x in scores]
    pairs = [(x, w) for x, w in zip(scores, weights, strict=True) if not math.isnan(x)]
    if not pairs:
        return math.nan
    if method == "mean":
        total = sum(w for _, w in pairs)
        return sum(x * w for x, w in pairs) / total if total > 0 else math.nan
    if method == "median":
        return reference_median(pairs)
    kept = len(pairs) - 2 * math.floor(trim * len(pairs))
    return float(stats.trim_mean([x for x, _ in pairs], trim)) if kept > 0 else math.nan


SETTINGS = st.fixed_dictionaries(
    {
        "method": st.sampled_from(METHODS),
        "trim": st.sampled_from((0.0, 0.1, 0.2, 0.25, 0.4)),
        "missing": st.sampled_from(POLICIES),
        "min_evaluators": st.integers(1, 4),
    }
)


def weights_for(panel: Panel, method: str, data: st.DataObject) -> dict[str, float] | None:
    """Random evaluator weights (0, ½, 1 or 2) for the mean and the median; none for the
    trimmed mean."""
    if method == "trimmed":
        return None
    chosen = data.draw(
        st.lists(
            st.sampled_from((0.0, 0.5, 1.0, 2.0)),
            min_size=len(panel.evaluators),
            max_size=len(panel.evaluators),
        )
    )
    return dict(zip(panel.evaluators, chosen, strict=True))


@settings(max_examples=150)
@given(panels(), SETTINGS, st.data())
def test_aggregation_equals_the_item_by_item_reference(
    panel: Panel, how: dict[str, Any], data: st.DataObject
) -> None:
    method = str(how["method"])
    weights = weights_for(panel, method, data)
    agg = aggregate_scores(panel, weights=weights, **how)
    values = panel.values()
    w = [1.0 if weights is None else weights[e] for e in panel.evaluators]
    expected = [
        reference_item(
            list(values[:, k]),
            w,
            int((~np.isnan(values[:, k])).sum()),
            method,
            float(how["trim"]),
            str(how["missing"]),
            int(how["min_evaluators"]),
        )
        for k in range(len(panel.items))
    ]
    np.testing.assert_allclose(agg.scores.to_numpy(), expected, rtol=1e-12, atol=1e-12)


@settings(max_examples=150)
@given(panels(), SETTINGS, st.data())
def test_the_bootstrap_kernel_equals_the_reference_on_each_drawn_panel(
    panel: Panel, how: dict[str, Any], data: st.DataObject
) -> None:
    """combine_draws with evaluator counts = the reference on the panel the counts draw
    (evaluator e sitting c_be times, counted once against min_evaluators)."""
    method = str(how["method"])
    weights = weights_for(panel, method, data)
    m = len(panel.evaluators)
    draws = np.array(
        data.draw(
            st.lists(
                st.lists(st.integers(0, m - 1), min_size=m, max_size=m), min_size=1, max_size=4
            )
        )
    )
    counts = np.stack([np.bincount(d, minlength=m) for d in draws]).astype(float)
    values = panel.values()
    w = np.array([1.0 if weights is None else weights[e] for e in panel.evaluators])
    got = combine_draws(
        values,
        np.repeat(w[:, None], values.shape[1], axis=1),
        counts,
        method,
        float(how["trim"]),
        how["missing"],
        0.0,
        min_evaluators=int(how["min_evaluators"]),
    )
    for b, drawn in enumerate(draws):
        for k in range(values.shape[1]):
            column = values[drawn, k]
            expected = reference_item(
                list(column),
                list(w[drawn]),
                len({int(e) for e in drawn if not math.isnan(values[e, k])}),
                method,
                float(how["trim"]),
                str(how["missing"]),
                int(how["min_evaluators"]),
            )
            np.testing.assert_allclose(got[b, k], expected, rtol=1e-12, atol=1e-12)


@settings(max_examples=100)
@given(panels())
def test_vendor_criterion_means_equal_the_mean_over_scripts(panel: Panel) -> None:
    scores = panel.values()[0]
    means, vendors, criteria = criterion_means(scores, panel)
    for i, v in enumerate(vendors):
        for j, c in enumerate(criteria):
            given = [
                x
                for x, (iv, _, ic) in zip(scores, panel.items, strict=True)
                if (iv, ic) == (v, c) and not math.isnan(x)
            ]
            expected = sum(given) / len(given) if given else math.nan
            np.testing.assert_allclose(means[i, j], expected, rtol=1e-12)


@settings(max_examples=100)
@given(panels())
def test_leave_one_out_median_equals_the_median_of_the_others(panel: Panel) -> None:
    values = panel.values()
    got = leave_one_out(values, "median")
    for e in range(values.shape[0]):
        for k in range(values.shape[1]):
            others = [x for o, x in enumerate(values[:, k]) if o != e and not math.isnan(x)]
            expected = (
                values[e, k] - float(np.median(others))
                if others and not math.isnan(values[e, k])
                else math.nan
            )
            np.testing.assert_allclose(got[e, k], expected, rtol=0, atol=0)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(("a", "b", "z")),
            st.sampled_from(("x", "y")),
            st.none() | HALF_POINTS,
        ),
        max_size=20,
    )
)
def test_the_grid_keeps_the_last_score_of_a_key_and_leaves_off_grid_entries_out(
    entries: list[tuple[str, str, float | None]],
) -> None:
    evaluators, keys = ("a", "b"), [("x", "D", "c"), ("y", "D", "c")]
    grid = _grid(((e, v, "D", "c", x) for e, v, x in entries), evaluators, keys)
    expected: dict[tuple[str, str], float] = {}
    for e, v, x in entries:
        if e in evaluators and x is not None:
            expected[(e, v)] = x
    for i, e in enumerate(evaluators):
        for k, (v, _, _) in enumerate(keys):
            np.testing.assert_equal(grid[i, k], expected.get((e, v), math.nan))


def test_the_panel_of_an_evaluation_is_built_once_and_bootstraps_alike() -> None:
    evaluation = crmselect.example()
    panel = Panel.from_evaluation(evaluation)
    assert Panel.from_evaluation(evaluation) is panel
    first = panel_bootstrap(evaluation, 50, seed=4)
    again = panel_bootstrap(Panel.from_frame(panel.scores, evaluation.demo_scale), 50, seed=4)
    np.testing.assert_array_equal(first.samples, again.samples)


@settings(max_examples=60, deadline=None)
@given(
    panels(),
    st.sampled_from(METHODS),
    st.sampled_from(POLICIES),
    st.sampled_from((None, "zscore", "rank")),
    st.integers(1, 3),
    st.booleans(),
)
def test_the_item_scores_scoring_takes_are_the_aggregates_scores(
    panel: Panel, method: str, missing: str, normalise: str | None, least: int, weighted: bool
) -> None:
    """``panel_item_scores`` (what ``score`` takes from the panel) is bit for bit the
    ``score`` column of the full aggregate, with evaluator weights (not for the trimmed mean)
    and every normalisation."""
    weights = {panel.evaluators[0]: 2.0} if weighted and method != "trimmed" else None
    settings_ = dict(
        method=method, missing=missing, normalise=normalise, min_evaluators=least, weights=weights
    )
    full = aggregate_scores(panel, **settings_)  # type: ignore[arg-type]
    same_panel, items = panel_item_scores(panel, **settings_)  # type: ignore[arg-type]
    assert same_panel is panel
    np.testing.assert_array_equal(items, full.scores.to_numpy(dtype=float))


@settings(max_examples=80, deadline=None)
@given(panels(), st.sampled_from(POLICIES), st.integers(1, 3))
def test_the_plain_mean_is_the_weighted_mean_bit_for_bit(
    panel: Panel, missing: str, least: int
) -> None:
    """With every weight 1 the kernel skips the weight products (``_plain_mean``); with
    every weight 2 it takes the weighted path, whose products and sums are exactly twice
    the plain ones (a power of two scales without rounding): the two agree to the bit."""
    values = panel.values()[None]
    ones = np.ones_like(values)
    plain = combine(values, ones, "mean", 0.2, missing, 0.0, min_evaluators=least)  # type: ignore[arg-type]
    weighted = combine(values, 2 * ones, "mean", 0.2, missing, 0.0, min_evaluators=least)  # type: ignore[arg-type]
    np.testing.assert_array_equal(plain, weighted)


def test_the_plain_mean_adds_forty_evaluators_as_the_weighted_mean_does() -> None:
    """As above with 40 evaluators × 500 items (past the 8 terms where numpy's pairwise
    summation would start to differ from adding one evaluator after the other)."""
    rng = np.random.default_rng(21)
    values = rng.integers(0, 11, size=(1, 40, 500)) / 2 + rng.random((1, 40, 500)) / 7
    values[rng.random(values.shape) < 0.2] = np.nan
    ones = np.ones_like(values)
    for missing in POLICIES:
        plain = combine(values, ones, "mean", 0.2, missing, 0.0)  # type: ignore[arg-type]
        weighted = combine(values, 2 * ones, "mean", 0.2, missing, 0.0)  # type: ignore[arg-type]
        np.testing.assert_array_equal(plain, weighted)
