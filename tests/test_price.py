"""crmselect.price: the price-scoring formulas, the rank-reversal demonstration with the
worked figures, the budget method that cannot reverse ranks, and abnormally low bids."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmselect.cost import abnormally_low, add_price_criterion, price_quality_totals, price_scores
from crmselect.errors import ValidationError

QUALITY = pd.Series({"A": 0.80, "B": 0.70, "C": 0.30, "D": 0.30})
PRICES = pd.Series({"A": 100.0, "B": 80.0, "C": 50.0, "D": 280.0})


def _points(frame: pd.DataFrame) -> dict[str, float]:
    """Totals on the 100-point scale of the worked case, exact to 9 decimals."""
    return (100 * frame["total"]).round(9).to_dict()


def _totals(bidders: list[str], method: str, **options: float) -> pd.DataFrame:
    return price_quality_totals(QUALITY[bidders], PRICES[bidders], 0.4, method, **options)


def test_lowest_price_ratio_reverses_a_and_b_when_c_bids() -> None:
    two = _totals(["A", "B"], "lowest_ratio")
    assert _points(two) == {"A": 80.0, "B": 82.0}  # 48 + 40·80/100 vs 42 + 40
    assert two["rank"].to_dict() == {"A": 2, "B": 1}
    three = _totals(["A", "B", "C"], "lowest_ratio")
    assert _points(three) == {"A": 68.0, "B": 67.0, "C": 58.0}  # C's 50 is the new lowest
    assert three["rank"].to_dict() == {"A": 1, "B": 2, "C": 3}
    # …and withdrawing C reverses it back: B wins again
    assert _totals(["A", "B"], "lowest_ratio")["rank"]["B"] == 1


def test_linear_to_the_highest_bid_reverses_a_and_b_when_d_bids() -> None:
    two = _totals(["A", "B"], "linear")
    assert _points(two) == {"A": 48.0, "B": 82.0}  # the highest bid scores 0
    three = _totals(["A", "B", "D"], "linear")
    assert _points(three) == {"A": 84.0, "B": 82.0, "D": 18.0}  # 48 + 40·180/200
    assert three["rank"]["A"] == 1


def test_budget_method_keeps_the_order_whoever_else_bids() -> None:
    for bidders in (["A", "B"], ["A", "B", "C"], ["A", "B", "D"], ["A", "B", "C", "D"]):
        frame = _totals(bidders, "budget", budget=200.0)
        assert _points(frame)["A"] == 68.0  # 48 + 40·(200 − 100)/200
        assert _points(frame)["B"] == 66.0  # 42 + 40·(200 − 80)/200
        assert frame.loc["A", "rank"] < frame.loc["B", "rank"]
    assert _totals(["A", "D"], "budget", budget=200.0).loc["D", "price_score"] == 0.0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 1), st.floats(1, 1000, allow_nan=False)), min_size=3, max_size=8
    ),
    st.integers(0, 7),
)
def test_budget_scores_are_independent_of_irrelevant_bids(
    bids: list[tuple[float, float]], drop: int
) -> None:
    ids = [f"v{i}" for i in range(len(bids))]
    quality = pd.Series([q for q, _ in bids], index=ids)
    prices = pd.Series([p for _, p in bids], index=ids)
    full = price_quality_totals(quality, prices, 0.4, "budget", budget=1200.0)
    kept = [v for i, v in enumerate(ids) if i != drop % len(ids)]
    fewer = price_quality_totals(quality[kept], prices[kept], 0.4, "budget", budget=1200.0)
    pd.testing.assert_series_equal(full["total"][kept], fewer["total"])
    # so no withdrawal can change the order of two remaining bidders
    before = full["total"][kept].to_numpy()
    after = fewer["total"].to_numpy()
    assert (
        np.sign(np.subtract.outer(before, before)) == np.sign(np.subtract.outer(after, after))
    ).all()


def test_price_score_formulas() -> None:
    prices = {"a": 100.0, "b": 80.0, "c": 120.0}
    assert price_scores(prices).round(12).to_dict() == {"a": 0.8, "b": 1.0, "c": 0.666666666667}
    assert price_scores(prices, "linear").to_dict() == {"a": 0.5, "b": 1.0, "c": 0.0}
    capped = price_scores(prices, "linear", ceiling=110.0).round(12).to_dict()
    assert capped == {"a": 0.333333333333, "b": 1.0, "c": 0.0}  # above the ceiling: 0
    assert price_scores(prices, "budget", budget=200.0, floor=40.0).to_dict() == {
        "a": 0.625,
        "b": 0.75,
        "c": 0.5,
    }
    assert price_scores({"a": 5.0, "b": 5.0}, "linear").to_dict() == {"a": 1.0, "b": 1.0}
    assert price_scores(prices).name == "price"


@pytest.mark.parametrize(
    ("prices", "message"),
    [
        ({"a": 100.0, "b": 0.0}, "price of 'b': 0.0; a price must be a positive number"),
        ({"a": 100.0, "b": None}, "price of 'b': missing"),
        ({"a": float("nan")}, "price of 'a': missing"),
        ({"a": -3.0}, "price of 'a': -3.0"),
        ({"a": "cheap"}, "'cheap' is not a number"),
        ({}, "no prices to score"),
    ],
)
def test_zero_or_missing_price_is_a_clear_error(prices: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        price_scores(prices)  # type: ignore[arg-type]


def test_method_and_budget_errors() -> None:
    with pytest.raises(ValidationError, match="'cheapest' is unknown"):
        price_scores({"a": 1.0}, "cheapest")
    with pytest.raises(ValidationError, match="give a budget above a floor"):
        price_scores({"a": 1.0}, "budget")
    with pytest.raises(ValidationError, match="below the lowest bid"):
        price_scores({"a": 10.0}, "linear", ceiling=5.0)
    with pytest.raises(ValidationError, match="has a quality score but no price"):
        price_quality_totals(QUALITY, PRICES[["A", "B"]], 0.4)
    with pytest.raises(ValidationError, match="between 0 and 1"):
        price_quality_totals(QUALITY, PRICES, 40)


def test_add_price_criterion_keeps_proportions_and_sum() -> None:
    matrix = pd.DataFrame({"fit": [0.8, 0.7], "support": [0.5, 1.0]}, index=["A", "B"])
    weights = pd.Series({"fit": 0.75, "support": 0.25}, name="weight")
    m, w = add_price_criterion(matrix, weights, pd.Series({"A": 0.8, "B": 1.0}), 0.4)
    assert list(m.columns) == ["fit", "support", "price"]
    assert w.to_dict() == pytest.approx({"fit": 0.45, "support": 0.15, "price": 0.4})
    assert w.sum() == pytest.approx(1.0)
    assert w.name == "weight"
    assert (m @ w).to_dict() == pytest.approx(
        {"A": 0.45 * 0.8 + 0.15 * 0.5 + 0.4 * 0.8, "B": 0.45 * 0.7 + 0.15 + 0.4}
    )
    with pytest.raises(ValidationError, match="price score of 'B'"):
        add_price_criterion(matrix, weights, pd.Series({"A": 1.0}), 0.4)
    with pytest.raises(ValidationError, match="already has a criterion"):
        add_price_criterion(m, w, pd.Series({"A": 1.0, "B": 1.0}), 0.1)


def test_abnormally_low_median_rule() -> None:
    frame = abnormally_low({"a": 100.0, "b": 95.0, "c": 110.0, "d": 75.0})
    # median 97.5; 80 % of it is 78
    assert frame["reference"].tolist() == pytest.approx([78.0] * 4)
    assert frame["flagged"].to_dict() == {"a": False, "b": False, "c": False, "d": True}
    assert abnormally_low({"a": 100.0, "b": 10.0})["flagged"].sum() == 0  # too few bids


def test_abnormally_low_mean_sd_rule_leaves_the_bid_out() -> None:
    prices = {"a": 100.0, "b": 102.0, "c": 98.0, "d": 101.0, "e": 70.0}
    frame = abnormally_low(prices, "mean_sd")
    others = np.array([100.0, 102.0, 98.0, 101.0])
    assert frame.loc["e", "reference"] == pytest.approx(others.mean() - 2 * others.std(ddof=1))
    assert frame["flagged"].to_dict() == {"a": False, "b": False, "c": False, "d": False, "e": True}
    # with the bid itself in the sample, 70 is only 1.79 sd under the mean of five: no flag
    values = np.array(list(prices.values()))
    assert (values.mean() - 70.0) / values.std(ddof=1) < 2


def test_abnormally_low_next_lowest_rule() -> None:
    frame = abnormally_low({"a": 100.0, "b": 85.0, "c": 60.0}, "next_lowest")
    assert frame.loc["c", "reference"] == pytest.approx(68.0)  # 20 % under the next bid
    assert frame["flagged"].to_dict() == {"a": False, "b": False, "c": True}
    assert frame["reference"].isna().sum() == 2  # the rule only looks at the lowest bid
    relaxed = abnormally_low({"a": 100.0, "b": 85.0, "c": 60.0}, "next_lowest", 0.35)
    assert not relaxed["flagged"].any()
    with pytest.raises(ValidationError, match="'zscore' is unknown"):
        abnormally_low({"a": 1.0}, "zscore")
