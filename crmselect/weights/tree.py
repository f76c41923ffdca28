"""Criteria weights: from the local weights of the criteria tree to global leaf weights.

The global weight of a leaf is the product of the normalised local weights on its path
from the root (the hierarchical weighting of Saaty 1980 and of every weighted-sum tender
evaluation)::

    w_leaf = Π_{nodes n on the path}  weight(n) / Σ_{siblings s of n} weight(s)

so the global weights of all leaves sum to 1 whenever every level has a positive sum.

:func:`set_local_weights` replaces the local weights of one node's children, so each node of
the tree can be weighted by whichever method suits it (AHP, ranking, swing, points …)
before :func:`global_weights` rolls the tree up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs
import pandas as pd

from crmselect.errors import Problem, ValidationError
from crmselect.model import Criterion, walk_tree
from crmselect.weights.direct import checked_values


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
            local = share * (c.weight / total)
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


def set_local_weights(
    criteria: Iterable[Criterion],
    node: str | None,
    weights: Mapping[str, float] | pd.Series,
) -> tuple[Criterion, ...]:
    """A copy of the tree with the local weights of ``node``'s children replaced.

    ``node`` is a criterion id, or ``None`` for the top level. ``weights`` must be labelled
    by exactly the ids of that node's children (any order); they are normalised to sum 1
    (``w_c = x_c / Σ_k x_k``) and stored as the children's ``weight``. Every other node is
    kept as it was (unchanged subtrees are the same objects); the input is not modified.
    Any weighting method can so be used per node, e.g. the weights of an :func:`ahp` result.

    >>> from crmselect.model import Criterion
    >>> tree = [Criterion("a", children=[Criterion("a1"), Criterion("a2")]), Criterion("b")]
    >>> tree = set_local_weights(tree, None, {"a": 3, "b": 1})
    >>> tree = set_local_weights(tree, "a", {"a1": 0.25, "a2": 0.75})
    >>> global_weights(tree).round(4).to_dict()
    {'a1': 0.1875, 'a2': 0.5625, 'b': 0.25}
    """
    roots = tuple(criteria)
    children, where = _children_of(roots, node)
    values = _checked_weights(weights, children, where)
    normalised = values / values.sum()
    weighted = tuple(attrs.evolve(c, weight=float(normalised[c.id])) for c in children)
    if node is None:
        return weighted
    return tuple(_with_children(c, node, weighted) for c in roots)


def _children_of(
    roots: tuple[Criterion, ...], node: str | None
) -> tuple[tuple[Criterion, ...], str]:
    """The children of ``node`` (``None``: the top level) and its name in problems.

    Raises :class:`~crmselect.errors.ValidationError` when ``node`` is not exactly one
    criterion of the tree that has sub-criteria.
    """
    if node is None:
        return roots, "criteria (top level)"
    matches = [c for _, c in walk_tree(roots) if c.id == node]
    where = f"criterion {node!r}"
    if not matches:
        problem = "is not in the criteria tree"
    elif len(matches) > 1:
        problem = "is used by more than one criterion"
    elif matches[0].is_leaf:
        problem = "has no sub-criteria to weight"
    else:
        return matches[0].children, where
    raise ValidationError("Cannot set local weights", [Problem(where, problem)])


def _checked_weights(
    weights: Mapping[str, float] | pd.Series, children: tuple[Criterion, ...], where: str
) -> pd.Series:
    """The weights as a Series, if they are valid numbers labelled by exactly the ids of
    ``children`` with a positive sum; else a :class:`~crmselect.errors.ValidationError`
    listing every problem."""
    values, found = checked_values(weights, where)
    ids = [c.id for c in children]
    found += [
        Problem(where, f"sub-criterion {c!r} has no weight; give one for each of {ids}")
        for c in ids
        if c not in values.index
    ]
    found += [
        Problem(where, f"{label!r} is not one of its sub-criteria {ids}")
        for label in values.index.unique()
        if label not in ids
    ]
    if not found and values.sum() <= 0:
        found.append(Problem(where, "all weights are zero; at least one must be positive"))
    if found:
        raise ValidationError("Cannot set local weights", found)
    return values


def _with_children(c: Criterion, node: str, children: tuple[Criterion, ...]) -> Criterion:
    """``c`` with ``children`` in place of the children of ``node`` somewhere in its subtree;
    unchanged subtrees are the same objects."""
    if c.id == node:
        return attrs.evolve(c, children=children)
    kids = tuple(_with_children(k, node, children) for k in c.children)
    same = all(new is old for new, old in zip(kids, c.children, strict=True))
    return c if same else attrs.evolve(c, children=kids)
