"""Input checks shared by the robustness modules (private).

Every check collects *all* problems and raises one :class:`~crmselect.errors.ValidationError`
whose messages say what to fix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from crmselect.converters import is_number
from crmselect.errors import Problem, ValidationError
from crmselect.hashing import digest as digest  # re-exported: the robustness results' provenance

FloatArray = npt.NDArray[np.float64]

#: Weights must sum to 1 within this tolerance.
WEIGHT_SUM_TOLERANCE = 1e-6
#: Performance values may exceed [0, 1] by at most this much (float noise), then are clipped.
RANGE_TOLERANCE = 1e-9


def raise_if(problems: Sequence[Problem], headline: str) -> None:
    if problems:
        raise ValidationError(headline, problems)


def id_problems(ids: Iterable[object], kind: str, where: str) -> list[Problem]:
    """Problems of a list of ids: none at all, or some used more than once."""
    labels = [str(i) for i in ids]
    found = []
    if not labels:
        found.append(Problem(where, f"there are no {kind}s"))
    duplicated = sorted(i for i, n in Counter(labels).items() if n > 1)
    if duplicated:
        found.append(Problem(where, f"{kind} ids used more than once: {', '.join(duplicated)}"))
    return found


def check_matrix(frame: object, where: str = "performance") -> pd.DataFrame:
    """A vendors × criteria float frame with values in [0, 1], unique labels, no NaN."""
    if not isinstance(frame, pd.DataFrame):
        raise ValidationError(
            "Invalid performance matrix",
            [
                Problem(
                    where,
                    f"expected a pandas DataFrame (vendors × criteria), got {type(frame).__name__}",
                )
            ],
        )
    found = id_problems(frame.index, "vendor", where) + id_problems(
        frame.columns, "criterion", where
    )
    raise_if(found, "Invalid performance matrix")
    try:
        values = frame.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValidationError(
            "Invalid performance matrix", [Problem(where, "values must all be numbers in [0, 1]")]
        ) from None
    found += cell_problems(values, frame.index, frame.columns, where)
    raise_if(found, "Invalid performance matrix")
    clipped = np.clip(values, 0.0, 1.0)
    return pd.DataFrame(
        clipped,
        index=pd.Index([str(v) for v in frame.index], name="vendor"),
        columns=pd.Index([str(c) for c in frame.columns], name="criterion"),
    )


def cell_problems(
    values: FloatArray, vendors: Iterable[object], criteria: Iterable[object], where: str
) -> list[Problem]:
    """Problems of a vendors × criteria value array: NaN/inf or outside [0, 1]."""
    vendors, criteria = list(vendors), list(criteria)
    found = []
    bad = ~np.isfinite(values)
    off = np.isfinite(values) & ((values < -RANGE_TOLERANCE) | (values > 1.0 + RANGE_TOLERANCE))
    for mask, text in (
        (bad, "is missing or not finite; fill it or drop the vendor"),
        (off, "lies outside [0, 1]; normalise scores to [0, 1] first"),
    ):
        for i, j in list(zip(*np.nonzero(mask), strict=True))[:10]:
            found.append(
                Problem(f"{where}[{vendors[i]!s}, {criteria[j]!s}]", f"value {values[i, j]} {text}")
            )
        if mask.sum() > 10:
            found.append(Problem(where, f"… and {int(mask.sum()) - 10} more such values"))
    return found


def check_weights(weights: object, criteria: Sequence[str], where: str = "weights") -> pd.Series:
    """``weights`` as a float Series over exactly ``criteria`` (in that order), each ≥ 0,
    summing to 1 within :data:`WEIGHT_SUM_TOLERANCE`."""
    if isinstance(weights, pd.DataFrame) or not isinstance(weights, pd.Series | dict):
        raise ValidationError(
            "Invalid weights",
            [
                Problem(
                    where,
                    "expected a pandas Series of weights indexed by criterion id, got "
                    f"{type(weights).__name__}",
                )
            ],
        )
    series = pd.Series(weights, dtype=float)
    series.index = pd.Index([str(c) for c in series.index])
    found = id_problems(series.index, "criterion", where)
    given, wanted = set(series.index), set(criteria)
    missing = [c for c in criteria if c not in given]
    extra = [c for c in series.index if c not in wanted]
    if missing:
        found.append(Problem(where, f"no weight for criteria: {', '.join(missing)}"))
    if extra:
        found.append(
            Problem(
                where,
                f"weights for criteria not in the performance matrix: {', '.join(map(str, extra))}",
            )
        )
    raise_if(found, "Invalid weights")
    series = series.reindex(list(criteria))
    values = series.to_numpy()
    bad = [str(c) for c, v in series.items() if not (np.isfinite(v) and v >= 0)]
    if bad:
        found.append(
            Problem(where, f"weights must be finite and non-negative; check {', '.join(bad)}")
        )
    elif abs(values.sum() - 1.0) > WEIGHT_SUM_TOLERANCE:
        found.append(
            Problem(
                where,
                f"weights sum to {values.sum():.6g}, not 1; divide them by their sum "
                "(global leaf weights always sum to 1)",
            )
        )
    raise_if(found, "Invalid weights")
    return series.rename("weight").rename_axis("criterion")


def check_bounds(bounds: object, criteria: Sequence[str], default: float, where: str) -> FloatArray:
    """Per-criterion bounds (a number, or a Series/dict over a subset of criteria) → array."""
    if bounds is None:
        return np.full(len(criteria), default)
    if is_number(bounds):
        return np.full(len(criteria), float(bounds))
    if not isinstance(bounds, pd.Series | dict):
        raise ValidationError(
            "Invalid bounds",
            [Problem(where, "expected a number or a Series/dict of criterion id → bound")],
        )
    series = pd.Series(bounds, dtype=float)
    unknown = [str(c) for c in series.index if str(c) not in set(criteria)]
    raise_if(
        [Problem(where, f"unknown criteria: {', '.join(unknown)}")] if unknown else [],
        "Invalid bounds",
    )
    series.index = pd.Index([str(c) for c in series.index])
    return np.asarray(series.reindex(list(criteria)).fillna(default), dtype=np.float64)


def check_vendor(vendor: object, vendors: Sequence[str], where: str, knocked: Iterable[str]) -> str:
    """``vendor`` is one of ``vendors`` (knocked-out ones get their own message)."""
    name = str(vendor)
    if name in vendors:
        return name
    if name in set(knocked):
        what = f"vendor {name!r} is knocked out; knocked-out vendors are never ranked"
    else:
        what = f"unknown vendor {name!r}; choose one of: {', '.join(vendors)}"
    raise ValidationError("Invalid vendor", [Problem(where, what)])


def positive_int(value: object, where: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValidationError(
            "Invalid argument", [Problem(where, f"must be an integer >= {minimum}, got {value!r}")]
        )
    return int(value)
