"""numpy integers and floats are accepted wherever Python numbers are; booleans are not
(the cost model has its own tests in tests/cost/test_cost_edges.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmselect
from crmselect.consensus import aggregate_scores, panel_bootstrap
from crmselect.converters import is_number, is_whole
from crmselect.cost import Assumptions, Benefit, Offer, business_case, compare_tco, monte_carlo
from crmselect.errors import ValidationError
from crmselect.model import Judgements
from crmselect.robustness import BoundedWeights


def _case() -> object:
    offer = Offer("a", "subscription", 100.0, "year", implementation_days=10, day_rate=1000.0)
    comparison = compare_tco([offer], Assumptions([10, 10, 10], discount_rate=0.1))
    return business_case(comparison, [Benefit("sales", (2000.0, 6000.0, 8000.0), kind="revenue")])


@pytest.mark.parametrize(
    ("value", "number", "whole"),
    [
        (3, True, True),
        (np.int64(3), True, True),
        (np.uint8(3), True, True),
        (np.float32(0.5), True, False),
        (np.float64(2.0), True, False),
        (True, False, False),
        (np.bool_(True), False, False),
        ("3", False, False),
        (None, False, False),
    ],
)
def test_number_checks(value: object, number: bool, whole: bool) -> None:
    assert is_number(value) is number
    assert is_whole(value) is whole


def test_judgements_take_numpy_numbers_and_refuse_booleans() -> None:
    judged = Judgements("", [("a", "b", np.int64(3)), ("a", "c", np.float32(0.5))])
    assert [x for _, _, x in judged.pairs] == [3, 0.5]
    with pytest.raises(ValidationError, match="it must be a positive number"):
        Judgements("", [("a", "b", True)])


def test_monte_carlo_takes_a_numpy_draw_count() -> None:
    case = _case()
    with_numpy = monte_carlo(case, np.int64(500), seed=np.int64(3))  # type: ignore[arg-type]
    plain = monte_carlo(case, 500, seed=3)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(with_numpy.npv, plain.npv)
    with pytest.raises(ValidationError, match="whole number of draws"):
        monte_carlo(case, True, seed=3)  # type: ignore[arg-type]


def test_bounds_may_be_numpy_scalars() -> None:
    criteria = ["a", "b", "c"]
    numpy_bounds = BoundedWeights.create(
        criteria, lower={"a": np.float32(0.25)}, upper={"b": np.int64(1), "c": np.float64(0.5)}
    )
    python_bounds = BoundedWeights.create(criteria, lower={"a": 0.25}, upper={"c": 0.5})
    assert (numpy_bounds.lower, numpy_bounds.upper) == (python_bounds.lower, python_bounds.upper)
    drawn = numpy_bounds.sample(np.random.default_rng(1), 1_000)
    assert drawn[:, 0].min() >= 0.25 - 1e-12
    assert drawn[:, 2].max() <= 0.5 + 1e-12


@pytest.mark.slow
def test_panel_settings_take_numpy_numbers() -> None:
    evaluation = crmselect.example()
    numpy_settings = aggregate_scores(
        evaluation, method="trimmed", trim=np.float64(0.2), min_evaluators=np.int64(2)
    )
    python_settings = aggregate_scores(evaluation, method="trimmed", trim=0.2, min_evaluators=2)
    pd.testing.assert_frame_equal(numpy_settings.matrix(), python_settings.matrix())
    boot = panel_bootstrap(evaluation, np.int64(50), seed=np.int64(4))
    assert boot.samples.shape[0] == 50
    np.testing.assert_array_equal(boot.samples, panel_bootstrap(evaluation, 50, seed=4).samples)
    with pytest.raises(ValidationError, match="min_evaluators"):
        aggregate_scores(evaluation, min_evaluators=True)
