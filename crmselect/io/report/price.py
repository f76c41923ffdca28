"""The price criterion on the Costs sheet of the comparison workbook, live: the buyer can
edit a bid, the budget or the floor and watch the price scores, totals and ranks follow.

Layout from the block's first row (``B`` holds the inputs)::

    Method            budget | lowest_ratio | linear            (text, as exported)
    Floor (input)     800000                                    (method budget)
    Budget (input)    1600000                                   (method budget)
    Ceiling (input)   [empty = the highest bid in the running]  (method linear)

    Vendor | Price (input) | In running | Reference bid | Score | Exported score | Abnormally low
           | Note

per vendor row ``i`` (``D`` the reference bids, ``$D$f:$D$l`` their range)::

    D  =IF(ISNUMBER(B), IF(OR(C="yes", COUNTIF(C range, "yes")=0), B, ""), "")
    E  =IF(ISNUMBER(B), IF(valid, score, NA()), 0)          with low = MIN(D range) and
       budget        score = IF(at(B, budget), 0,
                                MAX(0, MIN(1, (budget − B) / (budget − floor))))
                     valid = B > 0, floor ≥ 0, budget − floor > AtLimit · ABS(budget)
       lowest_ratio  score = MIN(1, low / B)                 valid = B > 0, low > 0
       linear        score = IF(at(top, low), IF(OR(B <= top, at(B, top)), 1, 0),
                                IF(at(B, top), 0, MAX(0, MIN(1, (top − B) / (top − low)))))
                     top = the ceiling if given, else MAX(D range)
                     valid = B > 0, low > 0, OR(top ≥ low, at(top, low))

    at(x, limit) = ABS(x − limit) <= AtLimit · ABS(limit)

``low``, ``top`` and the tolerance are names (local to the sheet) — ``PriceLowest``,
``PriceCeiling`` and ``AtLimit`` (= 1E-12) — so that the score formulas read as written here.

— the formulas of :func:`crmselect.cost.price_scores` with the bids in the running as the
reference (:func:`crmselect.scoring.price_table`): a knocked-out bid is scored against them
and never moves them; with nobody in the running every bid is a reference. ``at`` is
:func:`crmselect.price.at_limit`, with the same tolerance :data:`crmselect.price.AT_LIMIT`
written into the formula: a bid a rounding error from a limit (the workbook holds 16
significant digits, and LibreOffice compares to 2^-48) scores in the spreadsheet what it
scores in the library, instead of landing on the other side of the limit. ``#N/A`` shows
where the library would refuse the inputs, and the input cells carry data validation (bids
above 0, the rest 0 or more). A vendor without a price scores 0. The Matrix sheet's price
column links to ``E``, so editing an input re-scores every vendor. "Abnormally low" is the
exported flag (a reason to ask the bidder, not a formula). "Note" is live too
(:func:`crmselect.cost.limit_notes`): a bid at or over the budget, or a ceiling given for
method linear, says it scores 0 — ``"at the budget: scores 0"`` when ``at`` it, else
``"over the budget: scores 0"`` — and without a given ceiling a bid over every reference bid
says ``"over the highest bid in the running: scores 0"``.

The linear score changes by ``price / (top − low)`` per unit of relative change in a bid, so
where the bids in the running lie within a millionth of each other a bid's 17th significant
digit, which the workbook does not hold, can move its live score by more than 1e-9: bids
typed (or priced) to 15 significant digits are held exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import pandas as pd
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from crmselect.io.excel.cells import (
    INPUT_STYLE,
    LABEL_FONT,
    SCORE_FORMAT,
    Span,
    absolute,
    add_table,
    at,
    put,
    put_formula,
    sheet_ref,
    write_header,
    write_section,
)
from crmselect.model import PriceCriterion, PriceMethod
from crmselect.price import AT_LIMIT, OVER_HIGHEST
from crmselect.scoring import ScoreResult

MONEY = "#,##0"
PRICE_HEADER = (
    "Vendor",
    "Price (input)",
    "In running",
    "Reference bid",
    "Score",
    "Exported score",
    "Abnormally low",
    "Note",
)
YES, NO = "yes", "no"


def write_price(ws: Worksheet, result: ScoreResult, top: int) -> tuple[dict[str, str], int]:
    """Write the live price block from row ``top``; returns vendor → absolute reference of
    its live score (for the Matrix sheet) and the next free row. Nothing is written without
    a price criterion."""
    rule, table = result.evaluation.price, result.prices
    if rule is None or table is None:
        return {}, top
    row = write_section(
        ws,
        top,
        f"Price criterion {rule.criterion!r} (live)",
        "Edit a bid or the budget: the scores, the Matrix sheet's totals and the ranks follow. "
        "The reference bids are those still in the running; abnormally low: more than 20 % "
        "under the median bid in the running, as exported — ask the vendor why.",
    )
    inputs = _write_inputs(ws, rule, row)
    header = row + 4
    write_header(ws, header, 1, PRICE_HEADER)
    first, last = header + 1, header + len(table)
    references = f"{absolute(first, 4)}:{absolute(last, 4)}"
    running = f"{absolute(first, 3)}:{absolute(last, 3)}"
    _define_names(ws, rule.method, references, inputs)
    cells: dict[str, str] = {}
    for i, (vendor, values) in enumerate(table.iterrows()):
        r = first + i
        put(at(ws, r, 1), str(vendor))
        price = at(ws, r, 2)
        price.style = INPUT_STYLE
        put(price, None if pd.isna(values["price"]) else float(values["price"]), MONEY)
        put(at(ws, r, 3), YES if values["in_running"] else NO)
        bid = absolute(r, 2)
        put_formula(
            at(ws, r, 4),
            f'=IF(ISNUMBER({bid}),IF(OR({absolute(r, 3)}="{YES}",'
            f'COUNTIF({running},"{YES}")=0),{bid},""),"")',
            MONEY,
        )
        put_formula(at(ws, r, 5), _score(rule.method, bid, inputs), SCORE_FORMAT)
        put(at(ws, r, 6), float(values["score"]), SCORE_FORMAT)
        put(at(ws, r, 7), YES if values["abnormally_low"] else "")
        note = _note(rule.method, bid, inputs)
        if note is None:
            put(at(ws, r, 8), str(values["note"]))
        else:
            put_formula(at(ws, r, 8), note)
        cells[str(vendor)] = f"{sheet_ref(ws.title)}{absolute(r, 5)}"
    add_table(ws, "PriceScores", Span(header, first, last, 1, len(PRICE_HEADER)))
    _validate(ws, f"{absolute(first, 2)}:{absolute(last, 2)}", "greaterThan", "A bid is above 0.")
    for ref in inputs.values():
        _validate(ws, ref, "greaterThanOrEqual", "An amount of 0 or more.")
    return cells, last + 2


def _validate(
    ws: Worksheet,
    cells: str,
    operator: Literal["greaterThan", "greaterThanOrEqual"],
    message: str,
) -> None:
    """Excel data validation: a decimal number compared with 0."""
    rule = DataValidation(
        type="decimal",
        operator=operator,
        formula1="0",
        showErrorMessage=True,
        errorTitle="Price",
        error=message,
    )
    rule.add(cells.replace("$", ""))
    ws.add_data_validation(rule)


def _write_inputs(ws: Worksheet, rule: PriceCriterion, row: int) -> Mapping[str, str]:
    """The method (text) and its input cells; returns input name → absolute reference."""
    put(at(ws, row, 1), "Method")
    put(at(ws, row, 2), rule.method.value)
    values: dict[str, float | None] = {}
    if rule.method is PriceMethod.BUDGET:
        values = {"Floor": rule.floor, "Budget": rule.budget}
    elif rule.method is PriceMethod.LINEAR:
        values = {"Ceiling": rule.ceiling}
    refs: dict[str, str] = {}
    for k, (name, value) in enumerate(values.items(), start=1):
        label = f"{name} (input)"
        if name == "Ceiling":
            label += " — empty: the highest bid in the running"
        put(at(ws, row + k, 1), label)
        cell = at(ws, row + k, 2)
        cell.style = INPUT_STYLE
        put(cell, value, MONEY)
        refs[name] = absolute(row + k, 2)
    for r in range(row, row + 1 + len(values)):
        at(ws, r, 1).font = LABEL_FONT
    return refs


LOWEST, CEILING, TOLERANCE = "PriceLowest", "PriceCeiling", "AtLimit"
"""The workbook's names for the lowest reference bid, the ceiling of method linear, and
:data:`crmselect.price.AT_LIMIT`, so that the score formulas read as the module docstring."""


def _define_names(
    ws: Worksheet, method: PriceMethod, references: str, inputs: Mapping[str, str]
) -> None:
    """Names, local to the sheet, for the limits the score formulas share (:data:`LOWEST`,
    :data:`CEILING` for method linear, :data:`TOLERANCE`)."""
    sheet = sheet_ref(ws.title)
    names = {TOLERANCE: f"{AT_LIMIT:G}", LOWEST: f"MIN({sheet}{references})"}
    if method is PriceMethod.LINEAR:
        ceiling = f"{sheet}{inputs['Ceiling']}"
        names[CEILING] = f"IF(ISNUMBER({ceiling}),{ceiling},MAX({sheet}{references}))"
    for name, formula in names.items():
        ws.defined_names[name] = DefinedName(name, attr_text=formula)


def _at(x: str, limit: str) -> str:
    """The spreadsheet's :func:`crmselect.price.at_limit`: ``x`` within the tolerance
    :data:`TOLERANCE` of ``limit``, relative to the limit."""
    return f"ABS({x}-{limit})<={TOLERANCE}*ABS({limit})"


def _note(method: PriceMethod, bid: str, inputs: Mapping[str, str]) -> str | None:
    """The live note of one bid (:func:`crmselect.cost.limit_notes`): at or over the budget
    (method budget) or a given ceiling (method linear) it scores 0, and so does a bid over
    every reference bid without a ceiling — ``None`` for lowest_ratio, which has no such
    limit."""
    if method is PriceMethod.LOWEST_RATIO:
        return None
    name = "budget" if method is PriceMethod.BUDGET else "ceiling"
    limit = inputs["Budget" if method is PriceMethod.BUDGET else "Ceiling"]
    given = (
        f'IF({_at(bid, limit)},"at the {name}: scores 0",'
        f'IF({bid}>{limit},"over the {name}: scores 0",""))'
    )
    if method is PriceMethod.BUDGET:
        return f'=IF(AND(ISNUMBER({bid}),ISNUMBER({limit})),{given},"")'
    over = f'IF(AND({bid}>{CEILING},NOT({_at(bid, CEILING)})),"{OVER_HIGHEST}","")'
    return f'=IF(ISNUMBER({bid}),IF(ISNUMBER({limit}),{given},{over}),"")'


def _score(method: PriceMethod, bid: str, inputs: Mapping[str, str]) -> str:
    """The live score formula of one bid (module docstring); ``#N/A`` where the library
    would refuse the inputs (a bid of 0 or less, a budget not above the floor, a ceiling
    below the lowest bid)."""
    low, top = LOWEST, CEILING
    if method is PriceMethod.BUDGET:
        budget, floor = inputs["Budget"], inputs["Floor"]
        valid = f"AND({bid}>0,{floor}>=0,{budget}-{floor}>{TOLERANCE}*ABS({budget}))"
        line = f"MAX(0,MIN(1,({budget}-{bid})/({budget}-{floor})))"
        body = f"IF({_at(bid, budget)},0,{line})"
    elif method is PriceMethod.LOWEST_RATIO:
        valid = f"AND({bid}>0,{low}>0)"
        body = f"MIN(1,{low}/{bid})"
    else:
        valid = f"AND({bid}>0,{low}>0,OR({top}>={low},{_at(top, low)}))"
        line = f"MAX(0,MIN(1,({top}-{bid})/({top}-{low})))"
        step = f"IF(OR({bid}<={top},{_at(bid, top)}),1,0)"
        body = f"IF({_at(top, low)},{step},IF({_at(bid, top)},0,{line}))"
    return f"=IF(ISNUMBER({bid}),IF({valid},{body},NA()),0)"
