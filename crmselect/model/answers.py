"""The vendors' RFP answers as integer-coded arrays, so that scoring runs on arrays.

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
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from crmselect.model.evaluation import Evaluation

_T = TypeVar("_T", bound=np.generic)

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


def coded_answers(evaluation: Evaluation) -> CodedAnswers:
    """The answers of ``evaluation`` (which has validated every id and compliance key) as
    :class:`CodedAnswers`."""
    responses = evaluation.responses
    scale = evaluation.scale
    vendor = _positions(evaluation.vendor_ids)
    requirement = _positions(r.id for r in evaluation.requirements)
    level_of: dict[str | None, int] = {None: NO_ANSWER}  # a blank answer
    level_of.update(_positions(scale.keys))
    row = np.array([vendor[a.vendor] for a in responses], dtype=np.intp)
    column = np.array([requirement[a.requirement] for a in responses], dtype=np.intp)
    code = np.array([level_of[a.compliance] for a in responses], dtype=np.intp)
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


def _positions(keys: Iterable[str]) -> dict[str, int]:
    """Key → its position in ``keys`` (unique ids)."""
    return {key: i for i, key in enumerate(keys)}


def _read_only(array: npt.NDArray[_T]) -> npt.NDArray[_T]:
    """``array``, no longer writeable: the evaluation it describes does not change."""
    array.flags.writeable = False
    return array
