"""The vendors' RFP answers and the panel's demo scores as integer-coded arrays, so that
scoring runs on arrays.

:func:`coded_answers` turns an :class:`~crmselect.model.Evaluation`'s answers into
:class:`CodedAnswers`: a vendors × requirements matrix of compliance-level codes and one of
their scores (formula 1 of :mod:`crmselect.scoring`: ``a_vr`` = the scale's score of the
answer, NaN when blank or absent), the positions of the answers given blank (for the import
findings that excluded them), and per requirement its leaf criterion and whether it is
mandatory. Rows follow ``evaluation.vendors``, columns ``evaluation.requirements``, codes
``evaluation.scale.levels``. The evaluation builds it once, on first use
(:attr:`~crmselect.model.Evaluation.coded_answers`); the arrays are read-only.

Building it is linear in the number of answers: one pass over them looks up each id in a
dict; nothing is done per vendor × requirement in Python.

:func:`coded_demo_scores` does the same for the demo scores (:class:`CodedDemoScores`, one
entry per score in ``evaluation.demo_scores`` order, kept as
:attr:`~crmselect.model.Evaluation.coded_demo_scores`): the panel
(:class:`crmselect.consensus.Panel`) and the missing-items table place them by these codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from crmselect.model.evaluation import Evaluation

_T = TypeVar("_T", bound=np.generic)
_K = TypeVar("_K", str, tuple[str, str])

NO_ANSWER = -1
"""The level code of a requirement the vendor left blank or did not answer."""


@attrs.frozen(eq=False)
class CodedAnswers:
    """An evaluation's answers as arrays (see the module docstring for the layout)."""

    level: npt.NDArray[np.intp]
    """Vendors × requirements: the index of the answer in ``scale.levels``, or
    :data:`NO_ANSWER` where it is blank or absent."""
    score: npt.NDArray[np.float64]
    """Vendors × requirements: the scale's score of the answer (formula 1), NaN where there
    is no answer."""
    blank: npt.NDArray[np.intp]
    """Positions in ``evaluation.responses`` of the answers given blank, in their order."""
    leaf: npt.NDArray[np.intp]
    """Per requirement: the index of its criterion in ``evaluation.leaves()``."""
    mandatory: npt.NDArray[np.bool_]
    """Per requirement: whether it is a knock-out."""

    @property
    def answered(self) -> npt.NDArray[np.bool_]:
        """Vendors × requirements: ``True`` where the vendor gave an answer on the scale."""
        answered: npt.NDArray[np.bool_] = self.level != NO_ANSWER
        return answered


@attrs.frozen(eq=False)
class CodedDemoScores:
    """An evaluation's demo scores as arrays, one entry per score in
    ``evaluation.demo_scores`` order (read-only).

    A **slot** is one (script, criterion) pair of the scripts, numbered script by script in
    ``evaluation.demo_scripts`` order and within a script in its ``criteria`` order: item
    ``(vendor v, slot k)`` of the panel is ``v · slots + k``.
    """

    evaluator: npt.NDArray[np.intp]
    """The index of the score's evaluator in ``evaluation.evaluators``."""
    vendor: npt.NDArray[np.intp]
    """The index of the scored vendor in ``evaluation.vendors``."""
    slot: npt.NDArray[np.intp]
    """The score's (script, criterion) slot."""
    score: npt.NDArray[np.float64]
    """The score, NaN where it is ``None`` (not given)."""
    slots: int
    """How many (script, criterion) slots the scripts have."""

    @property
    def given(self) -> npt.NDArray[np.bool_]:
        """``True`` where a score was given (not ``None``)."""
        given: npt.NDArray[np.bool_] = ~np.isnan(self.score)
        return given


def coded_demo_scores(evaluation: Evaluation) -> CodedDemoScores:
    """The demo scores of ``evaluation`` (which has validated every id, every (script,
    criterion) pair and every score) as :class:`CodedDemoScores`.

    A (script, criterion) pair a script lists twice takes its last slot, as a dict built in
    slot order keeps it.
    """
    scores = evaluation.demo_scores
    slot_of = _positions((s.id, c) for s in evaluation.demo_scripts for c in s.criteria)
    slots = sum(len(s.criteria) for s in evaluation.demo_scripts)
    given = [d.score for d in scores]  # None → NaN in a float array
    return CodedDemoScores(
        evaluator=_codes(scores, "evaluator", _positions(e.id for e in evaluation.evaluators)),
        vendor=_codes(scores, "vendor", _positions(evaluation.vendor_ids)),
        slot=_codes(scores, ("script", "criterion"), slot_of),
        score=_read_only(np.array(given, dtype=np.float64)),
        slots=slots,
    )


def coded_answers(evaluation: Evaluation) -> CodedAnswers:
    """The answers of ``evaluation`` (which has validated every id and compliance key) as
    :class:`CodedAnswers`."""
    responses = evaluation.responses
    scale = evaluation.scale
    vendor = _positions(evaluation.vendor_ids)
    requirement = _positions(r.id for r in evaluation.requirements)
    level_of: dict[str | None, int] = {None: NO_ANSWER}  # a blank answer
    level_of.update(_positions(scale.keys))
    row = _codes(responses, "vendor", vendor)
    column = _codes(responses, "requirement", requirement)
    code = _codes(responses, "compliance", level_of)
    level = np.full((len(evaluation.vendors), len(evaluation.requirements)), NO_ANSWER, np.intp)
    level[row, column] = code
    level_scores = np.array([lvl.score for lvl in scale.levels], dtype=np.float64)
    leaves = _positions(c.id for c in evaluation.leaves())
    return CodedAnswers(
        level=_read_only(level),
        score=_read_only(np.where(level == NO_ANSWER, np.nan, level_scores[level])),
        blank=_read_only(np.flatnonzero(code == NO_ANSWER)),
        leaf=_read_only(
            np.array([leaves[r.criterion] for r in evaluation.requirements], dtype=np.intp)
        ),
        mandatory=_read_only(
            np.array([r.mandatory for r in evaluation.requirements], dtype=np.bool_)
        ),
    )


def _codes(
    objects: Sequence[object], field: str | tuple[str, str], codes: Mapping[Any, int]
) -> npt.NDArray[np.intp]:
    """The code of every object's ``field`` (a pair of fields: their tuple), read-only."""
    get = attrgetter(field) if isinstance(field, str) else attrgetter(*field)
    found = np.fromiter(map(codes.__getitem__, map(get, objects)), np.intp, len(objects))
    return _read_only(found)


def _positions(keys: Iterable[_K]) -> dict[_K, int]:
    """Key → its position in ``keys`` (unique ids)."""
    return {key: i for i, key in enumerate(keys)}


def _read_only(array: npt.NDArray[_T]) -> npt.NDArray[_T]:
    """``array``, no longer writeable: the evaluation it describes does not change."""
    array.flags.writeable = False
    return array
