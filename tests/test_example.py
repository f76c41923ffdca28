"""The bundled example tender exercises every path the issue asks for."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import crmselect
from crmselect import Deployment, Licensing, Offering


@pytest.mark.slow
def test_example_has_the_promised_shape() -> None:
    e = crmselect.example()
    assert len(e.vendors) == 6
    offerings = {v.offering for v in e.vendors}
    assert offerings == {Offering.SUITE, Offering.POINT}
    deployments = set().union(*(v.deployment for v in e.vendors))
    assert {Deployment.SAAS, Deployment.ON_PREMISE, Deployment.PARTNER_HOSTED} <= deployments
    licensing = set().union(*(v.licensing for v in e.vendors))
    assert {Licensing.SUBSCRIPTION, Licensing.PERPETUAL} <= licensing
    catalogue_ids = {r.id for r in crmselect.load_catalog("crm-core").requirements}
    from_catalogue = [r for r in e.requirements if r.id in catalogue_ids]
    own = [r for r in e.requirements if r.id not in catalogue_ids]
    assert len(from_catalogue) >= 120
    assert len(own) >= 3
    assert len(e.demo_scripts) == 4
    assert len(e.evaluators) == 5


@pytest.mark.slow
def test_example_shows_knock_out_and_missing_answers() -> None:
    result = crmselect.score(crmselect.example())
    assert list(result.knocked_out) == ["tidewater"]
    assert result.knocked_out["tidewater"] == (
        "CMP-002: mandatory requirement answered 'Not supported'",
        # a roadmap promise does not meet a mandatory requirement (issue 14)
        "CON-001: mandatory requirement answered 'On the roadmap (not yet available)'",
    )
    missing = result.missing
    assert (missing["kind"] == "rfp answer").sum() == 12  # 3 excluded by the import, 1 clarified
    assert (missing["kind"] == "demo score").any()
    assert result.winners == ("orbis",)


@pytest.mark.slow
def test_workbook_marks_the_example_s_excluded_answers_with_a_note(tmp_path: Path) -> None:
    from crmselect.io.report.workbook import export_workbook

    result = crmselect.score(crmselect.example())
    wb = openpyxl.load_workbook(export_workbook(result, tmp_path / "larkspur.xlsx"))
    ws = wb["Requirements"]
    header = {str(c.value): c.column for c in ws[5] if c.value is not None}
    row = next(c.row for c in ws["A"] if c.value == "SFA-004")
    cell = ws.cell(row, header["quillpoint answer"])
    assert cell.value == "(no answer)"
    assert cell.comment is not None
    assert cell.comment.text.startswith(
        "Answer excluded on import (quillpoint.xlsx!Requirements!F5: '=F2'): a formula was typed"
    )
    answered = ws.cell(row, header["orbis answer"])
    assert answered.comment is None
    subtitle = " ".join(str(c.value) for c in ws[2] if c.value)
    assert "is not met by an answer 'On the roadmap (not yet available)'" in subtitle
