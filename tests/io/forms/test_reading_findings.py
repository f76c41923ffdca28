"""Findings per file are capped and summarised, and capped errors still fail the file
(crmselect/io/forms/reading.py Findings; issue 16 item 3)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import openpyxl

from crmselect.io.excel.untrusted import ReadLimits
from crmselect.io.forms.reading import Findings
from crmselect.io.forms.rfp_response import read_response
from crmselect.io.forms.rfp_template import write_template
from tests.helpers import KEY, questions


def test_the_first_findings_of_each_severity_are_kept_and_the_rest_counted() -> None:
    findings = Findings(Path("/in/x.xlsx"), ReadLimits(max_findings=3))
    for row in range(2, 12):
        findings.add("Requirements", f"I{row}", "error", "unexpected value", "delete it")
    findings.add("Requirements", "G2", "warning", "formula in a text cell", "nothing to do")
    problems = findings.problems
    assert [p.cell for p in problems] == ["I2", "I3", "I4", "G2", ""]
    summary = problems[-1]
    assert summary.severity == "error"  # the file still fails
    assert summary.file == "x.xlsx"
    assert summary.what.startswith("… and 7 more findings of this kind")
    assert "errors beyond the first 3" in summary.what


def test_under_the_limit_nothing_is_summarised() -> None:
    findings = Findings(Path("x.xlsx"))
    for row in range(1_000):
        findings.add("S", f"A{row + 1}", "warning", "w", "a")
    assert len(findings.problems) == 1_000
    findings.add("S", "A1001", "warning", "w", "a")
    assert len(findings.problems) == 1_001
    assert findings.problems[-1].what.startswith("… and 1 more findings of this kind")


def test_a_returned_workbook_with_thousands_of_stray_values_lists_the_first_and_fails(
    tmp_path: Path,
) -> None:
    path = write_template(questions(), "x", tmp_path / "x.xlsx", key=KEY)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Requirements"]
    for row in range(100, 160):
        for column in range(10, 30):
            sheet.cell(row=row, column=column, value=row * column)
    workbook.save(path)
    returned = read_response(path, questions(), key=KEY, limits=ReadLimits(max_findings=10))
    by_severity = Counter(p.severity for p in returned.problems)
    assert all(count <= 11 for count in by_severity.values())  # ten, and one summary
    summaries = [p for p in returned.problems if "more findings of this kind" in p.what]
    assert summaries
    assert returned.errors  # the capped errors still make the file fail
