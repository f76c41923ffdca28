"""The bundled example tells a tender's story: the award basis frozen when the RFP went out,
the vendors' written clarifications, a shortlist step and the demos (issue 17 item 6), the
sealed price envelope opened once the quality was scored, a BAFO round, the panel's
declarations (one conflict, with its measure), an extreme score justified and one not, and
two reference calls (issue 18 item 6)."""

from __future__ import annotations

import crmselect
from crmselect.bafo import price_changes
from crmselect.declarations import needs_justification, undeclared
from crmselect.envelope import Envelope, envelope_of, is_sealed, sealed_view
from crmselect.record import Event, Stage, basis_status
from crmselect.references import calls_table


def test_the_example_was_issued_shortlisted_and_demonstrated() -> None:
    tender = crmselect.load_tender(crmselect.example_path())
    events = [e.event for e in tender.record.entries]
    assert events == [
        *[Event.DECLARE] * 5,
        Event.ISSUE,
        Event.STAGE,
        Event.ELIMINATE,
        Event.STAGE,
        Event.OPEN_PRICES,
        Event.BAFO,
    ]
    assert tender.stage is Stage.PRICES
    status = basis_status(tender.record, tender.evaluation)
    assert status.holds, status.unrecorded
    (gone,) = tender.record.of(Event.ELIMINATE)
    assert gone.data == {"vendor": "tidewater", "stage": "shortlist"}


def test_the_example_clarifies_a_price_and_an_answer() -> None:
    tender = crmselect.load_tender(crmselect.example_path())
    clarified = {(a.clarification.vendor, a.clarification.item): a for a in tender.clarified}
    price = clarified[("kestrel", "pricing.price_per_concurrent_user")]
    assert (price.clarification.original, price.after) == ("EUR 2,900", 2900.0)
    assert tender.evaluation.pricing["kestrel"]["price_per_concurrent_user"] == 2900.0
    answer = clarified[("meridian", "ANA-002")]
    assert (answer.clarification.original, answer.after) == ("Partially", "configuration")
    (meridian,) = [
        r
        for r in tender.evaluation.responses
        if (r.vendor, r.requirement) == ("meridian", "ANA-002")
    ]
    assert meridian.compliance == "configuration"


def test_the_eliminated_vendor_cannot_win_the_example() -> None:
    analysis = crmselect.analyse(crmselect.example_tender(), n_samples=500)
    assert analysis.result.winners == ("orbis",)
    assert "eliminated at shortlist" in analysis.result.knocked_out["tidewater"][-1]


def test_the_example_opened_its_sealed_prices_after_the_quality_was_frozen() -> None:
    tender = crmselect.load_tender(crmselect.example_path())
    assert envelope_of(tender) == Envelope(sealed=True, quality_threshold=50.0)
    (issued,) = tender.record.of(Event.ISSUE)
    (demos,) = [e for e in tender.record.of(Event.STAGE) if e.data["stage"] == "demos"]
    (opening,) = tender.record.of(Event.OPEN_PRICES)
    assert issued.at < demos.at < opening.at
    assert not is_sealed(tender)
    assert set(opening.data["quality"]) == {"orbis", "kestrel", "quillpoint", "helix", "meridian"}
    assert min(opening.data["quality"].values()) >= 50  # no one under the threshold
    assert opening.data["quality_fingerprint"] == sealed_view(tender).evaluation.fingerprint


def test_the_example_bafo_round_changes_one_price() -> None:
    tender = crmselect.load_tender(crmselect.example_path())
    (bafo,) = tender.record.of(Event.BAFO)
    assert bafo.data == {"round": 2, "vendors": ["orbis", "kestrel"], "stage": "prices"}
    assert tender.record.of(Event.OPEN_PRICES)[0].at < bafo.at
    assert set(tender.rebid) == {"orbis", "kestrel"}
    changes = price_changes(tender)
    moved = changes[changes["difference"].abs() > 1]
    assert list(moved.index) == ["kestrel"]
    assert moved.loc["kestrel", "difference"] < 0


def test_the_example_panel_declared_before_the_rfp_went_out_one_with_a_conflict() -> None:
    tender = crmselect.load_tender(crmselect.example_path())
    panel = [e.id for e in tender.evaluation.evaluators]
    assert undeclared(tender.record, panel) == []
    declared = tender.record.of(Event.DECLARE)
    (issued,) = tender.record.of(Event.ISSUE)
    assert all(d.at < issued.at for d in declared)
    conflicts = {d.data["member"]: d.data for d in declared if d.data["conflict"]}
    assert list(conflicts) == ["it"]
    assert "Kestrel" in conflicts["it"]["conflict"]
    assert conflicts["it"]["measure"]  # a conflict on the record carries its measure


def test_the_example_justifies_its_extreme_scores_but_one() -> None:
    evaluation = crmselect.load_tender(crmselect.example_path()).evaluation
    extremes = [d for d in evaluation.demo_scores if needs_justification(d.score, evaluation)]
    justified = [d for d in extremes if d.note.strip()]
    assert len(justified) >= len(extremes) - 1 >= 1
    (missing,) = [p for p in evaluation.import_problems if "gives no justification" in p.what]
    assert (missing.cell, missing.requirement) == ("row 85", "it: quillpoint/D1/sfa")


def test_the_example_made_two_reference_calls_and_names_no_referee() -> None:
    tender = crmselect.load_tender(crmselect.example_path())
    references = tender.evaluation.references
    assert references is not None
    calls = {c.id: c for c in references.calls}
    assert {c: call.vendor for c, call in calls.items()} == {"R1": "orbis", "R2": "kestrel"}
    table = calls_table(tender.evaluation)
    assert set(table["vendor"]) == {"orbis", "kestrel"}
    text = table.to_csv()
    for call in calls.values():
        assert call.name not in text
        assert call.organisation not in text
