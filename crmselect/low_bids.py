"""Abnormally low bids as a procedure: the request to the vendor, its explanation and the
committee's decision, each on the record (issue 18 item 5).

EU Directive 2014/24 art. 69: where a tender "appear[s] to be abnormally low", the
contracting authority "shall require economic operators to explain the price or costs"
(69(1)), "shall assess the information provided by consulting the tenderer" (69(3)) and
"may only reject the tender where the evidence supplied does not satisfactorily account for
the low level of price or costs proposed". :func:`crmselect.price.abnormally_low` raises the
flag (by default more than 20 % under the median bid); this module keeps the case that
follows, one ``low-bid`` entry of the record (:mod:`crmselect.record`) per step:

===============  ==========================================================================
``ask``          the request to the vendor to explain its price (opens a case)
``explanation``  the vendor's explanation, as received (its words, or the document)
``accept``       the committee's assessment: the explanation accounts for the price
``reject``       the committee's assessment: it does not — the bid is excluded, and its
                 vendor is eliminated with this reason (:func:`crmselect.record.eliminated`,
                 the funnel)
===============  ==========================================================================

A case is decided once: ``accept`` needs the explanation (the assessment is of the evidence);
``reject`` needs the request only, so that a vendor who never answers can be rejected, with
that reason. Any vendor can be asked — the flag is the rule of thumb, the committee's view of
a bid is the test. :func:`open_cases` names the flagged vendors whose case is not decided,
which the reports list as "flagged, not yet explained" or "explained, not yet decided".
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence

import attrs

from crmselect.errors import CrmselectError
from crmselect.model import Evaluation
from crmselect.record import Entry, Event, Stage, TenderRecord, eliminated, stage_of

__all__ = ["LowBidCase", "Step", "cases", "low_bid", "open_cases"]


class Step(enum.StrEnum):
    """One step of a case (see the module docstring)."""

    ASK = "ask"
    EXPLANATION = "explanation"
    ACCEPT = "accept"
    REJECT = "reject"


@attrs.frozen
class LowBidCase:
    """One vendor's case: its ``steps``, each a record entry (its ``reason`` is the text:
    the request, the explanation, the assessment), oldest first."""

    vendor: str
    steps: tuple[Entry, ...]

    def step(self, step: Step) -> Entry | None:
        """The entry of ``step``, or ``None`` when the case has not reached it."""
        found = [e for e in self.steps if e.data["step"] == step.value]
        return found[-1] if found else None

    @property
    def decision(self) -> Entry | None:
        """The ``accept`` or ``reject`` entry, or ``None`` while the case is open."""
        return self.step(Step.ACCEPT) or self.step(Step.REJECT)

    @property
    def status(self) -> str:
        """``asked, not yet explained``, ``explained, not yet decided``, ``accepted`` or
        ``rejected``."""
        decision = self.decision
        if decision is not None:
            return "accepted" if decision.data["step"] == Step.ACCEPT.value else "rejected"
        if self.step(Step.EXPLANATION) is None:
            return "asked, not yet explained"
        return "explained, not yet decided"


def cases(record: TenderRecord) -> dict[str, LowBidCase]:
    """Vendor id → its case, in the order the cases were opened."""
    steps: dict[str, list[Entry]] = {}
    for entry in record.of(Event.LOW_BID):
        steps.setdefault(str(entry.data["vendor"]), []).append(entry)
    return {v: LowBidCase(v, tuple(e)) for v, e in steps.items()}


def low_bid(
    record: TenderRecord,
    evaluation: Evaluation,
    vendor: str,
    step: Step,
    text: str,
    *,
    by: str,
    at: dt.datetime,
) -> Entry:
    """The entry of ``step`` in ``vendor``'s case, with ``text`` (the request, the
    explanation, or the assessment and its reason); refused out of order (the module
    docstring), without text, before the RFP is issued and for a vendor eliminated already."""
    if stage_of(record) is Stage.DESIGN:
        raise CrmselectError("issue the RFP first (crmselect issue): no bid is in yet")
    if vendor not in evaluation.vendor_ids:
        raise CrmselectError(
            f"no vendor {vendor!r} in the tender (vendors: {', '.join(evaluation.vendor_ids)})"
        )
    if not text.strip():
        raise CrmselectError(f"the {step.value} step of {vendor}'s low-bid case needs its text")
    _check_order(cases(record).get(vendor), vendor, step)
    gone = eliminated(record)
    if vendor in gone:
        raise CrmselectError(f"{vendor} was eliminated already: {gone[vendor].reason}")
    data = {"vendor": vendor, "step": step.value, "stage": stage_of(record).value}
    return Entry(event=Event.LOW_BID, at=at, by=by, reason=text, data=data)


def _check_order(case: LowBidCase | None, vendor: str, step: Step) -> None:
    """Refuse ``step`` where ``case`` (``None``: no case yet) does not allow it."""
    if case is None:
        if step is not Step.ASK:
            raise CrmselectError(
                f"no low-bid case for {vendor}: ask the vendor to explain its price first (--ask)"
            )
        return
    if case.decision is not None:
        raise CrmselectError(f"{vendor}'s low-bid case is decided already ({case.status})")
    if step is Step.ASK:
        raise CrmselectError(f"{vendor} was asked already; record its explanation")
    if step is Step.ACCEPT and case.step(Step.EXPLANATION) is None:
        raise CrmselectError(
            f"{vendor} has not explained its price yet: a bid is accepted on its explanation "
            "(record it with --explanation); a vendor who does not answer may be rejected"
        )


def open_cases(record: TenderRecord, flagged: Sequence[str]) -> list[tuple[str, str]]:
    """The ``flagged`` vendors (abnormally low, :func:`crmselect.price.abnormally_low`)
    whose case is not decided, with where it stands: ``flagged, not yet asked``,
    ``asked, not yet explained`` or ``explained, not yet decided``. A vendor eliminated
    otherwise needs no decision."""
    found = cases(record)
    gone = eliminated(record)
    return [
        (v, found[v].status if v in found else "flagged, not yet asked")
        for v in flagged
        if v not in gone and (v not in found or found[v].decision is None)
    ]
