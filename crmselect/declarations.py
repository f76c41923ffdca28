"""Evaluator independence: declarations of interest before any form is issued, and written
justifications for the scores at the extremes of the demo scale (issue 18 item 2).

**Declarations.** Before an evaluator's scoring sheet or a committee member's weights
workshop is issued, the member declares on the record (:mod:`crmselect.record`, event
``declare``) that they will keep the tender confidential and whether they have a conflict of
interest — none, or what it is and the measure taken (they do not score that vendor, a
second evaluator reviews their scores, …). EU Directive 2014/24 art. 24 has contracting
authorities "prevent, identify and remedy conflicts of interest" among the staff "involved
in the conduct of the procurement procedure"; the UK Procurement Act 2023 s.83 asks for a
conflicts assessment before the award. A later declaration of the same member replaces the
earlier one (a conflict that arose later); both stay on the record.

:func:`require_declarations` is the refusal the issuing commands and
:func:`crmselect.io.forms.demo_sheets.write_scoring_sheets` apply: every recipient must have
a declaration **once the tender keeps a record** — any entry at all: the RFP issued, or a
declaration made. A tender without a record (a folder before ``crmselect issue`` and before
any ``crmselect declare``, or an evaluation built in Python with ``record=None``) is not
checked, and the command says so: a procedure that is not on the record yet cannot be held to
it, and refusing there would only push a rehearsal to fake a record; from the first entry on,
no form goes out to someone who has not declared.

**Justified extremes.** A demo score at or below the low bound or at or above the high bound
of :class:`~crmselect.model.policy.JustifyScores` (default 0–1 and 5 on the 0–5 scale) must
say why in its note; :func:`needs_justification` is the rule, and the readers of the scoring
sheets and of ``demo_scores.csv`` report a score without one as a finding. The score is used
all the same: it is the evaluator's, and the chair moderates it if it cannot be justified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from crmselect.errors import CrmselectError, ImportProblem
from crmselect.model import DemoScore, Evaluation, ScoringPolicy
from crmselect.record import Declaration, Entry, Event, TenderRecord, declarations
from crmselect.scales import DemoScale

__all__ = [
    "UNJUSTIFIED_ACTION",
    "Declaration",
    "declarations",
    "declare",
    "justification_bounds",
    "justification_findings",
    "needs_justification",
    "require_declarations",
    "undeclared",
    "unjustified_what",
    "with_justification_findings",
]


def declare(
    member: str, *, conflict: str | None, measure: str = "", by: str, at: dt.datetime
) -> Entry:
    """The entry of ``member``'s declaration: ``conflict`` ``None`` declares none; a
    conflict needs the ``measure`` taken for it (refused without)."""
    if not member.strip():
        raise CrmselectError("a declaration needs the id of the member who declares")
    if conflict is not None and not conflict.strip():
        raise CrmselectError(f"{member}'s conflict of interest needs its description")
    if conflict is not None and not measure.strip():
        raise CrmselectError(
            f"{member}'s conflict of interest needs the measure taken for it (--measure): "
            "e.g. does not score that vendor, a second evaluator reviews the scores"
        )
    if conflict is None and measure.strip():
        raise CrmselectError("a measure belongs to a conflict of interest: give --conflict")
    data = {"member": member, "conflict": conflict or "", "measure": measure}
    return Entry(event=Event.DECLARE, at=at, by=by, data=data)


def undeclared(record: TenderRecord, members: Iterable[str]) -> list[str]:
    """The ``members`` without a declaration on the record, in their order."""
    declared = declarations(record)
    return [m for m in members if m not in declared]


def require_declarations(record: TenderRecord | None, members: Sequence[str], what: str) -> None:
    """Refuse to issue ``what`` (``"a scoring sheet"``) to ``members`` while any of them has
    no declaration on a tender that keeps a record (the module docstring says why a tender
    without one, ``None`` or no entry, is not checked)."""
    if record is None or not record.entries:
        return
    missing = undeclared(record, members)
    if missing:
        raise CrmselectError(
            f"no declaration of interest on the record for {', '.join(missing)}: {what} is "
            "issued only to members who have declared; record one with `crmselect declare "
            "DIR --member ID --none --by NAME` (or `--conflict TEXT --measure TEXT`)"
        )


def needs_justification(score: float, evaluation: Evaluation) -> bool:
    """Whether ``score`` lies at an extreme of ``evaluation``'s demo scale — at or below
    ``at_most`` or at or above ``at_least`` of its policy's
    :class:`~crmselect.model.policy.JustifyScores` — and so needs a written justification."""
    low, high = justification_bounds(evaluation.demo_scale, evaluation.policy)
    return score <= low or score >= high


def justification_bounds(scale: DemoScale, policy: ScoringPolicy) -> tuple[float, float]:
    """``(at_most, at_least)``: a score ``s`` needs a justification when ``s <= at_most`` or
    ``s >= at_least`` (:meth:`~crmselect.model.policy.JustifyScores.bounds` on ``scale``)."""
    return policy.justify_scores.bounds(scale.minimum, scale.maximum)


def unjustified_what(score: float, evaluation: Evaluation) -> str:
    """The finding's words for an extreme ``score`` without a justification."""
    return _unjustified_what(score, justification_bounds(evaluation.demo_scale, evaluation.policy))


def _unjustified_what(score: float, bounds: tuple[float, float]) -> str:
    low, high = bounds
    return (
        f"score {score:g} is at an extreme of the scale (at most {low:g} or at least "
        f"{high:g}) and its note gives no justification; the score is used"
    )


UNJUSTIFIED_ACTION = "ask the evaluator to write why in the note, or the chair to moderate it"


def justification_findings(
    scores: Iterable[DemoScore], scale: DemoScale, policy: ScoringPolicy
) -> list[ImportProblem]:
    """A warning for each of ``scores`` at an extreme of ``scale`` (the bounds of
    :func:`justification_bounds`, found once) with a blank note, placed by its ``origin``
    (``demo_scores.csv: row 12``: the file and the row).

    It needs the demo scale and the policy only, not an evaluation: the loader finds the
    findings before it builds (and checks) the one evaluation they go into."""
    bounds = low, high = justification_bounds(scale, policy)
    found = []
    for d in scores:
        score = d.score
        if score is None or not (score <= low or score >= high) or d.note.strip():
            continue
        file, _, row = d.origin.partition(": row ")
        found.append(
            ImportProblem(
                file=file,
                sheet="",
                cell=f"row {row}" if row else "",
                severity="warning",
                what=_unjustified_what(score, bounds),
                action=UNJUSTIFIED_ACTION,
                requirement=f"{d.evaluator}: {d.vendor}/{d.script}/{d.criterion}",
                value=f"{score:g}",
            )
        )
    return found


def with_justification_findings(evaluation: Evaluation) -> Evaluation:
    """``evaluation`` with :func:`justification_findings` for its demo scores added to its
    ``import_problems`` (the loader applies it to the scores of ``demo_scores.csv``)."""
    found = justification_findings(evaluation.demo_scores, evaluation.demo_scale, evaluation.policy)
    if not found:
        return evaluation
    return attrs.evolve(evaluation, import_problems=(*evaluation.import_problems, *found))
