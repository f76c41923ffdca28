"""The award record lists the procedure of issue 18: each member's declaration of interest
(and who has not declared), each abnormally-low-bid case step by step, and a flagged bid
whose case is open — in the text report, the workbook's Summary facts and its Audit tables
(items 2 and 5)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

import crmselect
from crmselect.declarations import declare
from crmselect.io.report.workbook import export_workbook
from crmselect.low_bids import Step, low_bid
from crmselect.model import Evaluation
from crmselect.record import Entry, TenderRecord, issue
from crmselect.report import record_facts, record_report, record_tables

AT = dt.datetime(2026, 10, 14, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def written() -> Evaluation:
    return crmselect.load_tender(crmselect.example_path()).evaluation


def _add(record: TenderRecord, entry: Entry) -> TenderRecord:
    return TenderRecord((*record.entries, entry))


@pytest.fixture(scope="module")
def record(written: Evaluation) -> TenderRecord:
    record = _add(TenderRecord(), issue(TenderRecord(), written, by="Mei", at=AT))
    record = _add(record, declare("sales", conflict=None, by="Mei", at=AT))
    record = _add(
        record, declare("it", conflict="ex-Helix", measure="does not score Helix", by="Mei", at=AT)
    )
    for step, text in [(Step.ASK, "why so low?"), (Step.REJECT, "no answer")]:
        record = _add(record, low_bid(record, written, "helix", step, text, by="Ben", at=AT))
    return record


def test_the_text_report_lists_declarations_cases_and_open_flags(
    written: Evaluation, record: TenderRecord
) -> None:
    text = record_report(record, written, flagged=["quillpoint", "helix"])
    lines = text.splitlines()
    assert (
        "  FLAGGED, NOT YET EXPLAINED: quillpoint, abnormally low (flagged, not yet asked) — "
        "record each step: `crmselect low-bid DIR quillpoint --ask …`, then --explanation, "
        "--accept or --reject"
    ) in lines
    assert not any("NOT YET EXPLAINED: helix" in line for line in lines)  # decided
    assert "  helix: rejected" in lines
    assert "    ask 2026-10-14 by Ben: why so low?" in lines
    assert "    reject 2026-10-14 by Ben: no answer" in lines
    declared = text.split("Declarations of interest and confidentiality:\n")[1].splitlines()
    assert declared[2].split()[:3] == ["sales", "2026-10-14", "Mei"]
    assert "conflict: ex-Helix; measure: does not score Helix" in declared[3]
    assert declared[4].startswith("  NOT DECLARED: marketing, service, finance")
    assert "abnormally low bid rejected (art. 69): no answer" in text  # the funnel


def test_without_any_of_it_the_report_says_nothing_new(written: Evaluation) -> None:
    record = _add(TenderRecord(), issue(TenderRecord(), written, by="Mei", at=AT))
    text = record_report(record, written)
    assert "Declarations" not in text
    assert "Abnormally low" not in text


def test_the_workbook_facts_and_audit_tables(written: Evaluation, record: TenderRecord) -> None:
    facts = dict(record_facts(record, written))
    assert facts["Declarations of interest"] == (
        "2 of 5 evaluators; 1 conflict(s), each with its measure; NOT DECLARED: marketing, "
        "service, finance"
    )
    assert facts["Abnormally low bids"] == "helix: rejected"
    tables = record_tables(record, written)
    assert list(tables) == [
        "Eliminated vendors",
        "Declarations of interest",
        "Abnormally low bids (art. 69)",
    ]
    assert tables["Declarations of interest"].to_dict("records")[1] == {
        "Member": "it",
        "Declared": "2026-10-14",
        "Recorded by": "Mei",
        "Conflict of interest": "ex-Helix",
        "Measure": "does not score Helix",
    }
    assert tables["Abnormally low bids (art. 69)"]["Step"].tolist() == ["ask", "reject"]
    assert tables["Eliminated vendors"].iloc[0]["Vendor"] == "helix"


def test_the_comparison_workbook_carries_them(
    written: Evaluation, record: TenderRecord, tmp_path: Path
) -> None:
    result = crmselect.score(crmselect.derive(crmselect.example_tender()).evaluation)
    path = export_workbook(
        result,
        tmp_path / "w.xlsx",
        record=record_facts(record, written),
        audit=record_tables(record, written),
    )
    book = openpyxl.load_workbook(path)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["Abnormally low bids"] == "helix: rejected"
    titles = [row[0] for row in book["Audit"].iter_rows(values_only=True) if any(row)]
    assert "Declarations of interest" in titles
    assert "Abnormally low bids (art. 69)" in titles
