"""The comparison workbook, read back with openpyxl: sheets, live formulas, safety, layout.

Whether the formulas compute the library's numbers is checked with a real spreadsheet
engine in tests/io/report/test_workbook_recalc.py; here everything that needs none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

import crmselect
from crmselect import (
    ComplianceLevel,
    ComplianceScale,
    Criterion,
    CrmselectError,
    DemoScore,
    DemoScript,
    Evaluation,
    Evaluator,
    Requirement,
    Response,
    ScoreResult,
    Vendor,
    robustness,
    score,
)
from crmselect.io.excel.xlsx import FORMULA_TRIGGERS, escape_illegal
from crmselect.io.report.robustness import flip_frame
from crmselect.io.report.workbook import export_workbook
from tests.helpers import minimal_evaluation, with_demo

ALL_SHEETS = [
    "Summary",
    "Matrix",
    "Weights",
    "Requirements",
    "Demos",
    "References",
    "Robustness",
    "Costs",
    "Audit",
]

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+1",
    "@SUM(1)",
    "\uff1d1+1",
    "-2+3",
    "=1+1",
    "\t=cmd",
]


# -- helpers ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_result() -> ScoreResult:
    return score(crmselect.example())


@pytest.fixture(scope="module")
def analyses(example_result: ScoreResult) -> dict[str, object]:
    return {
        "smaa": robustness.smaa(example_result, n_samples=2_000, seed=3, progress=False),
        "stability": robustness.stability_intervals(example_result),
        "flips": robustness.flip_table(example_result),
    }


@pytest.fixture(scope="module")
def full_book(
    tmp_path_factory: pytest.TempPathFactory,
    example_result: ScoreResult,
    analyses: dict[str, Any],
) -> tuple[Path, Workbook]:
    """The example exported with every analysis and an extra audit table."""
    path = tmp_path_factory.mktemp("wb") / "larkspur.xlsx"
    export_workbook(
        example_result,
        path,
        **analyses,
        audit={"Import problems": pd.DataFrame({"file": ["a.xlsx"], "problem": ["bad row 3"]})},
    )
    return path, openpyxl.load_workbook(path)


def cells(ws: Worksheet) -> Iterator[Cell]:
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell, Cell) and cell.value is not None:
                yield cell


def header_columns(ws: Worksheet, row: int) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[row] if c.value is not None}


def find_row(ws: Worksheet, column: int, value: object) -> int:
    for cell in ws.iter_cols(min_col=column, max_col=column).__next__():
        if cell.value == value:
            return int(cell.row)
    raise AssertionError(f"{value!r} not found in column {column} of {ws.title}")


def texts(wb: Workbook) -> list[str]:
    return [str(c.value) for ws in wb.worksheets for c in cells(ws)]


# -- sheets ------------------------------------------------------------------------------------


def test_example_without_analyses_has_no_robustness_sheet(
    tmp_path: Path, example_result: ScoreResult
) -> None:
    """The example has a price criterion, so its bids and scores go to a Costs sheet."""
    path = export_workbook(example_result, tmp_path / "plain.xlsx")
    assert path == tmp_path / "plain.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "Summary",
        "Matrix",
        "Weights",
        "Requirements",
        "Demos",
        "References",
        "Costs",
        "Audit",
    ]
    assert wb.active.title == "Summary"
    summary = texts(wb)
    assert not any("Rank-1 acceptability" in t for t in summary)


def test_every_sheet_when_every_analysis_is_given(full_book: tuple[Path, Workbook]) -> None:
    _, wb = full_book
    assert wb.sheetnames == ALL_SHEETS


def test_no_demos_sheet_without_demo_scripts(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export_workbook(score(minimal_evaluation()), tmp_path / "m.xlsx"))
    assert "Demos" not in wb.sheetnames
    assert "Robustness" not in wb.sheetnames


@pytest.mark.slow
@pytest.mark.parametrize("which", ["smaa", "stability", "flips"])
def test_robustness_sheet_holds_only_the_given_analysis(
    tmp_path: Path, example_result: ScoreResult, which: str
) -> None:
    given_ = {
        "smaa": robustness.smaa(example_result, n_samples=500, seed=1, progress=False),
        "stability": robustness.stability_intervals(example_result),
        "flips": robustness.flip_table(example_result),
    }
    path = export_workbook(example_result, tmp_path / f"{which}.xlsx", **{which: given_[which]})
    wb = openpyxl.load_workbook(path)
    sheet = "\n".join(str(c.value) for c in cells(wb["Robustness"]))
    assert ("SMAA-2 rank acceptability" in sheet) == (which == "smaa")
    assert ("Weight stability intervals" in sheet) == (which == "stability")
    assert ("Minimum weight change" in sheet) == (which == "flips")
    tables = set(wb["Robustness"].tables)
    expected = {
        "smaa": {"tblAcceptability", "tblCentralWeights"},
        "stability": {"tblStability"},
        "flips": {"tblFlips"},
    }[which]
    assert tables == expected


def test_summary_states_winner_robustness_and_provenance(
    full_book: tuple[Path, Workbook], example_result: ScoreResult, analyses: dict[str, Any]
) -> None:
    _, wb = full_book
    ws = wb["Summary"]
    found = {str(c.value) for c in cells(ws)}
    (winner,) = example_result.winners
    name = {v.id: v.name for v in example_result.evaluation.vendors}[winner]
    assert f"{name} ({winner}), total {example_result.totals[winner]:.3f}" in found
    labels = {str(ws.cell(c.row, 1).value): ws.cell(c.row, 2).value for c in cells(ws)}
    first = analyses["smaa"].acceptability[1]
    assert labels["Rank-1 acceptability"] == (
        f"{winner} ranks first in {first[winner]:.1%} of 2,000 weight samples "
        f"(±{1.96 * (first[winner] * (1 - first[winner]) / 2000) ** 0.5:.1%} Monte Carlo "
        "error, 95 %)"
    )
    rival = first.drop(winner).idxmax()
    assert labels["Closest challenger"] == (
        f"{rival} ranks first in {first[rival]:.1%} of the samples"
    )
    assert labels["Smallest flip"] == analyses["flips"]["message"].iloc[0]
    assert labels["Smallest flip"].startswith(f"{analyses['flips'].index[0]} draws level")
    sensitive = analyses["stability"]["margin"].idxmin()
    assert labels["Most sensitive weight"].startswith(f"{sensitive}: {winner} stays first")
    assert labels["crmselect version"] == example_result.version
    assert labels["Input hash (SHA-256)"] == example_result.fingerprint
    assert labels["SMAA samples"] == 2000
    assert labels["SMAA seed"] == "3"  # an identifier, written as text (no 20,261,123)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", labels["Exported"])
    assert example_result.knocked_out
    for reasons in example_result.knocked_out.values():
        assert "; ".join(reasons) in found  # the ranking's reasons column
        assert set(reasons) <= found  # one row per reason in the knock-out table


def test_summary_ranking_has_exported_values_and_live_links(
    full_book: tuple[Path, Workbook], example_result: ScoreResult
) -> None:
    _, wb = full_book
    ws = wb["Summary"]
    header = find_row(ws, 1, "Rank")
    columns = header_columns(ws, header)
    frame = example_result.to_frame()
    for i, (vid, row) in enumerate(frame.iterrows(), start=header + 1):
        assert ws.cell(i, columns["Vendor"]).value == vid
        assert ws.cell(i, columns["Total"]).value == pytest.approx(row["total"], abs=0)
        expected_rank = None if pd.isna(row["rank"]) else int(row["rank"])
        assert ws.cell(i, columns["Rank"]).value == expected_rank
        assert re.fullmatch(r"='Matrix'!\$[A-Z]+\$\d+", ws.cell(i, columns["Live total"]).value)
        assert re.fullmatch(r"='Matrix'!\$[A-Z]+\$\d+", ws.cell(i, columns["Live rank"]).value)
        status = "knocked out" if row["knocked_out"] else "eligible"
        assert ws.cell(i, columns["Status"]).value == status


# -- the live sheets -----------------------------------------------------------------------------


def test_weights_sheet_inputs_and_formulas(
    full_book: tuple[Path, Workbook], example_result: ScoreResult
) -> None:
    _, wb = full_book
    ws = wb["Weights"]
    columns = header_columns(ws, 4)
    nodes = {c.id: c for c in example_result.evaluation.criteria_by_id().values()}
    rows = {ws.cell(r, 1).value: r for r in range(5, 5 + len(nodes))}
    assert set(rows) == set(nodes)
    for cid, row in rows.items():
        weight = ws.cell(row, columns["Weight (input)"])
        assert weight.data_type == "n"
        assert weight.value == pytest.approx(nodes[cid].weight, rel=1e-15)  # "%.16g"
        assert weight.style == "Input"
        share = ws.cell(row, columns["Local share"]).value
        assert re.fullmatch(rf"=E{row}/SUM\((\$E\$\d+(:\$E\$\d+)?,?)+\)", share)
        glob = ws.cell(row, columns["Global weight"]).value
        parent = ws.cell(row, columns["Parent"]).value
        if parent is None:
            assert glob == f"=G{row}"
        else:
            assert glob == f"=$H${rows[parent]}*G{row}"
    # siblings of 'sfa' are the six leaves under 'functional', adjacent rows → one range
    sfa = rows["sfa"]
    assert ws.cell(sfa, columns["Local share"]).value == f"=E{sfa}/SUM($E${sfa}:$E${sfa + 5})"
    # the top level is spread over the tree → listed one by one
    top = [rows[c.id] for c in example_result.evaluation.criteria]
    assert ws.cell(top[0], 7).value == f"=E{top[0]}/SUM({','.join(f'$E${r}' for r in top)})"
    validations = ws.data_validations.dataValidation
    assert [(v.type, v.operator, v.formula1) for v in validations] == [
        ("decimal", "greaterThanOrEqual", "0")
    ]
    checks = [c for c in cells(ws) if str(c.value).startswith("=SUMIF(")]
    assert len(checks) == 1


def test_matrix_scores_are_explicit_numbers_and_totals_are_sumproducts(
    full_book: tuple[Path, Workbook], example_result: ScoreResult
) -> None:
    _, wb = full_book
    ws = wb["Matrix"]
    columns = header_columns(ws, 5)
    leaves = list(example_result.matrix.columns)
    assert [c for c in columns if c in leaves] == leaves
    total, rank = columns["Total"], columns["Rank"]
    first, last = columns[leaves[0]], columns[leaves[-1]]
    letter = openpyxl.utils.get_column_letter
    for cid in leaves:
        link = ws.cell(4, columns[cid]).value
        assert re.fullmatch(r"='Weights'!\$H\$\d+", link)
        weights_row = int(link.rsplit("$", 1)[1])
        assert wb["Weights"].cell(weights_row, 1).value == cid
    vendors = {ws.cell(r, 1).value: r for r in range(6, 6 + len(example_result.totals))}
    assert list(vendors) == list(example_result.to_frame().index)
    for vid, row in vendors.items():
        for cid in leaves:
            cell = ws.cell(row, columns[cid])
            if cid == "price":  # the price criterion shows its live score on the Costs sheet
                assert re.fullmatch(r"='Costs'!\$E\$\d+", cell.value)
                costs_row = int(cell.value.rsplit("$", 1)[1])
                assert wb["Costs"].cell(costs_row, 1).value == vid
                assert wb["Costs"].cell(costs_row, 6).value == pytest.approx(
                    example_result.matrix.loc[vid, cid], rel=1e-15
                )
                continue
            assert cell.data_type == "n"
            # openpyxl stores 16 significant digits ("%.16g"): not always the last bit
            assert cell.value == pytest.approx(example_result.matrix.loc[vid, cid], rel=1e-15)
        assert ws.cell(row, total).value == (
            f"=SUMPRODUCT(${letter(first)}$4:${letter(last)}$4,"
            f"{letter(first)}{row}:{letter(last)}{row})"
        )
        formula = ws.cell(row, rank).value
        assert formula.startswith(f'=IF($C{row}="eligible",1+SUMPRODUCT(')
        assert f"ROUND(${letter(total)}{row},12)" in formula
        assert "COUNTIF" not in formula
        assert "RANK" not in formula.upper().replace("ROUND", "")
    for vid, row in vendors.items():
        out = vid in example_result.knocked_out
        assert ws.cell(row, 3).value == ("knocked out" if out else "eligible")
    assert ws.freeze_panes == "D6"
    assert len(ws._charts) == 1
    kinds = {r.type for cf in ws.conditional_formatting for r in cf.rules}
    assert kinds == {"colorScale", "dataBar"}


def test_every_formula_uses_functions_every_engine_knows(full_book: tuple[Path, Workbook]) -> None:
    """No function newer than Excel 2007 (those need an _xlfn. prefix)."""
    _, wb = full_book
    known = {"SUM", "SUMPRODUCT", "SUMIF", "ROUND", "IF", "MIN", "MAX", "ISNUMBER", "OR"}
    known |= {"COUNTIF", "AND", "NA", "ABS"}
    for ws in wb.worksheets:
        for cell in cells(ws):
            if cell.data_type == "f":
                used = set(re.findall(r"([A-Z][A-Z0-9.]*)\(", cell.value))
                assert used <= known, (ws.title, cell.coordinate, cell.value)


# -- evidence and audit ----------------------------------------------------------------------


def test_requirements_highlight_knock_outs_and_missing_answers(
    full_book: tuple[Path, Workbook], example_result: ScoreResult
) -> None:
    _, wb = full_book
    ws = wb["Requirements"]
    columns = header_columns(ws, 5)
    evaluation = example_result.evaluation
    assert ws.max_row == 5 + len(evaluation.requirements)
    assert len(columns) == 6 + 3 * len(evaluation.vendors)
    knocked, reasons = next(iter(example_result.knocked_out.items()))
    requirement = reasons[0].split(":")[0]
    ko = ws.cell(find_row(ws, 1, requirement), columns[f"{knocked} answer"])
    assert ko.value in {level.label for level in evaluation.scale.levels} | {"(no answer)"}
    assert ko.fill.fgColor.rgb.endswith("F8CBAD")
    missing = example_result.missing
    gaps = missing[(missing["kind"] == "rfp answer") & ~missing["treatment"].str.contains("knock")]
    vendor, item = gaps.iloc[0][["vendor", "item"]]
    gap = ws.cell(find_row(ws, 1, item), columns[f"{vendor} answer"])
    assert gap.value == "(no answer)"
    assert gap.fill.fgColor.rgb.endswith("FFE699")
    assert ws.cell(gap.row, columns[f"{vendor} score"]).value is None
    answered = example_result.requirement_scores[item].dropna()
    other = answered.index[0]
    fine = ws.cell(gap.row, columns[f"{other} score"])
    assert fine.value == answered[other]
    assert ws.freeze_panes == "G6"


def test_demos_sheet_has_every_score_and_the_library_means(
    full_book: tuple[Path, Workbook], example_result: ScoreResult
) -> None:
    """A row per vendor × script × criterion, a column per evaluator (issue 21: a row per
    score made 1.6 M cells at the upper end): every raw score sits in the cell of its row
    and evaluator, every other score cell is empty, every note is in its row's Notes."""
    _, wb = full_book
    ws = wb["Demos"]
    scores = ws.tables["tblDemoScores"]
    left, first, right, last = openpyxl.utils.cell.range_boundaries(scores.ref)
    header = [ws.cell(first, c).value for c in range(left, right + 1)]
    assert header[:4] == ["Vendor", "Script", "Script title", "Criterion"]
    assert header[-1] == "Notes"
    rows = {
        (ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 4).value): r
        for r in range(first + 1, last + 1)
    }
    demo_scores = example_result.evaluation.demo_scores
    assert (
        len(rows) == last - first == len({(d.vendor, d.script, d.criterion) for d in demo_scores})
    )
    for d in demo_scores:
        row = rows[(d.vendor, d.script, d.criterion)]
        value = ws.cell(row, left + header.index(d.evaluator)).value
        assert value == ("(no score)" if d.score is None else d.score)
        if d.note:
            assert f"{d.evaluator}: {d.note}" in str(ws.cell(row, right).value).split("\n")
    given = [ws.cell(r, c).value for r in rows.values() for c in range(left + 4, right)]
    assert sum(v is not None for v in given) == len(demo_scores)
    means = ws.tables["tblDemoMeans"]
    min_col, min_row, max_col, max_row = openpyxl.utils.cell.range_boundaries(means.ref)
    header = [ws.cell(min_row, c).value for c in range(min_col, max_col + 1)]
    for r in range(min_row + 1, max_row + 1):
        vid = ws.cell(r, min_col).value
        for j, cid in enumerate(header[2:], start=min_col + 2):
            expected = example_result.demo.loc[vid, cid]
            value = ws.cell(r, j).value
            assert (value is None) if pd.isna(expected) else value == pytest.approx(expected)


def test_audit_lists_settings_missing_items_and_extra_tables(
    full_book: tuple[Path, Workbook], example_result: ScoreResult
) -> None:
    _, wb = full_book
    ws = wb["Audit"]
    assert {"tblComplianceScale", "tblPriorityWeights", "tblCriterionBlend", "tblMissing"} <= set(
        ws.tables
    )
    missing = ws.tables["tblMissing"]
    rows = openpyxl.utils.cell.range_boundaries(missing.ref)
    assert rows[3] - rows[1] == len(example_result.missing)
    extra = ws.tables["tblAudit1"]
    assert [c.name for c in extra.tableColumns] == ["file", "problem"]
    found = {str(c.value) for c in cells(ws)}
    assert {"Import problems", "bad row 3", "Not supported", "Missing answers"} <= found
    assert any(t.startswith("zero: a missing answer scores 0") for t in found)


# -- tables, layout ----------------------------------------------------------------------------


def test_tables_have_unique_names_and_headers_matching_their_cells(
    full_book: tuple[Path, Workbook],
) -> None:
    _, wb = full_book
    names: list[str] = []
    for ws in wb.worksheets:
        for table in ws.tables.values():
            names.append(table.displayName.lower())
            min_col, min_row, max_col, max_row = openpyxl.utils.cell.range_boundaries(table.ref)
            assert max_row > min_row, f"{ws.title}!{table.ref} has no data rows"
            header = [ws.cell(min_row, c).value for c in range(min_col, max_col + 1)]
            assert len({h.lower() for h in header}) == len(header)
            assert [c.name for c in table.tableColumns] == header
    assert len(names) == len(set(names))


def test_every_sheet_prints_landscape_fitted_to_width(full_book: tuple[Path, Workbook]) -> None:
    _, wb = full_book
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.freeze_panes is not None
    assert wb.calculation.fullCalcOnLoad


# -- safety ------------------------------------------------------------------------------------


def hostile_evaluation() -> Evaluation:
    """Every outside string field holds text that a spreadsheet would take for a formula."""
    h = HOSTILE
    scale = ComplianceScale(
        [
            ComplianceLevel("yes", "=IF(1,2,3)", 1.0),
            ComplianceLevel("no", "+not supported", 0.0, satisfies_mandatory=False),
        ]
    )
    return Evaluation(
        name=h[0],
        description=h[1],
        criteria=[
            Criterion("A", h[2], weight=2, children=[Criterion("a1", h[3]), Criterion("a2", h[4])]),
            Criterion("b", h[5]),
        ],
        requirements=[
            Requirement("R1", h[0], "a1", "must", mandatory=True),
            Requirement("R2", h[1], "a2"),
            Requirement("R3", h[2], "b"),
        ],
        vendors=[Vendor(f"v{i}", name) for i, name in enumerate(h)],
        responses=[
            Response(f"v{i}", r, ("yes", "no", None)[(i + j) % 3], comment=h[(i + j) % len(h)])
            for i in range(len(h))
            for j, r in enumerate(["R1", "R2", "R3"])
        ],
        evaluators=[Evaluator("e1", h[6])],
        demo_scripts=[DemoScript("D", h[0], ["b"])],
        demo_scores=[DemoScore("e1", f"v{i}", "D", "b", 3, note=h[i]) for i in range(len(h))],
        scale=scale,
    )


EXTRA_HOSTILE = ["=IF(1,2,3)", "+not supported", "=cmd|' /C calc'!A0", "=x", "@y"]


def test_hostile_text_is_literal_everywhere(tmp_path: Path) -> None:
    result = score(hostile_evaluation())
    audit = {
        "=cmd|' /C calc'!A0": pd.DataFrame({"=x": HOSTILE, "@y": ["+1"] * len(HOSTILE)}),
    }
    path = export_workbook(
        result,
        tmp_path / "hostile.xlsx",
        stability=robustness.stability_intervals(result) if result.ranking.notna().any() else None,
        audit=audit,
    )
    wb = openpyxl.load_workbook(path)
    seen: set[str] = set()
    formulas = 0
    for ws in wb.worksheets:
        for cell in cells(ws):
            value = str(cell.value)
            if cell.data_type == "f":
                formulas += 1
                assert not any(h in value for h in [*HOSTILE, "IF(1,2,3)", "cmd|"]), value
                continue
            if any(value.startswith(h) for h in [*HOSTILE, *EXTRA_HOSTILE]):
                seen.add(value)
                assert cell.data_type == "s", (ws.title, cell.coordinate, value)
                assert cell.quotePrefix == value.startswith(FORMULA_TRIGGERS), value
    assert formulas > 0
    assert set(HOSTILE) | set(EXTRA_HOSTILE) <= seen
    assert wb["Summary"]["A1"].value == HOSTILE[0]


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    vendor=st.text(min_size=1, max_size=40),
    comment=st.text(max_size=80),
    note=st.text(max_size=40),
)
def test_property_any_vendor_text_round_trips_as_text(
    tmp_path_factory: pytest.TempPathFactory, vendor: str, comment: str, note: str
) -> None:
    evaluation = with_demo()
    evaluation = attrs.evolve(
        evaluation,
        vendors=[attrs.evolve(evaluation.vendors[0], name=vendor), *evaluation.vendors[1:]],
        responses=[
            attrs.evolve(evaluation.responses[0], comment=comment),
            *evaluation.responses[1:],
        ],
        demo_scores=[
            attrs.evolve(evaluation.demo_scores[0], note=note),
            *evaluation.demo_scores[1:],
        ],
    )
    path = tmp_path_factory.mktemp("p") / "t.xlsx"
    wb = openpyxl.load_workbook(export_workbook(score(evaluation), path))
    formulas = [c for ws in wb.worksheets for c in cells(ws) if c.data_type == "f"]
    assert all(c.value.startswith(("=SUM", "=IF(", "='", "=$H$", "=G", "=E")) for c in formulas)
    matrix = wb["Matrix"]
    shown = matrix.cell(find_row(matrix, 1, "x"), 2)
    expected = escape_illegal(vendor.replace("\r\n", "\n").replace("\r", "\n"))
    assert (shown.value or "") == expected
    assert shown.value is None or shown.data_type == "s"


# -- inputs and edge cases -----------------------------------------------------------------


def test_flip_results_in_every_accepted_shape(example_result: ScoreResult) -> None:
    table = robustness.flip_table(example_result)
    near, far = table.index[0], table.index[-1]
    one = robustness.min_weight_change(example_result, challenger=near)
    several = [robustness.min_weight_change(example_result, challenger=far), one]
    from_table = flip_frame(table)
    assert list(from_table.index) == list(table.index)
    assert (from_table["weight moved"] == table["distance"] / 2).all()
    assert from_table["incumbent"].eq(example_result.winners[0]).all()
    single = flip_frame(one)
    assert list(single.index) == [near]
    assert single.loc[near, "distance"] == pytest.approx(table.loc[near, "distance"])
    assert single.loc[near, "message"] == one.message
    assert list(flip_frame(several).index) == [near, far]  # smallest change first


def test_single_weight_change_adds_its_per_criterion_table(
    tmp_path: Path, example_result: ScoreResult
) -> None:
    table = robustness.flip_table(example_result)
    change = robustness.min_weight_change(example_result, challenger=table.index[0])
    wb = openpyxl.load_workbook(export_workbook(example_result, tmp_path / "w.xlsx", flips=change))
    assert set(wb["Robustness"].tables) == {"tblFlips", "tblFlipWeights"}


@attrs.frozen
class StandInSmaa:
    """Duck-typed SMAA result: only the attributes the workbook documents."""

    acceptability: pd.DataFrame
    central_weights: pd.DataFrame
    confidence: pd.Series
    n_samples: int
    seed: int


def test_robustness_sheet_accepts_a_duck_typed_smaa_result(tmp_path: Path) -> None:
    result = score(minimal_evaluation())
    ranked = ["y", "x"]
    stand_in = StandInSmaa(
        acceptability=pd.DataFrame([[0.7, 0.3], [0.3, 0.7]], index=ranked, columns=[1, 2]),
        central_weights=pd.DataFrame(
            [[0.2, 0.5, 0.3], [0.4, 0.3, 0.3]], index=ranked, columns=["a1", "a2", "b"]
        ),
        confidence=pd.Series({"y": 0.9, "x": 0.6}),
        n_samples=100,
        seed=7,
    )
    wb = openpyxl.load_workbook(export_workbook(result, tmp_path / "d.xlsx", smaa=stand_in))
    ws = wb["Robustness"]
    header = openpyxl.utils.cell.range_boundaries(ws.tables["tblAcceptability"].ref)[1]
    columns = header_columns(ws, header)
    assert list(columns) == ["Vendor", "Vendor name", "Rank 1", "Rank 2", "Confidence"]
    assert ws.cell(header + 1, 1).value == "y"
    assert ws.cell(header + 1, columns["Rank 1"]).value == 0.7
    summary = {str(c.value) for c in cells(wb["Summary"])}
    assert any(t.startswith("y ranks first in 70.0% of 100 weight samples") for t in summary)


def test_every_vendor_knocked_out_still_exports(tmp_path: Path) -> None:
    evaluation = minimal_evaluation()
    evaluation = attrs.evolve(
        evaluation,
        responses=[
            attrs.evolve(a, compliance="not_supported") if a.requirement == "R3" else a
            for a in evaluation.responses
        ],
    )
    result = score(evaluation)
    assert not result.winners
    wb = openpyxl.load_workbook(export_workbook(result, tmp_path / "ko.xlsx"))
    found = {str(c.value) for c in cells(wb["Summary"])}
    assert "none — every vendor is knocked out" in found
    statuses = [wb["Matrix"].cell(r, 3).value for r in range(6, 9)]
    assert statuses == ["knocked out"] * 3


def test_refuses_other_extensions_and_keeps_the_old_file(
    tmp_path: Path, example_result: ScoreResult
) -> None:
    with pytest.raises(CrmselectError, match=r"\.xlsx"):
        export_workbook(example_result, tmp_path / "report.csv")
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"old")
    export_workbook(example_result, target)
    assert openpyxl.load_workbook(target).sheetnames[0] == "Summary"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def test_a_criterion_named_like_a_matrix_column_does_not_take_its_place(tmp_path: Path) -> None:
    evaluation = minimal_evaluation()
    renamed = attrs.evolve(
        evaluation,
        criteria=[evaluation.criteria[0], attrs.evolve(evaluation.criteria[1], id="Total")],
        requirements=[
            attrs.evolve(r, criterion="Total") if r.criterion == "b" else r
            for r in evaluation.requirements
        ],
    )
    wb = openpyxl.load_workbook(export_workbook(score(renamed), tmp_path / "t.xlsx"))
    columns = header_columns(wb["Matrix"], 5)
    assert "Total (criterion)" in columns
    assert wb["Matrix"].cell(6, columns["Total"]).value.startswith("=SUMPRODUCT(")


def test_text_too_long_for_a_cell_names_sheet_and_cell(tmp_path: Path) -> None:
    evaluation = minimal_evaluation()
    long = attrs.evolve(evaluation.responses[0], comment="x" * 40_000)
    evaluation = attrs.evolve(evaluation, responses=[long, *evaluation.responses[1:]])
    with pytest.raises(CrmselectError, match=r"Requirements!I6: 40,000 characters"):
        export_workbook(score(evaluation), tmp_path / "long.xlsx")
    assert not list(tmp_path.iterdir())
