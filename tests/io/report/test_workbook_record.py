"""The comparison workbook shows the tender's record: the stage and the frozen award basis on
the Summary sheet, deviations, eliminations and clarifications on the Audit sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

import crmselect
from crmselect.io.report.workbook import export_workbook
from crmselect.record import TenderRecord, eliminate, issue
from crmselect.report import record_facts, record_tables

AT = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def test_summary_and_audit_carry_the_record(tmp_path: Path) -> None:
    written = crmselect.load_tender(crmselect.example_path()).evaluation
    record = TenderRecord((issue(TenderRecord(), written, by="Mei", at=AT),))
    record = TenderRecord(
        (*record.entries, eliminate(record, written, "helix", by="Ben", at=AT, reason="cost"))
    )
    result = crmselect.score(crmselect.derive(crmselect.example_tender()).evaluation)
    path = export_workbook(
        result,
        tmp_path / "w.xlsx",
        record=record_facts(record, written),
        audit=record_tables(record, written),
    )
    book = openpyxl.load_workbook(path)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["Stage"] == "shortlist"
    assert summary["Award basis frozen"] == "2026-11-02 09:30 UTC by Mei"
    assert summary["Award basis fingerprint"] == record.entries[0].data["fingerprint"]
    audit = [row for row in book["Audit"].iter_rows(values_only=True) if any(row)]
    titles = [row[0] for row in audit]
    assert "Eliminated vendors" in titles
    after = audit[titles.index("Eliminated vendors") + 2]
    assert after[:2] == ("helix", "shortlist")
