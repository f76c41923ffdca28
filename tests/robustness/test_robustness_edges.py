"""Numerical edges of the robustness analyses (issue 14): rare bound violations, underflowing
Dirichlet draws, undefined SMAA statistics, tied winners in the sensitivity analysis."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from crmselect.errors import ValidationError
from crmselect.robustness import samplers
from crmselect.robustness.samplers import BoundedWeights, DirichletWeights
from crmselect.robustness.sensitivity import flip_table, min_weight_change, stability_intervals
from crmselect.robustness.smaa import smaa

# -- BoundedWeights: rejection is always applied ------------------------------------------------


@pytest.mark.slow
def test_a_bound_the_pilot_never_sees_violated_is_still_enforced() -> None:
    # P(w_a > 0.995) = 0.005² = 2.5e-5 for uniform weights over three criteria: the
    # 20,000-draw pilot sees no violation, yet 10⁶ draws would hold about 25
    sampler = BoundedWeights.create(["a", "b", "c"], upper={"a": 0.995})
    assert sampler.acceptance == 1.0
    raw = samplers._shifted_simplex(np.random.default_rng(1), 10**6, np.zeros(3))
    assert (raw[:, 0] > 0.995).sum() > 0  # without rejection the bound would be broken
    w = sampler.sample(np.random.default_rng(1), 10**6)
    assert w.shape == (10**6, 3)
    assert (w[:, 0] <= 0.995 + 1e-12).all()
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    upper=st.lists(st.floats(0.2, 1.0), min_size=2, max_size=5),
    lower_share=st.floats(0.0, 0.9),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_bounded_draw_satisfies_every_bound(
    upper: list[float], lower_share: float, seed: int
) -> None:
    hi = np.array(upper)
    lo = lower_share * hi / len(hi)  # Σ lo ≤ 0.9, lo ≤ hi
    assume(hi.sum() >= 1.0)
    criteria = [f"c{i}" for i in range(len(hi))]
    try:
        sampler = BoundedWeights(criteria, lo, hi)
    except ValidationError:  # too tight for rejection: refused, never sampled wrongly
        return
    w = sampler.sample(np.random.default_rng(seed), 5_000)
    assert (w <= hi + 1e-12).all()
    assert (w >= lo).all()
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-12)


def test_bounded_smaa_is_reproducible_and_independent_of_chunk_size() -> None:
    P = pd.DataFrame(
        {"a": [0.9, 0.5, 0.2], "b": [0.2, 0.6, 0.5], "c": [0.1, 0.3, 0.9]}, index=["x", "y", "z"]
    )
    sampler = BoundedWeights.create(["a", "b", "c"], upper={"a": 0.995, "c": 0.6})
    runs = [smaa(P, sampler, n_samples=70_000, seed=5, chunk_size=size) for size in (1, 10**6)]
    again = smaa(P, sampler, n_samples=70_000, seed=5)
    for other in (runs[1], again):
        np.testing.assert_array_equal(runs[0].acceptability, other.acceptability)
        np.testing.assert_array_equal(runs[0].central_weights, other.central_weights)
    # central weights are means of admissible draws, so they respect the bounds too
    assert (runs[0].central_weights["c"].dropna() <= 0.6 + 1e-12).all()


# -- DirichletWeights: small concentrations -----------------------------------------------------

CENTER = pd.Series({"a": 0.5, "b": 0.3, "c": 0.2})


@pytest.mark.parametrize("concentration", [0.01, 0.001])
def test_small_concentration_never_gives_nan_rows_and_keeps_the_mean(concentration: float) -> None:
    n = 200_000
    w = DirichletWeights(CENTER, concentration=concentration).sample(np.random.default_rng(2), n)
    assert np.isfinite(w).all()
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-12)
    c = CENTER.to_numpy()
    # E w = c exactly; Var w_j = c(1 − c)/(α₀ + 1) ≈ c(1 − c) for α₀ → 0
    se = np.sqrt(c * (1 - c) / (concentration + 1) / n)
    assert (np.abs(w.mean(axis=0) - c) <= 4 * se).all()
    # as α₀ → 0 a draw sits at vertex j with probability c_j (within O(α₀))
    at_vertex = w.max(axis=1) > 1 - 1e-6
    assert at_vertex.mean() > 1 - 10 * concentration
    shares = np.bincount(w.argmax(axis=1), minlength=3) / n
    assert (np.abs(shares - c) <= 4 * np.sqrt(c * (1 - c) / n) + concentration).all()


def test_the_log_space_draws_follow_the_beta_marginals_exactly() -> None:
    # concentration 1: every shape α_j = c_j < 1 goes through log space; w_a ~ Beta(0.5, 0.5)
    w = DirichletWeights(CENTER, concentration=1.0).sample(np.random.default_rng(3), 20_000)
    for j, c in enumerate(CENTER):
        assert stats.kstest(w[:, j], stats.beta(c, 1 - c).cdf).pvalue > 1e-3


def test_shapes_of_at_least_one_keep_the_plain_gamma_stream() -> None:
    w = DirichletWeights(CENTER, concentration=100).sample(np.random.default_rng(4), 1_000)
    g = np.random.default_rng(4).gamma(np.broadcast_to(100 * CENTER.to_numpy(), (1_000, 3)))
    np.testing.assert_allclose(w, g / g.sum(axis=1, keepdims=True), rtol=1e-14)


# -- SMAA: undefined statistics say why --------------------------------------------------------

DOMINATED = pd.DataFrame(
    {"x": [0.9, 0.2, 0.1], "y": [0.2, 0.9, 0.1]}, index=["lead", "rival", "dominated"]
)


@pytest.mark.parametrize("concentration", [0.01, 0.001])
def test_smaa_with_tiny_concentration_has_no_silent_nan(concentration: float) -> None:
    sampler = DirichletWeights(pd.Series({"x": 0.5, "y": 0.5}), concentration=concentration)
    result = smaa(DOMINATED, sampler, n_samples=50_000, seed=1)
    assert np.isfinite(result.acceptability.to_numpy()).all()
    off_diagonal = result.pairwise.to_numpy()[~np.eye(3, dtype=bool)]
    assert np.isfinite(off_diagonal).all()
    # lead and rival split first place about evenly; their statistics are defined
    np.testing.assert_allclose(result.acceptability[1].loc[["lead", "rival"]], 0.5, atol=0.01)
    defined = result.central_weights.loc[["lead", "rival"]]
    assert np.isfinite(defined.to_numpy()).all()
    np.testing.assert_allclose(defined.sum(axis=1), 1.0)
    assert result.notes.loc[["lead", "rival"]].tolist() == ["", ""]
    # the dominated vendor is never first: NaN, and the note says why
    assert result.acceptability.loc["dominated", 1] == 0.0
    assert result.central_weights.loc["dominated"].isna().all()
    assert math.isnan(result.confidence["dominated"])
    assert result.notes["dominated"].startswith("never first in 50,000 samples")
    assert result.to_frame().loc["dominated", "note"] == result.notes["dominated"]
    assert "no central weights" in result._repr_html_()


def test_weight_draws_with_nan_are_refused_not_counted() -> None:
    class Broken:
        criteria = ("x", "y")
        exact = True

        def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
            w = np.full((n, 2), 0.5)
            w[0] = np.nan
            return w

    with pytest.raises(ValidationError, match="1 of 100 weight vectors drawn contain NaN"):
        smaa(DOMINATED, Broken(), n_samples=100, seed=0)


# -- sensitivity: tied winners ----------------------------------------------------------------

# totals with w = (0.4, 0.4, 0.2): a 0.40, b 0.40 (tied), c 0.34
TIED = pd.DataFrame(
    {"x": [0.8, 0.2, 0.3], "y": [0.2, 0.8, 0.3], "z": [0.0, 0.0, 0.5]}, index=["a", "b", "c"]
)
TIED_W = pd.Series({"x": 0.4, "y": 0.4, "z": 0.2})


def permutations_of(frame: pd.DataFrame) -> list[pd.DataFrame]:
    return [frame.iloc[list(order)] for order in ([0, 1, 2], [1, 0, 2], [2, 1, 0], [1, 2, 0])]


def test_tied_winners_part_at_once_when_their_totals_move_differently() -> None:
    table = stability_intervals(TIED, TIED_W)
    assert table.attrs["winners"] == ("a", "b")
    assert table.attrs["winner"] == "a, b"
    x = table.loc["x"]
    # along x: T_a = 0.2 + 0.6 t·…, a gains and b loses as t grows, so any move decides
    assert x["lower"] == x["upper"] == pytest.approx(0.4)
    assert (x["lower_by"], x["upper_by"]) == ("b", "a")
    assert x["margin"] == 0.0
    y = table.loc["y"]
    assert (y["lower_by"], y["upper_by"]) == ("a", "b")
    # along z, a and b move alike (equal x and y scores): they stay tied until c reaches
    # them. T_a(t) = 0.5 (1 − t), T_c(t) = 0.3 (1 − t) + 0.5 t → equal at t = 0.2/0.7
    z = table.loc["z"]
    assert z["lower"] == 0.0
    assert z["lower_by"] is None
    assert z["upper"] == pytest.approx(2 / 7)
    assert z["upper_by"] == "c"
    assert z["margin"] == pytest.approx(2 / 7 - 0.2)


def test_stability_and_flips_do_not_depend_on_vendor_order() -> None:
    tables = [stability_intervals(P, TIED_W) for P in permutations_of(TIED)]
    flips = [flip_table(P, TIED_W) for P in permutations_of(TIED)]
    for table, flip in zip(tables[1:], flips[1:], strict=True):
        pd.testing.assert_frame_equal(table, tables[0])
        assert table.attrs == tables[0].attrs
        pd.testing.assert_frame_equal(flip, flips[0])
        assert flip.attrs == flips[0].attrs


def test_a_flip_against_a_co_winner_costs_nothing_and_others_must_reach_both() -> None:
    table = flip_table(TIED, TIED_W)
    assert table.attrs["incumbent"] == "a, b"
    assert list(table.index) == ["a", "b", "c"]
    assert table.loc[["a", "b"], "distance"].tolist() == pytest.approx([0.0, 0.0], abs=1e-12)
    assert "already ties" in table.loc["a", "message"]
    # c must gain 0.06 on both: moving δ from x and from y to z gains 1.4 δ on each
    # (c − a = (−0.5, 0.1, 0.5)), so δ = 0.06/1.4 and Σ|Δw| = 4δ = 6/35; against a alone
    # (the old first-listed incumbent) 0.12 would have been enough
    assert table.loc["c", "distance"] == pytest.approx(6 / 35, abs=1e-7)
    change = min_weight_change(TIED, TIED_W, "c")
    assert change.incumbent == "a, b"
    totals = TIED @ change.new_weights
    assert totals["c"] >= totals[["a", "b"]].max() - 1e-9
    assert min_weight_change(TIED, TIED_W, "c", "a").distance == pytest.approx(0.12, abs=1e-7)


def test_identical_co_winners_share_the_interval_of_one_winner() -> None:
    P = pd.DataFrame({"x": [0.9, 0.5, 0.9], "y": [0.2, 0.6, 0.2]}, index=["acme", "bolt", "twin"])
    w = pd.Series({"x": 0.6, "y": 0.4})
    shared = stability_intervals(P, w)
    alone = stability_intervals(P.drop(index="twin"), w)
    assert shared.attrs["winners"] == ("acme", "twin")
    pd.testing.assert_frame_equal(shared, alone)
    assert flip_table(P, w).loc["twin", "distance"] == pytest.approx(0.0, abs=1e-12)


GRID_SCORES = st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(
    scores=st.lists(st.lists(GRID_SCORES, min_size=3, max_size=3), min_size=3, max_size=5),
    order=st.randoms(use_true_random=False),
)
def test_any_order_of_the_vendors_gives_the_same_sensitivity(scores, order) -> None:
    # scores and weights on a binary grid: totals are exact, so ties are frequent and exact
    P = pd.DataFrame(scores, index=[f"v{i}" for i in range(len(scores))], columns=list("xyz"))
    w = pd.Series({"x": 0.25, "y": 0.25, "z": 0.5})
    rows = list(range(len(P)))
    order.shuffle(rows)
    shuffled = P.iloc[rows]
    pd.testing.assert_frame_equal(stability_intervals(shuffled, w), stability_intervals(P, w))
    a, b = flip_table(shuffled, w), flip_table(P, w)
    pd.testing.assert_frame_equal(a, b, atol=1e-9)
    assert a.attrs == b.attrs


def test_a_concentration_so_small_its_draws_would_overflow_is_refused() -> None:
    center = pd.Series({"a": 0.5, "b": 0.3, "c": 0.2})
    with pytest.raises(ValidationError, match="shape α₀·c_j below 1e-300"):
        DirichletWeights(center, concentration=1e-310)
    tiny = DirichletWeights(center, concentration=1e-290)  # still drawn, never NaN
    assert np.isfinite(tiny.sample(np.random.default_rng(0), 10_000)).all()
