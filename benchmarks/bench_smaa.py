"""SMAA-2 speed and memory: crmselect vs the bare numpy kernel vs peers' per-sample loops.

Scenario: 25 vendors × 60 criteria, N = 1,000,000 weight samples uniform on the simplex.
Everything is measured in one run, so the ratios compare like with like on this machine:

* ``crmselect.robustness.smaa`` — the full result (rank acceptability with shared ties,
  central weights, confidence factors, pairwise winning indices), seeded block by block;
* the *bare kernel* — Exp(1) samples → normalise → matmul → argsort ranks → bincount, in the
  same chunks, with no ties, no central weights, no pairwise index, no seeding scheme;
* peers (none ships a weighted-sum SMAA routine, so each runs the loop a user would
  write around its weighted-sum and ranking functions, with the weights drawn beforehand
  and the same acceptability and central-weight bookkeeping as pyrepo-mcda's own
  ``VIKOR_SMAA``): pymcdm ``WSM`` + ``rankdata``; pyrepo-mcda ``SAW`` +
  ``rank_preferences``; scikit-criteria ``agg.simple.wsm`` (its kernel) and, for
  reference, its public ``WeightedSumModel().evaluate(mkdm(...))``. They are timed at a
  smaller N and extrapolated linearly to N (a per-sample loop costs the same per sample).

Peak memory (tracemalloc, numpy allocations included) is measured for N = 10⁵ and 10⁶.

Run (peers live in their own virtual environment, never in the project's)::

    python3 -m venv /work/bench-venv
    /work/bench-venv/bin/pip install -e . pymcdm pyrepo-mcda scikit-criteria
    /work/bench-venv/bin/python benchmarks/bench_smaa.py

A peer that is not importable is skipped with a message.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd

from crmselect.robustness import smaa

M, K = 25, 60
CHUNK = 32_768  # the default chunk size of smaa


def problem(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        rng.random((M, K)),
        index=[f"v{i:02d}" for i in range(M)],
        columns=[f"c{j:02d}" for j in range(K)],
    )


def bare_kernel(P: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """The least a vectorised SMAA can do: acceptability counts only."""
    rng = np.random.default_rng(seed)
    m = P.shape[0]
    counts = np.zeros(m * m, dtype=np.int64)
    rank_index = np.arange(m - 1, -1, -1)  # ascending position → rank (0 = best)
    pt = P.T.copy()
    for start in range(0, n, CHUNK):
        size = min(CHUNK, n - start)
        w = rng.standard_exponential((size, P.shape[1]))
        w /= w.sum(axis=1, keepdims=True)
        totals = w @ pt
        order = np.argsort(totals, axis=1)  # order[s, p] = vendor at ascending position p
        counts += np.bincount((order * m + rank_index).ravel(), minlength=m * m)
    return counts.reshape(m, m) / n  # vendor × rank


def per_sample_loop(
    P: np.ndarray, n: int, ranks_of: Callable[[np.ndarray], np.ndarray], seed: int = 0
) -> np.ndarray:
    """A peer's SMAA: one call of its weighted-sum + ranking per weight sample."""
    rng = np.random.default_rng(seed)
    weights = rng.standard_exponential((n, P.shape[1]))
    weights /= weights.sum(axis=1, keepdims=True)
    m = P.shape[0]
    acceptability = np.zeros((m, m))
    central = np.zeros((m, P.shape[1]))
    rows = np.arange(m)
    for w in weights:
        ranks = np.asarray(ranks_of(w)).astype(int)
        acceptability[rows, ranks - 1] += 1
        central[int(np.argmin(ranks))] += w
    return acceptability / n


def peers(P: np.ndarray) -> dict[str, Callable[[np.ndarray], np.ndarray] | str]:
    """Peer name → per-sample ranking function (or the reason it is unavailable)."""
    found: dict[str, Callable[[np.ndarray], np.ndarray] | str] = {}
    types = np.ones(P.shape[1])
    try:
        methods = importlib.import_module("pymcdm.methods")
        wsm = methods.WSM(normalization_function=lambda x, cost: x)
        found["pymcdm (WSM + rankdata)"] = lambda w: wsm.rank(wsm(P, w, types, validation=False))
    except ImportError as exc:
        found["pymcdm"] = f"not importable ({exc})"
    try:
        saw_module = importlib.import_module("pyrepo_mcda.mcda_methods")
        additions = importlib.import_module("pyrepo_mcda.additions")
        saw = saw_module.SAW(normalization_method=lambda x, types: x)
        found["pyrepo-mcda (SAW + rank_preferences)"] = lambda w: additions.rank_preferences(
            saw(P, w, types), reverse=True
        )
    except ImportError as exc:
        found["pyrepo-mcda"] = f"not importable ({exc})"
    try:
        simple = importlib.import_module("skcriteria.agg.simple")
        skc = importlib.import_module("skcriteria")
        found["scikit-criteria (agg.simple.wsm)"] = lambda w: simple.wsm(P, w)[0]
        model = simple.WeightedSumModel()
        found["scikit-criteria (WeightedSumModel.evaluate)"] = lambda w: (
            model.evaluate(skc.mkdm(P, [max] * P.shape[1], weights=w)).rank_
        )
    except ImportError as exc:
        found["scikit-criteria"] = f"not importable ({exc})"
    return found


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mib(run: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--peer-samples", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.samples
    frame = problem()
    P = frame.to_numpy()
    print(f"SMAA-2 benchmark: {M} vendors × {K} criteria, N = {n:,}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")

    smaa(frame, n_samples=10_000, seed=0)  # warm-up (imports, BLAS threads)
    bare_kernel(P, 10_000)
    ours = best_of(args.repeat, lambda: smaa(frame, n_samples=n, seed=0))
    bare = best_of(args.repeat, lambda: bare_kernel(P, n))

    # same answer: the kernel and smaa agree within Monte Carlo error
    check = smaa(frame, n_samples=200_000, seed=1).acceptability.to_numpy()
    gap = np.abs(check - bare_kernel(P, 200_000, seed=2)).max()

    rows = [
        ("crmselect.robustness.smaa", ours, "measured"),
        ("bare numpy kernel", bare, "measured"),
    ]
    skipped = []
    for name, ranks_of in peers(P).items():
        if isinstance(ranks_of, str):
            skipped.append(f"{name}: {ranks_of} — skipped")
            continue
        small = args.peer_samples if "evaluate" not in name else max(500, args.peer_samples // 10)
        per_sample_loop(P, 50, ranks_of)
        elapsed = best_of(1, lambda f=ranks_of, s=small: per_sample_loop(P, s, f))
        rows.append(
            (name, elapsed * n / small, f"extrapolated ×{n / small:,.0f} from N = {small:,}")
        )

    print()
    print(f"{'implementation':46s} {'time (s)':>10s} {'vs smaa':>9s}  how")
    for name, seconds, how in rows:
        print(f"{name:46s} {seconds:10.2f} {seconds / ours:8.1f}×  {how}")
    for line in skipped:
        print(line)

    mem_small = peak_mib(lambda: smaa(frame, n_samples=n // 10, seed=0))
    mem_large = peak_mib(lambda: smaa(frame, n_samples=n, seed=0))
    print()
    print(
        f"peak traced memory: N = {n // 10:,}: {mem_small:.1f} MiB, N = {n:,}: {mem_large:.1f} MiB"
    )
    print(f"largest |acceptability(smaa) − acceptability(bare)| at N = 200,000: {gap:.4f}")

    peer = {name: seconds for name, seconds, _ in rows}
    targets = [
        ("smaa ≤ 2 s", ours <= 2.0),
        ("smaa ≤ 1.3 × bare kernel", ours <= 1.3 * bare),
        ("peak memory ≤ 256 MiB", mem_large <= 256),
        (f"memory flat in N (≤ 1.2× from {n // 10:,} to {n:,})", mem_large <= 1.2 * mem_small + 1),
    ]
    for name, factor in (
        ("pymcdm (WSM + rankdata)", 100),
        ("pyrepo-mcda (SAW + rank_preferences)", 20),
    ):
        if name in peer:
            targets.append((f"≥ {factor}× faster than {name}", peer[name] >= factor * ours))
    print()
    print(f"smaa / bare kernel = {ours / bare:.2f}")
    for name, ok in targets:
        print(f"{'PASS' if ok else 'FAIL'}  {name}")


if __name__ == "__main__":
    main()
