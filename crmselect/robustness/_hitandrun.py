"""Hit-and-run sampling of weights uniform on a polytope of the simplex (private).

The feasible set is ``{w : G w ≤ h, Σ w = 1}`` (``G`` includes ``−I`` for ``w ≥ 0``). One
step of hit-and-run (Smith 1984; Lovász 1999) from a point ``w``:

1. draw a direction ``d`` uniform on the sphere of the hyperplane ``Σ d = 0`` — an
   isotropic Gaussian projected onto it (``d = g − mean(g)``) has exactly that direction;
2. find the chord ``{w + t d}`` inside the polytope: for each row ``t · (G d)_i ≤ s_i``
   with slack ``s = h − G w``, so ``t ∈ [max_{(Gd)_i<0} s_i/(Gd)_i, min_{(Gd)_i>0} s_i/(Gd)_i]``;
3. move to a point uniform on the chord.

The chain's stationary distribution is uniform on the polytope. Many chains run side by side
(vectorised over rows); each starts at the Chebyshev centre (found by a linear programme)
and keeps every ``thinning``-th state after ``burn_in`` steps. Tervonen, van Valkenhoef,
Baştürk & Postmus (2013), *Hit-and-run enables efficient weight generation for
simulation-based multiple criteria decision analysis*, EJOR 224(3), study it for SMAA.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from crmselect.errors import Problem, ValidationError

FloatArray = npt.NDArray[np.float64]

#: Recompute the slack from scratch this often, so rounding never accumulates.
_REFRESH = 64


def chebyshev_centre(G: FloatArray, h: FloatArray, where: str) -> FloatArray:
    """The centre of the largest ball (within ``Σ w = 1``) inside ``{G w ≤ h}``.

    Raises :class:`ValidationError` when the constraints leave no weights, or only a flat
    set (some constraints together force an equality), where hit-and-run cannot move.
    """
    from scipy.optimize import linprog  # type: ignore[import-untyped, unused-ignore]

    k = G.shape[1]
    projected = G - G.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(projected, axis=1)
    cost = np.zeros(k + 1)
    cost[-1] = -1.0
    res = linprog(
        cost,
        A_ub=np.hstack([G, norms[:, None]]),
        b_ub=h,
        A_eq=np.append(np.ones(k), 0.0)[None, :],
        b_eq=[1.0],
        bounds=[(None, None)] * k + [(0.0, 1.0)],
        method="highs",
    )
    if res.status != 0:
        raise ValidationError(
            "Infeasible weight constraints",
            [Problem(where, "no weights (non-negative, summing to 1) satisfy all constraints")],
        )
    x = np.asarray(res.x, dtype=float)
    if x[-1] < 1e-9:
        raise ValidationError(
            "Degenerate weight constraints",
            [
                Problem(
                    where,
                    "the constraints leave no room to vary the weights (they force an equality "
                    "somewhere); loosen a bound or replace the pair of constraints by a fixed "
                    "weight",
                )
            ],
        )
    return np.asarray(x[:k], dtype=float)


def least_weights(G: FloatArray, h: FloatArray) -> FloatArray:
    """For each criterion, its smallest value on ``{G w ≤ h, Σ w = 1}`` (one LP each)."""
    from scipy.optimize import linprog  # type: ignore[import-untyped, unused-ignore]

    k = G.shape[1]
    lower = np.zeros(k)
    for j in range(k):
        cost = np.zeros(k)
        cost[j] = 1.0
        res = linprog(
            cost,
            A_ub=G,
            b_ub=h,
            A_eq=np.ones((1, k)),
            b_eq=[1.0],
            bounds=[(None, None)] * k,
            method="highs",
        )
        lower[j] = max(0.0, float(res.fun) - 1e-12) if res.status == 0 else 0.0
    return lower


def sample(
    rng: np.random.Generator,
    G: FloatArray,
    h: FloatArray,
    start: FloatArray,
    n: int,
    *,
    chains: int,
    burn_in: int,
    thinning: int,
) -> FloatArray:
    """``n`` weight vectors from ``chains`` parallel hit-and-run chains started at ``start``."""
    k = G.shape[1]
    chains = max(1, min(chains, n))
    per_chain = math.ceil(n / chains)
    w = np.tile(start, (chains, 1))
    slack = h - w @ G.T
    out = np.empty((per_chain, chains, k))
    kept = 0
    steps = burn_in + per_chain * thinning
    for step in range(1, steps + 1):
        d = rng.standard_normal((chains, k))
        d -= d.mean(axis=1, keepdims=True)
        gd = d @ G.T
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.maximum(slack, 0.0) / gd
        upper = np.where(gd > 1e-14, ratio, np.inf).min(axis=1)
        lower = np.where(gd < -1e-14, ratio, -np.inf).max(axis=1)
        t = lower + (upper - lower) * rng.random(chains)
        w += t[:, None] * d
        if step % _REFRESH == 0:
            slack = h - w @ G.T
        else:
            slack -= t[:, None] * gd
        if step > burn_in and (step - burn_in) % thinning == 0:
            out[kept] = w
            kept += 1
    samples = np.clip(out.reshape(per_chain * chains, k)[:n], 0.0, None)
    samples /= samples.sum(axis=1, keepdims=True)
    return samples
