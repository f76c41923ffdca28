"""The minimum weight change against one opponent in closed form, checked against the LP
solved by HiGHS (``scipy.optimize.linprog``) on random cases, with and without bounds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from crmselect.robustness._one_opponent import one_opponent_change


def highs_change(d, w, lower, upper):
    """The LP of the module docstring as written, solved by HiGHS: Δw, or None."""
    k = len(w)
    eye = np.eye(k)
    res = linprog(
        np.ones(2 * k),
        A_ub=np.vstack([np.hstack([-eye, eye]), np.hstack([eye, -eye]), np.hstack([-d, d])]),
        b_ub=np.concatenate([w - lower, upper - w, [d @ w]]),
        A_eq=np.concatenate([np.ones(k), -np.ones(k)])[None, :],
        b_eq=[0.0],
        bounds=[(0, None)] * (2 * k),
        method="highs",
    )
    return None if res.status != 0 else res.x[:k] - res.x[k:]


@st.composite
def cases(draw):
    k = draw(st.integers(2, 9))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # scores on a coarse grid, so that equal differences (ties between criteria) occur
    challenger, opponent = rng.integers(0, 6, size=(2, k)) / 5
    w = rng.dirichlet(np.ones(k))
    lower, upper = np.zeros(k), np.ones(k)
    if draw(st.booleans()):
        lower = np.minimum(w, rng.uniform(0, 0.3, k) * (rng.random(k) < 0.5))
        upper = np.maximum(w, 1 - rng.uniform(0, 0.8, k) * (rng.random(k) < 0.5))
    return challenger - opponent, w, lower, upper


@settings(max_examples=300, deadline=None)
@given(cases())
def test_the_closed_form_is_the_lp_optimum(case):
    d, w, lower, upper = case
    ours, highs = one_opponent_change(d, w, lower, upper), highs_change(d, w, lower, upper)
    assert (ours is None) == (highs is None)
    if ours is None:
        return
    # as small as HiGHS's optimum, and admissible: the sum kept, within the bounds, level
    assert np.abs(ours).sum() == pytest.approx(np.abs(highs).sum(), abs=1e-9)
    assert ours.sum() == pytest.approx(0.0, abs=1e-12)
    assert (w + ours >= lower - 1e-12).all()
    assert (w + ours <= upper + 1e-12).all()
    assert d @ (w + ours) >= -1e-12


def test_hand_example():
    """acme (0.9, 0.2) against bolt (0.5, 0.6) with weights (0.6, 0.4): bolt trails by
    0.08 and gains 0.8 per unit of weight moved from fit to price, so 0.1 moves."""
    change = one_opponent_change(
        np.array([-0.4, 0.4]), np.array([0.6, 0.4]), np.zeros(2), np.ones(2)
    )
    np.testing.assert_allclose(change, [-0.1, 0.1], atol=1e-15)


def test_the_room_of_a_criterion_runs_out_then_the_next_takes_over():
    """Price (d = 0.5) may take only 0.1 more (upper 0.3); the rest goes to support
    (d = 0.2), and it is taken from fit (d = −0.5): the gap −d · w = 0.3 − 0.1 − 0.04 = 0.16
    is 0.1 · (0.5 + 0.5) from price, then 0.7 per unit moved to support."""
    d, w = np.array([-0.5, 0.5, 0.2]), np.array([0.6, 0.2, 0.2])
    gap = 0.16
    change = one_opponent_change(d, w, np.zeros(3), np.array([1.0, 0.3, 1.0]))
    assert change[1] == pytest.approx(0.1)
    rest = (gap - 0.1 * 1.0) / 0.7  # 0.0857…
    np.testing.assert_allclose(change, [-(0.1 + rest), 0.1, rest], atol=1e-12)


def test_no_room_anywhere_is_infeasible_and_a_lead_needs_no_change():
    d, w = np.array([-0.5, 0.5]), np.array([0.8, 0.2])
    assert one_opponent_change(d, w, np.array([0.7, 0.0]), np.array([1.0, 0.25])) is None
    np.testing.assert_array_equal(one_opponent_change(-d, w, np.zeros(2), np.ones(2)), np.zeros(2))
