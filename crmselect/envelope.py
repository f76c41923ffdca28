"""The sealed price envelope: two-envelope evaluation, quality first (issue 18 item 1).

Public procurement often scores quality before anyone sees a price, so that no price can
colour a quality score: the *two-envelope* (or two-stage) procedure — World Bank
Procurement Regulations §§ 6.58–6.62 (quality- and cost-based selection: "the price
proposals remain sealed … until the technical evaluation is completed"), EU Directive
2014/24 art. 67(2) and 56(1) (award on the best price-quality ratio, evaluated on criteria
announced in advance). With ``price_envelope: sealed`` in ``evaluation.yaml`` a tender keeps
two envelopes:

==========  ===============================================================================
quality     every criterion but the price criterion: the RFP answers, the demos, the
            reference calls — what the evaluators score
price       the price criterion's bids, the returned Pricing sheets and everything the cost
            model makes of them (TCO, business case, partner quotes)
==========  ===============================================================================

While the price envelope is sealed (:func:`is_sealed`), every report is of the quality
envelope alone (:func:`sealed_view`): the price criterion leaves the tree, so the quality
score of vendor *v* is

    Q_v = 100 · Σ_c w'_c · P_vc,  over the non-price leaves c,  w'_c = w_c / Σ_c' w_c'

(formula 5 of :mod:`crmselect.scoring` on the tree without the price leaf: the remaining
local weights keep their ratios), and the costs, the clarifications of Pricing-sheet values
and the Pricing sheets' import findings are held back. The files handed to evaluators never
carry a price at all (:func:`without_prices`).

``crmselect open-prices`` (:func:`open_prices`) freezes the quality scores and opens the
price envelope, on the record with who, when and why: refused unless the RFP was issued
with the envelope sealed, the award basis is as recorded, and every vendor in the running
has a score on every demo item (one evaluator's missing score is covered by the others'
aggregate, formula 4 of :mod:`crmselect.scoring`; an item no one scored is not). With an
optional ``quality_threshold: T`` (of 100), each vendor with ``Q_v < T`` is eliminated
first, with its score and the threshold as the reason (World Bank Regulations § 6.61:
"proposals that do not meet the minimum technical score are rejected, and their price
proposals are returned unopened"); their prices are never scored. The opening entry keeps
each ``Q_v`` and the fingerprint of the quality inputs, so a report made later says which
envelope each number came from and which quality score moved after the prices were seen
(:func:`envelope_lines`).

The envelope is part of what the RFP announces: ``crmselect issue`` records it with the
award basis, and from then on the record, not the folder, says whether the prices are
sealed (:func:`envelope_of`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pandas as pd

from crmselect.errors import CrmselectError
from crmselect.model import Criterion, Evaluation
from crmselect.record import (
    Entry,
    Event,
    Stage,
    TenderRecord,
    basis_status,
    eliminated,
    stage_of,
)
from crmselect.scoring import score

if TYPE_CHECKING:
    from crmselect.tender import Tender

__all__ = [
    "Envelope",
    "envelope_facts",
    "envelope_lines",
    "envelope_of",
    "is_sealed",
    "open_prices",
    "opened",
    "quality_scores",
    "sealed_view",
    "without_prices",
]

SEALED = "sealed"
OPEN = "open"


def _threshold(value: float | None) -> float | None:
    if value is not None and not 0 <= value <= 100:
        raise CrmselectError(f"quality_threshold {value:g} must be between 0 and 100")
    return value


@attrs.frozen
class Envelope:
    """How a tender handles its prices: ``sealed`` (two envelopes, see the module
    docstring) and the minimum quality score of 100 a vendor needs for its price to be
    opened (``quality_threshold``; ``None``: no minimum). The default is one envelope."""

    sealed: bool = False
    quality_threshold: float | None = attrs.field(default=None, converter=_threshold)

    def __attrs_post_init__(self) -> None:
        if self.quality_threshold is not None and not self.sealed:
            raise CrmselectError(
                "a quality_threshold is applied when the price envelope is opened: it needs "
                "price_envelope: sealed"
            )

    def as_data(self) -> dict[str, Any]:
        """The envelope as the issue entry of the record keeps it (empty: one envelope)."""
        if not self.sealed:
            return {}
        return {"price_envelope": SEALED, "quality_threshold": self.quality_threshold}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Envelope:
        """The envelope :meth:`as_data` gave."""
        threshold = data.get("quality_threshold")
        sealed = data.get("price_envelope") == SEALED
        return cls(sealed, None if threshold is None else float(threshold))

    def __str__(self) -> str:
        if not self.sealed:
            return "one envelope (prices seen with the quality)"
        minimum = (
            f"; minimum quality {self.quality_threshold:g} of 100"
            if self.quality_threshold is not None
            else ""
        )
        return f"sealed price envelope{minimum}"


def envelope_of(tender: Tender) -> Envelope:
    """The tender's envelope: the one frozen at issue once the RFP is issued (the record's,
    whatever ``evaluation.yaml`` says now), else the folder's."""
    issued = tender.record.of(Event.ISSUE)
    if issued:
        return Envelope.from_data(issued[0].data.get("envelope", {}))
    return tender.envelope


def opened(record: TenderRecord) -> Entry | None:
    """The entry that opened the price envelope, or ``None`` while it is sealed."""
    found = record.of(Event.OPEN_PRICES)
    return found[0] if found else None


def is_sealed(tender: Tender) -> bool:
    """Whether the tender's prices are sealed now: a sealed envelope not opened yet."""
    return envelope_of(tender).sealed and opened(tender.record) is None


def without_prices(evaluation: Evaluation, pricing_sheet: str = "") -> Evaluation:
    """``evaluation`` with no price in it: no returned Pricing values, no bids on the price
    criterion (its rule stays), and — given the ``pricing_sheet``'s name — none of the import
    findings on that sheet (they quote what was typed there). What every file handed to an
    evaluator is made from."""
    price = evaluation.price and attrs.evolve(evaluation.price, prices={})
    problems = tuple(
        p for p in evaluation.import_problems if not pricing_sheet or p.sheet != pricing_sheet
    )
    return attrs.evolve(evaluation, pricing={}, price=price, import_problems=problems)


def _pruned(criteria: Sequence[Criterion], leaf: str) -> tuple[Criterion, ...]:
    """The criteria tree without the leaf ``leaf``, and without a parent it leaves empty."""
    kept = []
    for c in criteria:
        if c.id == leaf:
            continue
        if c.children:
            children = _pruned(c.children, leaf)
            if not children:
                continue
            c = attrs.evolve(c, children=children)
        kept.append(c)
    return tuple(kept)


def _quality(evaluation: Evaluation) -> Evaluation:
    """The quality envelope of a derived ``evaluation``: without its price criterion (the
    leaf, and the pairwise judgements of the node holding it: its weights are derived
    already) and without prices."""
    if evaluation.price is None:
        return evaluation
    leaf = evaluation.price.criterion
    parents = {
        c.id for c in evaluation.criteria_by_id().values() if leaf in {k.id for k in c.children}
    }
    if leaf in {c.id for c in evaluation.criteria}:
        parents.add("")  # the top level's node
    judgements = tuple(j for j in evaluation.judgements if j.node not in parents)
    return attrs.evolve(
        evaluation, criteria=_pruned(evaluation.criteria, leaf), price=None, judgements=judgements
    )


def sealed_view(tender: Tender, pricing_sheet: str = "") -> Tender:
    """The quality envelope of ``tender`` (derived first): the evaluation without its price
    criterion and prices (:func:`without_prices`, ``pricing_sheet`` as there), and no cost
    case, partner setup or clarification of a Pricing-sheet value — what every report shows
    while the price envelope is sealed."""
    from crmselect.tender import derive

    derived = tender if tender.derived else derive(tender)
    evaluation = _quality(without_prices(derived.evaluation, pricing_sheet))
    clarified = tuple(a for a in derived.clarified if a.clarification.pricing_field is None)
    return attrs.evolve(
        derived,
        evaluation=evaluation,
        costs=None,
        partners=None,
        prices_from_costs=False,
        clarified=clarified,
        earlier=None,
        rebid=(),
    )


def _gone(record: TenderRecord) -> dict[str, str]:
    return {
        v: f"eliminated at {e.data['stage']}: {e.reason}" for v, e in eliminated(record).items()
    }


def quality_scores(tender: Tender) -> pd.Series:
    """``Q_v`` (module docstring) of each vendor in the running — neither eliminated nor
    knocked out — best first, on 0–100."""
    quality = sealed_view(tender).evaluation
    result = score(quality, eliminated=_gone(tender.record))
    running = [v for v in quality.vendor_ids if v not in result.knocked_out]
    return (100 * result.totals[running]).sort_values(ascending=False).rename("quality")


def _refusals(tender: Tender) -> list[str]:
    """Why the price envelope cannot be opened now (empty: it can)."""
    if not envelope_of(tender).sealed:
        return ["the tender's prices are not sealed (price_envelope: sealed, frozen at issue)"]
    if stage_of(tender.record) is Stage.DESIGN:
        return ["issue the RFP first (crmselect issue): it freezes the envelope with the basis"]
    done = opened(tender.record)
    if done is not None:
        return [f"the price envelope was opened on {done.at:%Y-%m-%d %H:%M} UTC by {done.by}"]
    found = []
    if basis_status(tender.record, tender.evaluation).unrecorded:
        found.append(
            "the award basis differs from the one on the record: put the change on the record "
            "(crmselect deviate) before the quality scores are frozen"
        )
    result = score(sealed_view(tender).evaluation, eliminated=_gone(tender.record))
    missing = result.missing
    out = list(result.knocked_out)  # eliminated or knocked out: no score of theirs counts
    unscored = missing[
        (missing["kind"] == "demo score")
        & ~missing["vendor"].isin(out)
        & ~missing["treatment"].str.endswith(_PANEL_COVERS)
    ]
    items = sorted(
        {
            f"{v} {item.split('/')[0]}/{criterion}"
            for v, item, criterion in zip(
                unscored["vendor"], unscored["item"], unscored["criterion"], strict=True
            )
        }
    )
    if items:
        found.append(
            f"{len(items)} demo item(s) no evaluator scored, so quality is not final: "
            + ", ".join(items)
        )
    return found


_PANEL_COVERS = "of the other evaluators' scores"
"""The end of :func:`crmselect.scoring.missing_items`' treatment of a score one evaluator
did not give where others scored the item: the panel's aggregate covers it (formula 4), so
the item's quality score is final; an item no one scored is not."""


def open_prices(tender: Tender, *, by: str, at: dt.datetime, reason: str) -> tuple[Entry, ...]:
    """The entries that open ``tender``'s price envelope: one ``eliminate`` per vendor under
    the quality threshold, then the ``open-prices`` entry with each vendor's quality score
    and the fingerprint of the quality inputs; refused as the module docstring says, and
    without a reason."""
    if not reason.strip():
        raise CrmselectError("opening the price envelope needs its reason")
    refused = _refusals(tender)
    if refused:
        raise CrmselectError("cannot open the price envelope: " + "; ".join(refused))
    threshold = envelope_of(tender).quality_threshold
    quality = quality_scores(tender)
    stage = stage_of(tender.record).value
    below = [] if threshold is None else [v for v in quality.index if quality[v] < threshold]
    entries = [
        Entry(
            event=Event.ELIMINATE,
            at=at,
            by=by,
            reason=f"quality {quality[v]:.1f} of 100 is under the minimum quality "
            f"{threshold:g}: eliminated before the price envelope was opened",
            data={"vendor": str(v), "stage": stage, "quality_threshold": threshold},
        )
        for v in below
    ]
    data = {
        "quality": {str(v): round(float(q), 4) for v, q in quality.items()},
        "quality_threshold": threshold,
        "quality_fingerprint": sealed_view(tender).evaluation.fingerprint,
    }
    return (*entries, Entry(event=Event.OPEN_PRICES, at=at, by=by, reason=reason, data=data))


def envelope_lines(tender: Tender) -> str:
    """What the report says of the envelopes: none for a tender with one envelope; while
    sealed, that the prices are withheld; once opened, who opened it when and why, each
    vendor's frozen quality score, and each quality score that moved since (changed after
    the prices were seen)."""
    envelope = envelope_of(tender)
    if not envelope.sealed:
        return ""
    price = tender.evaluation.price
    criterion = f"the price criterion {price.criterion!r}" if price is not None else "prices"
    entry = opened(tender.record)
    if entry is None:
        return (
            f"Price envelope: SEALED ({envelope}). Every number here comes from the quality "
            f"envelope: {criterion}, the costs and the Pricing sheets are withheld, and the "
            "ranking is on the other criteria alone (their weights rescaled to sum to 1), "
            "until `crmselect open-prices` freezes the quality scores and opens it."
        )
    lines = [
        f"Price envelope: opened {entry.at:%Y-%m-%d %H:%M} UTC by {entry.by}: {entry.reason}",
        f"  quality envelope: every criterion but {criterion}, scores frozen at the opening "
        f"(fingerprint {str(entry.data['quality_fingerprint'])[:12]})",
        f"  price envelope: {criterion} and the costs",
    ]
    frozen = entry.data["quality"]
    now = quality_scores(tender)
    moved = [
        f"{v} {float(q):.1f} → {now[v]:.1f}"
        for v, q in frozen.items()
        if v in now.index and abs(now[v] - float(q)) > _MOVED
    ]
    if moved:
        lines.append(
            "  QUALITY SCORES CHANGED SINCE THE PRICE ENVELOPE WAS OPENED: " + "; ".join(moved)
        )
    lines += [f"  {v}: quality {float(q):.1f} of 100 (frozen)" for v, q in frozen.items()]
    return "\n".join(lines)


_MOVED = 0.005
"""How far (of 100) a quality score may be from the one frozen at the opening (kept to four
decimals) and still be the same score: more is a change made after the prices were seen."""


def envelope_facts(tender: Tender) -> list[tuple[str, str]]:
    """:func:`envelope_lines` as label–text pairs, for the comparison workbook's Summary."""
    text = envelope_lines(tender)
    if not text:
        return []
    head, *rest = text.split("\n")
    return [("Price envelope", head.removeprefix("Price envelope: "))] + [
        ("", line.strip()) for line in rest
    ]
