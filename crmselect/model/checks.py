"""The cross-checks of an :class:`~crmselect.model.Evaluation`: every reference resolves,
every leaf criterion can be scored, nothing is given twice.

:func:`evaluation_problems` builds one :class:`EvaluationIndex` (the ids of vendors, leaves,
requirements, evaluators, scripts …) and runs the check functions over it, in a fixed order
(the order of the problems in the error): the structure (vendors, the criteria tree,
duplicate ids, process references), the price criterion, the demo scripts, the leaf
criteria, the judgements, the answers, the demo scores, the moderated scores. Each check
returns its problems; nothing raises until all of them are collected.

:func:`tree_problems` is shared with catalogues; :func:`moderation_problems` with
:func:`crmselect.consensus.apply_moderation`, which checks moderated scores against a
panel rather than an evaluation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING

import attrs
import numpy as np

from crmselect.errors import Problem
from crmselect.model._problems import duplicate_problems, where_of
from crmselect.model.inputs import DemoScore, DemoScript, ModeratedScore, Requirement
from crmselect.model.tree import Criterion, walk_tree
from crmselect.scales import DemoScale

if TYPE_CHECKING:
    from crmselect.model.evaluation import Evaluation


@attrs.frozen
class EvaluationIndex:
    """The ids the checks look things up in, computed once per evaluation."""

    leaves: tuple[Criterion, ...]
    leaf_ids: frozenset[str]
    vendor_ids: frozenset[str]
    requirement_ids: frozenset[str]
    evaluator_ids: frozenset[str]
    scripts: Mapping[str, DemoScript]
    demo_criteria: frozenset[str]
    """Leaf criteria that a demo script exercises."""
    scored_by_requirements: frozenset[str]
    """Leaf criteria with at least one requirement of positive priority weight."""
    children: Mapping[str, frozenset[str]]
    """Criterion id (``""``: the top level) → the ids of its sub-criteria, for every node
    with sub-criteria."""

    @classmethod
    def of(cls, evaluation: Evaluation) -> EvaluationIndex:
        """The index of ``evaluation``."""
        nodes = [c for _, c in walk_tree(evaluation.criteria)]
        leaf_ids = frozenset(c.id for c in nodes if c.is_leaf)
        return cls(
            leaves=tuple(c for c in nodes if c.is_leaf),
            leaf_ids=leaf_ids,
            vendor_ids=frozenset(evaluation.vendor_ids),
            requirement_ids=frozenset(r.id for r in evaluation.requirements),
            evaluator_ids=frozenset(e.id for e in evaluation.evaluators),
            scripts={s.id: s for s in evaluation.demo_scripts},
            demo_criteria=evaluation.demo_criteria(),
            scored_by_requirements=_scored_by_requirements(evaluation, leaf_ids),
            children=_children(evaluation.criteria, nodes),
        )


def _scored_by_requirements(evaluation: Evaluation, leaf_ids: frozenset[str]) -> frozenset[str]:
    """:attr:`EvaluationIndex.scored_by_requirements`: the leaf criteria with a requirement
    whose priority weighs more than 0."""
    weights = evaluation.policy.priority_weights
    return frozenset(
        r.criterion
        for r in evaluation.requirements
        if r.criterion in leaf_ids and weights[r.priority] > 0
    )


def _children(roots: Iterable[Criterion], nodes: Iterable[Criterion]) -> dict[str, frozenset[str]]:
    """:attr:`EvaluationIndex.children`: the sub-criteria ids of every node with some, and
    under ``""`` the ids of the top level (``roots``)."""
    children = {c.id: frozenset(k.id for k in c.children) for c in nodes if c.children}
    children[""] = frozenset(c.id for c in roots)
    return children


def evaluation_problems(evaluation: Evaluation) -> list[Problem]:
    """Every problem of ``evaluation``'s cross-references, in the order of the checks."""
    index = EvaluationIndex.of(evaluation)
    checks = (
        _structure_problems,
        _price_problems,
        _script_problems,
        _leaf_problems,
        _judgement_problems,
        _response_problems,
        _demo_score_problems,
        _evaluation_moderation_problems,
    )
    return [problem for check in checks for problem in check(evaluation, index)]


def _structure_problems(evaluation: Evaluation, index: EvaluationIndex) -> list[Problem]:
    """No vendors, the criteria tree, repeated ids, processes citing unknown requirements."""
    found: list[Problem] = []
    if not evaluation.vendors:
        found.append(Problem("vendors", "the evaluation has no vendors"))
    found += tree_problems(evaluation.criteria, evaluation.requirements)
    found += duplicate_problems("vendor", evaluation.vendors)
    found += duplicate_problems("evaluator", evaluation.evaluators)
    found += duplicate_problems("demo script", evaluation.demo_scripts)
    found += duplicate_problems("process", evaluation.processes)
    found += [
        Problem(where_of(p, "process"), f"supported by unknown requirement {rid!r}")
        for p in evaluation.processes
        for rid in p.requirements
        if rid not in index.requirement_ids
    ]
    return found


def _price_problems(evaluation: Evaluation, index: EvaluationIndex) -> list[Problem]:
    """The price criterion is a leaf scored from prices alone, for known vendors."""
    price = evaluation.price
    if price is None:
        return []
    where = price.origin or f"price criterion {price.criterion!r}"
    cid = price.criterion
    alone = "a price criterion is scored from prices alone"
    found = [
        Problem(where, what)
        for wrong, what in (
            (cid not in index.leaf_ids, f"criterion {cid!r} is unknown or not a leaf criterion"),
            (
                cid in index.scored_by_requirements,
                f"criterion {cid!r} has weighted requirements; {alone} — move them to another "
                "criterion",
            ),
            (cid in index.demo_criteria, f"demo scripts exercise {cid!r}; {alone}"),
        )
        if wrong
    ]
    found += [
        Problem(where, f"price of unknown vendor {v!r}")
        for v in price.prices
        if v not in index.vendor_ids
    ]
    return found


def _script_problems(evaluation: Evaluation, index: EvaluationIndex) -> list[Problem]:
    """Every criterion a demo script exercises is a leaf."""
    return [
        Problem(where_of(s, "demo script"), f"criterion {cid!r} is unknown or not a leaf criterion")
        for s in evaluation.demo_scripts
        for cid in s.criteria
        if cid not in index.leaf_ids
    ]


def _leaf_problems(evaluation: Evaluation, index: EvaluationIndex) -> list[Problem]:
    """Every leaf can be scored, and its ``demo_share`` fits what scores it."""
    priced = evaluation.price.criterion if evaluation.price is not None else None
    return [problem for c in index.leaves for problem in _one_leaf_problems(c, index, priced)]


def _one_leaf_problems(c: Criterion, index: EvaluationIndex, priced: str | None) -> list[Problem]:
    where = where_of(c, "criterion")
    by_requirements = c.id in index.scored_by_requirements
    by_demos = c.id in index.demo_criteria
    found: list[Problem] = []
    if not by_requirements and not by_demos and c.id != priced:
        found.append(
            Problem(
                where,
                "has no requirements that carry weight and no demo "
                "script exercises it: nothing can score it",
            )
        )
    if c.demo_share is not None and c.demo_share > 0 and not by_demos:
        found.append(
            Problem(
                where, f"demo_share is {c.demo_share} but no demo script exercises this criterion"
            )
        )
    if c.demo_share is not None and c.demo_share < 1 and by_demos and not by_requirements:
        found.append(
            Problem(
                where,
                f"demo_share is {c.demo_share} but the criterion has "
                "no weighted requirements; use 1 or add requirements",
            )
        )
    return found


def _judgement_problems(evaluation: Evaluation, index: EvaluationIndex) -> list[Problem]:
    """Every judgement compares sub-criteria of a node that has them."""
    found: list[Problem] = []
    for j in evaluation.judgements:
        where = where_of(j, "judgements")
        siblings = index.children.get(j.node)
        if siblings is None:
            found.append(
                Problem(
                    where,
                    f"node {j.node!r} is not a criterion with "
                    "sub-criteria (use '' for the top level)",
                )
            )
            continue
        found += [
            Problem(where, f"{label!r} is not a sub-criterion of {j.node or 'the top level'!r}")
            for label in sorted({x for a, b, _ in j.pairs for x in (a, b)} - siblings)
        ]
    return found


def _response_problems(evaluation: Evaluation, index: EvaluationIndex) -> list[Problem]:
    """Every answer names a known vendor and requirement, is on the scale, and is the
    vendor's only answer to that requirement.

    The answers are first checked as whole columns (:func:`_responses_fine`, set
    operations at C speed); only when that finds something does the row-by-row pass run to
    name every problem where it is.
    """
    return [] if _responses_fine(evaluation, index) else _response_rows(evaluation, index)


def _response_rows(evaluation: Evaluation, index: EvaluationIndex) -> list[Problem]:
    """The problems of :func:`_response_problems`, answer by answer."""
    scale = evaluation.scale
    found: list[Problem] = []
    earlier: dict[tuple[str, str], str] = {}
    for a in evaluation.responses:
        where = a.origin or f"response {a.vendor!r}/{a.requirement!r}"
        if a.vendor not in index.vendor_ids:
            found.append(Problem(where, f"unknown vendor {a.vendor!r}"))
        if a.requirement not in index.requirement_ids:
            found.append(Problem(where, f"unknown requirement {a.requirement!r}"))
        if a.compliance is not None and a.compliance not in scale.keys:
            found.append(
                Problem(
                    where, f"compliance {a.compliance!r} is not on the scale ({scale.describe()})"
                )
            )
        key = (a.vendor, a.requirement)
        if key in earlier:
            found.append(
                Problem(
                    where,
                    f"second answer of vendor {a.vendor!r} to "
                    f"{a.requirement!r} (first at {earlier[key]}); keep one",
                )
            )
        earlier[key] = a.origin or "an earlier row"
    return found


def _responses_fine(evaluation: Evaluation, index: EvaluationIndex) -> bool:
    """Whether :func:`_response_problems` finds nothing, decided on columns: the vendors,
    requirements and compliance keys used are subsets of the known ones and the
    (vendor, requirement) pairs are as many as the answers."""
    responses = evaluation.responses
    vendors = list(map(attrgetter("vendor"), responses))
    requirements = list(map(attrgetter("requirement"), responses))
    keys = set(map(attrgetter("compliance"), responses))
    keys.discard(None)
    return (
        index.vendor_ids.issuperset(vendors)
        and index.requirement_ids.issuperset(requirements)
        and keys <= set(evaluation.scale.keys)
        and _distinct([(vendors, index.vendor_ids), (requirements, index.requirement_ids)])
    )


def _demo_score_problems(evaluation: Evaluation, index: EvaluationIndex) -> list[Problem]:
    """Every demo score names a known evaluator, vendor, script and one of the script's
    criteria, is on the demo scale, and is given once.

    Checked as whole columns first (:func:`_demo_scores_fine`); the row-by-row pass that
    names each problem runs only when that finds something.
    """
    return [] if _demo_scores_fine(evaluation, index) else _demo_score_rows(evaluation, index)


def _demo_score_rows(evaluation: Evaluation, index: EvaluationIndex) -> list[Problem]:
    """The problems of :func:`_demo_score_problems`, score by score."""
    scale = evaluation.demo_scale
    found: list[Problem] = []
    earlier: dict[tuple[str, str, str, str], str] = {}
    for d in evaluation.demo_scores:
        where = d.origin or f"demo score {d.evaluator!r}/{d.vendor!r}/{d.script!r}"
        if d.evaluator not in index.evaluator_ids:
            found.append(Problem(where, f"unknown evaluator {d.evaluator!r}"))
        found += [Problem(where, what) for what in _item_problems(d, index, "criterion ")]
        if d.score is not None and not scale.contains(d.score):
            found.append(Problem(where, _off_scale(str(d.score), scale)))
        key = (d.evaluator, d.vendor, d.script, d.criterion)
        if key in earlier:
            found.append(
                Problem(
                    where,
                    f"second score for the same evaluator, vendor, script "
                    f"and criterion (first at {earlier[key]}); keep one",
                )
            )
        earlier[key] = d.origin or "an earlier row"
    return found


def _demo_scores_fine(evaluation: Evaluation, index: EvaluationIndex) -> bool:
    """Whether :func:`_demo_score_problems` finds nothing, decided on columns: known
    evaluators and vendors, (script, criterion) pairs the scripts define, every distinct
    score on the scale, and as many (evaluator, vendor, script, criterion) keys as scores."""
    demo_scores = evaluation.demo_scores
    evaluators = list(map(attrgetter("evaluator"), demo_scores))
    vendors = list(map(attrgetter("vendor"), demo_scores))
    scripts = list(map(attrgetter("script"), demo_scores))
    criteria = list(map(attrgetter("criterion"), demo_scores))
    pairs = {(s.id, c) for s in index.scripts.values() for c in s.criteria}
    scores = set(map(attrgetter("score"), demo_scores))
    scores.discard(None)
    return (
        index.evaluator_ids.issuperset(evaluators)
        and index.vendor_ids.issuperset(vendors)
        and pairs.issuperset(zip(scripts, criteria, strict=True))
        and all(map(evaluation.demo_scale.contains, scores))
        and _distinct(
            [
                (evaluators, index.evaluator_ids),
                (vendors, index.vendor_ids),
                (scripts, {s for s, _ in pairs}),
                (criteria, {c for _, c in pairs}),
            ]
        )
    )


def _distinct(columns: Sequence[tuple[Sequence[str], Collection[str]]]) -> bool:
    """Whether no two rows of ``columns`` are equal; each column comes with the values it
    is drawn from (every one of its values is among them).

    A row is coded as one integer, its columns' positions among their values as the digits
    of a mixed-radix number, and the sorted codes are compared with their neighbours in
    numpy: a third of the time of hashing a tuple per row (250,000 answers at the upper end
    of issue 21). Where the codes would not fit in 63 bits, the tuples are counted.
    """
    count = len(columns[0][0])
    if math.prod(len(known) for _, known in columns) >= 2**63:
        return len(set(zip(*(column for column, _ in columns), strict=True))) == count
    code = np.zeros(count, np.int64)
    for column, known in columns:
        position = {value: i for i, value in enumerate(known)}
        code *= len(position)
        code += np.fromiter(map(position.__getitem__, column), np.int64, count)
    code.sort()
    return bool((code[1:] != code[:-1]).all())


def _item_problems(
    item: DemoScore | ModeratedScore, index: EvaluationIndex, kind: str = ""
) -> list[str]:
    """What is wrong with an item's vendor, script and criterion (``kind`` prefixes the
    criterion in the message)."""
    found = []
    if item.vendor not in index.vendor_ids:
        found.append(f"unknown vendor {item.vendor!r}")
    script = index.scripts.get(item.script)
    if script is None:
        found.append(f"unknown demo script {item.script!r}")
    elif item.criterion not in script.criteria:
        found.append(f"demo script {item.script!r} does not exercise {kind}{item.criterion!r}")
    return found


def _evaluation_moderation_problems(
    evaluation: Evaluation, index: EvaluationIndex
) -> list[Problem]:
    """The moderated scores name items of the evaluation; evaluator weights name members of
    the panel."""
    found = moderation_problems(
        evaluation.moderations, evaluation.demo_scale, lambda m: _item_problems(m, index)
    )
    found += [
        Problem("scoring policy: demo_aggregation", f"weights for unknown evaluator {e!r}")
        for e in evaluation.policy.demo_aggregation.evaluator_weights
        if e not in index.evaluator_ids
    ]
    return found


def moderation_problems(
    moderations: Iterable[ModeratedScore],
    scale: DemoScale,
    unknown: Callable[[ModeratedScore], list[str]],
) -> list[Problem]:
    """Problems of the consensus meeting's moderated scores: for each, what ``unknown`` says
    is wrong with its item, a score off ``scale``, and a second moderation of the same item.
    """
    found: list[Problem] = []
    first: dict[tuple[str, str, str], str] = {}
    for m in moderations:
        where = m.origin or f"moderated score {'/'.join(m.item)}"
        found += [Problem(where, what) for what in unknown(m)]
        if not scale.contains(m.score):
            found.append(Problem(where, _off_scale(f"{m.score:g}", scale)))
        if m.item in first:
            found.append(
                Problem(where, f"second moderation of the same item (first: {first[m.item]})")
            )
        first.setdefault(m.item, m.origin or "an earlier one")
    return found


def _off_scale(score: str, scale: DemoScale) -> str:
    return f"score {score} is off the demo scale {scale.minimum:g}..{scale.maximum:g}"


def tree_problems(
    criteria: Iterable[Criterion], requirements: Iterable[Requirement]
) -> list[Problem]:
    """Problems of a criteria tree and the requirements attached to it.

    Duplicate criterion or requirement ids, a level whose weights are all zero, a
    requirement attached to an unknown or non-leaf criterion. Shared by catalogues and
    evaluations.
    """
    criteria, requirements = tuple(criteria), tuple(requirements)
    nodes = [c for _, c in walk_tree(criteria)]
    found: list[Problem] = []
    if not criteria:
        found.append(Problem("criteria", "there are no criteria"))
    found += duplicate_problems("criterion", nodes)
    found += duplicate_problems("requirement", requirements)
    levels = [(criteria, "criteria (top level)")]
    levels += [(c.children, where_of(c, "criterion")) for c in nodes if c.children]
    found += [
        Problem(where, "all weights at this level are zero; at least one must be positive")
        for siblings, where in levels
        if siblings and sum(c.weight for c in siblings) <= 0
    ]
    return found + _attachment_problems(requirements, {c.id: c for c in nodes})


def _attachment_problems(
    requirements: Iterable[Requirement], by_id: Mapping[str, Criterion]
) -> list[Problem]:
    found = []
    for r in requirements:
        target = by_id.get(r.criterion)
        if target is None:
            found.append(
                Problem(where_of(r, "requirement"), f"refers to unknown criterion {r.criterion!r}")
            )
        elif not target.is_leaf:
            found.append(
                Problem(
                    where_of(r, "requirement"),
                    f"criterion {r.criterion!r} has sub-criteria; attach "
                    "requirements to a leaf criterion",
                )
            )
    return found
