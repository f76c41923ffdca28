"""The award basis: what a tender publishes when it issues the RFP, and what changed since.

Procurement rules hold a buyer to the criteria, weights and rules it announced (EU Directive
2014/24 art. 67(5): the contracting authority "shall specify … the relative weighting which
it gives to each of the criteria"; UK Procurement Act 2023 s.24 on modifying award criteria).
The *award basis* of an evaluation is that announcement, as written (never as derived):

===================  =========================================================================
``criteria``         the criteria tree: ids, local weights as written (where judgements give
                     them, :data:`JUDGED` instead), demo shares
``judgements``       the pairwise judgements the weights come from (AHP), when there are any
``requirements``     id, criterion, MoSCoW priority, mandatory (a knock-out) and text
``scale``            the compliance scale: each answer's score, which satisfy a knock-out
``demo_scale``       the demo scores' range
``policy``           missing answers, demo share, priority weights, process uplift, aggregation
                     (not which scores need a justification: that changes no score)
``processes``        the rated business processes and the requirements they raise
``price``            the price rule: criterion, method, budget, floor, ceiling, basis — not
                     the prices (bids come later; prices from the cost model are derived)
``references``       the reference checks' questions (criterion and text), shares ``q_c``
                     and scale (:mod:`crmselect.references`, formulas R2 and R3) — only when
                     the tender has reference questions, so that a tender without them keeps
                     its fingerprint; never the calls (who was called is confidential, and
                     calls and their scores are what the basis is applied to)
===================  =========================================================================

Vendors, the panel, answers, scores and prices are not part of it: they are what the basis
is applied to. :func:`award_basis` takes the basis of an evaluation, :attr:`AwardBasis
.fingerprint` is its SHA-256 (over inputs only, so the same on every machine:
:mod:`crmselect.hashing`), and :func:`deviations` lists, value by value, how a later basis
differs from the frozen one — ``criteria.functional.weight: 45 → 50`` — so that every
deviation can be put on the record with a reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from crmselect.hashing import canonical, sha256_of_canonical
from crmselect.model import Evaluation

SECTIONS = (
    "criteria",
    "judgements",
    "requirements",
    "scale",
    "demo_scale",
    "policy",
    "processes",
    "price",
    "references",
)
"""The parts of an evaluation that make its award basis, in the order they are reported
(``references`` only when there are reference questions)."""

_REFERENCE_BASIS = ("questions", "share", "shares", "scale")
"""What of :class:`~crmselect.references.References` is announced: the questions, the
shares and the scale — not the calls, their referees or their scores."""

_NOT_BASIS = ("origin", "justify_scores")
"""Fields left out at any depth: where a value was written is not what it says, and which
demo scores need a written justification (:class:`~crmselect.model.policy.JustifyScores`)
is a rule of the procedure that changes no score."""

_KEYED = {
    "criteria": "id",
    "children": "id",
    "requirements": "id",
    "processes": "id",
    "questions": "criterion",
}
"""Lists whose items are named by a field, so that a path reads ``criteria.sfa.weight``
rather than ``criteria[0].children[3].weight`` and an item moved in the list is no change."""


@attrs.frozen
class AwardBasis:
    """The award basis of one evaluation: :data:`SECTIONS` in canonical form
    (:func:`crmselect.hashing.canonical`: JSON-ready, floats with 12 significant digits)."""

    content: Mapping[str, Any]

    @property
    def fingerprint(self) -> str:
        """SHA-256 (hex) of :attr:`content`: what the record freezes and the reports cite."""
        return sha256_of_canonical(dict(self.content))


def award_basis(evaluation: Evaluation) -> AwardBasis:
    """The award basis of ``evaluation``, as written: the same before and after
    :func:`crmselect.derive` (judgements, not the weights derived from them, are the basis).

    >>> import crmselect
    >>> basis = award_basis(crmselect.load_tender(crmselect.example_path()).evaluation)
    >>> sorted(basis.content) == sorted(SECTIONS)
    True
    >>> len(basis.fingerprint)
    64
    """
    plain = canonical(evaluation, exclude=_NOT_BASIS)
    content = {section: plain[section] for section in SECTIONS if section != "references"}
    refs = evaluation.references
    if refs is not None and refs.questions:
        content["references"] = {key: plain["references"][key] for key in _REFERENCE_BASIS}
    judged = frozenset(j.node for j in evaluation.judgements)
    content["criteria"] = _judged_weights(content["criteria"], judged)
    if content["price"] is not None:
        content["price"] = {k: v for k, v in content["price"].items() if k != "prices"}
    return AwardBasis(content)


JUDGED = "from the judgements"
"""The weight the basis gives a criterion whose weights come from pairwise judgements."""


def _judged_weights(criteria: list[Any], judged: frozenset[str], node: str = "") -> list[Any]:
    """The canonical criteria tree with the weights under each judged node (``""``: the top
    level) replaced by :data:`JUDGED`: the judgements are the basis there, and the weights
    an eigen-solver derives from them (:func:`crmselect.derive`) are not."""
    return [
        {
            **item,
            "weight": JUDGED if node in judged else item["weight"],
            "children": _judged_weights(item["children"], judged, item["id"]),
        }
        for item in criteria
    ]


@attrs.frozen
class Deviation:
    """One value of the award basis that differs from the frozen one: at ``path``
    (``criteria.functional.weight``), ``before`` (``None``: it was not there) and
    ``after`` (``None``: it is gone)."""

    path: str
    before: Any
    after: Any

    def __str__(self) -> str:
        if self.before is None and isinstance(self.after, Mapping):
            return f"{self.path}: added"
        if self.after is None and isinstance(self.before, Mapping):
            return f"{self.path}: removed"
        return f"{self.path}: {_shown(self.before)} → {_shown(self.after)}"


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return repr(value)
    return str(value)


def deviations(frozen: AwardBasis, current: AwardBasis) -> tuple[Deviation, ...]:
    """Every value in which ``current`` differs from ``frozen``, in section order; empty when
    the two are the same basis (equal fingerprints).

    >>> before = AwardBasis({"criteria": [{"id": "a", "weight": 40.0, "children": []}]})
    >>> after = AwardBasis({"criteria": [{"id": "a", "weight": 50.0, "children": []}]})
    >>> [str(d) for d in deviations(before, after)]
    ['criteria.a.weight: 40 → 50']
    """
    if frozen.fingerprint == current.fingerprint:
        return ()
    extra = (set(frozen.content) | set(current.content)) - set(SECTIONS)
    sections = [*SECTIONS, *sorted(extra)]
    return tuple(
        deviation
        for section in sections
        for deviation in _differences(
            section, frozen.content.get(section), current.content.get(section), section
        )
    )


def _differences(path: str, before: Any, after: Any, key: str) -> Iterator[Deviation]:
    """The leaf values that differ between ``before`` and ``after`` at ``path``; ``key`` is
    the name the value has in its parent (which says whether a list is keyed by id)."""
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        for name in [*before, *(k for k in after if k not in before)]:
            yield from _differences(f"{path}.{name}", before.get(name), after.get(name), name)
    elif isinstance(before, list) and isinstance(after, list) and key in _KEYED:
        yield from _keyed_differences(path, before, after, _KEYED[key])
    elif before != after:
        yield Deviation(path, before, after)


def _keyed_differences(
    path: str, before: list[Any], after: list[Any], field: str
) -> Iterator[Deviation]:
    """Items of two lists matched by their ``field`` (an id): changed, added, removed."""
    old, new = _by_id(before, field), _by_id(after, field)
    if old is None or new is None:  # not a list of named items: compared as a whole
        if before != after:
            yield Deviation(path, before, after)
        return
    for ident in [*old, *(i for i in new if i not in old)]:
        if ident in old and ident in new:
            yield from _differences(f"{path}.{ident}", old[ident], new[ident], ident)
        else:
            yield Deviation(f"{path}.{ident}", old.get(ident), new.get(ident))


def _by_id(items: list[Any], field: str) -> dict[Any, Any] | None:
    """``items`` by their ``field``, or ``None`` when one is not a mapping with it, or two
    share one."""
    named = {item[field]: item for item in items if isinstance(item, Mapping) and field in item}
    return named if len(named) == len(items) else None
