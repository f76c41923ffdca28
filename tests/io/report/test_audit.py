"""The Audit sheet stays within a worksheet's rows however many findings there are
(crmselect/io/report/audit.py; issue 16 item 3)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from crmselect import score
from crmselect.io.report.audit import AUDIT_TABLE_ROWS
from crmselect.io.report.workbook import export_workbook
from tests.helpers import minimal_evaluation


@pytest.mark.slow  # writes and reads a 20,000-row table
def test_a_long_table_is_cut_with_a_row_saying_how_many_were_left_out(tmp_path: Path) -> None:
    findings = pd.DataFrame({"file": ["x.xlsx"] * (AUDIT_TABLE_ROWS + 7), "what": "extra cell"})
    short = pd.DataFrame({"file": ["y.xlsx"] * 3, "what": "fine"})
    path = export_workbook(
        score(minimal_evaluation()),
        tmp_path / "report.xlsx",
        audit={"Returned workbooks": findings, "Short": short},
    )
    sheet = openpyxl.load_workbook(path, read_only=True)["Audit"]
    column_a = [row[0] for row in sheet.iter_rows(values_only=True) if row]
    assert column_a.count("x.xlsx") == AUDIT_TABLE_ROWS
    notes = [v for v in column_a if isinstance(v, str) and v.startswith("… and ")]
    assert len(notes) == 1
    assert notes[0].startswith(f"… and 7 more rows, not shown (the first {AUDIT_TABLE_ROWS:,} are)")
    assert "crmselect import" in notes[0]
    assert column_a.count("y.xlsx") == 3  # a short table is written whole, after the cut one
