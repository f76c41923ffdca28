"""What the committee and the bidders put in: RFP :class:`Requirement` lines, the
:class:`Vendor` bidders and their :class:`Response` answers, the :class:`Evaluator` panel, the
scripted demos (:class:`DemoScript`) and their :class:`DemoScore` scores, pairwise
:class:`Judgements`, the current business :class:`Process` ratings, and the scores agreed in
the consensus meeting (:class:`ModeratedScore`)."""

from __future__ import annotations

import gc
import math
from collections import deque
from collections.abc import Mapping, Sequence
from itertools import repeat
from types import MappingProxyType
from typing import Any, TypeVar

import attrs

from crmselect.converters import as_tuple, is_number
from crmselect.errors import Problem
from crmselect.model._problems import id_problem, raise_if, where_of
from crmselect.model.choices import (
    Access,
    Deployment,
    Licensing,
    Offering,
    Priority,
    ProcessRating,
    _accesses,
    _deployments,
    _licensings,
    _offering,
    _priority,
    _rating,
)

_T = TypeVar("_T", bound=attrs.AttrsInstance)


def _stores_only(cls: type[attrs.AttrsInstance]) -> bool:
    """Whether ``cls``'s ``__init__`` does nothing but store its arguments, one per slot: a
    slotted attrs class whose fields are its only slots (no cached hash), with no converter,
    validator, or pre- or post-init hook."""
    fields = attrs.fields(cls)
    slots = tuple(s for s in vars(cls).get("__slots__", ()) if s != "__weakref__")
    return (
        slots == tuple(f.name for f in fields)
        and all(f.init and f.converter is None and f.validator is None for f in fields)
        and not hasattr(cls, "__attrs_pre_init__")
        and not hasattr(cls, "__attrs_post_init__")
    )


def from_columns(cls: type[_T], columns: Sequence[Sequence[Any]]) -> list[_T]:
    """One instance of ``cls`` per row of ``columns`` (a column per field, in the fields'
    order): for each row the object ``cls(*row)`` is, made column by column.

    ``cls(*row)`` sets one attribute after the other through a frozen ``__setattr__``
    (≈ 1.5 µs an object; the upper end of issue 21 reads 450,000 answers and scores). Here
    each field is set with its slot's descriptor in one ``map`` over its column, in C. That
    makes the same object only where ``__init__`` does nothing but store its arguments
    (:func:`_stores_only`); any other class is refused with :class:`TypeError`. The cyclic
    garbage collector is paused meanwhile: the new objects refer to nothing but their
    columns' values and cannot form a cycle, and the collections their number would set off
    would each traverse the whole growing heap for nothing.
    """
    fields = attrs.fields(cls)
    if len(columns) != len(fields) or not _stores_only(cls):
        raise TypeError(f"{cls.__name__} cannot be built column by column")
    count = len(columns[0]) if columns else 0
    if any(len(column) != count for column in columns):
        raise ValueError("the columns differ in length")
    enabled = gc.isenabled()
    gc.disable()
    try:
        built: list[_T] = list(map(object.__new__, repeat(cls, count)))
        for field, column in zip(fields, columns, strict=True):
            deque(map(getattr(cls, field.name).__set__, built, column), maxlen=0)
    finally:
        if enabled:
            gc.enable()
    return built


@attrs.frozen
class Requirement:
    """One line of the RFP, attached to a leaf criterion.

    ``mandatory`` makes it a pass/fail knock-out: a vendor that does not satisfy it (see
    :mod:`crmselect.scales`) or leaves it blank is excluded from the ranking.
    """

    id: str
    text: str
    criterion: str
    priority: Priority = attrs.field(default=Priority.SHOULD, converter=_priority)
    mandatory: bool = False
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        where = where_of(self, "requirement")
        found = id_problem(where, self.id) + id_problem(where, self.criterion, "criterion")
        if not str(self.text).strip():
            found.append(Problem(where, "text is empty"))
        if self.mandatory and self.priority is Priority.WONT:
            found.append(Problem(where, "a 'wont' requirement cannot be mandatory"))
        raise_if(found, "Invalid requirement")


@attrs.frozen
class Vendor:
    """A bidder: the software and what it offers."""

    id: str
    name: str
    offering: Offering = attrs.field(default=Offering.SUITE, converter=_offering)
    deployment: frozenset[Deployment] = attrs.field(factory=frozenset, converter=_deployments)
    access: frozenset[Access] = attrs.field(factory=frozenset, converter=_accesses)
    licensing: frozenset[Licensing] = attrs.field(factory=frozenset, converter=_licensings)
    description: str = ""
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        raise_if(id_problem(where_of(self, "vendor"), self.id), "Invalid vendor")


@attrs.frozen
class Evaluator:
    """A member of the evaluation panel."""

    id: str
    name: str = ""
    role: str = ""
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        raise_if(id_problem(where_of(self, "evaluator"), self.id), "Invalid evaluator")


@attrs.frozen
class Response:
    """A vendor's answer to one requirement. ``compliance`` is a scale key, or ``None`` (blank).

    ``evidence`` is where the vendor says the answer can be verified (documentation link,
    demo reference).
    """

    vendor: str
    requirement: str
    compliance: str | None
    comment: str = ""
    evidence: str = ""
    origin: str = attrs.field(default="", eq=False, repr=False)


def _guidance(value: Mapping[str, Mapping[float, str]]) -> Mapping[str, Mapping[float, str]]:
    """A read-only copy, each criterion's levels in score order."""
    return MappingProxyType(
        {
            str(c): MappingProxyType({float(k): str(t) for k, t in sorted(levels.items())})
            for c, levels in value.items()
        }
    )


def _level_problem(level: float, text: str) -> str:
    if not math.isfinite(level):
        return "the score is not a finite number"
    return "" if text.strip() else "says nothing"


@attrs.frozen
class DemoScript:
    """A scripted demo scenario and the leaf criteria it exercises.

    ``guidance``: per criterion, what a score looks like — score → text, e.g. ``{1: "shown
    only on slides", 3: "shown, with workarounds", 5: "shown end to end, as configured"}``
    — printed on the scoring sheets and in the script pack (issue 18 item 2)."""

    id: str
    title: str
    criteria: tuple[str, ...] = attrs.field(converter=as_tuple)
    description: str = ""
    minutes: float | None = None
    guidance: Mapping[str, Mapping[float, str]] = attrs.field(factory=dict, converter=_guidance)
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        where = where_of(self, "demo script")
        found = id_problem(where, self.id)
        if not self.criteria:
            found.append(Problem(where, "lists no criteria to score"))
        found += [
            Problem(where, f"guidance for {c!r}, which the script does not score")
            for c in self.guidance
            if c not in self.criteria
        ]
        found += [
            Problem(where, f"guidance for {c!r} at {level:g}: {problem}")
            for c, levels in self.guidance.items()
            for level, text in levels.items()
            if (problem := _level_problem(level, text))
        ]
        raise_if(found, "Invalid demo script")


@attrs.frozen
class DemoScore:
    """One evaluator's score of one vendor on one criterion of one demo script.

    ``score`` is on the evaluation's :class:`~crmselect.scales.DemoScale`; ``None`` means
    the evaluator did not score it (reported as missing).
    """

    evaluator: str
    vendor: str
    script: str
    criterion: str
    score: float | None
    note: str = ""
    origin: str = attrs.field(default="", eq=False, repr=False)


@attrs.frozen
class Judgements:
    """Pairwise (AHP) judgements on the children of one node of the criteria tree.

    ``node`` is a criterion id, or ``""`` for the top level. Each pair ``(a, b, x)`` says
    *a is x times as important as b* (Saaty's 1–9 scale and reciprocals). ``member`` names
    the committee member when several members judge the same node (aggregated by geometric
    mean). :func:`crmselect.weights.apply_judgements` turns them into the node's local
    weights; the evaluation keeps them so that reports can show consistency.
    """

    node: str
    pairs: tuple[tuple[str, str, float], ...] = attrs.field(converter=as_tuple)
    member: str = ""
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        where = where_of(self, "judgements")
        found = [
            Problem(where, f"judgement {a!r} vs {b!r} is {x}; it must be a positive number")
            for a, b, x in self.pairs
            if not (is_number(x) and math.isfinite(x) and x > 0)
        ]
        found += [
            Problem(where, f"{a!r} is compared with itself") for a, b, _ in self.pairs if a == b
        ]
        if not self.pairs:
            found.append(Problem(where, "no judgements given"))
        raise_if(found, "Invalid judgements")


@attrs.frozen
class Process:
    """A current business process, how well it works, and the requirements that support it.

    Weak processes raise the priority of their requirements in scoring (see
    :attr:`ScoringPolicy.process_uplift` and :func:`crmselect.scoring.effective_priorities`).
    """

    id: str
    name: str
    rating: ProcessRating = attrs.field(converter=_rating)
    requirements: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    description: str = ""
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        raise_if(id_problem(where_of(self, "process"), self.id), "Invalid process")


@attrs.frozen
class ModeratedScore:
    """A score the consensus meeting agreed for one item (vendor, script, criterion),
    replacing the panel's aggregate in scoring; ``reason`` and ``by`` are required. See
    :func:`crmselect.consensus.apply_moderation`."""

    vendor: str
    script: str
    criterion: str
    score: float = attrs.field(converter=float)
    reason: str
    by: str
    date: str = ""
    origin: str = attrs.field(default="", eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        where = self.origin or f"moderated score {self.vendor}/{self.script}/{self.criterion}"
        found = [
            Problem(where, f"{name} is empty")
            for name in ("vendor", "script", "criterion", "reason", "by")
            if not str(getattr(self, name)).strip()
        ]
        if not math.isfinite(self.score):
            found.append(Problem(where, f"score {self.score} must be a finite number"))
        raise_if(found, "Invalid moderated score")

    @property
    def item(self) -> tuple[str, str, str]:
        return (self.vendor, self.script, self.criterion)
