"""The comparison workbook's large sheets stay bounded as designed (issue 21 item 3).

The Requirements sheet has a row per requirement and three columns per vendor; the Demos
sheet a row per vendor × script × criterion and a column per evaluator — so a larger panel
widens the Demos sheet by its evaluators and adds no row (a row per score made 1.6 million
cells at the upper end of issue 21). Both are streamed (openpyxl's write-only mode); here the
cells they hold are counted on a tender large enough that a row per score would show.
"""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from crmselect import (
    Criterion,
    DemoScore,
    DemoScript,
    Evaluation,
    Evaluator,
    Requirement,
    Response,
    Vendor,
    score,
)
from crmselect.io.report.workbook import export_workbook

VENDORS, LEAVES, REQUIREMENTS, SCRIPTS = 4, 6, 40, 3
TOP = 5
"""The Requirements sheet's header row."""


def tender(evaluators: int) -> Evaluation:
    """``VENDORS`` vendors answering ``REQUIREMENTS`` requirements, and ``evaluators``
    evaluators scoring every vendor on ``SCRIPTS`` scripts of two leaf criteria each."""
    leaves = [Criterion(f"c{i}", f"Criterion {i}", weight=1.0 + i) for i in range(LEAVES)]
    vendors = [Vendor(f"v{j}", f"Vendor {j}") for j in range(VENDORS)]
    requirements = [
        Requirement(f"R{i:03d}", f"Requirement {i}", f"c{i % LEAVES}", "should")
        for i in range(REQUIREMENTS)
    ]
    scripts = [
        DemoScript(f"D{s}", f"Script {s}", [f"c{2 * s}", f"c{2 * s + 1}"]) for s in range(SCRIPTS)
    ]
    panel = [Evaluator(f"e{k:02d}") for k in range(evaluators)]
    return Evaluation(
        name="Bounded sheets",
        criteria=[Criterion("all", "All", children=leaves)],
        requirements=requirements,
        vendors=vendors,
        responses=[
            Response(v.id, r.id, ("out_of_box", "configuration")[(i + j) % 2])
            for j, v in enumerate(vendors)
            for i, r in enumerate(requirements)
        ],
        evaluators=panel,
        demo_scripts=scripts,
        demo_scores=[
            DemoScore(e.id, v.id, s.id, c, float((k + j) % 6), "noted" if k == 0 else "")
            for k, e in enumerate(panel)
            for j, v in enumerate(vendors)
            for s in scripts
            for c in s.criteria
        ],
    )


def filled(ws: Worksheet) -> int:
    """The cells of ``ws`` that hold a value."""
    return sum(c.value is not None for row in ws.iter_rows() for c in row)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[int, openpyxl.Workbook]:
    """The workbook of the tender with 5 and with 20 evaluators."""
    folder = tmp_path_factory.mktemp("bounded")
    found = {}
    for evaluators in (5, 20):
        path = export_workbook(score(tender(evaluators)), folder / f"e{evaluators}.xlsx")
        found[evaluators] = openpyxl.load_workbook(path)
    return found


def test_demos_rows_do_not_grow_with_the_panel(books: dict[int, openpyxl.Workbook]) -> None:
    small, large = books[5]["Demos"], books[20]["Demos"]
    items = VENDORS * SCRIPTS * 2
    for ws, evaluators in ((small, 5), (large, 20)):
        table = ws.tables["tblDemoScores"]
        left, top, right, bottom = openpyxl.utils.cell.range_boundaries(table.ref)
        assert bottom - top == items
        assert right - left + 1 == 4 + evaluators + 1
    assert large.max_row == small.max_row
    assert large.max_column == small.max_column + 15
    # scores, notes and labels: at most one filled cell per item and evaluator, plus the
    # item's labels and notes, plus the head (title, means table, headers)
    head = small.tables["tblDemoScores"].ref.split(":")[0]
    head_row = openpyxl.utils.cell.coordinate_to_tuple(head)[0]
    body = sum(c.value is not None for row in large.iter_rows(min_row=head_row + 1) for c in row)
    assert body == items * (4 + 20 + 1)


def test_requirements_has_a_row_per_requirement(books: dict[int, openpyxl.Workbook]) -> None:
    ws = books[20]["Requirements"]
    assert ws.max_row == TOP + REQUIREMENTS
    assert ws.max_column == 6 + 3 * VENDORS
    body = sum(c.value is not None for row in ws.iter_rows(min_row=TOP + 1) for c in row)
    assert body == REQUIREMENTS * (5 + 2 * VENDORS)  # no comment, no mandatory mark
    assert filled(books[5]["Requirements"]) == filled(ws)
