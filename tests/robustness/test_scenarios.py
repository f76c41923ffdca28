"""Rank correlation between weight scenarios."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import crmselect
from crmselect.errors import ValidationError
from crmselect.robustness.scenarios import compare_rankings, equal_weights

P = pd.DataFrame(
    {"fit": [0.9, 0.7, 0.4, 0.1], "price": [0.1, 0.35, 0.6, 0.9]},
    index=["acme", "bolt", "core", "dyna"],
)
FIT = pd.Series({"fit": 0.9, "price": 0.1})
PRICE = pd.Series({"fit": 0.1, "price": 0.9})
MIXED = pd.Series({"fit": 0.52, "price": 0.48})  # bolt, acme, core, dyna


def test_same_rankings_correlate_one_and_reversed_minus_one():
    comparison = compare_rankings(P, {"fit": FIT, "fit again": FIT * 1.0, "price": PRICE})
    pairs = comparison.pairs
    assert pairs.loc[("fit", "fit again")].tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert pairs.loc[("fit", "price")].tolist() == pytest.approx([-1.0, -1.0, -1.0])
    assert comparison.winners.to_dict() == {"fit": "acme", "fit again": "acme", "price": "dyna"}


def test_values_are_scipys_on_the_totals():
    comparison = compare_rankings(P, {"fit": FIT, "mixed": MIXED})
    x, y = (P @ FIT).to_numpy(), (P @ MIXED).to_numpy()
    row = comparison.pairs.loc[("fit", "mixed")]
    assert row["kendall_tau"] == pytest.approx(stats.kendalltau(x, y).statistic)
    assert row["spearman_rho"] == pytest.approx(stats.spearmanr(x, y).statistic)
    assert row["weighted_tau"] == pytest.approx(stats.weightedtau(x, y).statistic)
    assert row["kendall_tau"] == pytest.approx(4 / 6)  # one discordant pair of six


def test_weighted_tau_punishes_swaps_at_the_top_more():
    Q = pd.DataFrame({"a": [0.9, 0.8, 0.5, 0.4, 0.1, 0.05], "b": [0.8, 0.9, 0.5, 0.4, 0.05, 0.1]})
    Q.index = list("uvwxyz")
    comparison = compare_rankings(
        Q, {"a": pd.Series({"a": 1.0, "b": 0.0}), "b": pd.Series({"a": 0.0, "b": 1.0})}
    )
    row = comparison.pairs.iloc[0]
    # both rankings swap the top pair and the bottom pair: τ-b ignores where, weighted τ not
    assert row["weighted_tau"] < row["kendall_tau"]


def test_ties_share_the_best_rank_and_are_shown_in_the_winner():
    even = pd.Series({"fit": 0.5, "price": 0.5})
    tied = pd.DataFrame({"fit": [0.6, 0.4, 0.1], "price": [0.4, 0.6, 0.2]}, index=["a", "b", "c"])
    comparison = compare_rankings(tied, {"even": even, "fit": FIT})
    assert comparison.ranks["even"].tolist() == [1, 1, 3]
    assert comparison.winners["even"] == "a = b"


def test_matrix_is_symmetric_with_a_unit_diagonal():
    comparison = compare_rankings(P, {"fit": FIT, "mixed": MIXED, "price": PRICE})
    table = comparison.matrix("spearman_rho")
    np.testing.assert_allclose(table, table.T)
    np.testing.assert_allclose(np.diag(table), 1.0)
    assert table.loc["fit", "price"] == pytest.approx(-1.0)
    with pytest.raises(ValidationError, match="choose one of"):
        comparison.matrix("pearson")


def test_constant_ranking_gives_nan_not_an_error():
    flat = pd.DataFrame({"fit": [0.5, 0.5], "price": [0.5, 0.5]}, index=["a", "b"])
    comparison = compare_rankings(flat, {"fit": FIT, "price": PRICE})
    assert comparison.pairs.isna().all().all()


@pytest.mark.slow
def test_evaluator_committee_and_equal_scenarios_on_the_example():
    result = crmselect.score(crmselect.example())
    criteria = list(result.weights.index)
    scenarios = {"committee": result.weights, "equal": equal_weights(criteria)}
    comparison = compare_rankings(result, scenarios)
    assert set(comparison.ranks.index).isdisjoint(result.knocked_out)
    assert comparison.winners["committee"] == result.winners[0]
    assert -1.0 <= comparison.pairs["kendall_tau"].iloc[0] <= 1.0
    html = comparison._repr_html_()
    assert "committee vs equal" in html
    assert "scenarios" in repr(comparison)


def test_bad_scenarios_are_refused():
    with pytest.raises(ValidationError, match="at least one"):
        compare_rankings(P, {})
    with pytest.raises(ValidationError, match=r"scenarios\['bad'\]"):
        compare_rankings(P, {"bad": pd.Series({"fit": 0.5, "price": 0.2})})
