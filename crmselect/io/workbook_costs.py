"""The Costs sheet of the comparison workbook: TCO side by side and the business case."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from crmselect.cost.case import CostAnalysis
from crmselect.io.workbook_cells import (
    fit_columns,
    print_setup,
    write_frame,
    write_section,
    write_title,
)

MONEY = "#,##0"
SHARE = "0.0%"


def write_costs(ws: Worksheet, costs: CostAnalysis) -> None:
    """Fill the Costs sheet: TCO summary and cash flows by year; when benefits were given,
    the business case (NPV, ROI, payback) and its Monte Carlo summary."""
    assumptions = costs.tco.assumptions
    write_title(
        ws,
        "Costs: total cost of ownership and the business case",
        f"Every offer priced over {len(assumptions.users)} years of use in "
        f"{assumptions.currency}; year 0 is the project. NPV at "
        f"{assumptions.discount_rate:.1%}.",
    )
    row = write_section(ws, 4, "Total cost of ownership")
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
        write_frame(ws, simulation, row, name="MonteCarlo", formats=formats)
    fit_columns(ws)
    print_setup(ws, freeze="B5")
