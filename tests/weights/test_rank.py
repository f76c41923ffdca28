"""Rank-based surrogate weights (Barron & Barrett 1996): hand-computed values for n = 1…4,
ties, and the properties every method must have."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmselect import ValidationError
from crmselect.weights import (
    rank_order_centroid,
    rank_reciprocal,
    rank_sum,
    weights_from_ranking,
)

# By hand. ROC w_i = (1/n) Σ_{k=i..n} 1/k; e.g. n = 4: w_1 = (1 + 1/2 + 1/3 + 1/4)/4 = 25/48.
ROC = {
    1: [1.0],
    2: [3 / 4, 1 / 4],
    3: [11 / 18, 5 / 18, 2 / 18],
    4: [25 / 48, 13 / 48, 7 / 48, 3 / 48],
}
# RS w_i = 2(n + 1 − i)/(n(n + 1)).
RS = {1: [1.0], 2: [2 / 3, 1 / 3], 3: [3 / 6, 2 / 6, 1 / 6], 4: [0.4, 0.3, 0.2, 0.1]}
# RR w_i = (1/i)/Σ 1/k; n = 3: Σ = 11/6, n = 4: Σ = 25/12.
RR = {
    1: [1.0],
    2: [2 / 3, 1 / 3],
    3: [6 / 11, 3 / 11, 2 / 11],
    4: [12 / 25, 6 / 25, 4 / 25, 3 / 25],
}

METHODS: list[tuple[Callable[[int], np.ndarray], dict[int, list[float]]]] = [
    (rank_order_centroid, ROC),
    (rank_sum, RS),
    (rank_reciprocal, RR),
]


@pytest.mark.parametrize(("method", "expected"), METHODS)
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_hand_computed_weights(
    method: Callable[[int], np.ndarray], expected: dict[int, list[float]], n: int
) -> None:
    w = method(n)
    assert isinstance(w, np.ndarray)
    np.testing.assert_allclose(w, expected[n], rtol=1e-12)


def test_roc_three_criteria_rounded_as_published() -> None:
    """Barron & Barrett (1996): ROC weights for three attributes .6111, .2778, .1111."""
    assert rank_order_centroid(3).round(4).tolist() == [0.6111, 0.2778, 0.1111]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 40))
def test_every_method_sums_to_one_and_decreases(n: int) -> None:
    for method, _ in METHODS:
        w = method(n)
        assert w.shape == (n,)
        assert w.sum() == pytest.approx(1.0)
        assert np.all(np.diff(w) < 0)


@pytest.mark.parametrize("n", [0, -1, 2.5, True, "3"])
def test_invalid_n(n: object) -> None:
    with pytest.raises(ValidationError, match="whole number >= 1"):
        rank_sum(n)  # type: ignore[arg-type]


def test_ranking_without_ties_follows_the_ranks_not_the_input_order() -> None:
    w = weights_from_ranking({"support": 3, "price": 1, "fit": 2})
    assert list(w.index) == ["support", "price", "fit"]
    assert w.name == "weight"
    assert w.index.name == "criterion"
    assert w.to_dict() == pytest.approx({"price": 11 / 18, "fit": 5 / 18, "support": 2 / 18})


def test_tied_criteria_share_the_mean_of_their_positions() -> None:
    """ROC n = 3, ranks a 1, b 2, c 2: b and c share (w_2 + w_3)/2 = (5/18 + 2/18)/2."""
    w = weights_from_ranking({"a": 1, "b": 2, "c": 2})
    assert w.to_dict() == pytest.approx({"a": 11 / 18, "b": 7 / 36, "c": 7 / 36})


@pytest.mark.parametrize(
    ("method", "base"), [("roc", rank_order_centroid), ("rs", rank_sum), ("rr", rank_reciprocal)]
)
def test_ties_in_the_middle_and_only_order_matters(
    method: str, base: Callable[[int], np.ndarray]
) -> None:
    competition = weights_from_ranking(
        pd.Series({"a": 1, "b": 2, "c": 2, "d": 2, "e": 5}),
        method,  # type: ignore[arg-type]
    )
    dense = weights_from_ranking({"a": 1, "b": 2, "c": 2, "d": 2, "e": 3}, method)  # type: ignore[arg-type]
    pd.testing.assert_series_equal(competition, dense)
    w = base(5)
    assert competition["a"] == pytest.approx(w[0])
    assert competition["c"] == pytest.approx(w[1:4].mean())
    assert competition["e"] == pytest.approx(w[4])
    assert competition.sum() == pytest.approx(1.0)


def test_all_tied_gives_equal_weights() -> None:
    w = weights_from_ranking({"a": 1, "b": 1, "c": 1, "d": 1}, "rr")
    np.testing.assert_allclose(w.to_numpy(), 0.25)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=10), st.sampled_from(["roc", "rs", "rr"]))
def test_ranking_weights_sum_to_one_and_respect_the_order(ranks: list[int], method: str) -> None:
    ranking = {f"c{i}": r for i, r in enumerate(ranks)}
    w = weights_from_ranking(ranking, method)  # type: ignore[arg-type]
    assert w.sum() == pytest.approx(1.0)
    for a, ra in ranking.items():
        for b, rb in ranking.items():
            if ra < rb:
                assert w[a] > w[b]
            elif ra == rb:
                assert w[a] == pytest.approx(w[b])


def test_ranking_errors_name_the_criterion() -> None:
    with pytest.raises(ValidationError) as caught:
        weights_from_ranking({"price": 1, "fit": "second", "partner": None})
    problems = {p.where: p.what for p in caught.value.problems}
    assert problems == {
        "criterion 'fit'": "'second' is not a number",
        "criterion 'partner'": "has no value",
    }
    with pytest.raises(ValidationError, match="no criteria"):
        weights_from_ranking({})
    with pytest.raises(ValidationError, match="'borda' is not one of: roc, rs, rr"):
        weights_from_ranking({"a": 1}, "borda")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="more than once"):
        weights_from_ranking(pd.Series([1, 2], index=["a", "a"]))
