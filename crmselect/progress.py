"""Progress bars for long work: shown on a terminal or in Jupyter, silent in scripts and CI."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")


def progress(
    items: Iterable[T], *, total: int, desc: str, unit: str, minimum: int = 5
) -> Iterator[T]:
    """Iterate ``items`` with a progress bar when there are at least ``minimum`` of them.

    tqdm's ``disable=None`` hides the bar when output is not a terminal, so logs stay clean.
    """
    yield from tqdm(
        items, total=total, desc=desc, unit=unit, disable=None if total >= minimum else True
    )
