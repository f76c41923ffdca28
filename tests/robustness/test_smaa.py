"""SMAA-2: hand-derived acceptabilities, shared ties, symmetry, dominance, reproducibility."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import crmselect
from crmselect.errors import ValidationError
from crmselect.robustness import _kernel, samplers
from crmselect.robustness.samplers import (
    FixedWeights,
    MemberWeights,
    NormalPerformance,
    OrderedWeights,
    PerformanceDraws,
)
from crmselect.robustness.smaa import BLOCK, _own_first_shares, holistic_acceptability, smaa

matplotlib.use("Agg")

# Two criteria, w = (t, 1 − t) with t ~ U(0, 1) (Dirichlet(1) with k = 2). Totals:
#   A = t,  B = 0.3 t + 0.8 (1 − t) = 0.8 − 0.5 t,  C = 1 − t
# cross at B=C: t = 0.4, A=C: t = 0.5, A=B: t = 8/15. Order on each interval of t:
#   [0, 0.4]: C B A   [0.4, 0.5]: B C A   [0.5, 8/15]: B A C   [8/15, 1]: A B C
HAND = pd.DataFrame({"x": [1.0, 0.3, 0.0], "y": [0.0, 0.8, 1.0]}, index=["A", "B", "C"])
T1 = 8 / 15
HAND_ACCEPTABILITY = pd.DataFrame(
    {
        1: [1 - T1, T1 - 0.4, 0.4],
        2: [T1 - 0.5, 0.4 + (1 - T1), 0.1],
        3: [0.5, 0.0, 0.5],
    },
    index=["A", "B", "C"],
)
# central weight on x: mean of t over the interval where the vendor is first
HAND_CENTRAL_X = pd.Series({"A": (T1 + 1) / 2, "B": (0.4 + T1) / 2, "C": 0.2})


def test_hand_derived_acceptabilities_are_interval_lengths():
    n = 40_000
    result = smaa(HAND, n_samples=n, seed=7)
    b = result.acceptability
    expected = HAND_ACCEPTABILITY.to_numpy()
    tolerance = 4 * np.sqrt(expected * (1 - expected) / n) + 1e-12
    assert (np.abs(b.to_numpy() - expected) <= tolerance).all()
    np.testing.assert_allclose(result.central_weights["x"], HAND_CENTRAL_X, atol=0.005)
    np.testing.assert_allclose(result.central_weights.sum(axis=1), 1.0)
    np.testing.assert_array_equal(result.confidence, [1.0, 1.0, 1.0])
    # B ranks above A while t < 8/15; C above A while t < 0.5
    assert abs(result.pairwise.loc["B", "A"] - T1) < 0.01
    assert abs(result.pairwise.loc["C", "A"] - 0.5) < 0.01
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_allclose((result.pairwise + result.pairwise.T).to_numpy()[off], 1.0)
    assert np.isnan(np.diag(result.pairwise)).all()


def test_standard_errors_follow_the_binomial_formula():
    result = smaa(HAND, n_samples=2_500, seed=1)
    b = result.acceptability
    np.testing.assert_allclose(result.standard_errors, np.sqrt(b * (1 - b) / 2_500))


def test_monte_carlo_error_shrinks_like_one_over_root_n():
    expected = HAND_ACCEPTABILITY.loc["A", 1]

    def rms(n: int) -> float:
        errors = [
            smaa(HAND, n_samples=n, seed=s).acceptability.loc["A", 1] - expected for s in range(24)
        ]
        return float(np.sqrt(np.mean(np.square(errors))))

    small, large = rms(500), rms(8_000)  # 16× the samples → 4× smaller error
    assert 2.5 < small / large < 6.5
    assert abs(small - np.sqrt(expected * (1 - expected) / 500)) < 0.4 * small


def test_acceptability_rows_and_columns_sum_to_one():
    P = pd.DataFrame(
        np.random.default_rng(3).random((6, 4)), index=list("uvwxyz"), columns=list("abcd")
    )
    b = smaa(P, n_samples=5_000, seed=2).acceptability
    np.testing.assert_allclose(b.sum(axis=0), 1.0)
    np.testing.assert_allclose(b.sum(axis=1), 1.0)


def test_identical_vendors_get_identical_results():
    rng = np.random.default_rng(0)
    P = pd.DataFrame(rng.random((4, 5)), index=list("abcd"), columns=list("vwxyz"))
    P.loc["twin"] = P.loc["b"]
    result = smaa(P, n_samples=6_000, seed=3)
    pd.testing.assert_series_equal(
        result.acceptability.loc["b"], result.acceptability.loc["twin"], check_names=False
    )
    assert result.pairwise.loc["b", "twin"] == 0.5
    pd.testing.assert_series_equal(
        result.central_weights.loc["b"], result.central_weights.loc["twin"], check_names=False
    )
    assert result.confidence["b"] == result.confidence["twin"]


def test_float_noise_does_not_break_a_tie():
    P = HAND.copy()
    P.loc["A2"] = P.loc["A"] + [0.0, 1e-15]  # equal to 12 decimals
    b = smaa(P, n_samples=3_000, seed=0).acceptability
    pd.testing.assert_series_equal(b.loc["A"], b.loc["A2"], check_names=False)


def test_ties_share_ranks_exactly_instead_of_breaking_them_by_position():
    # Evaluator "even" makes all three vendors tie; "fit" ranks them A, B, C.
    P = pd.DataFrame({"x": [0.9, 0.5, 0.1], "y": [0.1, 0.5, 0.9]}, index=["A", "B", "C"])
    table = pd.DataFrame([[0.5, 0.5], [1.0, 0.0]], index=["even", "fit"], columns=["x", "y"])
    result = smaa(P, MemberWeights(table), n_samples=4_000, seed=0)
    share = (result.acceptability.loc["A", 1] - 1 / 3) / (2 / 3)  # = share of "fit" draws
    b = result.acceptability
    even = 1 - share
    np.testing.assert_allclose(b.loc["A"], [even / 3 + share, even / 3, even / 3])
    np.testing.assert_allclose(b.loc["B"], [even / 3, even / 3 + share, even / 3])
    np.testing.assert_allclose(b.loc["C"], [even / 3, even / 3, even / 3 + share])
    np.testing.assert_allclose(result.pairwise.loc["A", "C"], share + even / 2)
    assert 0.45 < share < 0.55


def test_dominated_vendor_is_never_first():
    P = pd.DataFrame(
        {"x": [0.9, 0.2, 0.5, 0.4], "y": [0.1, 0.9, 0.5, 0.4], "z": [0.5, 0.5, 0.6, 0.5]},
        index=["a", "b", "c", "dominated"],
    )
    result = smaa(P, n_samples=8_000, seed=5)
    assert result.acceptability.loc["dominated", 1] == 0.0
    assert result.central_weights.loc["dominated"].isna().all()
    assert np.isnan(result.confidence["dominated"])
    assert result.pairwise.loc["c", "dominated"] == 1.0


def test_same_seed_is_bit_identical_for_any_chunk_size():
    P = pd.DataFrame(
        np.random.default_rng(1).random((5, 3)), index=list("abcde"), columns=list("xyz")
    )
    n = 3 * BLOCK + 123  # a partial last block
    runs = [smaa(P, n_samples=n, seed=11, chunk_size=size) for size in (1, BLOCK, 2 * BLOCK, 10**6)]
    for other in runs[1:]:
        np.testing.assert_array_equal(runs[0].acceptability, other.acceptability)
        np.testing.assert_array_equal(runs[0].central_weights, other.central_weights)
        np.testing.assert_array_equal(runs[0].pairwise, other.pairwise)
        assert runs[0].fingerprint == other.fingerprint
    different = smaa(P, n_samples=n, seed=12)
    assert not np.array_equal(runs[0].acceptability, different.acceptability)


def test_tie_heavy_runs_are_bit_identical_for_any_chunk_size():
    P = pd.DataFrame({"x": [0.9, 0.5, 0.1, 0.5], "y": [0.1, 0.5, 0.9, 0.5]}, index=list("abcd"))
    table = pd.DataFrame(
        [[0.5, 0.5], [0.3, 0.7], [0.9, 0.1]], index=["e", "f", "g"], columns=["x", "y"]
    )
    runs = [
        smaa(P, MemberWeights(table), n_samples=2 * BLOCK + 7, seed=3, chunk_size=size)
        for size in (1, 10**6)
    ]
    np.testing.assert_array_equal(runs[0].acceptability, runs[1].acceptability)
    np.testing.assert_array_equal(runs[0].central_weights, runs[1].central_weights)
    np.testing.assert_array_equal(runs[0].pairwise, runs[1].pairwise)
    pd.testing.assert_series_equal(
        runs[0].acceptability.loc["b"], runs[0].acceptability.loc["d"], check_names=False
    )


def test_unseeded_run_records_the_seed_that_repeats_it():
    first = smaa(HAND, n_samples=1_000)
    again = smaa(HAND, n_samples=1_000, seed=first.seed)
    np.testing.assert_array_equal(first.acceptability, again.acceptability)


def test_constrained_weights_and_fixed_weights():
    ranked = smaa(HAND, OrderedWeights.from_ranking(["y", "x"]), n_samples=4_000, seed=0)
    # w_y ≥ w_x means t ≤ 0.5: C first on [0, 0.4] → 0.8 of the samples, B on [0.4, 0.5]
    assert abs(ranked.acceptability.loc["C", 1] - 0.8) < 0.03
    assert ranked.acceptability.loc["A", 1] == 0.0
    fixed = smaa(HAND, pd.Series({"x": 0.45, "y": 0.55}), n_samples=100, seed=0)
    np.testing.assert_array_equal(fixed.acceptability.loc[:, 1], [0.0, 1.0, 0.0])


@pytest.mark.slow
def test_score_result_leaves_knocked_out_vendors_out():
    result = crmselect.score(crmselect.example())
    run = smaa(result, n_samples=2_000, seed=0)
    ranked = [v for v in result.matrix.index if v not in result.knocked_out]
    assert list(run.acceptability.index) == ranked
    assert not set(result.knocked_out) & set(run.acceptability.index)


def test_uncertain_performance_without_spread_equals_exact_performance():
    exact = smaa(HAND, n_samples=3_000, seed=4)
    draws = PerformanceDraws(HAND.to_numpy()[None], HAND.index, HAND.columns)
    sampled = smaa(draws, n_samples=3_000, seed=4)
    np.testing.assert_allclose(sampled.acceptability, exact.acceptability, atol=1 / 3_000)
    np.testing.assert_array_equal(sampled.confidence, [1.0, 1.0, 1.0])


def test_uncertain_performance_lowers_confidence():
    P = pd.DataFrame({"x": [0.6, 0.55], "y": [0.5, 0.52]}, index=["a", "b"])
    result = smaa(
        NormalPerformance(P, 0.1),
        FixedWeights(pd.Series({"x": 0.5, "y": 0.5})),
        n_samples=4_000,
        seed=0,
    )
    assert 0.4 < result.confidence["a"] < 0.8
    assert 0.2 < result.acceptability.loc["b", 1] < 0.6
    np.testing.assert_allclose(result.acceptability.sum(axis=1), 1.0)


def test_bad_input_is_refused_with_what_to_fix():
    bad = HAND.copy()
    bad.loc["A", "x"] = 1.2
    with pytest.raises(ValidationError, match=r"\[A, x\].*outside \[0, 1\]"):
        smaa(bad)
    with pytest.raises(ValidationError, match=r"sum to 0\.9"):
        smaa(HAND, pd.Series({"x": 0.5, "y": 0.4}))
    with pytest.raises(ValidationError, match="no weight for criteria: y"):
        smaa(HAND, pd.Series({"x": 1.0}))
    with pytest.raises(ValidationError, match="criteria not in the performance matrix: z"):
        smaa(HAND, samplers.UniformWeights(("x", "y", "z")))
    with pytest.raises(ValidationError, match="n_samples"):
        smaa(HAND, n_samples=0)


def test_result_converts_renders_and_plots():
    result = smaa(HAND.rename(index={"A": "<b>A</b>"}), n_samples=2_000, seed=0)
    frame = result.to_frame()
    assert list(frame.columns) == ["rank_1", "rank_2", "rank_3", "holistic", "confidence", "note"]
    assert frame["holistic"].is_monotonic_decreasing
    html = result._repr_html_()
    assert "&lt;b&gt;A&lt;/b&gt;" in html
    assert "<b>A</b>" not in html
    assert "N = 2,000" in html
    ax = result.plot()
    assert len(ax.patches) == 9  # 3 vendors × 3 ranks
    assert "N=2,000" in repr(result)


def test_holistic_acceptability_uses_linear_meta_weights_by_default():
    b = HAND_ACCEPTABILITY
    np.testing.assert_allclose(holistic_acceptability(b), b[1] + 0.5 * b[2])
    np.testing.assert_allclose(holistic_acceptability(b, [1, 0, 0]), b[1])
    with pytest.raises(ValidationError, match="non-increasing"):
        holistic_acceptability(b, [0, 1, 0])


def test_progress_bar_is_shown_on_request(capsys):
    smaa(HAND, n_samples=500, seed=0, progress=True)
    assert "SMAA" in capsys.readouterr().err
    smaa(HAND, n_samples=500, seed=0, progress=False)
    assert capsys.readouterr().err == ""


def test_first_place_shares_split_ties():
    totals = np.array([[0.5, 0.5, 0.1], [0.2, 0.3, 0.3 + 1e-16], [0.9, 0.1, 0.2]])
    np.testing.assert_allclose(
        _kernel.first_place_shares(totals), [[0.5, 0.5, 0], [0, 0.5, 0.5], [1, 0, 0]]
    )


# -- properties -------------------------------------------------------------------------------

matrices = st.integers(2, 5).flatmap(
    lambda m: st.integers(2, 4).flatmap(
        lambda k: arrays(
            np.float64,
            (m, k),
            elements=st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]) | st.floats(0, 1),
        )
    )
)


def frame(values: np.ndarray) -> pd.DataFrame:
    m, k = values.shape
    return pd.DataFrame(
        values, index=[f"v{i}" for i in range(m)], columns=[f"c{j}" for j in range(k)]
    )


@settings(max_examples=25, deadline=None)
@given(values=matrices, seed=st.integers(0, 2**32))
def test_property_acceptability_is_doubly_stochastic(values, seed):
    result = smaa(frame(values), n_samples=600, seed=seed)
    np.testing.assert_allclose(result.acceptability.sum(axis=0), 1.0, atol=1e-9)
    np.testing.assert_allclose(result.acceptability.sum(axis=1), 1.0, atol=1e-9)
    off = ~np.eye(len(values), dtype=bool)
    np.testing.assert_allclose((result.pairwise + result.pairwise.T).to_numpy()[off], 1.0)


@settings(max_examples=25, deadline=None)
@given(values=matrices, seed=st.integers(0, 2**32), data=st.data())
def test_property_permuting_vendors_permutes_results(values, seed, data):
    P = frame(values)
    order = data.draw(st.permutations(list(P.index)))
    a = smaa(P, n_samples=600, seed=seed)
    b = smaa(P.loc[order], n_samples=600, seed=seed)
    tol = 1 / 600  # a tie on the 1e-12 grid may fall differently once after reordering
    np.testing.assert_allclose(b.acceptability, a.acceptability.loc[order], atol=tol)
    np.testing.assert_allclose(b.pairwise, a.pairwise.loc[order, order], atol=tol)


STEP = 2.0**-_kernel.GRID_BITS
"""One step of the kernel's tie grid."""


@settings(max_examples=200)
@given(st.data())
def test_property_the_own_vendors_first_place_share_is_the_kernels(data: st.DataObject) -> None:
    """The confidence's shortcut (leader by two grid steps: 1; too far behind to be chained
    to the leader: 0; else ranked) gives what ranking every row gives, on totals built to
    tie: a few base values plus a few grid steps, so chains of near-ties occur."""
    rows, m = data.draw(st.integers(1, 30)), data.draw(st.integers(1, 7))
    base = data.draw(arrays(np.float64, (rows, m), elements=st.sampled_from([0.2, 0.5, 0.9])))
    steps = data.draw(arrays(np.int64, (rows, m), elements=st.integers(-4, 4)))
    totals = base + steps * STEP
    own = data.draw(arrays(np.intp, rows, elements=st.integers(0, m - 1)))
    expected = _kernel.first_place_shares(totals)[np.arange(rows), own]
    np.testing.assert_array_equal(_own_first_shares(totals, own), expected)
