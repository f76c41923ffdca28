"""Weight and performance samplers, each checked against the distribution it claims."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crmselect.errors import ValidationError
from crmselect.model import Criterion
from crmselect.robustness.samplers import (
    BoundedWeights,
    ConstrainedWeights,
    DirichletWeights,
    FixedWeights,
    IntervalPerformance,
    MemberWeights,
    NormalPerformance,
    OrderedWeights,
    PerformanceDraws,
    PerformanceSampler,
    UniformWeights,
    WeightSampler,
)

CRITERIA = ("a", "b", "c", "d", "e")
P_MIN = 1e-3  # KS tests at fixed seeds: fail only on a real mismatch


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def uniform_reference(k: int, n: int, seed: int = 99) -> np.ndarray:
    return UniformWeights(tuple(f"c{i}" for i in range(k))).sample(rng(seed), n)


def assert_on_simplex(w: np.ndarray) -> None:
    assert (w >= -1e-12).all()
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-12)


# -- uniform ----------------------------------------------------------------------------------


def test_uniform_marginals_are_beta_1_k_minus_1_with_mean_1_over_k():
    k = len(CRITERIA)
    w = UniformWeights(CRITERIA).sample(rng(), 20_000)
    assert_on_simplex(w)
    se = math.sqrt((k - 1) / (k**2 * (k + 1)) / 20_000)  # Beta(1, k-1) variance / N
    np.testing.assert_allclose(w.mean(axis=0), 1 / k, atol=4 * se)
    for j in range(k):
        assert stats.kstest(w[:, j], stats.beta(1, k - 1).cdf).pvalue > P_MIN


def test_uniform_is_exact_and_a_weight_sampler():
    sampler = UniformWeights(CRITERIA)
    assert sampler.exact is True
    assert isinstance(sampler, WeightSampler)


def test_duplicate_criteria_are_refused():
    with pytest.raises(ValidationError, match="more than once"):
        UniformWeights(("a", "a"))


# -- Dirichlet around given weights -----------------------------------------------------------


def test_dirichlet_has_the_centre_as_mean_and_the_documented_variance():
    center = pd.Series({"a": 0.5, "b": 0.3, "c": 0.2, "d": 0.0})
    sampler = DirichletWeights(center, concentration=50)
    w = sampler.sample(rng(), 20_000)
    assert_on_simplex(w)
    c = center.to_numpy()
    np.testing.assert_allclose(w.mean(axis=0), c, atol=0.005)
    np.testing.assert_allclose(w.var(axis=0), c * (1 - c) / 51, rtol=0.08, atol=1e-12)
    assert (w[:, 3] == 0).all()


def test_dirichlet_rejects_weights_not_summing_to_one():
    with pytest.raises(ValidationError, match="sum to"):
        DirichletWeights(pd.Series({"a": 0.5, "b": 0.6}))


# -- bounds -----------------------------------------------------------------------------------


def test_lower_bounds_by_shift_and_scale_are_exact():
    lower = {"a": 0.3, "c": 0.1}
    w = BoundedWeights.create(CRITERIA, lower=lower).sample(rng(), 10_000)
    assert_on_simplex(w)
    assert (w[:, 0] >= 0.3 - 1e-12).all()
    assert (w[:, 2] >= 0.1 - 1e-12).all()
    # undo the shift: the remainder is uniform on the simplex, so Beta(1, k-1) marginals
    v = (w - np.array([0.3, 0, 0.1, 0, 0])) / 0.6
    for j in range(len(CRITERIA)):
        assert stats.kstest(v[:, j], stats.beta(1, len(CRITERIA) - 1).cdf).pvalue > P_MIN


def test_upper_bounds_by_rejection_match_naive_rejection():
    upper = {"a": 0.25, "b": 0.4}
    sampler = BoundedWeights.create(CRITERIA, upper=upper)
    w = sampler.sample(rng(), 5_000)
    assert len(w) == 5_000
    assert (w[:, 0] <= 0.25 + 1e-12).all()
    assert (w[:, 1] <= 0.4 + 1e-12).all()
    ref = uniform_reference(5, 60_000)
    ref = ref[(ref[:, 0] <= 0.25) & (ref[:, 1] <= 0.4)]
    assert 0 < sampler.acceptance < 1
    for j in range(5):
        assert stats.ks_2samp(w[:, j], ref[:, j]).pvalue > P_MIN


def test_hopeless_upper_bounds_point_to_hit_and_run():
    k = 30
    criteria = [f"c{i}" for i in range(k)]
    with pytest.raises(ValidationError, match=r"ConstrainedWeights\.from_bounds"):
        BoundedWeights.create(criteria, upper=dict.fromkeys(criteria, 1.2 / k))


def test_infeasible_bounds_say_which_way_to_move():
    with pytest.raises(ValidationError, match="lower bounds sum to"):
        BoundedWeights.create(["a", "b"], lower={"a": 0.7, "b": 0.5})
    with pytest.raises(ValidationError, match="upper bounds sum to"):
        BoundedWeights.create(["a", "b"], upper={"a": 0.3, "b": 0.5})


def test_around_keeps_each_weight_within_the_relative_band():
    center = pd.Series({"a": 0.4, "b": 0.35, "c": 0.25})
    w = BoundedWeights.around(center, 0.2).sample(rng(), 3_000)
    c = center.to_numpy()
    assert (w >= c * 0.8 - 1e-12).all()
    assert (w <= c * 1.2 + 1e-12).all()


# -- orders -----------------------------------------------------------------------------------


def test_complete_ranking_is_sorted_and_its_means_are_the_roc_weights():
    # E[w_(i)] for a uniform weight ranked i-th of k is the ROC weight (1/k) Σ_{j≥i} 1/j
    k = len(CRITERIA)
    sampler = OrderedWeights.from_ranking(CRITERIA)
    w = sampler.sample(rng(), 20_000)
    assert_on_simplex(w)
    assert (np.diff(w, axis=1) <= 1e-12).all()
    roc = [sum(1 / j for j in range(i, k + 1)) / k for i in range(1, k + 1)]
    np.testing.assert_allclose(w.mean(axis=0), roc, atol=0.004)
    # the largest weight is distributed as the maximum of a uniform draw
    ref = uniform_reference(k, 20_000)
    assert stats.ks_2samp(w[:, 0], ref.max(axis=1)).pvalue > P_MIN
    assert sampler.exact
    assert sampler.n_extensions == 1


def test_ranking_may_leave_other_criteria_free():
    sampler = OrderedWeights.from_ranking(["c", "a"], criteria=CRITERIA)
    w = sampler.sample(rng(), 2_000)
    assert (w[:, 2] >= w[:, 0]).all()
    assert sampler.n_extensions == 1


def test_partial_order_is_uniform_on_its_region():
    # a ≥ b, a ≥ c, c ≥ d on four criteria (e free): compare with naive rejection
    relations = [("a", "b"), ("a", "c"), ("c", "d")]
    sampler = OrderedWeights(CRITERIA, relations)
    assert sampler.n_extensions == 3  # a first, then b anywhere relative to the chain c ≥ d
    w = sampler.sample(rng(), 8_000)
    assert_on_simplex(w)
    assert ((w[:, 0] >= w[:, 1]) & (w[:, 0] >= w[:, 2]) & (w[:, 2] >= w[:, 3])).all()
    ref = uniform_reference(5, 120_000)
    ref = ref[(ref[:, 0] >= ref[:, 1]) & (ref[:, 0] >= ref[:, 2]) & (ref[:, 2] >= ref[:, 3])]
    for j in range(5):
        assert stats.ks_2samp(w[:, j], ref[:, j]).pvalue > P_MIN


def test_order_cycles_and_unknown_criteria_are_refused():
    with pytest.raises(ValidationError, match="cycle"):
        OrderedWeights(("a", "b", "c"), [("a", "b"), ("b", "c"), ("c", "a")])
    with pytest.raises(ValidationError, match="unknown criterion 'z'"):
        OrderedWeights(("a", "b"), [("a", "z")])


# -- general linear constraints ---------------------------------------------------------------


RATIO = [({"a": 1, "b": -2}, ">=", 0), ({"c": 1}, "<=", 0.3)]  # w_a ≥ 2 w_b, w_c ≤ 0.3


def test_constraints_use_exact_rejection_when_acceptance_allows():
    sampler = ConstrainedWeights.from_inequalities(["a", "b", "c", "d"], RATIO)
    assert sampler.exact
    assert sampler.efficiency == 1.0
    w = sampler.sample(rng(), 4_000)
    assert_on_simplex(w)
    assert (w[:, 0] >= 2 * w[:, 1] - 1e-9).all()
    assert (w[:, 2] <= 0.3 + 1e-9).all()


def test_hit_and_run_matches_exact_rejection_on_the_same_polytope():
    exact = ConstrainedWeights.from_inequalities(["a", "b", "c", "d"], RATIO, method="rejection")
    chain = ConstrainedWeights.from_inequalities(["a", "b", "c", "d"], RATIO, method="hit-and-run")
    assert chain.exact is False
    assert 0 < chain.efficiency < 1
    w = chain.sample(rng(1), 4_000)
    ref = exact.sample(rng(2), 4_000)
    assert (w[:, 0] >= 2 * w[:, 1] - 1e-9).all()
    assert (w[:, 2] <= 0.3 + 1e-9).all()
    for j in range(4):
        # correlated draws: compare at an effective size ~ N * efficiency
        assert stats.ks_2samp(w[::4, j], ref[::4, j]).pvalue > P_MIN


def test_hit_and_run_on_the_plain_simplex_has_beta_marginals():
    k = 4
    chain = ConstrainedWeights(
        [f"c{i}" for i in range(k)], np.zeros((0, k)), [], method="hit-and-run"
    )
    w = chain.sample(rng(), 4_000)
    assert_on_simplex(w)
    np.testing.assert_allclose(w.mean(axis=0), 1 / k, atol=0.02)
    assert stats.kstest(w[::4, 0], stats.beta(1, k - 1).cdf).pvalue > P_MIN


def test_infeasible_and_flat_constraints_are_explained():
    with pytest.raises(ValidationError, match="no weights"):
        ConstrainedWeights.from_inequalities(
            ["a", "b"], [({"a": 1}, ">=", 0.8), ({"b": 1}, ">=", 0.8)]
        )
    with pytest.raises(ValidationError, match="no room"):
        ConstrainedWeights.from_inequalities(
            ["a", "b", "c"], [({"a": 1}, ">=", 0.5), ({"a": 1}, "<=", 0.5)]
        )
    with pytest.raises(ValidationError, match="unknown criterion"):
        ConstrainedWeights.from_inequalities(["a", "b"], [({"z": 1}, ">=", 0.1)])


def test_tree_node_bounds_hold_for_global_and_local_shares():
    tree = [
        Criterion("fn", children=[Criterion("sfa"), Criterion("service"), Criterion("marketing")]),
        Criterion("cost", children=[Criterion("licence"), Criterion("services")]),
        Criterion("partner"),
    ]
    sampler = ConstrainedWeights.from_tree(
        tree, global_bounds={"fn": (0.4, 0.7)}, local_bounds={"licence": (0.6, 1.0)}
    )
    assert sampler.criteria == ("sfa", "service", "marketing", "licence", "services", "partner")
    for method in ("auto", "hit-and-run"):
        s = ConstrainedWeights.from_tree(
            tree,
            global_bounds={"fn": (0.4, 0.7)},
            local_bounds={"licence": (0.6, 1.0)},
            method=method,
        )
        w = s.sample(rng(), 2_000)
        fn = w[:, :3].sum(axis=1)
        assert ((fn >= 0.4 - 1e-9) & (fn <= 0.7 + 1e-9)).all()
        assert (w[:, 3] >= 0.6 * w[:, 3:5].sum(axis=1) - 1e-9).all()
    with pytest.raises(ValidationError, match="unknown criterion 'nope'"):
        ConstrainedWeights.from_tree(tree, global_bounds={"nope": (0, 1)})


# -- evaluators and fixed weights --------------------------------------------------------------


def test_evaluator_weights_draw_each_member_equally_often():
    table = pd.DataFrame(
        [[0.5, 0.5, 0.0], [0.2, 0.3, 0.5], [1.0, 0.0, 0.0]],
        index=["ann", "bo", "cy"],
        columns=["a", "b", "c"],
    )
    w = MemberWeights(table).sample(rng(), 9_000)
    matches = (w[:, None, :] == table.to_numpy()[None]).all(axis=2)
    assert matches.any(axis=1).all()
    np.testing.assert_allclose(matches.mean(axis=0), 1 / 3, atol=0.02)


def test_evaluator_rows_must_sum_to_one_and_the_message_says_how():
    table = pd.DataFrame([[2.0, 3.0]], index=["ann"], columns=["a", "b"])
    with pytest.raises(ValidationError, match=r"divide each row by its sum"):
        MemberWeights(table)


def test_fixed_weights_repeat_the_vector():
    w = FixedWeights(pd.Series({"a": 0.25, "b": 0.75})).sample(rng(), 3)
    np.testing.assert_array_equal(w, [[0.25, 0.75]] * 3)


# -- performance samplers ----------------------------------------------------------------------


MEAN = pd.DataFrame({"x": [0.5, 0.98], "y": [0.02, 0.5]}, index=["v1", "v2"])


def test_normal_performance_is_clipped_and_centred():
    sampler = NormalPerformance(MEAN, 0.05)
    assert isinstance(sampler, PerformanceSampler)
    draws = sampler.sample(rng(), 20_000)
    assert draws.shape == (20_000, 2, 2)
    assert draws.min() >= 0
    assert draws.max() <= 1
    assert abs(draws[:, 0, 0].mean() - 0.5) < 0.002
    assert abs(draws[:, 0, 0].std() - 0.05) < 0.002
    assert (draws[:, 1, 0] == 1.0).mean() > 0.3  # 0.98 + noise piles up at 1


def test_interval_performance_stays_inside_and_has_the_midpoint_as_mean():
    lower = MEAN - 0.02
    upper = MEAN + 0.02
    sampler = IntervalPerformance(lower, upper)
    draws = sampler.sample(rng(), 5_000)
    assert (draws >= lower.to_numpy() - 1e-12).all()
    assert (draws <= upper.to_numpy() + 1e-12).all()
    pd.testing.assert_frame_equal(sampler.mean, MEAN, check_names=False)
    with pytest.raises(ValidationError, match="exceed"):
        IntervalPerformance(upper, lower)


def test_performance_draws_pick_given_draws():
    values = np.stack([MEAN.to_numpy(), MEAN.to_numpy() * 0.5])
    sampler = PerformanceDraws(values, MEAN.index, MEAN.columns)
    draws = sampler.sample(rng(), 1_000)
    first = (draws == values[0]).all(axis=(1, 2))
    second = (draws == values[1]).all(axis=(1, 2))
    assert (first | second).all()
    assert 0.4 < first.mean() < 0.6
    np.testing.assert_allclose(sampler.mean.to_numpy(), MEAN.to_numpy() * 0.75)
    with pytest.raises(ValidationError, match="expected"):
        PerformanceDraws(values[:, :, :1], MEAN.index, MEAN.columns)


def test_performance_outside_the_unit_interval_is_refused_with_the_cell():
    bad = MEAN.copy()
    bad.loc["v1", "y"] = 1.5
    with pytest.raises(ValidationError, match=r"\[v1, y\].*outside \[0, 1\]"):
        NormalPerformance(bad, 0.1)
