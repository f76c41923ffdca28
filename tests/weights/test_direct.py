"""Direct rating, swing weighting and points allocation: normalisation and the errors a
committee reads when its numbers do not add up."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmselect import ValidationError
from crmselect.weights import direct_weights, points_allocation, swing_weights


def test_swing_weights_normalise_relative_to_the_top_swing() -> None:
    w = swing_weights({"price": 100, "fit": 80, "partner": 20, "support": 0})
    assert w.to_dict() == pytest.approx({"price": 0.5, "fit": 0.4, "partner": 0.1, "support": 0})
    assert w.name == "weight"
    assert w.index.name == "criterion"


@pytest.mark.parametrize(
    ("points", "where", "message"),
    [
        ({"price": 80, "fit": 60}, "swing weights", "no swing is rated 100"),
        ({"price": 100, "fit": 120}, "criterion 'fit'", "120 points exceed the 100"),
        ({"price": 100, "fit": -5}, "criterion 'fit'", "-5 is negative"),
        ({"price": 100, "fit": math.inf}, "criterion 'fit'", "not a finite number"),
        ({"price": 100, "fit": "high"}, "criterion 'fit'", "'high' is not a number"),
    ],
)
def test_swing_weight_errors(points: dict[str, object], where: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        swing_weights(points)  # type: ignore[arg-type]
    assert [p.where for p in caught.value.problems] == [where]
    assert message in caught.value.problems[0].what


def test_points_allocation_must_add_up() -> None:
    w = points_allocation(pd.Series({"price": 40, "fit": 35, "partner": 25}))
    assert w.to_dict() == pytest.approx({"price": 0.4, "fit": 0.35, "partner": 0.25})
    with pytest.raises(
        ValidationError, match=re.escape("add up to 95, not 100 (5 points are unallocated)")
    ):
        points_allocation({"price": 40, "fit": 35, "partner": 20})
    with pytest.raises(
        ValidationError, match=re.escape("add up to 110, not 100 (10 points too many)")
    ):
        points_allocation({"price": 50, "fit": 35, "partner": 25})


def test_points_allocation_other_budget_and_lenient_normalisation() -> None:
    assert points_allocation({"a": 7, "b": 3}, total=10).to_dict() == pytest.approx(
        {"a": 0.7, "b": 0.3}
    )
    assert points_allocation({"a": 30, "b": 30}, strict=False).to_dict() == pytest.approx(
        {"a": 0.5, "b": 0.5}
    )
    with pytest.raises(ValidationError, match="all points are zero"):
        points_allocation({"a": 0, "b": 0}, strict=False)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        points_allocation({"a": -1, "b": None, "c": "x"})
    assert [p.where for p in caught.value.problems] == [
        "criterion 'a'",
        "criterion 'b'",
        "criterion 'c'",
    ]


def test_direct_rating() -> None:
    assert direct_weights({"a": 8, "b": 6, "c": 6}).to_dict() == pytest.approx(
        {"a": 0.4, "b": 0.3, "c": 0.3}
    )
    with pytest.raises(ValidationError, match="all ratings are zero"):
        direct_weights({"a": 0})
    with pytest.raises(ValidationError, match="there are no criteria"):
        direct_weights({})
    with pytest.raises(ValidationError, match="appears more than once"):
        direct_weights(pd.Series([1, 2], index=["a", "a"]))


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.text("abcdef", min_size=1, max_size=4), st.floats(0, 100), min_size=1))
def test_swing_weights_are_proportional_to_points(points: dict[str, float]) -> None:
    points = {**points, "top": 100.0}
    w = swing_weights(points)
    assert w.sum() == pytest.approx(1.0)
    assert list(w.index) == list(points)
    for label, p in points.items():
        assert w[label] == pytest.approx(p / sum(points.values()))
