"""crmselect.price at the limits of its rules: a price at a limit (:func:`at_limit`, within
:data:`AT_LIMIT`) scores what a price exactly on it scores, on both sides of the limit, and
the notes say which bids sit there. The workbook's formulas are checked against these by
tests/io/report/test_workbook_recalc_edges.py (LibreOffice)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmselect.errors import ValidationError
from crmselect.price import (
    AT_LIMIT,
    OVER_HIGHEST,
    at_limit,
    limit_notes,
    price_notes,
    price_scores,
)

LIMIT = 1_350_058.494838666


def test_at_limit_is_relative_to_the_limit() -> None:
    for limit in (1.0, LIMIT, 1e12):
        assert at_limit(limit, limit)
        assert at_limit(math.nextafter(limit, 0.0), limit)
        assert at_limit(math.nextafter(limit, math.inf), limit)
        assert at_limit(limit * (1 - AT_LIMIT / 2), limit)
        assert at_limit(limit * (1 + AT_LIMIT / 2), limit)
        assert not at_limit(limit * (1 - 2 * AT_LIMIT), limit)
        assert not at_limit(limit * (1 + 1e-9), limit)


def test_a_bid_a_rounding_error_under_the_budget_scores_0_and_is_noted() -> None:
    bids = {"at": 1.6e6, "ulp": math.nextafter(1.6e6, 0.0), "out": 1.6e6 * (1 - 2 * AT_LIMIT)}
    scores = price_scores(bids, "budget", budget=1.6e6, floor=8e5)
    assert scores["at"] == 0.0
    assert scores["ulp"] == 0.0  # the formula gives 2.9e-16: the spreadsheet's 0
    assert scores["out"] == pytest.approx(2 * AT_LIMIT * 1.6e6 / 8e5, rel=1e-3)
    notes = price_notes(bids, "budget", budget=1.6e6, floor=8e5)
    assert notes.to_dict() == {
        "at": "at the budget: scores 0",
        "ulp": "at the budget: scores 0",
        "out": "",
    }


def test_a_budget_within_rounding_of_the_floor_is_refused() -> None:
    with pytest.raises(ValidationError, match="within rounding"):
        price_scores({"a": 1e6}, "budget", budget=1.6e6, floor=math.nextafter(1.6e6, 0.0))
    # twice the tolerance apart is a rule, if an absurd one
    scores = price_scores({"a": 1e6}, "budget", budget=1.6e6, floor=1.6e6 * (1 - 2 * AT_LIMIT))
    assert scores["a"] == 1.0


def test_a_bid_a_rounding_error_under_the_ceiling_scores_0() -> None:
    bids = {"low": 1e6, "ulp": math.nextafter(LIMIT, 0.0), "top": LIMIT}
    assert price_scores(bids, "linear")["ulp"] == 0.0
    assert price_scores(bids, "linear", ceiling=LIMIT)["ulp"] == 0.0
    notes = price_notes(bids, "linear", ceiling=LIMIT)
    assert notes.to_dict() == {
        "low": "",
        "ulp": "at the ceiling: scores 0",
        "top": "at the ceiling: scores 0",
    }


def test_a_ceiling_at_the_lowest_bid_gives_full_marks_up_to_it_and_0_over_it() -> None:
    bids = {"low": 1e6, "ulp": math.nextafter(1e6, math.inf), "over": 1e6 * (1 + 2 * AT_LIMIT)}
    for ceiling in (1e6, math.nextafter(1e6, 0.0), 1e6 * (1 - AT_LIMIT / 2)):
        scores = price_scores(bids, "linear", ceiling=ceiling)
        assert scores.to_dict() == {"low": 1.0, "ulp": 1.0, "over": 0.0}
    with pytest.raises(ValidationError, match="below the lowest bid"):
        price_scores(bids, "linear", ceiling=1e6 * (1 - 2 * AT_LIMIT))


def test_the_highest_bid_one_ulp_over_the_lowest_is_no_spread() -> None:
    """Python used to interpolate over the one-ulp spread (the top bid scored 0) where the
    spreadsheet, taking the two as equal, gave it 1."""
    bids = {"low": 1e6, "top": math.nextafter(1e6, math.inf), "ko": 1.1e6}
    scores = price_scores(bids, "linear", among=["low", "top"])
    assert scores.to_dict() == {"low": 1.0, "top": 1.0, "ko": 0.0}


def test_notes_name_bids_over_every_reference_bid() -> None:
    bids = {"a": 1e6, "b": LIMIT, "ko": LIMIT * (1 + 1e-9), "tie": math.nextafter(LIMIT, math.inf)}
    notes = limit_notes(bids, "linear", among=["a", "b"])
    assert notes.to_dict() == {"a": "", "b": "", "ko": OVER_HIGHEST, "tie": ""}
    assert (limit_notes(bids, "linear") == "").all()  # every bid a reference: none over
    assert (limit_notes(bids, "lowest_ratio", among=["a"]) == "").all()


# -- properties --------------------------------------------------------------------------------

prices_st = st.floats(1.0, 1e9, allow_nan=False, allow_infinity=False)
bids_st = st.lists(prices_st, min_size=2, max_size=8)


def _series(values: list[float]) -> pd.Series:
    return pd.Series({f"v{i}": v for i, v in enumerate(values)}, dtype=float)


@st.composite
def rules(draw: st.DrawFn) -> tuple[pd.Series, str, dict[str, float]]:
    """Bids, a method and its options; ties and bids at the limit are frequent."""
    values = draw(bids_st)
    if draw(st.booleans()):
        values.append(values[0])  # an exact tie
    method = draw(st.sampled_from(["budget", "linear", "lowest_ratio"]))
    options: dict[str, float] = {}
    if method == "budget":
        budget = draw(st.sampled_from([max(values), min(values), draw(prices_st)]))
        floor = draw(st.floats(0.0, 0.999)) * budget
        options = {"budget": budget, "floor": floor}
    elif method == "linear" and draw(st.booleans()):
        options = {"ceiling": max(values) * draw(st.sampled_from([1.0, 1 + AT_LIMIT / 2, 1.5]))}
    if draw(st.booleans()):  # a bid one ulp from the limit
        limit = options.get("budget", options.get("ceiling", max(values)))
        values.append(math.nextafter(limit, draw(st.sampled_from([0.0, math.inf]))))
    return _series(values), method, options


@given(rules())
def test_property_scores_fall_as_the_price_rises(
    case: tuple[pd.Series, str, dict[str, float]],
) -> None:
    prices, method, options = case
    scores = price_scores(prices, method, **options)
    ordered = scores[prices.sort_values(kind="stable").index]
    assert ordered.is_monotonic_decreasing
    assert ((scores >= 0) & (scores <= 1)).all()


@given(rules())
def test_property_0_at_or_after_the_limit_and_full_marks_at_the_best_price(
    case: tuple[pd.Series, str, dict[str, float]],
) -> None:
    prices, method, options = case
    scores = price_scores(prices, method, **options)
    assert scores[prices == prices.min()].eq(1.0).all() or method == "budget"
    limit = options.get("budget", options.get("ceiling"))
    if limit is not None:
        reached = prices.map(lambda p: p >= limit or at_limit(p, limit)).astype(bool)
        assert scores[reached].eq(0.0).all()
    if method == "budget":
        assert scores[prices <= options["floor"]].eq(1.0).all()


@given(rules())
def test_property_continuous_at_the_limit_within_the_tolerance(
    case: tuple[pd.Series, str, dict[str, float]],
) -> None:
    """Only a bid at a limit scores other than the plain formula, and by at most the
    tolerance scaled by the limit over the range the formula spans."""
    prices, method, options = case
    scores = price_scores(prices, method, **options)
    low = float(prices.min())
    if method == "lowest_ratio":
        plain = (low / prices).clip(0, 1)
        span = 1.0
    elif method == "budget":
        budget, floor = options["budget"], options["floor"]
        plain = ((budget - prices) / (budget - floor)).clip(0, 1)
        span = budget / (budget - floor)
    else:
        top = options.get("ceiling", float(prices.max()))
        if at_limit(top, low):
            return  # no spread: the step of the degenerate rule
        plain = ((top - prices) / (top - low)).clip(0, 1)
        span = top / (top - low)
    assert ((scores - plain).abs() <= 2 * AT_LIMIT * span + 1e-15).all()
