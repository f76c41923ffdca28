"""Stability intervals and minimum weight change, checked against brute force."""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pandas as pd
import pytest

import crmselect
from crmselect.errors import ValidationError
from crmselect.robustness.sensitivity import (
    flip_table,
    min_weight_change,
    stability_intervals,
    tornado,
)

matplotlib.use("Agg")

GRID = np.linspace(0.0, 1.0, 20_001)  # step 5e-5
STEP = GRID[1]


def swept_weights(w: np.ndarray, k: int) -> np.ndarray:
    """Weights along the one-at-a-time path for criterion k, one row per grid point."""
    others = np.delete(w, k)
    rest = others / others.sum() if others.sum() > 0 else np.full(len(others), 1 / len(others))
    path = np.empty((len(GRID), len(w)))
    path[:, k] = GRID
    path[:, np.arange(len(w)) != k] = (1 - GRID)[:, None] * rest
    return path


def brute_interval(P: np.ndarray, w: np.ndarray, k: int, v: int) -> tuple[float, float]:
    totals = swept_weights(w, k) @ P.T
    others = np.delete(totals, v, axis=1)
    strictly_first = totals[:, v] > others.max(axis=1) + 1e-12
    here = int(np.argmin(np.abs(GRID - w[k])))
    lo = hi = here
    while lo > 0 and strictly_first[lo - 1]:
        lo -= 1
    while hi < len(GRID) - 1 and strictly_first[hi + 1]:
        hi += 1
    return GRID[lo], GRID[hi]


def brute_rank_interval(P: np.ndarray, w: np.ndarray, k: int) -> tuple[float, float]:
    totals = swept_weights(w, k) @ P.T
    order = np.argsort(-totals, axis=1)
    here = int(np.argmin(np.abs(GRID - w[k])))
    same = (order == order[here]).all(axis=1)
    gaps = np.diff(np.sort(totals, axis=1), axis=1).min(axis=1) > 1e-12
    same &= gaps
    lo = hi = here
    while lo > 0 and same[lo - 1]:
        lo -= 1
    while hi < len(GRID) - 1 and same[hi + 1]:
        hi += 1
    return GRID[lo], GRID[hi]


def random_case(seed: int, m: int = 5, k: int = 4) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    P = pd.DataFrame(
        rng.random((m, k)), index=[f"v{i}" for i in range(m)], columns=[f"c{j}" for j in range(k)]
    )
    w = rng.dirichlet(np.ones(k))
    return P, pd.Series(w, index=P.columns)


@pytest.mark.parametrize("seed", range(6))
def test_stability_intervals_match_a_brute_force_sweep(seed):
    P, w = random_case(seed)
    table = stability_intervals(P, w)
    v = list(P.index).index(table.attrs["winner"])
    assert v == int(np.argmax(P.to_numpy() @ w.to_numpy()))
    for k, criterion in enumerate(P.columns):
        row = table.loc[criterion]
        lo, hi = brute_interval(P.to_numpy(), w.to_numpy(), k, v)
        assert abs(row["lower"] - lo) <= 2 * STEP
        assert abs(row["upper"] - hi) <= 2 * STEP
        assert row["lower"] <= row["weight"] <= row["upper"]
        rlo, rhi = brute_rank_interval(P.to_numpy(), w.to_numpy(), k)
        assert abs(row["rank_lower"] - rlo) <= 2 * STEP
        assert abs(row["rank_upper"] - rhi) <= 2 * STEP
        # whoever is named takes the lead just beyond that end
        for end, by, step in (("lower", "lower_by", -3 * STEP), ("upper", "upper_by", 3 * STEP)):
            if row[by] is None:
                assert row[end] in (0.0, 1.0)
                continue
            path = swept_weights(w.to_numpy(), k)
            t = int(np.argmin(np.abs(GRID - (row[end] + step))))
            leader = P.index[int(np.argmax(path[t] @ P.to_numpy().T))]
            assert leader == row[by]


def test_hand_example_and_margin():
    # totals with fit weight t: acme 0.2 + 0.7 t, bolt 0.6 − 0.1 t → cross at t = 0.5
    P = pd.DataFrame({"fit": [0.9, 0.5], "price": [0.2, 0.6]}, index=["acme", "bolt"])
    table = stability_intervals(P, pd.Series({"fit": 0.6, "price": 0.4}))
    fit = table.loc["fit"]
    assert fit["lower"] == pytest.approx(0.5)
    assert fit["upper"] == 1.0
    assert fit["lower_by"] == "bolt"
    assert fit["upper_by"] is None
    assert fit["margin"] == pytest.approx(0.1)
    price = table.loc["price"]
    assert price["upper"] == pytest.approx(0.5)
    assert price["upper_by"] == "bolt"


def test_a_tie_at_the_boundary_is_a_change_point():
    # with all weight on y (t_x = 0) acme and bolt tie: that end is reported as a change
    P = pd.DataFrame({"x": [0.9, 0.3], "y": [0.5, 0.5]}, index=["acme", "bolt"])
    row = stability_intervals(P, pd.Series({"x": 0.5, "y": 0.5})).loc["x"]
    assert row["lower"] == 0.0
    assert row["lower_by"] == "bolt"
    assert row["upper_by"] is None


def test_a_winner_that_never_changes_has_infinite_margin():
    P = pd.DataFrame({"x": [0.9, 0.3], "y": [0.8, 0.5]}, index=["acme", "bolt"])
    table = stability_intervals(P, pd.Series({"x": 0.5, "y": 0.5}))
    assert table["lower_by"].isna().all()
    assert table["upper_by"].isna().all()
    assert np.isinf(table["margin"]).all()


@pytest.mark.slow
def test_score_result_brings_its_weights_and_drops_knocked_out_vendors():
    result = crmselect.score(crmselect.example())
    table = stability_intervals(result)
    assert list(table.index) == list(result.weights.index)
    np.testing.assert_allclose(table["weight"], result.weights)
    assert table.attrs["winner"] == result.winners[0]
    takers = set(table["lower_by"].dropna()) | set(table["upper_by"].dropna())
    assert not takers & set(result.knocked_out)


def test_tornado_draws_one_bar_per_criterion():
    P, w = random_case(1)
    ax = tornado(stability_intervals(P, w))
    assert len(ax.patches) == len(P.columns)
    assert ax.get_xlim() == (0.0, 1.0)


def test_weights_are_required_for_a_plain_matrix():
    P, _ = random_case(0)
    with pytest.raises(ValidationError, match="pass the current weights"):
        stability_intervals(P)


# -- minimum weight change ---------------------------------------------------------------------


def simplex_grid(k: int, step: float) -> np.ndarray:
    n = round(1 / step)
    points = [c for c in itertools.product(range(n + 1), repeat=k - 1) if sum(c) <= n]
    grid = np.array([[*c, n - sum(c)] for c in points], dtype=float) / n
    return grid


def test_hand_example_of_the_minimum_change():
    P = pd.DataFrame({"fit": [0.9, 0.5], "price": [0.2, 0.6]}, index=["acme", "bolt"])
    change = min_weight_change(P, pd.Series({"fit": 0.6, "price": 0.4}), "bolt")
    assert change.feasible
    assert change.incumbent == "acme"
    assert change.distance == pytest.approx(0.2)
    np.testing.assert_allclose(change.new_weights, [0.5, 0.5], atol=1e-9)
    np.testing.assert_allclose(change.change, [-0.1, 0.1], atol=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_minimum_change_matches_a_grid_search_with_three_criteria(seed):
    P, w = random_case(seed, m=4, k=3)
    grid = simplex_grid(3, 0.004)
    incumbent = int(np.argmax(P.to_numpy() @ w.to_numpy()))
    for c in range(len(P)):
        if c == incumbent:
            continue
        change = min_weight_change(P, w, P.index[c])
        d = P.to_numpy()[c] - P.to_numpy()[incumbent]
        ok = grid @ d >= 0
        if not ok.any():
            assert not change.feasible
            continue
        best = np.abs(grid[ok] - w.to_numpy()).sum(axis=1).min()
        assert change.feasible
        assert change.distance <= best + 1e-9  # the LP is never worse than any grid point
        assert best <= change.distance + 3 * 0.004  # and a nearby grid point is as good
        new = change.new_weights.to_numpy()
        assert new @ d >= -1e-9
        assert new.sum() == pytest.approx(1.0)
        assert (new >= 0).all()


def test_dominated_challenger_is_infeasible_with_a_message_not_an_exception():
    P = pd.DataFrame({"x": [0.9, 0.5], "y": [0.8, 0.4]}, index=["acme", "bolt"])
    change = min_weight_change(P, pd.Series({"x": 0.5, "y": 0.5}), "bolt")
    assert not change.feasible
    assert change.distance == float("inf")
    assert "dominated" in change.message
    assert change.new_weights.isna().all()


def test_bounds_are_respected_and_can_make_it_impossible():
    P = pd.DataFrame({"fit": [0.9, 0.5], "price": [0.2, 0.6]}, index=["acme", "bolt"])
    w = pd.Series({"fit": 0.6, "price": 0.4})
    bounded = min_weight_change(P, w, "bolt", bounds={"fit": (0.55, 1.0)})
    assert not bounded.feasible
    assert "within the given bounds" in bounded.message
    loose = min_weight_change(P, w, "bolt", bounds={"fit": (0.3, 1.0)})
    assert loose.feasible
    assert loose.new_weights["fit"] >= 0.3 - 1e-9


def test_against_all_needs_to_beat_every_vendor():
    P = pd.DataFrame({"x": [0.9, 0.1, 0.5], "y": [0.1, 0.9, 0.55]}, index=["a", "b", "c"])
    w = pd.Series({"x": 0.7, "y": 0.3})
    pairwise = min_weight_change(P, w, "b", "a")
    first = min_weight_change(P, w, "b", "a", against_all=True)
    assert first.distance > pairwise.distance
    totals = P.to_numpy() @ first.new_weights.to_numpy()
    assert totals[1] >= totals.max() - 1e-9


def test_already_winning_needs_no_change():
    P = pd.DataFrame({"x": [0.9, 0.9], "y": [0.1, 0.1]}, index=["a", "b"])
    change = min_weight_change(P, pd.Series({"x": 0.5, "y": 0.5}), "b", "a")
    assert change.distance == pytest.approx(0.0, abs=1e-12)
    assert "already" in change.message


@pytest.mark.slow
def test_unknown_knocked_out_and_self_challengers_are_refused():
    result = crmselect.score(crmselect.example())
    with pytest.raises(ValidationError, match="choose one of"):
        min_weight_change(result, challenger="nobody")
    gone = next(iter(result.knocked_out))
    with pytest.raises(ValidationError, match="knocked out"):
        min_weight_change(result, challenger=gone)
    with pytest.raises(ValidationError, match="is the incumbent"):
        min_weight_change(result, challenger=result.winners[0])


@pytest.mark.slow
def test_flip_table_is_sorted_and_its_first_row_dethrones_the_winner():
    result = crmselect.score(crmselect.example())
    table = flip_table(result)
    assert table.attrs["incumbent"] == result.winners[0]
    assert table["distance"].is_monotonic_increasing
    assert len(table) == len(result.matrix) - len(result.knocked_out) - 1
    best = table.index[0]
    change = min_weight_change(result, challenger=best)
    assert table["distance"].iloc[0] == pytest.approx(change.distance)
    assert table.loc[best, "increase"] == change.change.idxmax()
    # moving the weights that way really dethrones the winner
    totals = result.matrix.drop(index=list(result.knocked_out)) @ change.new_weights
    assert totals[best] >= totals[result.winners[0]] - 1e-9


def test_weight_change_converts_and_renders():
    P = pd.DataFrame({"fit": [0.9, 0.5], "price": [0.2, 0.6]}, index=["acme", "bolt"])
    change = min_weight_change(P, pd.Series({"fit": 0.6, "price": 0.4}), "bolt")
    frame = change.to_frame()
    assert list(frame.columns) == ["weight", "new_weight", "change"]
    assert "draws level" in change._repr_html_()
    assert "Σ|Δw| = 0.2000" in repr(change)
