"""attrs converters and number checks shared by the model classes (named functions, so mypy
can check them)."""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any, TypeGuard


def as_tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    """Any iterable → tuple, so frozen objects hold immutable sequences.

    Typed with ``Any`` because the attrs mypy plugin does not solve generic converters; the
    field's own annotation carries the element type.
    """
    return tuple(values)


def is_number(value: object) -> TypeGuard[float]:
    """A real number — Python or numpy (``np.int64``, ``np.float32`` …) — but not a bool
    (Python's or numpy's); NaN and infinity pass (callers check ``math.isfinite``).

    >>> import numpy as np
    >>> is_number(np.int64(10)), is_number(np.float32(0.5)), is_number(True), is_number("1")
    (True, True, False, False)
    """
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def is_whole(value: object) -> TypeGuard[int]:
    """A whole number of type int or a numpy integer, not a bool (``2.0`` is not: a count
    given as a float is refused, as before).

    >>> import numpy as np
    >>> is_whole(np.int64(10)), is_whole(np.uint8(3)), is_whole(2.0), is_whole(np.bool_(True))
    (True, True, False, False)
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
