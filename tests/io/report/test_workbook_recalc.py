"""The comparison workbook's live formulas, recalculated by LibreOffice, equal the library.

openpyxl writes formulas without computing them, so these tests let LibreOffice headless
load every exported workbook, recalculate it and save it again (tests/helpers.py; one
``soffice`` process per batch of files, as start-up takes seconds), then read the computed
values back and compare **every formula cell** with the library's number within 1e-9:
local shares and global weights (Weights), the weight links, totals and ranks (Matrix), the
live columns of the Summary. A formula cell that no check covers fails the test, so a new
formula cannot slip in unverified.

Editing weights: the local-weight input cells are changed with openpyxl, the workbook is
recalculated, and the totals and ranks must be those of ``score()`` on the evaluation with
the same weights (``attrs.evolve`` on its criteria).

Skipped, with the reason shown, when LibreOffice is not installed
(``apt-get install -y --no-install-recommends libreoffice-calc-nogui``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import attrs
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet

import crmselect
from crmselect import (
    Criterion,
    Evaluation,
    PriceCriterion,
    PriceMethod,
    Requirement,
    Response,
    ScoreResult,
    Vendor,
    robustness,
    score,
)
from crmselect.io.report.workbook import export_workbook
from crmselect.model import walk_tree
from crmselect.weights import local_weights
from tests.helpers import convert, needs_libreoffice, soffice

pytestmark = [
    pytest.mark.integration,  # LibreOffice
    needs_libreoffice,
    # openpyxl reading LibreOffice's output: extensions it does not know are dropped
    pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning"),
]

TOLERANCE = 1e-9
RELATIVE = 1e-13
"""LibreOffice saves numbers with 15 significant digits: a bid of 1,350,058.494838666 reads
back as 1,350,058.49483867, 4e-9 away — within 1e-13 of itself, not within 1e-9."""


# -- reading the recalculated workbook ---------------------------------------------------------


def _header(ws: Worksheet, row: int) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[row] if c.value is not None}


def _header_row(ws: Worksheet, first: str, second: str) -> int:
    for row in ws.iter_rows(min_col=1, max_col=2):
        if row[0].value == first and row[1].value == second:
            return int(row[0].row)
    raise AssertionError(f"no header {first!r}, {second!r} in {ws.title}")


def expected_values(book: openpyxl.Workbook, result: ScoreResult) -> dict[tuple[str, str], object]:
    """(sheet, cell) → the library's value, for every formula the exporter writes.

    Located by the labels in the workbook (criterion and vendor ids, column headers), so the
    check does not depend on where the exporter puts things.
    """
    expected: dict[tuple[str, str], object] = {}
    tree = local_weights(result.evaluation.criteria)

    ws = book["Weights"]
    columns = _header(ws, 4)
    last = 4
    for row in range(5, ws.max_row + 1):
        cid = ws.cell(row, 1).value
        if cid is None:
            break
        last = row
        expected[("Weights", ws.cell(row, columns["Local share"]).coordinate)] = tree.loc[
            cid, "local"
        ]
        expected[("Weights", ws.cell(row, columns["Global weight"]).coordinate)] = tree.loc[
            cid, "global"
        ]
    expected[("Weights", ws.cell(last + 2, columns["Global weight"]).coordinate)] = 1.0

    ws = book["Matrix"]
    columns = _header(ws, 5)
    for cid in result.weights.index:
        expected[("Matrix", ws.cell(4, columns[cid]).coordinate)] = result.weights[cid]
    expected[("Matrix", ws.cell(4, columns["Total"]).coordinate)] = 1.0
    for row in range(6, 6 + len(result.totals)):
        vid = ws.cell(row, 1).value
        rank = result.ranking[vid]
        expected[("Matrix", ws.cell(row, columns["Total"]).coordinate)] = result.totals[vid]
        expected[("Matrix", ws.cell(row, columns["Rank"]).coordinate)] = (
            "" if pd.isna(rank) else int(rank)
        )

    expected.update(_price_values(book, result))

    ws = book["Summary"]
    header = _header_row(ws, "Rank", "Vendor")
    columns = _header(ws, header)
    for row in range(header + 1, header + 1 + len(result.totals)):
        vid = ws.cell(row, columns["Vendor"]).value
        rank = result.ranking[vid]
        expected[("Summary", ws.cell(row, columns["Live total"]).coordinate)] = result.totals[vid]
        expected[("Summary", ws.cell(row, columns["Live rank"]).coordinate)] = (
            "" if pd.isna(rank) else int(rank)
        )
    return expected


def _price_values(book: openpyxl.Workbook, result: ScoreResult) -> dict[tuple[str, str], object]:
    """The live price block (Costs: reference bid and score per vendor) and the Matrix
    price column that links to it; nothing without a price criterion."""
    rule, table = result.evaluation.price, result.prices
    if rule is None or table is None:
        return {}
    expected: dict[tuple[str, str], object] = {}
    ws = book["Costs"]
    header = _header_row(ws, "Vendor", "Price (input)")
    columns = _header(ws, header)
    nobody = not table["in_running"].any()
    for row in range(header + 1, header + 1 + len(table)):
        vid = ws.cell(row, 1).value
        price = table.loc[vid, "price"]
        reference = price if (table.loc[vid, "in_running"] or nobody) else ""
        expected[("Costs", ws.cell(row, columns["Reference bid"]).coordinate)] = (
            "" if pd.isna(price) else reference
        )
        expected[("Costs", ws.cell(row, columns["Score"]).coordinate)] = table.loc[vid, "score"]
        if rule.method is not PriceMethod.LOWEST_RATIO:  # live "over the budget" notes
            expected[("Costs", ws.cell(row, columns["Note"]).coordinate)] = table.loc[vid, "note"]
    matrix = book["Matrix"]
    column = _header(matrix, 5)[rule.criterion]
    for row in range(6, 6 + len(result.totals)):
        vid = matrix.cell(row, 1).value
        expected[("Matrix", matrix.cell(row, column).coordinate)] = result.matrix.loc[
            vid, rule.criterion
        ]
    return expected


def set_price_inputs(
    written: Path, target: Path, inputs: Mapping[str, float], bids: Mapping[str, float]
) -> None:
    """Type new price inputs (``Budget``, ``Floor``, ``Ceiling``) and bids into the Costs
    sheet's input cells."""
    book = openpyxl.load_workbook(written)
    ws = book["Costs"]
    labels = {str(ws.cell(r, 1).value).split(" (input)")[0]: r for r in range(1, ws.max_row + 1)}
    for name, value in inputs.items():
        ws.cell(labels[name], 2).value = value
    header = _header_row(ws, "Vendor", "Price (input)")
    rows = {ws.cell(r, 1).value: r for r in range(header + 1, ws.max_row + 1)}
    for vendor, bid in bids.items():
        ws.cell(rows[vendor], 2).value = bid
    book.save(target)


def repriced(
    evaluation: Evaluation, inputs: Mapping[str, float], bids: Mapping[str, float]
) -> Evaluation:
    """The evaluation with the same price inputs and bids, built with attrs.evolve."""
    assert evaluation.price is not None
    fields = {k.lower(): v for k, v in inputs.items()}
    rule = attrs.evolve(evaluation.price, prices={**evaluation.price.prices, **bids}, **fields)
    return attrs.evolve(evaluation, price=rule)


def check_recalculated(written: Path, recalculated: Path, result: ScoreResult) -> int:
    """Every formula cell of ``written`` has, after recalculation, the library's value;
    returns how many formula cells were checked."""
    formulas = openpyxl.load_workbook(written)
    values = openpyxl.load_workbook(recalculated, data_only=True)
    expected = expected_values(formulas, result)
    cells = {
        (ws.title, cell.coordinate)
        for ws in formulas.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }
    assert cells == set(expected), f"formulas without a check: {sorted(cells - set(expected))}"
    wrong = []
    for (sheet, coordinate), want in expected.items():
        got = values[sheet][coordinate].value
        if want == "":
            ok = got in ("", None)  # an empty-string result reads back as empty
        elif isinstance(want, str):
            ok = got == want
        elif isinstance(want, int):
            ok = isinstance(got, int | float) and got == want
        else:
            ok = isinstance(got, int | float) and math.isclose(
                got, float(want), rel_tol=RELATIVE, abs_tol=TOLERANCE
            )
        if not ok:
            wrong.append(f"{sheet}!{coordinate}: got {got!r}, library {want!r}")
    assert not wrong, "\n".join(wrong)
    return len(expected)


def set_weights(written: Path, target: Path, weights: Mapping[str, float]) -> None:
    """Type new local weights into the Weights sheet's input cells (as a person would)."""
    book = openpyxl.load_workbook(written)
    ws = book["Weights"]
    column = _header(ws, 4)["Weight (input)"]
    rows = {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1)}
    for cid, weight in weights.items():
        ws.cell(rows[cid], column).value = weight
    book.save(target)


def reweighted(evaluation: Evaluation, weights: Mapping[str, float]) -> Evaluation:
    """The evaluation with new local weights, built with attrs.evolve on its criteria."""

    def rebuild(c: Criterion) -> Criterion:
        return attrs.evolve(
            c, weight=weights.get(c.id, c.weight), children=tuple(map(rebuild, c.children))
        )

    return attrs.evolve(evaluation, criteria=tuple(map(rebuild, evaluation.criteria)))


# -- the bundled example -----------------------------------------------------------------------


def winner_changing_edit(result: ScoreResult) -> dict[str, float]:
    """Local weights that make one leaf criterion dominate — one on which an eligible vendor
    beats the current winner — so the winner must change: that leaf and each node above it
    get 100 times the weight of their siblings together."""
    (winner,) = result.winners
    eligible = result.matrix.drop(index=list(result.knocked_out))
    lead = eligible.drop(index=winner).max() - eligible.loc[winner]
    leaf = str(lead.idxmax())
    assert lead[leaf] > 0, "no criterion on which another vendor beats the winner"
    paths = {c.id: path for path, c in walk_tree(result.evaluation.criteria)}
    levels = {c.id: siblings for siblings in _levels(result.evaluation) for c in siblings}
    return {
        node: 100.0 * sum(c.weight for c in levels[node] if c.id != node) or 1.0
        for node in paths[leaf]
    }


def _levels(evaluation: Evaluation) -> list[tuple[Criterion, ...]]:
    return [evaluation.criteria] + [
        c.children for _, c in walk_tree(evaluation.criteria) if c.children
    ]


@pytest.fixture(scope="module")
def example_books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example exported with every analysis, and a copy with edited weights, both
    recalculated by one LibreOffice run."""
    folder = tmp_path_factory.mktemp("recalc")
    result = score(crmselect.example())
    written = export_workbook(
        result,
        folder / "example.xlsx",
        smaa=robustness.smaa(result, n_samples=1_000, seed=5, progress=False),
        stability=robustness.stability_intervals(result),
        flips=robustness.flip_table(result),
    )
    edited = folder / "example-edited.xlsx"
    set_weights(written, edited, winner_changing_edit(result))
    priced = folder / "example-priced.xlsx"
    set_price_inputs(written, priced, PRICE_EDIT, BID_EDIT)
    out = convert([written, edited, priced], folder / "out")
    return {
        "written": written,
        "recalculated": out[0],
        "edited": edited,
        "edited-out": out[1],
        "priced": priced,
        "priced-out": out[2],
    }


PRICE_EDIT = {"Budget": 1_400_000.0, "Floor": 900_000.0}
BID_EDIT = {"orbis": 950_000.0}
"""A tighter budget and a cut bid from the winner, typed into the Costs sheet."""


def test_example_every_formula_equals_the_library(example_books: dict[str, Path]) -> None:
    result = score(crmselect.example())
    checked = check_recalculated(example_books["written"], example_books["recalculated"], result)
    # nodes × (share, global) + Σ check, leaves' weight links + Σ, vendors × (total, rank) on
    # the Matrix, vendors × (live total, live rank) on the Summary, and vendors × (reference
    # bid, price score, note) on the Costs sheet with the Matrix's price column linked to them
    nodes = len(result.evaluation.criteria_by_id())
    vendors = len(result.totals)
    assert checked == (
        2 * nodes + 1 + len(result.weights) + 1 + 2 * vendors + 2 * vendors + 4 * vendors
    )


def test_example_edited_budget_and_bid_give_the_library_totals(
    example_books: dict[str, Path],
) -> None:
    """The buyer tightens the budget and the winner cuts its bid: the live price scores,
    totals and ranks equal score() on the evaluation with the same price rule and bids."""
    before = score(crmselect.example())
    after = score(repriced(crmselect.example(), PRICE_EDIT, BID_EDIT))
    assert after.prices is not None
    assert before.prices is not None
    assert after.prices.loc["orbis", "score"] > before.prices.loc["orbis", "score"]
    check_recalculated(example_books["priced"], example_books["priced-out"], after)


def test_example_edited_weights_give_the_library_totals_for_those_weights(
    example_books: dict[str, Path],
) -> None:
    before = score(crmselect.example())
    after = score(reweighted(crmselect.example(), winner_changing_edit(before)))
    assert after.winners != before.winners  # the edit matters: the ranking must move
    check_recalculated(example_books["edited"], example_books["edited-out"], after)
    values = openpyxl.load_workbook(example_books["edited-out"], data_only=True)["Summary"]
    header = _header_row(values, "Rank", "Vendor")
    columns = _header(values, header)
    moved = [
        values.cell(r, columns["Vendor"]).value
        for r in range(header + 1, header + 1 + len(before.totals))
        if values.cell(r, columns["Rank"]).value != values.cell(r, columns["Live rank"]).value
        and values.cell(r, columns["Rank"]).value is not None
    ]
    assert set(moved) >= {before.winners[0], after.winners[0]}


def test_inputs_the_library_refuses_show_not_available(tmp_path: Path) -> None:
    """A budget below the floor, which the library refuses, must not give inverted scores
    in the workbook: every live price score shows #N/A, and so do the totals."""
    written = export_workbook(score(crmselect.example()), tmp_path / "example.xlsx")
    broken = tmp_path / "broken.xlsx"
    set_price_inputs(written, broken, {"Budget": 500_000.0, "Floor": 800_000.0}, {})
    (out,) = convert([broken], tmp_path / "out")
    values = openpyxl.load_workbook(out, data_only=True)
    ws = values["Costs"]
    header = _header_row(ws, "Vendor", "Price (input)")
    column = _header(ws, header)["Score"]
    scores = [ws.cell(r, column).value for r in range(header + 1, header + 7)]
    assert scores == ["#N/A"] * 6
    matrix = values["Matrix"]
    total = _header(matrix, 5)["Total"]
    assert {matrix.cell(r, total).value for r in range(6, 12)} == {"#N/A"}


# -- random small evaluations ------------------------------------------------------------------

LEVELS = ("out_of_box", "configuration", "customisation", "third_party", "roadmap")
ANSWERS = (*LEVELS, "not_supported", None)
weights_st = st.one_of(st.integers(0, 9).map(float), st.floats(0, 10, allow_subnormal=False))


@st.composite
def trees(draw: st.DrawFn) -> tuple[Criterion, ...]:
    """One or two levels, 1–3 nodes each, every level with a positive weight sum."""

    def level(prefix: str, depth: int) -> tuple[Criterion, ...]:
        n = draw(st.integers(1, 3))
        nodes = []
        for i in range(n):
            children = (
                level(f"{prefix}{i}.", depth + 1) if depth == 0 and draw(st.booleans()) else ()
            )
            nodes.append(Criterion(f"{prefix}{i}", weight=draw(weights_st), children=children))
        if sum(c.weight for c in nodes) <= 0:
            nodes[0] = attrs.evolve(nodes[0], weight=1.0)
        return tuple(nodes)

    return level("c", 0)


@st.composite
def evaluations(draw: st.DrawFn) -> Evaluation:
    """Small evaluations with knock-outs, missing answers and, often, tied vendors."""
    criteria = draw(trees())
    leaves = [c.id for _, c in walk_tree(criteria) if c.is_leaf]
    requirements = [
        Requirement(
            f"R{leaf}-{k}",
            "text",
            leaf,
            draw(st.sampled_from(["must", "should", "could"])),
            mandatory=draw(st.integers(0, 5)) == 0,
        )
        for leaf in leaves
        for k in range(draw(st.integers(1, 3)))
    ]
    n_vendors = draw(st.integers(1, 5))
    rows = [[draw(st.sampled_from(ANSWERS)) for _ in requirements] for _ in range(n_vendors)]
    if n_vendors > 2 and draw(st.booleans()):
        rows[1] = list(rows[0])  # an exact tie (or a shared knock-out)
    price = None
    if draw(st.booleans()):  # a price criterion, by any of the three methods
        criteria = (*criteria, Criterion("price", weight=draw(weights_st)))
        bids = {f"v{i}": draw(st.floats(1e4, 2e6)) for i in range(n_vendors)}
        method = draw(st.sampled_from(["budget", "lowest_ratio", "linear"]))
        rule: dict[str, float | None] = {}
        if method == "budget":
            floor = draw(st.floats(0, 5e5))
            rule = {"floor": floor, "budget": floor + draw(st.floats(1e4, 3e6))}
        elif method == "linear" and draw(st.booleans()):
            rule = {"ceiling": max(bids.values()) * draw(st.floats(1.0, 2.0))}
        price = PriceCriterion("price", method, basis="bid", prices=bids, **rule)  # type: ignore[arg-type]
    return Evaluation(
        name="random",
        price=price,
        criteria=criteria,
        requirements=requirements,
        vendors=[Vendor(f"v{i}", f"Vendor {i}") for i in range(n_vendors)],
        responses=[
            Response(f"v{i}", r.id, answer)
            for i, row in enumerate(rows)
            for r, answer in zip(requirements, row, strict=True)
        ],
    )


@st.composite
def edits(draw: st.DrawFn, evaluation: Evaluation) -> dict[str, float]:
    """New local weights for some nodes, keeping every level's sum positive."""
    changed: dict[str, float] = {}
    for siblings in _levels(evaluation):
        new = {c.id: draw(st.one_of(st.just(c.weight), weights_st)) for c in siblings}
        if sum(new.values()) <= 0:
            new[siblings[0].id] = 3.0
        old = {c.id: c.weight for c in siblings}
        changed.update({k: v for k, v in new.items() if v != old[k]})
    return changed


@st.composite
def price_edits(draw: st.DrawFn, rule: PriceCriterion) -> tuple[dict[str, float], dict[str, float]]:
    """Some bids cut by up to half (so a linear ceiling stays above them) and, for method
    budget, a new budget above the floor."""
    bids = {v: p * draw(st.floats(0.5, 1.0)) for v, p in rule.prices.items() if draw(st.booleans())}
    inputs = {}
    if rule.method is PriceMethod.BUDGET and draw(st.booleans()):
        inputs["Budget"] = rule.floor + draw(st.floats(1e4, 3e6))
    return inputs, bids


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(evaluations(), min_size=4, max_size=4), st.data())
def test_property_random_evaluations_recalculate_to_the_library(
    tmp_path_factory: pytest.TempPathFactory, cases: list[Evaluation], data: st.DataObject
) -> None:
    """Four random evaluations, an edited-weights copy of each and, for those with a price
    criterion, a copy with edited bids and budget: one LibreOffice run."""
    folder = tmp_path_factory.mktemp("random")
    books, expected = [], []
    for i, evaluation in enumerate(cases):
        result = score(evaluation)
        written = export_workbook(result, folder / f"case{i}.xlsx")
        books.append(written)
        expected.append((written, result))
        change = data.draw(edits(evaluation), label=f"weights {i}")
        edited = folder / f"case{i}-edited.xlsx"
        set_weights(written, edited, change)
        books.append(edited)
        expected.append((edited, score(reweighted(evaluation, change))))
        if evaluation.price is not None:  # and a copy with lower bids and another budget
            inputs, bids = data.draw(price_edits(evaluation.price), label=f"prices {i}")
            priced = folder / f"case{i}-priced.xlsx"
            set_price_inputs(written, priced, inputs, bids)
            books.append(priced)
            expected.append((priced, score(repriced(evaluation, inputs, bids))))
    recalculated = convert(books, folder / "out")
    for (written, result), out in zip(expected, recalculated, strict=True):
        check_recalculated(written, out, result)


def test_libreoffice_is_there_when_ci_requires_it() -> None:
    assert soffice() is not None, "CRMSELECT_REQUIRE_LIBREOFFICE=1 but soffice is missing"
