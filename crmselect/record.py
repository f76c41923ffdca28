"""The tender's record: what was decided, when, by whom and why — the stages, the frozen
award basis and every deviation from it, and the vendors eliminated on the way.

A record is a sequence of :class:`Entry`, oldest first, each of one :class:`Event`:

==============  ===========================================================================
``issue``       the RFP is issued: the award basis (:mod:`crmselect.basis`) is frozen
``deviation``   the award basis changed after it was frozen: what changed, and why
``eliminate``   a vendor leaves the tender at a stage (the shortlist), and why
``stage``       the tender moves on to a later :class:`Stage`
``declare``     an evaluator or committee member declares any conflict of interest and the
                measure taken (:mod:`crmselect.declarations`)
``low-bid``     a step of an abnormally-low-bid case: the request to the vendor, its
                explanation, the committee's decision (:mod:`crmselect.low_bids`); a bid
                rejected so eliminates its vendor
``what-if``     a named what-if scenario the committee tried (weights, score overrides),
                kept for the file and never the award basis (:mod:`crmselect.whatif_model`)
``open-prices`` the quality scores are frozen and the sealed price envelope is opened
                (:mod:`crmselect.envelope`): the tender reaches stage ``prices``
``bafo``        a round of best and final offers is issued to the vendors named
                (:mod:`crmselect.bafo`)
==============  ===========================================================================

Nothing is ever removed from a record; an entry that undoes another (a vendor let back in)
is an entry of its own. This module is pure: :mod:`crmselect.io.folder.record` reads and
appends the folder's ``tender-record.jsonl``. Where the tender stands and which basis it is
held to follow from the entries: :func:`stage_of`, :func:`frozen_basis`,
:func:`basis_status`, :func:`eliminated`, :func:`declarations`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from crmselect.basis import AwardBasis, Deviation, award_basis, deviations
from crmselect.converters import as_tuple
from crmselect.errors import CrmselectError
from crmselect.model import Evaluation


class Stage(enum.StrEnum):
    """Where a tender stands, in order (seeds 003 phase 3 and 004 ch. 4)."""

    DESIGN = "design"
    """The committee writes the requirements, criteria and weights; nothing is sent."""
    ISSUED = "issued"
    """The RFP is sent: the award basis is frozen."""
    RESPONSES = "responses"
    """The vendors' answers are in and read; clarifications are asked and recorded."""
    SHORTLIST = "shortlist"
    """Vendors are eliminated, with reasons; the rest go on to the demos."""
    DEMOS = "demos"
    """The shortlisted vendors demonstrate the scripts; the panel scores them."""
    PRICES = "prices"
    """The quality scores are frozen and the sealed price envelope is opened
    (``crmselect open-prices``, :mod:`crmselect.envelope`); only a sealed tender has it."""
    AWARD = "award"
    """The decision is taken."""

    @property
    def order(self) -> int:
        return list(Stage).index(self)


class Event(enum.StrEnum):
    """What one entry of the record says happened (see the module docstring)."""

    ISSUE = "issue"
    DEVIATION = "deviation"
    ELIMINATE = "eliminate"
    STAGE = "stage"
    DECLARE = "declare"
    LOW_BID = "low-bid"
    WHAT_IF = "what-if"
    OPEN_PRICES = "open-prices"
    BAFO = "bafo"


@attrs.frozen(kw_only=True)
class Entry:
    """One entry of the record: ``event`` at ``at`` (UTC) by ``by``, with its ``reason``
    and what it is about (``data``: the basis and its fingerprint, the vendor, the stage)."""

    event: Event = attrs.field(converter=Event)
    at: dt.datetime
    by: str
    reason: str = ""
    data: Mapping[str, Any] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        if not self.by.strip():
            raise CrmselectError(f"a {self.event.value} entry needs the name of who made it")
        if self.at.tzinfo is None:
            raise CrmselectError("an entry's time must carry its time zone (UTC)")


@attrs.frozen
class TenderRecord:
    """The entries of a tender's record, oldest first."""

    entries: tuple[Entry, ...] = attrs.field(default=(), converter=as_tuple)

    def of(self, event: Event) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.event is event)


def stage_of(record: TenderRecord) -> Stage:
    """The latest stage the record reaches: design until the RFP is issued, then the last
    ``stage`` entry's (or ``shortlist`` once a vendor is eliminated), never going back."""
    stage = Stage.DESIGN
    for entry in record.entries:
        reached = {
            Event.ISSUE: Stage.ISSUED,
            Event.ELIMINATE: Stage.SHORTLIST,
            Event.STAGE: Stage(entry.data.get("stage", stage.value)),
            Event.DEVIATION: stage,
            Event.DECLARE: stage,
            Event.LOW_BID: stage,
            Event.WHAT_IF: stage,
            Event.OPEN_PRICES: Stage.PRICES,
            Event.BAFO: stage,
        }[entry.event]
        stage = max(stage, reached, key=lambda s: s.order)
    return stage


def frozen_basis(record: TenderRecord) -> AwardBasis | None:
    """The award basis frozen when the RFP was issued, or ``None`` before."""
    issued = record.of(Event.ISSUE)
    return AwardBasis(issued[0].data["basis"]) if issued else None


def _recorded_basis(record: TenderRecord) -> AwardBasis | None:
    """The basis the record holds the tender to now: the frozen one, as changed by every
    recorded deviation."""
    held = [e for e in record.entries if e.event in (Event.ISSUE, Event.DEVIATION)]
    return AwardBasis(held[-1].data["basis"]) if held else None


@attrs.frozen
class BasisStatus:
    """How an evaluation stands to its tender's award basis.

    ``frozen``: the fingerprint frozen at issue (``None``: not issued yet); ``recorded``:
    every deviation put on the record, with its entry (reason, who, when); ``unrecorded``:
    how the evaluation differs from the basis as recorded — a change no one has given a
    reason for yet, which every report flags.
    """

    frozen: str | None
    recorded: tuple[tuple[Entry, tuple[str, ...]], ...] = ()
    unrecorded: tuple[Deviation, ...] = ()

    @property
    def holds(self) -> bool:
        """Whether the evaluation is the basis as issued, with no deviation at all."""
        return not self.recorded and not self.unrecorded


def basis_status(record: TenderRecord, evaluation: Evaluation) -> BasisStatus:
    """How ``evaluation`` stands to the award basis of ``record`` (see :class:`BasisStatus`)."""
    frozen = frozen_basis(record)
    if frozen is None:
        return BasisStatus(None)
    recorded = tuple(
        (entry, tuple(entry.data.get("changes", ()))) for entry in record.of(Event.DEVIATION)
    )
    held = _recorded_basis(record) or frozen
    return BasisStatus(frozen.fingerprint, recorded, deviations(held, award_basis(evaluation)))


def issue(
    record: TenderRecord,
    evaluation: Evaluation,
    *,
    by: str,
    at: dt.datetime,
    envelope: Mapping[str, Any] | None = None,
) -> Entry:
    """The entry that freezes ``evaluation``'s award basis; refused when the RFP was issued
    already (a later change is a :func:`deviation`). ``envelope``: a sealed price envelope's
    rules (:meth:`crmselect.envelope.Envelope.as_data`), frozen with the basis: the record,
    not the folder, says from then on whether the prices are sealed."""
    if record.of(Event.ISSUE):
        first = record.of(Event.ISSUE)[0]
        raise CrmselectError(
            f"the RFP was issued on {first.at:%Y-%m-%d %H:%M} UTC by {first.by}; record a "
            "change to the award basis as a deviation, with its reason"
        )
    basis = award_basis(evaluation)
    data: dict[str, Any] = {"basis": dict(basis.content), "fingerprint": basis.fingerprint}
    if envelope:
        data["envelope"] = dict(envelope)
    return Entry(event=Event.ISSUE, at=at, by=by, data=data)


def deviation(
    record: TenderRecord, evaluation: Evaluation, *, by: str, at: dt.datetime, reason: str
) -> Entry:
    """The entry that puts how ``evaluation``'s basis differs from the recorded one on the
    record, with ``reason``; refused before the RFP is issued, without a reason, and when
    nothing differs."""
    status = basis_status(record, evaluation)
    if status.frozen is None:
        raise CrmselectError("the award basis is not frozen yet: issue the RFP first")
    if not reason.strip():
        raise CrmselectError("a deviation from the award basis needs its reason")
    if not status.unrecorded:
        raise CrmselectError("the evaluation is the award basis as recorded: nothing to record")
    basis = award_basis(evaluation)
    data = {
        "basis": dict(basis.content),
        "fingerprint": basis.fingerprint,
        "changes": [str(d) for d in status.unrecorded],
    }
    return Entry(event=Event.DEVIATION, at=at, by=by, reason=reason, data=data)


def eliminate(
    record: TenderRecord,
    evaluation: Evaluation,
    vendor: str,
    *,
    by: str,
    at: dt.datetime,
    reason: str,
) -> Entry:
    """The entry that eliminates ``vendor`` at the record's stage, with ``reason``."""
    if stage_of(record) is Stage.DESIGN:
        raise CrmselectError("issue the RFP first (crmselect issue): no vendor is in it yet")
    if vendor not in evaluation.vendor_ids:
        raise CrmselectError(
            f"no vendor {vendor!r} in the tender (vendors: {', '.join(evaluation.vendor_ids)})"
        )
    if vendor in eliminated(record):
        raise CrmselectError(f"{vendor} was eliminated already")
    if not reason.strip():
        raise CrmselectError(f"eliminating {vendor} needs its reason")
    stage = max(stage_of(record), Stage.SHORTLIST, key=lambda s: s.order)
    return Entry(
        event=Event.ELIMINATE,
        at=at,
        by=by,
        reason=reason,
        data={"vendor": vendor, "stage": stage.value},
    )


def advance(record: TenderRecord, to: Stage, *, by: str, at: dt.datetime) -> Entry:
    """The entry that moves the tender on to the later stage ``to``."""
    now = stage_of(record)
    if to.order <= now.order:
        raise CrmselectError(f"the tender is at stage {now.value} already; stages only move on")
    if now is Stage.DESIGN:
        raise CrmselectError("issue the RFP first (crmselect issue): it freezes the award basis")
    if to is Stage.PRICES:
        raise CrmselectError(
            "the price envelope is opened with `crmselect open-prices`, which freezes the "
            "quality scores first"
        )
    return Entry(event=Event.STAGE, at=at, by=by, data={"stage": to.value})


def eliminated(record: TenderRecord) -> dict[str, Entry]:
    """Vendor id → the entry that eliminated it, in the order they left: a shortlist step
    (``eliminate``), or a bid rejected as abnormally low (a ``low-bid`` entry whose step is
    ``reject``, :mod:`crmselect.low_bids`)."""
    return {str(e.data["vendor"]): e for e in record.entries if _eliminates(e)}


def _eliminates(entry: Entry) -> bool:
    return entry.event is Event.ELIMINATE or (
        entry.event is Event.LOW_BID and entry.data.get("step") == "reject"
    )


@attrs.frozen
class Declaration:
    """One member's declaration of interest as the record holds it
    (:mod:`crmselect.declarations`): ``member`` (an evaluator or committee member id),
    ``conflict`` (empty: none), the ``measure`` taken for it, and the record ``entry`` (when,
    and who recorded it). Every declaration includes the undertaking to keep the tender
    confidential."""

    member: str
    conflict: str
    measure: str
    entry: Entry

    def __str__(self) -> str:
        if not self.conflict:
            return "no conflict of interest; confidentiality undertaken"
        return f"conflict: {self.conflict}; measure: {self.measure}; confidentiality undertaken"


def declarations(record: TenderRecord) -> dict[str, Declaration]:
    """Member id → their declaration in force (the latest), in the order they first
    declared."""
    found: dict[str, Declaration] = {}
    for entry in record.of(Event.DECLARE):
        member = str(entry.data["member"])
        found[member] = Declaration(
            member, str(entry.data["conflict"]), str(entry.data["measure"]), entry
        )
    return found


def funnel(record: TenderRecord, vendors: Sequence[str]) -> list[tuple[str, str, str]]:
    """Each vendor with the stage it reached and why it left: ``(vendor, stage, reason)``,
    the reason empty for a vendor still in the tender."""
    gone = eliminated(record)
    now = stage_of(record).value
    return [
        (v, str(gone[v].data["stage"]), _why(gone[v])) if v in gone else (v, now, "")
        for v in vendors
    ]


def _why(entry: Entry) -> str:
    """Why the vendor of an eliminating ``entry`` left: its reason, said to be a rejected
    abnormally low bid when it is one."""
    if entry.event is Event.LOW_BID:
        return f"abnormally low bid rejected (art. 69): {entry.reason}"
    return entry.reason
