"""The panel statistics' mid-ranks and Spearman's ρ (``consensus/_ranks.py``): by hand, and
against scipy.stats, which they stand in for so that the demo does not import it; the F and
χ² tails come from scipy.special and equal scipy.stats' on every input the ICC and Kendall's W
can pass (integer and Satterthwaite degrees of freedom, zero and infinite statistics)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import special, stats

from crmselect.consensus._ranks import mid_ranks, spearman_rho

# few distinct values, so that ties are common
SCORES = st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, -1.5])


def test_mid_ranks_by_hand() -> None:
    # 1 < 2 < 3 = 3: ranks 1, 2 and the shared mean of 3 and 4
    assert mid_ranks([3.0, 1.0, 3.0, 2.0]).tolist() == [3.5, 1.0, 3.5, 2.0]
    # all tied: every value takes the mean rank (n + 1) / 2
    assert mid_ranks([[7.0, 7.0, 7.0]]).tolist() == [[2.0, 2.0, 2.0]]


def test_mid_ranks_refuse_nan() -> None:
    with pytest.raises(ValueError, match="NaN"):
        mid_ranks([1.0, math.nan, 2.0])


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 12)), elements=SCORES))
def test_mid_ranks_equal_scipy_rankdata_average(values: np.ndarray) -> None:
    # whole and half numbers are exact in floating point: equal, not close
    expected = stats.rankdata(values, axis=1, method="average")
    assert mid_ranks(values).tolist() == expected.tolist()
    assert mid_ranks(values[0]).tolist() == expected[0].tolist()


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 15).flatmap(
        lambda n: st.tuples(
            st.lists(SCORES, min_size=n, max_size=n), st.lists(SCORES, min_size=n, max_size=n)
        )
    )
)
def test_spearman_rho_equals_scipy_spearmanr(pair: tuple[list[float], list[float]]) -> None:
    x, y = pair
    ours = spearman_rho(x, y)
    if len(set(x)) == 1 or len(set(y)) == 1:
        assert math.isnan(ours)  # a constant side: scipy warns and gives NaN
        return
    assert ours == pytest.approx(float(stats.spearmanr(x, y).statistic), abs=1e-12)


def test_spearman_rho_by_hand() -> None:
    # no ties: ρ = 1 − 6 Σd² / (n (n² − 1)); d = (0, −1, 1, 0): 1 − 12/60 = 0.8
    assert spearman_rho([1.0, 2.0, 3.0, 4.0], [10.0, 30.0, 20.0, 40.0]) == pytest.approx(0.8)
    assert spearman_rho([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) == pytest.approx(-1.0)
    assert math.isnan(spearman_rho([1.0], [2.0]))


@pytest.mark.parametrize("x", [0.0, 1e-8, 0.3, 1.0, 2.5, 17.0, 1e6, math.inf])
@pytest.mark.parametrize("d1", [1, 2, 5, 29.7])
@pytest.mark.parametrize("d2", [1, 3, 12, 100.5])
def test_the_special_functions_are_the_scipy_stats_distributions(
    x: float, d1: float, d2: float
) -> None:
    assert float(special.chdtrc(d1, x)) == pytest.approx(float(stats.chi2.sf(x, d1)), rel=1e-12)
    assert float(special.fdtrc(d1, d2, x)) == pytest.approx(float(stats.f.sf(x, d1, d2)), rel=1e-12)
    q = 1 - 1 / (2 + x) if math.isfinite(x) else 0.975
    assert float(special.fdtri(d1, d2, q)) == pytest.approx(
        float(stats.f.ppf(q, d1, d2)), rel=1e-12
    )
