"""The Costs sheet of the comparison workbook: TCO side by side, the business case, the
price criterion's bids and scores, and the software × implementation-partner pairs."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from crmselect.cost.case import CostAnalysis
from crmselect.cost.partners import PairRanking
from crmselect.io.excel.cells import (
    fit_columns,
    print_setup,
    write_frame,
    write_section,
    write_title,
)
from crmselect.io.report.price import write_price
from crmselect.scoring import ScoreResult

MONEY = "#,##0"
SHARE = "0.0%"


def write_costs(
    ws: Worksheet,
    costs: CostAnalysis | None,
    result: ScoreResult,
    *,
    pairs: PairRanking | None = None,
) -> dict[str, str]:
    """Fill the Costs sheet: TCO summary and cash flows by year; when benefits were given,
    the business case (NPV, ROI, payback) and its Monte Carlo summary; the price criterion
    of ``result``'s evaluation, live (:mod:`crmselect.io.report.price`); the pair ranking
    (:func:`crmselect.cost.rank_pairs`) when given. Returns vendor → the cell of its live
    price score (empty without a price criterion)."""
    write_title(
        ws,
        "Costs: total cost of ownership, price scores and the business case",
        _subtitle(costs),
    )
    row = _write_tco(ws, costs, 4) if costs is not None else 4
    price_cells, row = write_price(ws, result, row)
    if pairs is not None:
        row = write_section(
            ws,
            row,
            "Software × implementation partner",
            f"quality = {1 - pairs.partner_share:.0%} software + {pairs.partner_share:.0%} "
            "partner; cost = the software's TCO with the partner's quote for the services.",
        )
        formats = {"total_cost": MONEY, "npv_cost": MONEY}
        write_frame(ws, pairs.table, row, name="Pairs", formats=formats, default_format="0.000")
    fit_columns(ws)
    print_setup(ws, freeze="B5")
    return price_cells


def _subtitle(costs: CostAnalysis | None) -> str:
    if costs is None:
        return "Prices as given in the evaluation."
    assumptions = costs.tco.assumptions
    return (
        f"Every offer priced over {len(assumptions.users)} years of use in "
        f"{assumptions.currency}; year 0 is the project. NPV at "
        f"{assumptions.discount_rate:.1%}."
    )


def _write_tco(ws: Worksheet, costs: CostAnalysis, row: int) -> int:
    """The TCO, business case and Monte Carlo tables from ``row``; returns the next free row."""
    row = write_section(ws, row, "Total cost of ownership")
    summary = costs.tco.summary
    money = {c: MONEY for c in summary.columns if summary[c].dtype.kind == "f"}
    row = write_frame(ws, summary, row, name="TcoSummary", formats=money).next_row + 1
    row = write_section(ws, row, "Cash flows by year")
    by_year = costs.tco.by_year.rename(columns=lambda y: f"year {y}")
    row = write_frame(ws, by_year, row, name="TcoByYear", default_format=MONEY).next_row + 1
    if costs.case is not None:
        row = write_section(ws, row, "Business case", "Benefits minus this vendor's costs.")
        case = costs.case.summary
        formats = {
            c: (SHARE if "roi" in c else MONEY if "years" not in c else "0.0") for c in case.columns
        }
        row = write_frame(ws, case, row, name="BusinessCase", formats=formats).next_row + 1
    if costs.simulation is not None:
        row = write_section(
            ws,
            row,
            "Monte Carlo over the benefit and cost ranges",
            "p_positive: probability that NPV > 0.",
        )
        simulation = costs.simulation.summary
        formats = {c: (SHARE if c.startswith("p_") else MONEY) for c in simulation.columns}
        row = write_frame(ws, simulation, row, name="MonteCarlo", formats=formats).next_row + 1
    return row
