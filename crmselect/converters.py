"""attrs converters shared by the model classes (named functions, so mypy can check them)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def as_tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    """Any iterable → tuple, so frozen objects hold immutable sequences.

    Typed with ``Any`` because the attrs mypy plugin does not solve generic converters; the
    field's own annotation carries the element type.
    """
    return tuple(values)
