"""numpy integers and floats are accepted by every weighting method, as Python numbers are
(issue 14); booleans keep the treatment they have today."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmselect.robustness.samplers import BoundedWeights, DirichletWeights, NormalPerformance
from crmselect.robustness.smaa import smaa
from crmselect.weights import (
    GroupWeights,
    ahp,
    direct_weights,
    pairwise_matrix,
    points_allocation,
    random_index,
    rank_order_centroid,
    swing_weights,
    weights_from_ranking,
)


@pytest.mark.parametrize("integer", [np.int16, np.int64, np.uint32])
@pytest.mark.parametrize("real", [np.float32, np.float64])
def test_numpy_numbers_weigh_like_python_numbers(integer: type, real: type) -> None:
    assert direct_weights({"a": integer(3), "b": real(1)}).to_dict() == {"a": 0.75, "b": 0.25}
    points = {"a": integer(40), "b": integer(35), "c": real(25)}
    assert points_allocation(points, total=integer(100)).to_dict() == pytest.approx(
        {"a": 0.4, "b": 0.35, "c": 0.25}
    )
    assert swing_weights({"a": integer(100), "b": real(25)}).to_dict() == {"a": 0.8, "b": 0.2}
    np.testing.assert_allclose(rank_order_centroid(integer(3)), [11 / 18, 5 / 18, 2 / 18])
    ranked = weights_from_ranking({"a": integer(1), "b": integer(2), "c": integer(2)})
    assert ranked.to_dict() == pytest.approx({"a": 11 / 18, "b": 7 / 36, "c": 7 / 36})
    assert random_index(integer(4)) == pytest.approx(0.9)
    matrix = pairwise_matrix({("a", "b"): integer(3), ("b", "c"): real(2), ("a", "c"): integer(6)})
    result = ahp(matrix)
    # consistent (3 · 2 = 6): weights ∝ (6, 2, 1)
    np.testing.assert_allclose(result.weights, [6 / 9, 2 / 9, 1 / 9], atol=1e-9)
    group = GroupWeights(pd.DataFrame({"a": [integer(6)], "b": [real(4)]}, index=["ann"]))
    assert group.consensus().to_dict() == pytest.approx({"a": 0.6, "b": 0.4})


def test_numpy_numbers_set_up_the_robustness_samplers() -> None:
    center = pd.Series({"a": 0.5, "b": 0.5})
    sampler = DirichletWeights(center, concentration=np.int64(10))
    assert sampler.concentration == 10.0
    bounded = BoundedWeights.create(["a", "b"], upper={"a": np.float32(0.75)})
    assert (bounded.sample(np.random.default_rng(0), 1_000)[:, 0] <= 0.75 + 1e-12).all()
    mean = pd.DataFrame({"a": [0.5, 0.4], "b": [0.5, 0.6]}, index=["x", "y"])
    noisy = NormalPerformance(mean, np.float32(0.1))
    assert noisy.sample(np.random.default_rng(0), 3).shape == (3, 2, 2)
    result = smaa(mean, n_samples=np.int64(1_000), seed=np.int64(3), chunk_size=np.uint16(512))
    assert result.n_samples == 1_000
    np.testing.assert_allclose(result.acceptability.sum(axis=1), 1.0)
