"""The bundled example tells a tender's story: the award basis frozen when the RFP went out,
the vendors' written clarifications, a shortlist step and the demos (issue 17 item 6)."""

from __future__ import annotations

import crmselect
from crmselect.record import Event, Stage, basis_status


def test_the_example_was_issued_shortlisted_and_demonstrated() -> None:
    tender = crmselect.load_tender(crmselect.example_path())
    events = [e.event for e in tender.record.entries]
    assert events == [Event.ISSUE, Event.STAGE, Event.ELIMINATE, Event.STAGE]
    assert tender.stage is Stage.DEMOS
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
