"""The record in the text report: the stage, the award basis and every deviation from it,
the eliminations and the clarifications — each printed on lines of its own."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import crmselect
from crmselect.clarifications import Clarification, apply_clarifications
from crmselect.model import Evaluation
from crmselect.record import TenderRecord, deviation, eliminate, issue
from crmselect.report import panel_report, record_facts, record_report, record_tables
from tests.helpers import example_before_the_record

AT = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    """The example as returned, before its record and clarifications."""
    folder = example_before_the_record(tmp_path_factory.mktemp("before") / "larkspur")
    return crmselect.load_tender(folder).evaluation


def _add(record: TenderRecord, entry: object) -> TenderRecord:
    return TenderRecord((*record.entries, entry))  # type: ignore[arg-type]


def _share(evaluation: Evaluation, share: float) -> Evaluation:
    return attrs.evolve(evaluation, policy=attrs.evolve(evaluation.policy, demo_share=share))


def test_before_the_issue_it_says_how_to_freeze(written: Evaluation) -> None:
    text = record_report(TenderRecord(), written)
    assert text.splitlines()[0] == "Stage: design"
    assert "Award basis: not frozen yet — `crmselect issue DIR` freezes it" in text


def test_a_basis_that_holds(written: Evaluation) -> None:
    record = _add(TenderRecord(), issue(TenderRecord(), written, by="Mei", at=AT))
    text = record_report(record, written)
    assert "Stage: issued" in text
    assert "Award basis: frozen 2026-11-02 09:30 UTC by Mei (fingerprint " in text
    assert text.rstrip().endswith("; it holds")


def test_deviations_recorded_and_not(written: Evaluation) -> None:
    record = _add(TenderRecord(), issue(TenderRecord(), written, by="Mei", at=AT))
    later = AT + dt.timedelta(days=3)
    entry = deviation(record, _share(written, 0.3), by="Ben", at=later, reason="demos\ncut")
    record = _add(record, entry)
    lines = record_report(record, _share(written, 0.2)).splitlines()
    assert "  deviation recorded 2026-11-05 by Ben: demos\\ncut" in lines
    assert "    policy.demo_share: 0.4 → 0.3" in lines
    assert any(line.startswith("  NOT ON THE RECORD: 1 change(s)") for line in lines)
    assert lines[-1] == "    policy.demo_share: 0.3 → 0.2"
    assert not any("it holds" in line for line in lines)


def test_eliminations_and_clarifications(written: Evaluation) -> None:
    record = _add(TenderRecord(), issue(TenderRecord(), written, by="Mei", at=AT))
    record = _add(
        record, eliminate(record, written, "tidewater", by="Mei", at=AT, reason="no offline")
    )
    clarification = Clarification(
        vendor="meridian",
        item="ANA-002",
        original="Partially",
        clarified="configuration",
        source="letter of 2026-11-20",
        recorded_by="Mei",
        recorded_at="2026-11-21",
    )
    _, applied = apply_clarifications(written, [clarification])
    text = record_report(record, written, applied)
    assert "Stage: shortlist" in text
    funnel = text.split("Funnel (who reached which stage; who left, and why):\n")[1].splitlines()
    assert funnel[0].split() == ["vendor", "stage", "left:", "by", "on", "reason"]
    rows = {line.split()[0]: line.split()[1:] for line in funnel[2:8]}
    assert rows["tidewater"] == ["shortlist", "Mei", "2026-11-02", "no", "offline"]
    assert rows["orbis"] == ["shortlist"]
    assert set(rows) == set(written.vendor_ids)
    assert "  meridian ANA-002: None → 'configuration', recorded by Mei on 2026-11-21" in text


def test_the_workbook_facts_and_audit_tables(written: Evaluation) -> None:
    assert record_facts(TenderRecord(), written) == [
        ("Stage", "design"),
        ("Award basis", "not frozen yet (crmselect issue freezes it)"),
    ]
    record = _add(TenderRecord(), issue(TenderRecord(), written, by="Mei", at=AT))
    record = _add(record, eliminate(record, written, "helix", by="Ben", at=AT, reason="cost"))
    facts = dict(record_facts(record, _share(written, 0.3)))
    assert facts["Stage"] == "shortlist"
    assert facts["Award basis frozen"] == "2026-11-02 09:30 UTC by Mei"
    assert facts["Award basis fingerprint"] == record.entries[0].data["fingerprint"]
    assert facts["NOT ON THE RECORD"] == "1 change(s): policy.demo_share: 0.4 → 0.3"
    tables = record_tables(record, _share(written, 0.3))
    assert list(tables) == ["Deviations from the award basis", "Eliminated vendors"]
    assert tables["Deviations from the award basis"].iloc[0].to_dict() == {
        "Recorded": "NOT ON THE RECORD",
        "By": "",
        "Reason": "",
        "Change": "policy.demo_share: 0.4 → 0.3",
    }
    assert tables["Eliminated vendors"].iloc[0]["Reason"] == "cost"
    assert record_tables(TenderRecord(), written) == {}


def test_the_moderation_list_leaves_out_eliminated_vendors() -> None:
    evaluation = crmselect.example()
    full = panel_report(evaluation)
    assert "kestrel/" in full
    assert "helix/" in full
    short = panel_report(evaluation, eliminated=["kestrel", "helix"])
    assert "kestrel/" not in short
    assert "helix/" not in short
    assert "orbis/D2/marketing" in short
