"""The References sheet of the comparison workbook and the reference calls in the text
report: a row per call × question with role, criterion and score, the blend under its
share — and no referee's name or organisation in any cell or line."""

from __future__ import annotations

from pathlib import Path

import attrs
import openpyxl
import pytest

import crmselect
from crmselect import Evaluation, ReferenceCall, ReferenceQuestion, References, ReferenceScore
from crmselect.io.report.workbook import export_workbook
from crmselect.report.calls import references_report

SECRETS = ("Zelda Quarrington", "Hushwood Mills", "Rex Ombrage", "Quillby Stores")


@pytest.fixture(scope="module")
def referenced() -> Evaluation:
    """The example with two calls of orbis, sfa scored 4 and 2 (a blank for marketing)."""
    refs = References(
        questions=[
            ReferenceQuestion("sfa", "Does the pipeline work for your team?"),
            ReferenceQuestion("marketing", "Do quotes go out the same day?"),
        ],
        calls=[
            ReferenceCall(
                "c1", "orbis", "Head of Sales", "manufacturer", SECRETS[1], SECRETS[0], "sales"
            ),
            ReferenceCall("c2", "orbis", "CRM lead", "retailer", SECRETS[3], SECRETS[2]),
        ],
        scores=[
            ReferenceScore("c1", "sfa", 4.0),
            ReferenceScore("c1", "marketing", 5.0),
            ReferenceScore("c2", "sfa", 2.0),
        ],
        shares={"sfa": 0.3},
    )
    return attrs.evolve(crmselect.example(), references=refs)


def test_the_references_sheet_shows_the_calls_and_never_a_referee(
    referenced: Evaluation, tmp_path: Path
) -> None:
    path = export_workbook(crmselect.score(referenced), tmp_path / "report.xlsx")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames.index("References") == workbook.sheetnames.index("Demos") + 1
    rows = [row for row in workbook["References"].iter_rows(values_only=True) if any(row)]
    header = rows.index(
        ("vendor", "call", "referee_role", "organisation_type", "criterion", "score")
    )
    assert rows[header + 1][:6] == ("orbis", "c1", "Head of Sales", "manufacturer", "sfa", 4)
    assert rows[header + 4][:6] == ("orbis", "c2", "CRM lead", "retailer", "marketing", None)
    blend = next(i for i, row in enumerate(rows) if row[0] == "share q_c")
    assert rows[blend - 1][1:3] == ("sfa", "marketing")
    assert rows[blend][1:3] == (0.3, 0)
    orbis = rows[blend + 1 :][[r[0] for r in rows[blend + 1 :]].index("orbis")]
    assert orbis[1] == pytest.approx((0.8 + 0.4) / 2)  # formula R1 by hand
    assert orbis[2] == pytest.approx(1.0)
    cells = " ".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    for secret in SECRETS:
        assert secret not in cells


def test_without_calls_there_is_no_references_sheet(tmp_path: Path) -> None:
    uncalled = attrs.evolve(crmselect.example(), references=None)
    path = export_workbook(crmselect.score(uncalled), tmp_path / "report.xlsx")
    assert "References" not in openpyxl.load_workbook(path).sheetnames


def test_the_text_report_lists_each_call_and_the_blend(referenced: Evaluation) -> None:
    text = references_report(referenced)
    assert text.splitlines() == [
        "Reference calls (2; scores 0–5; referees' names and organisations are confidential)",
        "  orbis",
        "    c1 Head of Sales (manufacturer), by sales: sfa 4, marketing 5",
        "    c2 CRM lead (retailer): sfa 2, marketing –",
        "    reference score ref_vc (0–1) × share q_c: sfa 0.60 × 0.30, marketing 1.00 × 0.00",
    ]
    for secret in SECRETS:
        assert secret not in text
    assert references_report(attrs.evolve(crmselect.example(), references=None)) == ""
