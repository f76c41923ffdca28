"""Local weights from the pairwise judgements recorded in an evaluation.

For every node with :class:`~crmselect.model.Judgements`, the children's local weights are
the AHP priorities (:func:`~crmselect.weights.ahp.ahp`; Saaty 1980) of the judgement
matrix — or, when several members judged the node, of the element-wise geometric mean of
their matrices (:func:`~crmselect.weights.ahp.group_ahp`; Aczél & Saaty 1983). Pairs not
judged are completed by Harker's method. Children not mentioned in any judgement are an
error: AHP cannot weigh what nobody compared.
"""

from __future__ import annotations

from collections.abc import Iterable

from crmselect.errors import Problem, ValidationError
from crmselect.model import Criterion, Judgements, walk_tree
from crmselect.weights.ahp import AhpResult, ahp, group_ahp, pairwise_matrix
from crmselect.weights.group import GroupWeights
from crmselect.weights.tree import global_weights, set_local_weights


def judgement_results(
    criteria: Iterable[Criterion], judgements: Iterable[Judgements]
) -> dict[str, AhpResult]:
    """Node id (``""`` for the top level) → the AHP result of its judgements."""
    roots = tuple(criteria)
    children = {c.id: [k.id for k in c.children] for _, c in walk_tree(roots) if c.children}
    children[""] = [c.id for c in roots]
    by_node: dict[str, list[Judgements]] = {}
    for j in judgements:
        by_node.setdefault(j.node, []).append(j)
    results: dict[str, AhpResult] = {}
    for node, sets in by_node.items():
        labels = children.get(node, [])
        _require_judged(node, sets, labels)
        results[node] = _node_result(sets, labels)
    return results


def _require_judged(node: str, sets: list[Judgements], labels: list[str]) -> None:
    """Raise :class:`~crmselect.errors.ValidationError` naming the children of ``node``
    (``labels``) that none of its judgements mentions."""
    mentioned = {x for j in sets for a, b, _ in j.pairs for x in (a, b)}
    unjudged = [c for c in labels if c not in mentioned]
    if unjudged:
        raise ValidationError(
            "Incomplete judgements",
            [
                Problem(
                    sets[0].origin or f"judgements of {node or 'the top level'!r}",
                    f"{', '.join(map(repr, unjudged))} compared with nothing; add a judgement",
                )
            ],
        )


def _node_result(sets: list[Judgements], labels: list[str]) -> AhpResult:
    """The AHP result of one node's judgements: of the single member's matrix, else of the
    group (members without a name are keyed by their position)."""
    matrices = {
        j.member or str(i): pairwise_matrix(
            {(a, b): float(x) for a, b, x in j.pairs}, labels=labels
        )
        for i, j in enumerate(sets)
    }
    return ahp(next(iter(matrices.values()))) if len(matrices) == 1 else group_ahp(matrices)


def apply_judgements(
    criteria: Iterable[Criterion], judgements: Iterable[Judgements]
) -> tuple[Criterion, ...]:
    """The criteria tree with every judged node's local weights set to its AHP priorities.

    >>> from crmselect.model import Criterion, Judgements
    >>> tree = apply_judgements([Criterion("a"), Criterion("b")],
    ...                         [Judgements("", [("a", "b", 3)])])
    >>> [c.weight for c in tree]
    [0.75, 0.25]
    """
    tree = tuple(criteria)
    for node, result in judgement_results(tree, judgements).items():
        tree = set_local_weights(tree, node or None, result.weights)
    return tree


def member_weights(
    criteria: Iterable[Criterion], judgements: Iterable[Judgements]
) -> GroupWeights | None:
    """Each committee member's own global leaf weights, as a :class:`GroupWeights`.

    A member's tree is the committee's tree with only *that member's* judgements applied
    (nodes the member did not judge keep the committee's weights). This is the weight
    uncertainty for the robustness question "would the winner change under any one
    member's weights?". ``None`` when fewer than two members judged.
    """
    tree = tuple(criteria)
    by_member: dict[str, list[Judgements]] = {}
    for j in judgements:
        if j.member:
            by_member.setdefault(j.member, []).append(j)
    if len(by_member) < 2:
        return None
    return GroupWeights.from_weights(
        {member: global_weights(apply_judgements(tree, own)) for member, own in by_member.items()}
    )
