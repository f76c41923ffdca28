"""Mid-ranks and Spearman's ρ in numpy: what the panel statistics take from
``scipy.stats.rankdata(method="average")`` and ``scipy.stats.spearmanr``, without importing
``scipy.stats`` (about 0.6 s of CPU on its first import, as much as the demo's whole
analysis; issue 21 item 5). The p-values and quantiles come from ``scipy.special``, which
``scipy.stats`` itself calls (:mod:`crmselect.consensus.agreement`).

**Mid-ranks** (ties share the mean of the ranks they span; Kendall & Gibbons 1990, *Rank
Correlation Methods*, 5th ed., §3.8). For a value :math:`x_i` of a row of *n* values,

    lo_i = #{j : x_j < x_i},   hi_i = #{j : x_j ≤ x_i},   r_i = (lo_i + hi_i + 1) / 2,

the mean of the ranks ``lo_i + 1 … hi_i`` the tied values occupy. Every :math:`r_i` is a whole
or half number, exact in floating point, so the ranks equal scipy's bit for bit.

**Spearman's ρ** (Spearman 1904) is Pearson's correlation of the two sides' mid-ranks (the
tie-corrected ρ), computed as ``scipy.stats.spearmanr`` computes it (``np.corrcoef`` of the
ranks as two columns); it is NaN when a side is constant, where scipy warns and gives NaN.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def mid_ranks(values: npt.ArrayLike) -> FloatArray:
    """The mid-ranks of ``values`` along its last axis (1 = smallest; see the module
    docstring); ``values`` must hold no NaN, which has no rank.

    >>> mid_ranks([[3.0, 1.0, 3.0, 2.0], [5.0, 5.0, 5.0, 0.0]]).tolist()
    [[3.5, 1.0, 3.5, 2.0], [3.0, 3.0, 3.0, 1.0]]
    """
    array = np.asarray(values, dtype=float)
    if np.isnan(array).any():
        raise ValueError("mid_ranks: a NaN has no rank")
    rows = array.reshape(-1, array.shape[-1]) if array.ndim else array.reshape(1, 1)
    ranks = np.empty(rows.shape)
    for index, row in enumerate(rows):
        ordered = np.sort(row)
        below = np.searchsorted(ordered, row, side="left")
        up_to = np.searchsorted(ordered, row, side="right")
        ranks[index] = (below + up_to + 1) / 2
    return ranks.reshape(array.shape)


def spearman_rho(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Spearman's ρ of the paired values ``x`` and ``y`` (no NaN; see the module
    docstring): NaN for fewer than two pairs or a constant side.

    >>> round(spearman_rho([1.0, 2.0, 3.0, 4.0], [10.0, 30.0, 20.0, 40.0]), 12)
    0.8
    """
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(a) < 2 or (a == a[0]).all() or (b == b[0]).all():
        return math.nan
    ranked = np.column_stack((mid_ranks(a), mid_ranks(b)))
    correlations = np.asarray(np.corrcoef(ranked, rowvar=False))
    return float(correlations[1, 0])
