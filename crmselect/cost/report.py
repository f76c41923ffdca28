"""Plain-text reports of the cost analysis for the terminal (``crmselect demo``).

Pure functions returning strings; the CLI prints them. Ids and names a line quotes are
:func:`~crmselect.text.printable`, as is every table cell.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any, cast

from crmselect.cost.business_case import BusinessCase, MonteCarloResult
from crmselect.cost.partners import PairRanking
from crmselect.cost.tco import TcoComparison, money
from crmselect.text import printable, text_table

__all__ = ["business_case_report", "pairs_report", "tco_report"]


def tco_report(comparison: TcoComparison) -> str:
    """The TCO side by side, lowest NPV first: the cost of each year, the total, its NPV
    and the cost per user per month.

    >>> from crmselect.cost import Assumptions, Offer, compare_tco
    >>> c = compare_tco([Offer("a", "subscription", 50.0, "month")], Assumptions([10, 10]))
    >>> print(tco_report(c).splitlines()[0])
    2-year TCO in EUR (year 0 = project; NPV at 8.0%, end-of-year)
    """
    a = comparison.assumptions
    summary = comparison.summary.sort_values("npv", kind="stable").to_dict(orient="index")
    years = comparison.by_year
    by_year = years.to_dict(orient="index")
    rows = [
        [
            str(vendor),
            f"{row['licensing']}/{row['user_type']}/{row['deployment']}",
            *(money(float(v)) for v in by_year[vendor].values()),
            money(float(row["total"])),
            money(float(row["npv"])),
            f"{row['per_user_month']:,.0f}",
        ]
        for vendor, row in summary.items()
    ]
    headers = ["vendor", "offer", *(f"year {y}" for y in years.columns), "total", "NPV", "/user/mo"]
    currency = printable(comparison.results[0].offer.currency) if comparison.results else ""
    title = (
        f"{a.years}-year TCO in {currency} (year 0 = project; NPV at {a.discount_rate:.1%}, "
        f"{a.timing.value}-of-year)"
    )
    right = list(range(2, len(headers)))
    return title + "\n" + text_table(rows, headers, right=right)


def business_case_report(case: BusinessCase, simulation: MonteCarloResult | None = None) -> str:
    """The business-case headline and one row per short-listed vendor: NPV, ROI, payback
    and, with a Monte Carlo ``simulation``, P(NPV > 0) and the 5–95 % NPV range."""
    summary = case.summary.to_dict(orient="index")
    best = str(case.summary["npv"].idxmax())
    top = summary[best]
    years = case.costs.assumptions.years
    head = (
        f"Business case over {years} years at {case.discount_rate:.1%}: {printable(best)} has "
        "the highest "
        f"NPV, {money(top['npv'])} (ROI {top['roi']:.0%}, payback "
        f"{_payback(top['payback_years'])})"
    )
    mc = simulation.summary.to_dict(orient="index") if simulation is not None else {}
    if simulation is not None:
        head += (
            f"; P(NPV > 0) = {mc[best]['p_positive']:.1%} ± "
            f"{mc[best]['p_positive_margin']:.1%} ({simulation.n:,} "
            f"{simulation.distribution} draws, seed {simulation.seed})"
        )
    headers = ["vendor", "NPV", "ROI", "payback"]
    if simulation is not None:
        headers += ["P(NPV>0)", "NPV 5 %", "NPV 95 %"]
    order = case.summary["npv"].sort_values(ascending=False, kind="stable").index
    rows = []
    for vendor in order:
        row = summary[vendor]
        line = [
            str(vendor),
            money(row["npv"]),
            f"{row['roi']:.0%}",
            _payback(row["payback_years"]),
        ]
        if simulation is not None:
            m = mc[vendor]
            line += [f"{m['p_positive']:.1%}", money(m["p05"]), money(m["p95"])]
        rows.append(line)
    return head + ".\n" + text_table(rows, headers, right=list(range(1, len(headers))))


def _payback(years: float) -> str:
    return "beyond horizon" if math.isnan(years) else f"{years:.1f} years"


def pairs_report(ranking: PairRanking) -> str:
    """The software × implementation-partner pairs, best first: both scores, the pair's
    quality, the combined cost (software TCO with the partner's quote for the services)
    and its NPV, the rank, whether the pair is on the quality-cost Pareto front, and why an
    excluded pair is out."""
    table = ranking.table
    rule = (
        f"quality = {1 - ranking.partner_share:.0%} software + {ranking.partner_share:.0%} "
        "partner; "
        + (
            f"total = {1 - ranking.price_weight:.0%} quality + {ranking.price_weight:.0%} price "
            f"score ({ranking.price_method})"
            if ranking.price_weight > 0
            else "ranked on quality, the combined cost shown beside it"
        )
    )
    records = cast(dict[tuple[str, str], dict[str, Any]], table.to_dict(orient="index"))
    best = ranking.best
    if best is None:
        head = "No pair is eligible: every quoted software or partner is knocked out."
    else:
        row = records[best]
        head = (
            f"Best pair: {printable(best[0])} + {printable(best[1])} (quality "
            f"{row['quality']:.3f}, combined cost "
            f"{money(float(row['total_cost']))}, NPV {money(float(row['npv_cost']))})"
        )
    rows = [
        [
            str(vendor),
            str(partner),
            f"{r['software_score']:.3f}",
            f"{r['partner_score']:.3f}",
            f"{r['quality']:.3f}",
            money(float(r["total_cost"])),
            money(float(r["npv_cost"])),
            "-" if r["excluded"] else str(r["rank"]),
            "yes" if r["pareto"] else "",
            str(r["excluded"]),
        ]
        for (vendor, partner), r in records.items()
    ]
    headers = [
        "software",
        "partner",
        "software score",
        "partner score",
        "quality",
        "cost",
        "NPV",
        "rank",
        "Pareto",
        "excluded",
    ]
    listing = text_table(rows, headers, right=[2, 3, 4, 5, 6, 7])
    text = textwrap.fill(f"{head}; {rule}.", 100)
    interval = ranking.share_interval()
    if interval is not None:
        low, high = (
            " + ".join(map(printable, ids or ())) for ids in (interval.by_low, interval.by_high)
        )
        below = f"; below, {low}" if low else ""
        above = f"; above, {high}" if high else ""
        text += (
            f"\nThe best pair holds for partner shares {interval.low:.2f}–{interval.high:.2f} "
            f"(now {interval.share:.2f}){below}{above}."
        )
    return text + "\n" + listing
