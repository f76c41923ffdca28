"""Criteria weights: from the local weights of the criteria tree to global leaf weights.

The global weight of a leaf is the product of the normalised local weights on its path
from the root (the hierarchical weighting of Saaty 1980 and of every weighted-sum tender
evaluation)::

    w_leaf = Π_{nodes n on the path}  weight(n) / Σ_{siblings s of n} weight(s)

so the global weights of all leaves sum to 1 whenever every level has a positive sum.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from crmselect.errors import Problem, ValidationError
from crmselect.model import Criterion


def global_weights(roots: Iterable[Criterion]) -> pd.Series:
    """Global weight of every leaf criterion, indexed by leaf id in tree order.

    >>> from crmselect.model import Criterion
    >>> tree = [Criterion("a", weight=3, children=[Criterion("a1", weight=1),
    ...                                             Criterion("a2", weight=3)]),
    ...         Criterion("b", weight=1)]
    >>> global_weights(tree).round(4).to_dict()
    {'a1': 0.1875, 'a2': 0.5625, 'b': 0.25}
    """
    weights: dict[str, float] = {}

    def descend(level: tuple[Criterion, ...], share: float, where: str) -> None:
        total = sum(c.weight for c in level)
        if total <= 0:
            raise ValidationError(
                "Cannot normalise weights", [Problem(where, "all weights at this level are zero")]
            )
        for c in level:
            local = share * c.weight / total
            if c.is_leaf:
                weights[c.id] = local
            else:
                descend(c.children, local, f"criterion {c.id!r}")

    descend(tuple(roots), 1.0, "criteria (top level)")
    return pd.Series(weights, name="weight", dtype=float).rename_axis("criterion")


def local_weights(roots: Iterable[Criterion]) -> pd.DataFrame:
    """Every node of the tree with its normalised local weight and its global weight.

    Columns: ``name``, ``depth`` (0 at the top), ``parent``, ``local`` (share among
    siblings), ``global`` (share of the whole), ``leaf``; indexed by criterion id in
    depth-first order. This is the table a committee reads to check its weights.
    """
    rows: list[dict[str, object]] = []

    def descend(level: tuple[Criterion, ...], share: float, parent: str | None, depth: int) -> None:
        total = sum(c.weight for c in level)
        for c in level:
            local = c.weight / total if total > 0 else 0.0
            rows.append(
                {
                    "criterion": c.id,
                    "name": c.label,
                    "depth": depth,
                    "parent": parent,
                    "local": local,
                    "global": share * local,
                    "leaf": c.is_leaf,
                }
            )
            descend(c.children, share * local, c.id, depth + 1)

    descend(tuple(roots), 1.0, None, 0)
    return pd.DataFrame(rows).set_index("criterion")
