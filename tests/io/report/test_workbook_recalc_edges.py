"""The live price formulas of the comparison workbook, recalculated by LibreOffice, equal the
library at the edges of the price rules: bids exactly at a limit, one ulp and 1e-9 (relative)
inside and outside it, and tied bids.

The limits (:mod:`crmselect.price`): the budget and the floor (method ``budget``); the
ceiling — given, or the highest bid in the running — and the lowest bid (``linear``, where
the two can also coincide or nearly so); the lowest bid (``lowest_ratio``). Each case is an
evaluation built through the public API (:class:`~crmselect.Evaluation`, scored by
:func:`~crmselect.score`), exported, and recalculated together with all the others by one
LibreOffice run (:func:`tests.helpers.convert`). Then every formula cell of the Costs sheet's
price block and of the Matrix (price column, total, rank) must hold the library's value:
scores and totals within 1e-9, ranks, reference bids (who is in the running) and the
at-limit notes exactly.

Why these edges: LibreOffice compares and subtracts *approximately* — two numbers within
2^-48 (about 3.6e-15) of each other are equal to ``=``, ``<=`` and ``>``, and their difference
is 0 (``rtl::math::approxEqual`` and ``approxSub``) — where Python is exact, so a bid one ulp
from a limit lands on different sides of it unless both sides use the same tolerance
(:data:`crmselect.price.AT_LIMIT`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import attrs
import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from crmselect import (
    Criterion,
    Evaluation,
    PriceCriterion,
    Requirement,
    Response,
    ScoreResult,
    Vendor,
    score,
)
from crmselect.errors import ValidationError
from crmselect.io.report.workbook import export_workbook
from crmselect.price import AT_LIMIT
from tests.helpers import convert, needs_libreoffice

pytestmark = [
    pytest.mark.integration,  # LibreOffice
    needs_libreoffice,
    pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning"),
]

TOLERANCE = 1e-9
"""Scores and totals: the brief's agreement, absolute (they lie in [0, 1])."""
RELATIVE = 1e-13
"""Bids read back: LibreOffice saves numbers with 15 significant digits."""

BUDGET, FLOOR = 1_600_000.0, 800_000.0
LOW, HIGH = 1_000_000.0, 1_350_058.494838666
ODD = 1_234_567.8901234567  # a limit whose neighbours are not round numbers


def up(x: float) -> float:
    """One ulp above ``x``."""
    return math.nextafter(x, math.inf)


def down(x: float) -> float:
    """One ulp below ``x``."""
    return math.nextafter(x, 0.0)


def around(name: str, limit: float) -> dict[str, float]:
    """Bids exactly at ``limit``, one ulp and 1e-9 (relative) either side of it, and half and
    twice :data:`~crmselect.price.AT_LIMIT` either side (inside and outside the band where a
    bid counts as at the limit)."""
    return {
        f"{name}_at": limit,
        f"{name}_ulp_below": down(limit),
        f"{name}_ulp_above": up(limit),
        f"{name}_1e9_below": limit * (1 - 1e-9),
        f"{name}_1e9_above": limit * (1 + 1e-9),
        f"{name}_half_tol_below": limit * (1 - AT_LIMIT / 2),
        f"{name}_half_tol_above": limit * (1 + AT_LIMIT / 2),
        f"{name}_2tol_below": limit * (1 - 2 * AT_LIMIT),
        f"{name}_2tol_above": limit * (1 + 2 * AT_LIMIT),
    }


@attrs.frozen
class Case:
    """One priced tender: bids by vendor, the price rule, who is knocked out, and vendors
    sharing one answer (so equal quality) — every other vendor answers differently."""

    method: str
    bids: Mapping[str, float]
    rule: Mapping[str, float] = attrs.field(factory=dict)
    knocked_out: tuple[str, ...] = ()
    equal_quality: bool = True


LEVELS = ("out_of_box", "configuration", "customisation", "third_party", "roadmap")


def evaluation(case: Case) -> Evaluation:
    """Quality (weight 60, one requirement), price (weight 40), gate (weight 0, mandatory:
    the knock-outs answer not_supported)."""
    vendors = list(case.bids)
    answers = {
        v: "configuration" if case.equal_quality else LEVELS[i % len(LEVELS)]
        for i, v in enumerate(vendors)
    }
    return Evaluation(
        "Edges",
        criteria=[
            Criterion("quality", weight=60),
            Criterion("price", weight=40),
            Criterion("gate", weight=0),
        ],
        requirements=[
            Requirement("Q1", "Pipeline views", "quality", "must"),
            Requirement("G1", "Data stays in the EU", "gate", "must", mandatory=True),
        ],
        vendors=[Vendor(v, v) for v in vendors],
        responses=[
            *(Response(v, "Q1", answers[v]) for v in vendors),
            *(
                Response(v, "G1", "not_supported" if v in case.knocked_out else "out_of_box")
                for v in vendors
            ),
        ],
        price=PriceCriterion("price", case.method, basis="bid", prices=case.bids, **case.rule),  # type: ignore[arg-type]
    )


def _ko(bids: Mapping[str, float]) -> tuple[str, ...]:
    return tuple(bids)


_ABOVE_TOP = {k: v for k, v in around("top", HIGH).items() if k != "top_at"}
_NEAR_LOW = {k: v for k, v in around("low", LOW).items() if k != "low_at"}

CASES: dict[str, Case] = {
    # method budget: the budget (score 0) and the floor (score 1)
    "budget": Case(
        "budget",
        {**around("budget", BUDGET), **around("floor", FLOOR), "mid": 1_200_000.0},
        {"budget": BUDGET, "floor": FLOOR},
    ),
    "budget_odd": Case(
        "budget", {**around("budget", ODD), "mid": 1_000_000.0}, {"budget": ODD, "floor": 0.0}
    ),
    # a budget 1e-9 (relative) above the floor: 1 ulp under it is 1.5e-7 of the range
    "budget_tight": Case(
        "budget",
        {"at": BUDGET, "ulp_below": down(BUDGET), "floor": BUDGET * (1 - 1e-9), "low": 1e6},
        {"budget": BUDGET, "floor": BUDGET * (1 - 1e-9)},
    ),
    # method linear, a given ceiling (score 0) and the lowest bid (score 1)
    "linear_ceiling": Case(
        "linear",
        {**around("ceiling", HIGH), "low": LOW, **_NEAR_LOW},
        {"ceiling": HIGH},
    ),
    # the ceiling is the highest bid in the running; knocked-out bids around it
    "linear_top": Case(
        "linear",
        {"low": LOW, "top": HIGH, "top_ulp_below": down(HIGH), **_ABOVE_TOP},
        knocked_out=tuple(_ABOVE_TOP),
    ),
    # knocked-out bids around the lowest bid in the running
    "linear_low_knocked_out": Case(
        "linear", {"low": LOW, "top": HIGH, **_NEAR_LOW}, knocked_out=tuple(_NEAR_LOW)
    ),
    # every bid in the running equal: the ceiling is the lowest bid
    "linear_all_equal": Case(
        "linear",
        {"a": LOW, "b": LOW, **_NEAR_LOW},
        knocked_out=tuple(_NEAR_LOW),
    ),
    # the highest bid in the running one ulp above the lowest
    "linear_spread_ulp": Case(
        "linear", {"low": LOW, "top": up(LOW), "mid": 1.1e6}, knocked_out=("mid",)
    ),
    # …and 1e-9 (relative) above it, with knocked-out bids at the top and halfway. Typed to
    # 16 digits: the workbook holds no more, and with this spread a 17th digit moves a score
    # by 1e-7 (crmselect.io.report.price)
    "linear_spread_1e9": Case(
        "linear",
        {"low": LOW, "top": 1_000_000.001, "x": down(1_000_000.001), "y": 1_000_000.0005},
        knocked_out=("x", "y"),
    ),
    # a given ceiling equal to the lowest bid, and one ulp below it
    "linear_ceiling_at_low": Case(
        "linear", {"low": LOW, "low_ulp_above": up(LOW), "high": HIGH}, {"ceiling": LOW}
    ),
    "linear_ceiling_ulp_below_low": Case(
        "linear", {"low": LOW, "high": HIGH}, {"ceiling": down(LOW)}
    ),
    # method lowest_ratio: the lowest bid, bids next to it, knocked-out bids under it
    "lowest_ratio": Case(
        "lowest_ratio",
        {"low": LOW, "high": HIGH, **_NEAR_LOW},
        knocked_out=("low_ulp_below", "low_1e9_below"),
    ),
    # ties: equal quality, bids equal or one ulp apart, by every method
    **{
        f"ties_{method}": Case(
            method,
            {"a": ODD, "b": ODD, "c": up(ODD), "d": down(ODD), "e": HIGH},
            {"budget": 2e6} if method == "budget" else {},
        )
        for method in ("budget", "linear", "lowest_ratio")
    },
    # unequal quality: the ranks follow the totals, not only the price
    "mixed_quality": Case(
        "linear",
        {**around("ceiling", HIGH), "low": LOW},
        {"ceiling": HIGH},
        equal_quality=False,
    ),
}


@attrs.frozen
class Outcome:
    """A case scored and exported (``result``, ``written``, ``recalculated``), or the
    library's refusal (``refused``)."""

    result: ScoreResult | None = None
    written: Path | None = None
    recalculated: Path | None = None
    refused: str = ""


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every case scored and exported, recalculated by one LibreOffice run."""
    folder = tmp_path_factory.mktemp("edges")
    scored: dict[str, tuple[ScoreResult, Path]] = {}
    refused: dict[str, str] = {}
    for name, case in CASES.items():
        try:
            result = score(evaluation(case))
        except Exception as exc:  # the library refuses: reported by the test of the case
            refused[name] = f"{type(exc).__name__}: {exc}"
            continue
        scored[name] = (result, export_workbook(result, folder / f"{name}.xlsx"))
    out = convert([written for _, written in scored.values()], folder / "out")
    done = {
        name: Outcome(result, written, recalculated)
        for (name, (result, written)), recalculated in zip(scored.items(), out, strict=True)
    }
    return {**done, **{name: Outcome(refused=why) for name, why in refused.items()}}


# -- reading the recalculated workbook ---------------------------------------------------------


def _header_row(ws: Worksheet, first: str, second: str) -> int:
    for row in ws.iter_rows(min_col=1, max_col=2):
        if row[0].value == first and row[1].value == second:
            return int(row[0].row)
    raise AssertionError(f"no header {first!r}, {second!r} in {ws.title}")


def _columns(ws: Worksheet, row: int) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[row] if c.value is not None}


def expected_cells(book: openpyxl.Workbook, result: ScoreResult) -> dict[tuple[str, str], object]:
    """(sheet, cell) → the library's value for the price block and the Matrix."""
    table = result.prices
    assert table is not None
    expected: dict[tuple[str, str], object] = {}
    ws = book["Costs"]
    header = _header_row(ws, "Vendor", "Price (input)")
    columns = _columns(ws, header)
    nobody = not table["in_running"].any()
    for row in range(header + 1, header + 1 + len(table)):
        vid = ws.cell(row, 1).value
        cell = {name: ws.cell(row, col).coordinate for name, col in columns.items()}
        bid = float(table.loc[vid, "price"])
        expected[("Costs", cell["Reference bid"])] = (
            bid if table.loc[vid, "in_running"] or nobody else ""
        )
        expected[("Costs", cell["Score"])] = float(table.loc[vid, "score"])
        expected[("Costs", cell["Note"])] = str(table.loc[vid, "note"])
    matrix = book["Matrix"]
    columns = _columns(matrix, 5)
    for row in range(6, 6 + len(result.totals)):
        vid = matrix.cell(row, 1).value
        rank = result.ranking[vid]
        expected[("Matrix", matrix.cell(row, columns["price"]).coordinate)] = float(
            result.matrix.loc[vid, "price"]
        )
        expected[("Matrix", matrix.cell(row, columns["Total"]).coordinate)] = float(
            result.totals[vid]
        )
        expected[("Matrix", matrix.cell(row, columns["Rank"]).coordinate)] = (
            "" if pd.isna(rank) else int(rank)
        )
    return expected


def _agrees(got: object, want: object) -> bool:
    if want == "":
        return got in ("", None)  # an empty-string result reads back as empty
    if isinstance(want, str):
        return got == want
    if isinstance(want, int):
        return isinstance(got, int | float) and got == want
    assert isinstance(want, float)
    return isinstance(got, int | float) and math.isclose(
        got, want, rel_tol=RELATIVE, abs_tol=TOLERANCE
    )


def disagreements(outcome: Outcome) -> list[str]:
    """Each price-block and Matrix cell whose recalculated value is not the library's."""
    assert outcome.result is not None
    assert outcome.written
    assert outcome.recalculated
    formulas = openpyxl.load_workbook(outcome.written)
    values = openpyxl.load_workbook(outcome.recalculated, data_only=True)
    expected = expected_cells(formulas, outcome.result)
    wrong = []
    for (sheet, coordinate), want in expected.items():
        got = values[sheet][coordinate].value
        if not _agrees(got, want):
            vendor = values[sheet][f"A{values[sheet][coordinate].row}"].value
            wrong.append(f"{sheet}!{coordinate} ({vendor}): got {got!r}, library {want!r}")
    return wrong


def unchecked_formulas(outcome: Outcome) -> list[str]:
    """Formula cells of the Costs and Matrix sheets that :func:`expected_cells` leaves out,
    other than the Matrix's weight row (checked by test_workbook_recalc)."""
    assert outcome.result is not None
    assert outcome.written
    formulas = openpyxl.load_workbook(outcome.written)
    expected = expected_cells(formulas, outcome.result)
    return [
        f"{ws.title}!{cell.coordinate}"
        for ws in (formulas["Costs"], formulas["Matrix"])
        for row in ws.iter_rows(min_row=5 if ws.title == "Matrix" else 1)
        for cell in row
        if cell.data_type == "f" and (ws.title, cell.coordinate) not in expected
    ]


# -- the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_recalculated_price_scores_totals_ranks_and_notes_equal_the_library(
    outcomes: dict[str, Outcome], name: str
) -> None:
    outcome = outcomes[name]
    assert not outcome.refused, f"the library refused the case: {outcome.refused}"
    assert unchecked_formulas(outcome) == []
    wrong = disagreements(outcome)
    assert not wrong, "\n".join(wrong)


# -- inputs the library refuses at a limit: the workbook shows #N/A ----------------------------


def set_inputs(written: Path, target: Path, inputs: Mapping[str, float]) -> None:
    """Type new price inputs (``Budget``, ``Floor``, ``Ceiling``) into the Costs sheet."""
    book = openpyxl.load_workbook(written)
    ws = book["Costs"]
    labels = {str(ws.cell(r, 1).value).split(" (input)")[0]: r for r in range(1, ws.max_row + 1)}
    for name, value in inputs.items():
        ws.cell(labels[name], 2).value = value
    book.save(target)


REFUSED = {
    # a budget one ulp above the floor: above it, but within rounding of it
    "floor_ulp_below_budget": ("budget", {"Floor": down(BUDGET)}),
    # a ceiling twice the tolerance below the lowest bid
    "ceiling_below_low": ("linear_ceiling_at_low", {"Ceiling": LOW * (1 - 2 * AT_LIMIT)}),
}
ACCEPTED = {
    # a ceiling half the tolerance below the lowest bid is at it: every bid at it scores 1
    "ceiling_half_tol_below_low": ("linear_ceiling_at_low", {"Ceiling": LOW * (1 - AT_LIMIT / 2)}),
    # a budget twice the tolerance above the floor: a legal, if absurd, rule
    "floor_2tol_below_budget": ("budget", {"Floor": BUDGET * (1 - 2 * AT_LIMIT)}),
}


def _edited(case: Case, inputs: Mapping[str, float]) -> Evaluation:
    rule = {**case.rule, **{k.lower(): v for k, v in inputs.items()}}
    return evaluation(attrs.evolve(case, rule=rule))


@pytest.fixture(scope="module")
def edited(
    outcomes: dict[str, Outcome], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Each of :data:`REFUSED` and :data:`ACCEPTED` typed into its case's workbook, all
    recalculated by one LibreOffice run."""
    folder = tmp_path_factory.mktemp("edited")
    books = {}
    for name, (case, inputs) in {**REFUSED, **ACCEPTED}.items():
        written = outcomes[case].written
        assert written is not None
        books[name] = folder / f"{name}.xlsx"
        set_inputs(written, books[name], inputs)
    out = convert(list(books.values()), folder / "out")
    return dict(zip(books, out, strict=True))


@pytest.mark.parametrize("name", list(REFUSED))
def test_inputs_refused_at_a_limit_show_not_available(edited: dict[str, Path], name: str) -> None:
    case, inputs = REFUSED[name]
    with pytest.raises(ValidationError, match="Cannot score the price criterion"):
        score(_edited(CASES[case], inputs))
    ws = openpyxl.load_workbook(edited[name], data_only=True)["Costs"]
    header = _header_row(ws, "Vendor", "Price (input)")
    column = _columns(ws, header)["Score"]
    rows = range(header + 1, header + 1 + len(CASES[case].bids))
    assert [ws.cell(r, column).value for r in rows] == ["#N/A"] * len(rows)


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_inputs_accepted_at_a_limit_recalculate_to_the_library(
    outcomes: dict[str, Outcome], edited: dict[str, Path], name: str, tmp_path: Path
) -> None:
    case, inputs = ACCEPTED[name]
    result = score(_edited(CASES[case], inputs))
    written = outcomes[case].written
    assert written is not None
    typed = tmp_path / f"{name}.xlsx"
    set_inputs(written, typed, inputs)
    wrong = disagreements(Outcome(result, typed, edited[name]))
    assert not wrong, "\n".join(wrong)
