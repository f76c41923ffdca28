"""How much the demo scores depend on who sat on the panel: a bootstrap over evaluators.

:func:`panel_bootstrap` draws *B* panels of *m* evaluators **with replacement** from the *m*
who scored (Efron & Tibshirani 1993, the nonparametric bootstrap with the evaluator as the
resampling unit), keeping each drawn evaluator's scores together — their leniency and their
view of every vendor travel as one. Each drawn panel is aggregated exactly as the original
(same method, weights, normalisation, missing-score policy; an evaluator drawn twice counts
twice), then reduced to the vendors × criteria matrix (mean over scripts) and normalised to
[0, 1] as scoring does. Items the meeting moderated keep their agreed score in every draw:
the committee settled them.

A cell that no drawn evaluator scored takes the full panel's value (counted in
:attr:`PanelBootstrap.filled`); a cell nobody ever scored stays NaN.

Random numbers come from ``numpy.random.default_rng(SeedSequence(seed))``; all evaluator
draws are made before any aggregation, so the result does not depend on the chunk size
used to bound memory. The seed's entropy is kept, so a run with ``seed=None`` can be
repeated.

The draws answer "would the winner survive a different panel?": pass ``samples``,
``vendors`` and ``criteria`` to the robustness analysis (e.g.
``crmselect.robustness.PerformanceDraws(b.samples, b.vendors, b.criteria)`` after blending
with the RFP part of the performance matrix).

Reference: B. Efron and R. J. Tibshirani (1993), *An Introduction to the Bootstrap*,
Chapman & Hall, ch. 6 and 13.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect._version import __version__
from crmselect.consensus._panel import FloatArray, PanelLike
from crmselect.consensus.aggregate import (
    PanelAggregate,
    _item_weights,
    aggregate_scores,
    combine_draws,
    criterion_means,
)
from crmselect.consensus.moderation import ConsensusScores
from crmselect.converters import is_whole
from crmselect.display import html_table
from crmselect.errors import Problem, ValidationError
from crmselect.scales import DemoScale

_CELLS_PER_CHUNK = 4_000_000
"""Draws × items cells held at once in one array while aggregating draws (bounds memory,
~32 MiB each)."""


@attrs.frozen(eq=False)
class PanelBootstrap:
    """Bootstrap draws of the vendors × criteria demo-score matrix.

    ``samples``: ``samples × vendors × criteria`` in [0, 1]; ``drawn``: ``samples × m``
    indices into ``evaluators`` (who sat on each drawn panel); ``point``: the full panel's
    matrix; ``seed``: the SeedSequence entropy that reproduces the run; ``settings``: how
    each draw was aggregated; ``fingerprint``: SHA-256 hex of the panel's scores
    (:attr:`~crmselect.consensus.Panel.fingerprint`).
    """

    samples: FloatArray
    vendors: tuple[str, ...]
    criteria: tuple[str, ...]
    evaluators: tuple[str, ...]
    drawn: npt.NDArray[np.int64]
    point: pd.DataFrame
    seed: int
    filled: int
    moderated: int
    settings: dict[str, object]
    fingerprint: str
    version: str = __version__

    @property
    def n_samples(self) -> int:
        return int(self.samples.shape[0])

    def _frame(self, values: FloatArray) -> pd.DataFrame:
        return pd.DataFrame(
            values,
            index=pd.Index(self.vendors, name="vendor"),
            columns=pd.Index(self.criteria, name="criterion"),
        )

    @property
    def mean(self) -> pd.DataFrame:
        """Mean of the draws per vendor × criterion."""
        return self._frame(np.nanmean(self.samples, axis=0))

    @property
    def std(self) -> pd.DataFrame:
        """Standard deviation of the draws (the bootstrap standard error of the panel score)."""
        return self._frame(np.nanstd(self.samples, axis=0, ddof=1))

    def interval(self, level: float = 0.95) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Percentile interval ``(low, high)`` holding ``level`` of the draws per cell."""
        if not 0 < level < 1:
            raise ValidationError("Invalid level", [Problem("level", f"{level} not in (0, 1)")])
        tail = (1 - level) / 2
        low, high = np.nanquantile(self.samples, [tail, 1 - tail], axis=0)
        return self._frame(low), self._frame(high)

    def sample(self, i: int) -> pd.DataFrame:
        """Draw ``i`` as a vendors × criteria DataFrame."""
        return self._frame(self.samples[i])

    def to_frame(self, level: float = 0.95) -> pd.DataFrame:
        """One row per vendor × criterion: ``point``, ``mean``, ``std``, ``low``, ``high``."""
        low, high = self.interval(level)
        frames = {
            "point": self.point,
            "mean": self.mean,
            "std": self.std,
            "low": low,
            "high": high,
        }
        columns = {k: f.to_numpy().ravel() for k, f in frames.items()}
        index = pd.MultiIndex.from_product(
            [self.vendors, self.criteria], names=["vendor", "criterion"]
        )
        return pd.DataFrame(columns, index=index)

    def __repr__(self) -> str:
        return (
            f"<PanelBootstrap {self.n_samples} draws of {len(self.evaluators)} evaluators, "
            f"{len(self.vendors)} vendors × {len(self.criteria)} criteria, seed {self.seed}>"
        )

    def _repr_html_(self) -> str:
        """The ``mean ± std`` of :meth:`to_frame`, vendors × criteria."""
        frame = self.to_frame()
        text = [f"{a:.2f} ± {b:.2f}" for a, b in zip(frame["mean"], frame["std"], strict=True)]
        shown = pd.DataFrame(
            np.array(text, dtype=object).reshape(len(self.vendors), len(self.criteria)),
            index=pd.Index(self.vendors, name="vendor"),
            columns=pd.Index(self.criteria, name="criterion"),
        )
        caption = (
            f"Panel bootstrap: mean ± standard error over {self.n_samples} resampled panels "
            f"(seed {self.seed}; demo scores in [0, 1])"
        )
        return html_table(shown, caption=caption)


def _seed_sequence(seed: int | np.random.SeedSequence | None) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if seed is not None and not (is_whole(seed) and seed >= 0):
        raise ValidationError(
            "Invalid seed", [Problem("seed", f"{seed!r} must be a non-negative integer")]
        )
    return np.random.SeedSequence(seed)


def panel_bootstrap(
    source: PanelAggregate | ConsensusScores | PanelLike,
    n_samples: int = 1000,
    *,
    seed: int | np.random.SeedSequence | None = None,
    scale: DemoScale | None = None,
) -> PanelBootstrap:
    """Draws of the vendors × criteria demo-score matrix from panels resampled with
    replacement (see the module docstring).

    ``source``: a :class:`PanelAggregate` (its settings are reused), a
    :class:`ConsensusScores` (moderated items stay fixed), or anything a panel is built
    from (aggregated with the defaults: mean, no weights, no normalisation).

    >>> import crmselect
    >>> boot = panel_bootstrap(crmselect.example(), 200, seed=1)
    >>> boot.samples.shape, bool(((boot.samples >= 0) & (boot.samples <= 1)).all())
    ((200, 5, 7), True)
    """
    if not (is_whole(n_samples) and n_samples >= 1):
        raise ValidationError(
            "Invalid sample count", [Problem("n_samples", f"{n_samples!r} must be >= 1")]
        )
    fixed: dict[int, float] = {}
    if isinstance(source, ConsensusScores):
        aggregate = source.aggregate
        position = {k: i for i, k in enumerate(aggregate.panel.items)}
        fixed = {position[m.item]: m.score for m in source.moderations}
    elif isinstance(source, PanelAggregate):
        aggregate = source
    else:
        aggregate = aggregate_scores(source, scale=scale)
    panel = aggregate.panel
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped, unused-ignore]

    sequence = _seed_sequence(seed)
    rng = np.random.default_rng(sequence)
    m = len(panel.evaluators)
    draws = rng.integers(m, size=(n_samples, m), dtype=np.int64)

    x = aggregate.adjusted.to_numpy(dtype=float)
    w = _item_weights(panel, aggregate.weights)
    point_items = aggregate.scores.to_numpy(dtype=float).copy()
    for k, value in fixed.items():
        point_items[k] = value
    point, vendors, criteria = criterion_means(point_items[None], panel)
    point = point[0]
    out = np.empty((n_samples, len(vendors), len(criteria)))
    # draws × items at once (the median and the trimmed mean bound their own draws × items
    # × distinct scores; see aggregate._ValueGroups)
    chunk = max(1, _CELLS_PER_CHUNK // max(1, x.shape[1]))
    filled = 0
    # one BLAS thread: the products are small and many, and a second BLAS thread waits for
    # a core another process holds (2-5x the CPU time on a busy machine); OpenBLAS never
    # splits a product's inner sum, so the draws are bit-identical either way
    with threadpool_limits(limits=1, user_api="blas"):
        for start in range(0, n_samples, chunk):
            idx = draws[start : start + chunk]
            rows = np.repeat(np.arange(len(idx)), m)
            counts = np.bincount(rows * m + idx.ravel(), minlength=len(idx) * m).astype(float)
            counts = counts.reshape(len(idx), m)
            items = combine_draws(
                x,
                w,
                counts,
                aggregate.method,
                aggregate.trim,
                aggregate.missing_policy,
                panel.scale.minimum,
                min_evaluators=aggregate.min_evaluators,
            )
            for k, value in fixed.items():
                items[:, k] = value
            means, _, _ = criterion_means(items, panel)
            holes = np.isnan(means) & ~np.isnan(point)
            filled += int(holes.sum())
            out[start : start + len(idx)] = np.where(holes, point, means)
    out = (out - panel.scale.minimum) / panel.width
    point_frame = pd.DataFrame(
        (point - panel.scale.minimum) / panel.width,
        index=pd.Index(vendors, name="vendor"),
        columns=pd.Index(criteria, name="criterion"),
    )
    entropy = sequence.entropy
    return PanelBootstrap(
        samples=out,
        vendors=vendors,
        criteria=criteria,
        evaluators=panel.evaluators,
        drawn=draws,
        point=point_frame,
        seed=int(entropy) if isinstance(entropy, int | np.integer) else -1,
        filled=filled,
        moderated=len(fixed),
        settings={**aggregate.settings(), "n_samples": n_samples},
        fingerprint=panel.fingerprint,
    )
