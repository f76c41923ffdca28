"""Weights from a ranking of the criteria (Barron & Barrett 1996).

When a committee can agree on the *order* of importance but not on numbers, surrogate
weights turn the rank ``i`` (1 = most important) of ``n`` criteria into a weight:

- rank order centroid (ROC): ``w_i = (1/n) Σ_{k=i..n} 1/k`` — the centroid of the set of
  weight vectors compatible with the ranking;
- rank sum (RS): ``w_i = 2(n + 1 − i) / (n(n + 1))``;
- rank reciprocal (RR): ``w_i = (1/i) / Σ_{k=1..n} 1/k``.

Barron & Barrett found ROC the most accurate of the three in simulation.

Reference: F. H. Barron and B. E. Barrett, "Decision quality using ranked attribute
weights", *Management Science* 42(11) (1996) 1515–1523.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect.errors import Problem, ValidationError
from crmselect.weights.direct import checked_values

RankMethod = Literal["roc", "rs", "rr"]
"""``"roc"`` rank order centroid, ``"rs"`` rank sum, ``"rr"`` rank reciprocal."""

Vector = npt.NDArray[np.float64]


def _check_n(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValidationError(
            "Invalid number of criteria", [Problem("n", f"{n!r} must be a whole number >= 1")]
        )


def rank_order_centroid(n: int) -> Vector:
    """ROC weights of ranks 1..n: ``w_i = (1/n) Σ_{k=i..n} 1/k`` (Barron & Barrett 1996).

    >>> rank_order_centroid(3).round(4).tolist()
    [0.6111, 0.2778, 0.1111]
    """
    _check_n(n)
    reciprocals = 1.0 / np.arange(1, n + 1, dtype=float)
    weights: Vector = np.cumsum(reciprocals[::-1])[::-1] / n
    return weights


def rank_sum(n: int) -> Vector:
    """Rank-sum weights of ranks 1..n: ``w_i = 2(n + 1 − i) / (n(n + 1))``.

    >>> rank_sum(4).round(4).tolist()
    [0.4, 0.3, 0.2, 0.1]
    """
    _check_n(n)
    i = np.arange(1, n + 1, dtype=float)
    return 2.0 * (n + 1 - i) / (n * (n + 1))


def rank_reciprocal(n: int) -> Vector:
    """Rank-reciprocal weights of ranks 1..n: ``w_i = (1/i) / Σ_{k=1..n} 1/k``.

    >>> rank_reciprocal(3).round(4).tolist()
    [0.5455, 0.2727, 0.1818]
    """
    _check_n(n)
    reciprocals = 1.0 / np.arange(1, n + 1, dtype=float)
    weights: Vector = reciprocals / reciprocals.sum()
    return weights


_METHODS: dict[str, Callable[[int], Vector]] = {
    "roc": rank_order_centroid,
    "rs": rank_sum,
    "rr": rank_reciprocal,
}


def weights_from_ranking(
    ranking: Mapping[str, float] | pd.Series, method: RankMethod = "roc"
) -> pd.Series:
    """Surrogate weights from a ranking of criteria (1 = most important).

    Only the order of the ranks matters: ``{a: 1, b: 2, c: 2, d: 4}`` and
    ``{a: 1, b: 2, c: 2, d: 3}`` give the same weights. **Ties**: criteria with equal rank
    occupy consecutive positions and share equally the mean of the weights of those
    positions, so the weights still sum to 1 and tied criteria weigh the same. With ROC and
    ranks ``a: 1, b: 2, c: 2``: ``a`` gets ``w_1 = 11/18`` and ``b``, ``c`` each get
    ``(w_2 + w_3)/2 = (5/18 + 2/18)/2 = 7/36``.

    Returns a Series named ``weight`` indexed by criterion, in the order given.

    >>> weights_from_ranking({"price": 1, "fit": 2, "partner": 2}).round(4).to_dict()
    {'price': 0.6111, 'fit': 0.1944, 'partner': 0.1944}
    """
    if method not in _METHODS:
        raise ValidationError(
            "Unknown ranking method",
            [Problem("method", f"{method!r} is not one of: {', '.join(_METHODS)}")],
        )
    rank_of, found = checked_values(ranking, "ranking")
    if found:
        raise ValidationError("Invalid ranking", found)
    base = _METHODS[method](len(rank_of))
    # 1-based position range of each distinct rank: "min" is the first position the tie
    # occupies, "max" the last.
    first = rank_of.rank(method="min").to_numpy(dtype=int)
    last = rank_of.rank(method="max").to_numpy(dtype=int)
    cumulative = np.concatenate([[0.0], np.cumsum(base)])
    shared = (cumulative[last] - cumulative[first - 1]) / (last - first + 1)
    return pd.Series(shared, index=rank_of.index, name="weight").rename_axis("criterion")
