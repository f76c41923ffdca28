"""What the robustness functions accept as performance and weights (private)."""

from __future__ import annotations

from typing import TypeAlias

import pandas as pd

from crmselect.errors import Problem, ValidationError
from crmselect.robustness._validate import check_matrix, check_weights
from crmselect.robustness.samplers import PerformanceSampler
from crmselect.scoring import ScoreResult

#: A performance matrix, a scored evaluation, or uncertain performance.
Performance: TypeAlias = pd.DataFrame | ScoreResult | PerformanceSampler


def performance_matrix(performance: Performance) -> pd.DataFrame:
    """The (point-estimate) performance matrix of the vendors that are ranked.

    For a :class:`~crmselect.scoring.ScoreResult`, its ``matrix`` without the knocked-out
    vendors (they are never ranked); for a performance sampler, its ``mean``; a DataFrame
    is checked (values in [0, 1], unique ids, no gaps) and returned as floats.

    >>> import crmselect
    >>> result = crmselect.score(crmselect.example())
    >>> matrix = performance_matrix(result)
    >>> sorted(set(result.matrix.index) - set(matrix.index)) == sorted(result.knocked_out)
    True
    """
    if isinstance(performance, ScoreResult):
        eligible = [v for v in performance.matrix.index if v not in performance.knocked_out]
        if not eligible:
            raise ValidationError(
                "Nothing to rank",
                [Problem("performance", "every vendor is knocked out; no ranking exists")],
            )
        return check_matrix(performance.matrix.loc[eligible], "score result matrix")
    if isinstance(performance, pd.DataFrame):
        return check_matrix(performance)
    if isinstance(performance, PerformanceSampler):
        return check_matrix(performance.mean, f"{type(performance).__name__}.mean")
    raise ValidationError(
        "Invalid performance",
        [
            Problem(
                "performance",
                "expected a DataFrame (vendors × criteria), a ScoreResult or a performance "
                f"sampler, got {type(performance).__name__}",
            )
        ],
    )


def knocked_out(performance: Performance) -> tuple[str, ...]:
    if isinstance(performance, ScoreResult):
        return tuple(performance.knocked_out)
    return ()


def point_and_weights(
    performance: Performance, weights: pd.Series | None
) -> tuple[pd.DataFrame, pd.Series]:
    """The performance matrix and the current weights (a ScoreResult's own by default)."""
    matrix = performance_matrix(performance)
    if weights is None:
        if not isinstance(performance, ScoreResult):
            raise ValidationError(
                "Missing weights",
                [
                    Problem(
                        "weights",
                        "pass the current weights (a Series indexed by criterion id); only a "
                        "ScoreResult brings its own",
                    )
                ],
            )
        weights = performance.weights
    return matrix, check_weights(weights, list(matrix.columns))
