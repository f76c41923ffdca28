"""Progress bars for long work: shown on a terminal or in Jupyter, silent in scripts and CI.

In a Jupyter kernel a bar is a widget (``tqdm.auto``) when ipywidgets is installed (the
``notebooks`` extra), else tqdm's plain text bar — never ``tqdm.auto`` without ipywidgets,
which warns "IProgress not found" in every notebook that imports it. Outside a kernel (a
terminal, a script) it is the plain bar, and ipywidgets is not imported. tqdm is imported
when the first bar is made, not with this module.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from tqdm import tqdm

T = TypeVar("T")


def bar_class() -> type[tqdm[Any]]:
    """``tqdm.auto.tqdm`` in a Jupyter kernel with ipywidgets, else ``tqdm.std.tqdm``."""
    from tqdm.std import tqdm as plain

    if "ipykernel" not in sys.modules:
        return plain
    try:
        import ipywidgets  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return plain
    from tqdm.auto import tqdm as auto

    return auto


def bar(**options: Any) -> tqdm[Any]:
    """A progress bar of :func:`bar_class` (``options``: tqdm's, e.g. ``total``, ``disable``)."""
    return bar_class()(**options)


def progress(
    items: Iterable[T], *, total: int, desc: str, unit: str, minimum: int = 5
) -> Iterator[T]:
    """Iterate ``items`` with a progress bar when there are at least ``minimum`` of them.

    tqdm's ``disable=None`` hides the bar when output is not a terminal, so logs stay clean.
    """
    yield from bar_class()(
        items, total=total, desc=desc, unit=unit, disable=None if total >= minimum else True
    )
