"""SMAA's worker threads run with one BLAS thread each, and the results do not depend on it
(issue 21: two workers × multithreaded OpenBLAS on two cores wait for each other)."""

from __future__ import annotations

import importlib

import attrs
import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from crmselect.robustness.samplers import UniformWeights
from crmselect.robustness.smaa import BLOCK, smaa

smaa_module = importlib.import_module("crmselect.robustness.smaa")  # the package exports smaa()
P = pd.DataFrame(
    np.random.default_rng(4).random((6, 5)),
    index=[f"v{i}" for i in range(6)],
    columns=[f"c{j}" for j in range(5)],
)


@attrs.frozen
class Recording:
    """Uniform weights that note the BLAS thread counts seen while drawing."""

    inner: UniformWeights
    seen: list[int] = attrs.field(factory=list, eq=False)

    @property
    def criteria(self) -> tuple[str, ...]:
        return self.inner.criteria

    @property
    def exact(self) -> bool:
        return True

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        self.seen.extend(int(lib["num_threads"]) for lib in threadpool_info())
        return self.inner.sample(rng, n)


def _blas_available() -> bool:
    return any(lib["user_api"] == "blas" for lib in threadpool_info())


@pytest.mark.skipif(not _blas_available(), reason="numpy has no BLAS threadpoolctl sees")
def test_worker_threads_use_one_blas_thread_each(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(smaa_module, "_WORKERS", 2)
    sampler = Recording(UniformWeights(tuple(P.columns)))
    with threadpool_limits(limits=2, user_api="blas"):
        smaa(P, sampler, n_samples=4 * BLOCK, seed=1)
        after = [int(lib["num_threads"]) for lib in threadpool_info()]
    assert sampler.seen
    assert set(sampler.seen) == {1}
    assert 2 in after  # restored when the run ends


@pytest.mark.skipif(not _blas_available(), reason="numpy has no BLAS threadpoolctl sees")
def test_a_single_worker_leaves_blas_threads_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(smaa_module, "_WORKERS", 2)
    sampler = Recording(UniformWeights(tuple(P.columns)))
    with threadpool_limits(limits=2, user_api="blas"):
        smaa(P, sampler, n_samples=2 * BLOCK, seed=1, chunk_size=1)
    assert 2 in sampler.seen


def test_results_are_the_same_with_one_or_two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    two = smaa(P, n_samples=3 * BLOCK, seed=9)
    monkeypatch.setattr(smaa_module, "_WORKERS", 1)
    one = smaa(P, n_samples=3 * BLOCK, seed=9)
    assert two.acceptability.equals(one.acceptability)
    assert two.central_weights.equals(one.central_weights)
    assert two.pairwise.equals(one.pairwise)
