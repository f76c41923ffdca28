"""SMAA-2: how often each vendor takes each rank when the weights (and scores) are uncertain.

Stochastic multicriteria acceptability analysis (Lahdelma & Salminen 2001, *SMAA-2:
Stochastic multicriteria acceptability analysis for group decision making*, Operations
Research 49(3):444–454; survey: Tervonen & Figueira 2008, J. Multi-Criteria Decision Analysis
15:1–14). Draw ``N`` weight vectors ``w`` from a feasible weight space (a
:mod:`~crmselect.robustness.samplers` sampler; by default uniform on the simplex) and, if
performance is uncertain, a performance matrix ``P`` with each; rank the vendors by
``P w`` in every sample. Then, for vendor ``i``:

* rank acceptability ``b_i^r`` = share of samples in which ``i`` has rank ``r``;
* central weight vector ``w_i^c`` = mean of the weights with which ``i`` ranks first;
* confidence factor ``p_i^c`` = share of performance samples in which ``i`` ranks first
  with its central weights (with exact performance: 1 when it wins there, the usual case
  since its winning region is convex, 0 otherwise);
* pairwise winning index ``c_ij`` = share of samples in which ``i`` ranks above ``j``;
* holistic acceptability ``a_i^h = Σ_r α_r b_i^r`` with meta-weights ``α``
  (:func:`holistic_acceptability`; linear ``α_r = (m − r)/(m − 1)`` by default).

A share ``b`` estimated from ``N`` independent samples has standard error
``sqrt(b (1 − b) / N)``; ``N = 10,000`` gives at most ±0.01 (95 %).

Ties are shared, never broken by position: vendors whose totals agree to about 10⁻¹²
(see :mod:`crmselect.robustness._kernel`) split the ranks they jointly occupy, count half
a win against each other, and split first place; identical vendors get identical results.

Reproducibility: samples are drawn in fixed blocks of :data:`BLOCK` (32,768) samples,
block ``b`` from its own child of ``numpy.random.SeedSequence(seed)``; ``chunk_size`` only
groups whole blocks, so the same ``seed`` gives bit-identical results for any chunk size.
Memory: one chunk's arrays, about ``chunk × (criteria + 4 · vendors) × 8`` bytes (≈ 30 MiB
at the default for 25 vendors × 60 criteria), whatever ``N``; uncertain performance adds
:data:`PERFORMANCE_BATCH` × vendors × criteria × 8 bytes.

>>> import pandas as pd
>>> P = pd.DataFrame({"fit": [0.9, 0.5, 0.1], "price": [0.1, 0.5, 0.9]},
...                  index=["acme", "bolt", "core"])
>>> result = smaa(P, n_samples=20_000, seed=1)
>>> result.acceptability.round(2).loc[:, 1].to_dict()
{'acme': 0.5, 'bolt': 0.0, 'core': 0.5}
"""

from __future__ import annotations

import functools
import math
import os
import sys
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any, cast

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect._version import __version__
from crmselect.display import html_table
from crmselect.errors import Problem, ValidationError
from crmselect.progress import bar as progress_bar
from crmselect.robustness._inputs import Performance, performance_matrix
from crmselect.robustness._kernel import _GRID, _MAGIC, Counts, first_place_shares
from crmselect.robustness._validate import FloatArray, check_weights, digest, positive_int
from crmselect.robustness.samplers import (
    FixedWeights,
    MemberWeights,
    PerformanceSampler,
    UniformWeights,
    WeightSampler,
    draw_unnormalised,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["BLOCK", "PERFORMANCE_BATCH", "SmaaResult", "holistic_acceptability", "smaa"]

#: Samples per independently seeded block (fixed: results depend on it, not on chunk size).
#: Large enough that each block's matrix product is one efficient BLAS call.
BLOCK = 2**15
#: Default samples per chunk (a whole number of blocks); memory grows with it, not with N.
DEFAULT_CHUNK = 3 * BLOCK
#: Uncertain performance is drawn in sub-batches of this many samples within a block
#: (in order, from the block's generator), bounding the samples × vendors × criteria array.
PERFORMANCE_BATCH = 1024
#: Worker threads counting the blocks of a chunk (numpy releases the GIL in the heavy steps).
_WORKERS = max(1, min(4, os.cpu_count() or 1))
#: Multiply-adds (samples × vendors × criteria) above which an interactive run shows progress.
_PROGRESS_WORK = 2e9


def holistic_acceptability(
    acceptability: pd.DataFrame, meta_weights: Sequence[float] | None = None
) -> pd.Series:
    """``a_i^h = Σ_r α_r b_i^r`` (Lahdelma & Salminen 2001, §3).

    ``meta_weights`` ``α_1 ≥ α_2 ≥ … ≥ α_m`` (one per rank); default linear,
    ``α_r = (m − r)/(m − 1)``: first place counts 1, last 0.

    >>> b = pd.DataFrame([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]],
    ...                  index=["a", "b", "c"], columns=[1, 2, 3])
    >>> holistic_acceptability(b).tolist()
    [0.75, 0.75, 0.0]
    """
    m = acceptability.shape[1]
    if meta_weights is None:
        alpha = np.linspace(1.0, 0.0, m) if m > 1 else np.ones(1)
    else:
        alpha = np.asarray(meta_weights, dtype=float)
        if alpha.shape != (m,) or (np.diff(alpha) > 0).any() or (alpha < 0).any():
            raise ValidationError(
                "Invalid meta-weights",
                [
                    Problem(
                        "meta_weights",
                        f"give {m} non-negative, non-increasing numbers (one per rank)",
                    )
                ],
            )
    return pd.Series(acceptability.to_numpy() @ alpha, index=acceptability.index, name="holistic")


@attrs.frozen(eq=False)
class SmaaResult:
    """Everything :func:`smaa` computed, with its inputs and provenance.

    DataFrames are indexed by vendor id (ranked vendors only); ``acceptability`` columns are
    ranks ``1 … m``; ``central_weights`` columns are criteria; ``pairwise`` has NaN on its
    diagonal. ``seed`` is the entropy actually used (also when ``seed=None`` was given), so
    ``smaa(..., seed=result.seed)`` repeats the run exactly.

    **Undefined statistics.** A vendor that never ranks first (``b_i^1 = 0``) has no
    central weight vector (the mean of an empty set) and hence no confidence factor: its
    row of ``central_weights`` and its ``confidence`` are NaN, and :attr:`notes` says why
    (shown in :meth:`to_frame` and the HTML table). No other value is ever NaN: the weights
    are checked finite in every block.

    :attr:`fingerprint`: SHA-256 hex of the inputs (performance matrix, weight and
    performance samplers, ``N``, seed), computed on first use and kept.
    """

    acceptability: pd.DataFrame
    central_weights: pd.DataFrame
    confidence: pd.Series
    pairwise: pd.DataFrame
    n_samples: int
    seed: int
    performance: pd.DataFrame
    weights: WeightSampler
    performance_sampler: PerformanceSampler | None = None
    version: str = __version__

    @functools.cached_property
    def fingerprint(self) -> str:
        """SHA-256 hex of the inputs: the performance matrix, the weight and performance
        samplers, ``N`` and the seed (:func:`crmselect.hashing.digest`). Computed on first
        use: hashing a large performance sampler (e.g. the 1,000 × 50 × 80 draws of a panel
        bootstrap) takes seconds, and most runs never ask."""
        return digest(
            self.performance, self.weights, self.performance_sampler, self.n_samples, self.seed
        )

    @property
    def exact(self) -> bool:
        """Whether the weight draws were independent and exactly distributed."""
        return bool(self.weights.exact)

    @property
    def holistic(self) -> pd.Series:
        """Holistic acceptability with linear meta-weights (:func:`holistic_acceptability`)."""
        return holistic_acceptability(self.acceptability)

    @property
    def effective_samples(self) -> float:
        """``N`` times the sampler's ``efficiency`` (1 for exact samplers; below 1 for a
        Markov chain, whose draws are correlated)."""
        return self.n_samples * float(getattr(self.weights, "efficiency", 1.0))

    @property
    def standard_errors(self) -> pd.DataFrame:
        """Monte Carlo standard error of each acceptability, ``sqrt(b (1 − b) / N_eff)``
        with ``N_eff`` = :attr:`effective_samples` (``= N`` for exact samplers)."""
        b = self.acceptability
        return (b * (1 - b) / self.effective_samples).pow(0.5)

    @property
    def ranking(self) -> pd.Index:
        """Vendor ids best first: by holistic acceptability, then first-rank acceptability."""
        frame = pd.DataFrame({"h": self.holistic, "b1": self.acceptability.iloc[:, 0]})
        return frame.sort_values(["h", "b1"], ascending=False, kind="stable").index

    @property
    def notes(self) -> pd.Series:
        """Per vendor, why a statistic is undefined ('' when every one is defined): a vendor
        never ranked first has no central weights and no confidence factor (NaN there)."""
        never = self.acceptability.iloc[:, 0] <= 0
        text = (
            f"never first in {self.n_samples:,} samples: no central weights, so no "
            "confidence factor"
        )
        return pd.Series(np.where(never, text, ""), index=self.acceptability.index, name="note")

    def to_frame(self) -> pd.DataFrame:
        """One row per vendor, best first (:attr:`ranking`): ``rank_1 … rank_m``
        acceptabilities, ``holistic``, ``confidence`` and ``note`` (:attr:`notes`: why a
        confidence is NaN)."""
        frame = self.acceptability.rename(columns=lambda r: f"rank_{r}")
        frame = frame.assign(holistic=self.holistic, confidence=self.confidence, note=self.notes)
        return frame.loc[self.ranking]

    def __repr__(self) -> str:
        best = self.ranking[0]
        return (
            f"<SmaaResult {len(self.acceptability)} vendors × {self.central_weights.shape[1]} "
            f"criteria, N={self.n_samples:,}, seed={self.seed}: {best} first in "
            f"{self.acceptability.loc[best].iloc[0]:.1%} of samples>"
        )

    def _repr_html_(self) -> str:
        table = self.to_frame()
        frame = table.drop(columns="note").map(lambda v: "–" if v != v else f"{100 * v:.1f} %")
        frame["note"] = table["note"]
        margin = 1.96 * float(self.standard_errors.to_numpy().max())
        caption = (
            f"SMAA-2 rank acceptability — N = {self.n_samples:,} samples, seed {self.seed}, "
            f"Monte Carlo error ≤ ±{100 * margin:.1f} points (95 %)"
        )
        return html_table(frame, caption=caption)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Stacked horizontal bars of rank acceptability, best vendor on top."""
        import matplotlib.pyplot as plt

        from crmselect.plots import axes

        ax = axes(ax, (7, 0.45 * len(self.acceptability) + 1.2))
        order = list(self.ranking)[::-1]
        b = self.acceptability.loc[order]
        m = b.shape[1]
        colours = plt.get_cmap("viridis")(np.linspace(0.0, 1.0, m))
        left = np.zeros(len(b))
        for r, colour in zip(b.columns, colours, strict=True):
            ax.barh(order, b[r].to_numpy(), left=left, color=colour, label=f"rank {r}")
            left += b[r].to_numpy()
        ax.set_xlim(0, 1)
        ax.set_xlabel("rank acceptability (share of samples)")
        ax.set_title(f"SMAA-2, N = {self.n_samples:,}")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
        return ax


def _weight_sampler(weights: object, criteria: Sequence[str]) -> WeightSampler:
    if weights is None:
        return UniformWeights(tuple(criteria))
    if isinstance(weights, pd.Series):
        return FixedWeights(check_weights(weights, list(criteria)))
    if isinstance(weights, pd.DataFrame):
        return MemberWeights(weights)
    if isinstance(weights, WeightSampler):
        return weights
    raise ValidationError(
        "Invalid weights",
        [
            Problem(
                "weights",
                "expected None (uniform), a weight sampler, a Series of fixed weights or a "
                f"DataFrame of member weights, got {type(weights).__name__}",
            )
        ],
    )


def _aligned(
    matrix: pd.DataFrame, sampler: WeightSampler, perf: PerformanceSampler | None
) -> tuple[pd.DataFrame, Any]:
    """The matrix with columns in the sampler's order; and the column index for ``perf``."""
    criteria = list(sampler.criteria)
    if sorted(criteria) != sorted(matrix.columns):
        missing = sorted(set(matrix.columns) - set(criteria))
        extra = sorted(set(criteria) - set(matrix.columns))
        problems = []
        if missing:
            problems.append(Problem("weights", f"no weights for criteria: {', '.join(missing)}"))
        if extra:
            problems.append(
                Problem("weights", f"criteria not in the performance matrix: {', '.join(extra)}")
            )
        raise ValidationError("Weights and performance do not match", problems)
    columns = None
    if perf is not None:
        columns = np.array([list(perf.criteria).index(c) for c in criteria], dtype=np.intp)
    return matrix[criteria], columns


def _interactive() -> bool:
    return hasattr(sys, "ps1") or "ipykernel" in sys.modules or sys.stderr.isatty()


def smaa(
    performance: Performance,
    weights: WeightSampler | pd.Series | pd.DataFrame | None = None,
    *,
    n_samples: int = 10_000,
    seed: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    progress: bool | None = None,
) -> SmaaResult:
    """Run SMAA-2 (see the module docstring for the formulas and references).

    ``performance``: a vendors × criteria DataFrame in [0, 1], a ScoreResult (knocked-out
    vendors are left out), or a performance sampler (uncertain scores). ``weights``: a
    weight sampler; ``None`` = uniform on the simplex; a Series = fixed weights; a
    DataFrame = each committee member's weights (:class:`~.samplers.MemberWeights`).
    ``chunk_size`` (rounded up to whole blocks of :data:`BLOCK`): samples held in memory at
    once; that many blocks are counted side by side on up to ``min(4, cores)`` threads. It
    never changes the result. ``progress``: show a progress bar (default: only for runs of more than
    about 2·10⁹ multiply-adds in an interactive session).

    >>> P = pd.DataFrame({"fit": [0.9, 0.2], "price": [0.3, 0.8]}, index=["acme", "bolt"])
    >>> a = smaa(P, n_samples=5_000, seed=3)
    >>> b = smaa(P, n_samples=5_000, seed=3, chunk_size=1)
    >>> a.acceptability.equals(b.acceptability)
    True
    """
    n_samples = positive_int(n_samples, "n_samples")
    chunk_size = positive_int(chunk_size, "chunk_size")
    # (a DataFrame never counts as a sampler, even with columns named like its attributes)
    perf = (
        performance
        if isinstance(performance, PerformanceSampler) and not isinstance(performance, pd.DataFrame)
        else None
    )
    matrix = performance_matrix(performance)
    sampler = _weight_sampler(weights, list(matrix.columns))
    matrix, columns = _aligned(matrix, sampler, perf)
    m, k = matrix.shape

    root = np.random.SeedSequence(seed)
    entropy = int(root.entropy)  # type: ignore[arg-type]
    main_seq, confidence_seq = root.spawn(2)
    n_blocks = math.ceil(n_samples / BLOCK)
    block_seeds = main_seq.spawn(n_blocks)
    per_chunk = max(1, math.ceil(chunk_size / BLOCK))
    show = (
        progress
        if progress is not None
        else (_interactive() and n_samples * m * k * (2 if perf else 1) > _PROGRESS_WORK)
    )
    bar = progress_bar(
        total=n_samples * (2 if perf else 1), disable=not show, unit="sample", desc="SMAA"
    )
    p_t = np.ascontiguousarray(matrix.to_numpy().T)

    def count(b: int) -> Counts:
        size = min(BLOCK, n_samples - b * BLOCK)
        rng = np.random.default_rng(block_seeds[b])
        draws, sums = draw_unnormalised(sampler, rng, size)
        _check_finite(draws, sampler)
        if perf is None:
            totals = draws @ p_t
        else:
            totals = np.empty((size, m))
            for lo in range(0, size, PERFORMANCE_BATCH):
                part = slice(lo, min(size, lo + PERFORMANCE_BATCH))
                sampled = np.take(perf.sample(rng, part.stop - lo), columns, axis=2)
                totals[part] = np.matmul(sampled, draws[part, :, None])[:, :, 0]
        return Counts.of_block(totals, None if sums is None else 1.0 / sums, draws)

    acc = Counts(m, k)
    pending: deque[Future[Counts]] = deque()  # at most per_chunk blocks in memory

    def merge_oldest() -> None:
        # strictly in block order, so the sums never depend on the threads
        block = pending.popleft().result()
        acc.merge(block)
        bar.update(block.n)

    workers = min(per_chunk, _WORKERS)
    with bar, _blas_threads(workers), ThreadPoolExecutor(max_workers=workers) as pool:
        for b in range(n_blocks):
            pending.append(pool.submit(count, b))
            if len(pending) == per_chunk:
                merge_oldest()
        while pending:
            merge_oldest()

        counts = acc.rank_counts / n_samples
        first_counts = acc.rank_counts[:, 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            central = acc.central / first_counts[:, None]
        central[first_counts <= 0] = np.nan
        confidence = _confidence(matrix, central, perf, columns, n_samples, confidence_seq, bar)

    vendors = pd.Index(matrix.index, name="vendor")
    pairwise = acc.pairwise / n_samples
    np.fill_diagonal(pairwise, np.nan)
    return SmaaResult(
        acceptability=pd.DataFrame(
            counts, index=vendors, columns=pd.RangeIndex(1, m + 1, name="rank")
        ),
        central_weights=pd.DataFrame(
            central, index=vendors, columns=pd.Index(matrix.columns, name="criterion")
        ),
        confidence=pd.Series(confidence, index=vendors, name="confidence"),
        pairwise=pd.DataFrame(
            pairwise, index=vendors, columns=pd.Index(matrix.index, name="below")
        ),
        n_samples=n_samples,
        seed=entropy,
        performance=matrix,
        weights=sampler,
        performance_sampler=perf,
    )


def _blas_threads(workers: int) -> AbstractContextManager[Any]:
    """One BLAS thread per worker while ``workers`` > 1 threads count blocks side by side.

    Each worker's matrix products would otherwise start a multithreaded OpenBLAS of their
    own: 2 workers × 2 BLAS threads on 2 cores, which wait for each other (1.7–1.9× slower,
    issue 21). OpenBLAS splits a product's rows and columns between threads, never its
    inner sum, so the products — and every result — are bit-identical either way."""
    if workers <= 1:
        return nullcontext()
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped, unused-ignore]

    return cast(AbstractContextManager[Any], threadpool_limits(limits=1, user_api="blas"))


def _check_finite(draws: FloatArray, sampler: WeightSampler) -> None:
    """Refuse weight draws with NaN or infinity (a faulty custom sampler), which would
    otherwise turn into NaN statistics without a word."""
    if not np.isfinite(draws).all():
        bad = int((~np.isfinite(draws)).any(axis=1).sum())
        raise ValidationError(
            "Invalid weight draws",
            [
                Problem(
                    type(sampler).__name__,
                    f"{bad} of {len(draws)} weight vectors drawn contain NaN or infinity; "
                    "fix the sampler (every draw must be finite, non-negative, summing to 1)",
                )
            ],
        )


def _own_first_shares(totals: FloatArray, own: npt.NDArray[np.intp]) -> FloatArray:
    """Per row of ``totals`` (rows × vendors), the first-place share of vendor ``own[row]``:
    ``first_place_shares(totals)[row, own[row]]``, ranking only the rows it is not plain for.

    On the kernel's grid (``q``, :mod:`crmselect.robustness._kernel`: ties are chains of
    sorted neighbours ``Δq ≤ 1``): the own vendor leading every other by ``Δq ≥ 2`` is alone
    in first place (share 1); trailing the leader by ``Δq ≥ m`` it cannot be chained to it
    by ``m − 1`` steps of at most 1 (share 0). Only the rows in between are ranked.
    """
    m = totals.shape[1]
    rows = np.arange(len(totals))
    q = (totals * _GRID + _MAGIC).view(np.int64)  # the kernel's q plus a common constant
    mine, others = q[rows, own], q.copy()
    others[rows, own] = mine - 2  # the lead is then min(the lead over the others, 2)
    lead = mine - others.max(axis=1)
    shares = np.where(lead >= 2, 1.0, 0.0)
    close = np.flatnonzero((lead < 2) & (lead > -m))
    if close.size:
        shares[close] = first_place_shares(totals[close])[np.arange(close.size), own[close]]
    return shares


def _confidence(
    matrix: pd.DataFrame,
    central: FloatArray,
    perf: PerformanceSampler | None,
    columns: Any,
    n_samples: int,
    seeds: np.random.SeedSequence,
    bar: Any,
) -> FloatArray:
    """``p_i^c``: share of performance samples in which ``i`` wins with ``w_i^c``."""
    m = len(matrix)
    defined = np.flatnonzero(~np.isnan(central).any(axis=1))
    out = np.full(m, np.nan)
    if perf is None:
        totals = central[defined] @ matrix.to_numpy().T  # centre × vendor
        out[defined] = first_place_shares(totals)[np.arange(len(defined)), defined]
        return out
    wins = np.zeros(len(defined))
    n_blocks = math.ceil(n_samples / BLOCK)
    for b, block_seed in enumerate(seeds.spawn(n_blocks)):
        size = min(BLOCK, n_samples - b * BLOCK)
        rng = np.random.default_rng(block_seed)
        for lo in range(0, size, PERFORMANCE_BATCH):
            batch = min(PERFORMANCE_BATCH, size - lo)
            # np.take gathers along the last axis ~10x faster than [:, :, columns]
            sampled = np.take(perf.sample(rng, batch), columns, axis=2)
            # one BLAS product for the whole batch: (sample · vendor) × criterion @ centreᵀ
            flat = sampled.reshape(-1, sampled.shape[-1]) @ central[defined].T
            totals = flat.reshape(batch, m, len(defined))  # sample × vendor × centre
            # every (sample, centre) at once; centre c counts its own vendor's share
            rows = totals.transpose(0, 2, 1).reshape(-1, m)
            own = _own_first_shares(rows, np.tile(defined, batch)).reshape(batch, len(defined))
            wins += np.ascontiguousarray(own.T).sum(axis=1)
        bar.update(size)
    out[defined] = wins / n_samples
    return out
