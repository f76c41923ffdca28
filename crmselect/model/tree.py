"""The criteria tree: :class:`Criterion` nodes with local weights, and walking the tree."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

import attrs

from crmselect.converters import as_tuple
from crmselect.errors import Problem
from crmselect.model._problems import id_problem, raise_if, where_of


@attrs.frozen
class Criterion:
    """A node of the criteria tree.

    ``weight`` is the *local* weight among siblings (any non-negative number; siblings are
    normalised to sum 1). A leaf's global weight is the product of normalised local weights
    on its path (see :func:`crmselect.weights.global_weights`). ``demo_share`` is the share
    of the leaf's score taken from demo scores rather than RFP answers (``None``: the
    evaluation's default).
    """

    id: str
    name: str = ""
    description: str = ""
    weight: float = attrs.field(default=1.0, converter=float)
    children: tuple[Criterion, ...] = attrs.field(default=(), converter=as_tuple)
    demo_share: float | None = None
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        where = where_of(self, "criterion")
        found = id_problem(where, self.id)
        if not (math.isfinite(self.weight) and self.weight >= 0):
            found.append(Problem(where, f"weight {self.weight} must be a non-negative number"))
        if self.demo_share is not None and not 0.0 <= self.demo_share <= 1.0:
            found.append(Problem(where, f"demo_share {self.demo_share} must lie in [0, 1]"))
        raise_if(found, "Invalid criterion")

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def label(self) -> str:
        return self.name or self.id

    def walk(self, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Criterion]]:
        """Depth-first ``(path of ids from the root, criterion)`` for this node and below."""
        here = (*path, self.id)
        yield here, self
        for child in self.children:
            yield from child.walk(here)


def walk_tree(roots: Iterable[Criterion]) -> Iterator[tuple[tuple[str, ...], Criterion]]:
    """Depth-first ``(path, criterion)`` over a forest of criteria."""
    for root in roots:
        yield from root.walk()
