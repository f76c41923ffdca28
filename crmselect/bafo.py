"""Best and final offers: a re-pricing round for the shortlisted vendors (issue 18 item 4).

After the evaluation (and any negotiation), the committee may invite the vendors still in
the running to a *best and final offer* (EU Directive 2014/24 art. 29(6), 30(6): "final
tenders"; FAR 15.307(b): "final proposal revisions"). A round is one ``bafo`` entry of the
record (:mod:`crmselect.record`): who issued it, when, why, to which vendors; the rounds are
numbered on from the RFP's offer, round 1. Each invited vendor returns a new Pricing sheet
(:mod:`crmselect.io.forms.bafo`); the folder lists the returned workbooks under ``bafo:``,
and :func:`crmselect.load_tender` puts each vendor's final offer in place of its earlier one
while keeping the tender as it stood before (:attr:`crmselect.Tender.earlier`).

Every analysis — the price criterion, the cost model, SMAA, stability and flips — runs on
the final prices: the latest offer of each vendor. :func:`price_changes` sets the earlier
and the final price side by side,

    Δ_v = p_v^final − p_v^earlier,   Δ_v / p_v^earlier,

each price as the price criterion scores it (on its basis, npv or total, from the cost
model), and :func:`bafo_lines` says which round each price came from. A round re-prices
Pricing sheets, so it needs a price criterion priced by the cost model (``costs:``); it is
refused while the prices are sealed (:mod:`crmselect.envelope`: a final offer is asked for
once the offers are known), before the RFP is issued and for an eliminated vendor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from crmselect.envelope import is_sealed
from crmselect.errors import CrmselectError
from crmselect.record import Entry, Event, Stage, TenderRecord, eliminated, stage_of
from crmselect.tender import derive

if TYPE_CHECKING:
    from crmselect.tender import Tender

__all__ = ["CHANGE_COLUMNS", "bafo_facts", "bafo_lines", "invite", "price_changes", "rounds"]

CHANGE_COLUMNS = ["earlier", "final", "difference", "change", "round"]
"""The columns of :func:`price_changes`."""


def rounds(record: TenderRecord) -> tuple[Entry, ...]:
    """The BAFO rounds issued, oldest first (round ``2 + i`` for the ``i``-th)."""
    return record.of(Event.BAFO)


def invite(
    tender: Tender, vendors: Sequence[str], *, by: str, at: dt.datetime, reason: str
) -> Entry:
    """The entry that issues the next BAFO round to ``vendors`` (default: every vendor
    still in the running); refused as the module docstring says, and without a reason."""
    if stage_of(tender.record) is Stage.DESIGN:
        raise CrmselectError("issue the RFP first (crmselect issue): there is no offer yet")
    if is_sealed(tender):
        raise CrmselectError(
            "the price envelope is sealed: open it (crmselect open-prices) before asking for "
            "best and final offers"
        )
    if not tender.prices_from_costs:
        raise CrmselectError(
            "a BAFO round re-prices the Pricing sheets: it needs a price criterion priced by "
            "the cost model (price: basis npv or total, and a costs: section)"
        )
    if not reason.strip():
        raise CrmselectError("a BAFO round needs its reason")
    gone = eliminated(tender.record)
    named = list(vendors) or [v for v in tender.evaluation.vendor_ids if v not in gone]
    unknown = [v for v in named if v not in tender.evaluation.vendor_ids]
    if unknown:
        raise CrmselectError(f"no vendor {', '.join(map(repr, unknown))} in the tender")
    left = [v for v in named if v in gone]
    if left:
        raise CrmselectError(f"eliminated, so no final offer: {', '.join(left)}")
    number = 2 + len(rounds(tender.record))
    data = {"round": number, "vendors": named, "stage": stage_of(tender.record).value}
    return Entry(event=Event.BAFO, at=at, by=by, reason=reason, data=data)


def price_changes(tender: Tender) -> pd.DataFrame:
    """The vendors whose final offer came from a BAFO round: ``earlier`` and ``final``
    price as the price criterion scores them, their ``difference`` (Δ_v), the ``change``
    (Δ_v / earlier) and the ``round`` the final price came from; empty without a round,
    and while the prices are sealed."""
    if tender.earlier is None or not tender.rebid or is_sealed(tender):
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    before, after = derive(tender.earlier).evaluation.price, derive(tender).evaluation.price
    if before is None or after is None:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    number = 1 + len(rounds(tender.record))
    rows = {
        v: (before.prices.get(v), after.prices.get(v)) for v in tender.rebid if v in after.prices
    }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["earlier", "final"], dtype=float)
    frame["difference"] = frame["final"] - frame["earlier"]
    frame["change"] = frame["difference"] / frame["earlier"]
    frame["round"] = number
    return frame.rename_axis("vendor")


def bafo_lines(tender: Tender) -> str:
    """What the report says of the BAFO rounds: none without one; else each round (when,
    by whom, why, to whom), each re-priced vendor's earlier and final price and the
    difference, the invited vendors whose final offer is not in, and which round the price
    criterion and the robustness analysis used; none while the prices are sealed."""
    issued = rounds(tender.record)
    if not issued or is_sealed(tender):
        return ""
    lines = [
        f"Best and final offers, round {e.data['round']}: issued {e.at:%Y-%m-%d} by {e.by} to "
        f"{', '.join(e.data['vendors'])}: {e.reason}"
        for e in issued
    ]
    changes = price_changes(tender)
    lines += [
        f"  {v}: {row['earlier']:,.0f} → {row['final']:,.0f} ({row['difference']:+,.0f}, "
        f"{row['change']:+.1%}; round {row['round']:.0f})"
        for v, row in changes.iterrows()
    ]
    latest = issued[-1]
    missing = [v for v in latest.data["vendors"] if v not in tender.rebid]
    if missing:
        lines.append(
            f"  NO FINAL OFFER READ from {', '.join(missing)}: their round-1 offer stands "
            "(list the returned workbooks under bafo:)"
        )
    criterion = tender.evaluation.price.criterion if tender.evaluation.price else "price"
    final = f"round {latest.data['round']} for {', '.join(tender.rebid)}" if tender.rebid else ""
    rest = "round 1 for the others" if final else "round 1 for every vendor"
    lines.append(
        f"  The price criterion {criterion!r}, the costs and the robustness analysis (SMAA, "
        f"stability, flips) use the final prices: {'; '.join(p for p in (final, rest) if p)}."
    )
    return "\n".join(lines)


def bafo_facts(tender: Tender) -> list[tuple[str, str]]:
    """:func:`bafo_lines` as label–text pairs, for the comparison workbook's Summary."""
    text = bafo_lines(tender)
    if not text:
        return []
    lines = text.split("\n")
    return [("Best and final offers", lines[0]), *(("", line.strip()) for line in lines[1:])]
