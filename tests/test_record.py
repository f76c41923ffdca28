"""The tender record: stages only move on, the basis is frozen once, every deviation and
elimination needs its reason, and the status names what no one has recorded yet."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import crmselect
from crmselect.errors import CrmselectError
from crmselect.model import Evaluation
from crmselect.record import (
    BasisStatus,
    Entry,
    Event,
    Stage,
    TenderRecord,
    advance,
    basis_status,
    deviation,
    eliminate,
    eliminated,
    frozen_basis,
    funnel,
    issue,
    stage_of,
)

AT = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def written() -> Evaluation:
    return crmselect.load_tender(crmselect.example_path()).evaluation


def _with(record: TenderRecord, entry: Entry) -> TenderRecord:
    return TenderRecord((*record.entries, entry))


def _issued(evaluation: Evaluation) -> TenderRecord:
    return _with(TenderRecord(), issue(TenderRecord(), evaluation, by="Mei", at=AT))


def _demo_share(evaluation: Evaluation, share: float) -> Evaluation:
    return attrs.evolve(evaluation, policy=attrs.evolve(evaluation.policy, demo_share=share))


def test_a_new_record_is_at_design_with_no_basis(written: Evaluation) -> None:
    record = TenderRecord()
    assert stage_of(record) is Stage.DESIGN
    assert frozen_basis(record) is None
    assert basis_status(record, written) == BasisStatus(None)


def test_issuing_freezes_the_basis_once(written: Evaluation) -> None:
    record = _issued(written)
    assert stage_of(record) is Stage.ISSUED
    status = basis_status(record, written)
    assert status.holds
    assert status.frozen == record.entries[0].data["fingerprint"]
    with pytest.raises(CrmselectError, match="was issued on 2026-12-02 10:00 UTC by Mei"):
        issue(record, written, by="Ben", at=AT)


def test_a_change_after_issue_is_unrecorded_until_its_reason_is_given(written: Evaluation) -> None:
    record = _issued(written)
    changed = _demo_share(written, 0.3)
    status = basis_status(record, changed)
    assert [str(d) for d in status.unrecorded] == ["policy.demo_share: 0.4 → 0.3"]
    assert not status.holds
    with pytest.raises(CrmselectError, match="needs its reason"):
        deviation(record, changed, by="Mei", at=AT, reason="  ")
    entry = deviation(record, changed, by="Mei", at=AT, reason="demos ran short")
    record = _with(record, entry)
    status = basis_status(record, changed)
    assert status.unrecorded == ()
    assert status.recorded == ((entry, ("policy.demo_share: 0.4 → 0.3",)),)
    assert not status.holds  # a recorded deviation is still a deviation
    assert status.frozen == record.entries[0].data["fingerprint"]


def test_a_deviation_is_measured_from_the_basis_as_recorded(written: Evaluation) -> None:
    record = _issued(written)
    record = _with(record, deviation(record, _demo_share(written, 0.3), by="M", at=AT, reason="r"))
    again = basis_status(record, _demo_share(written, 0.2))
    assert [str(d) for d in again.unrecorded] == ["policy.demo_share: 0.3 → 0.2"]
    back = basis_status(record, written)
    assert [str(d) for d in back.unrecorded] == ["policy.demo_share: 0.3 → 0.4"]


def test_a_deviation_needs_an_issued_basis_and_a_difference(written: Evaluation) -> None:
    with pytest.raises(CrmselectError, match="issue the RFP first"):
        deviation(TenderRecord(), written, by="M", at=AT, reason="r")
    with pytest.raises(CrmselectError, match="nothing to record"):
        deviation(_issued(written), written, by="M", at=AT, reason="r")


def test_eliminating_a_vendor_moves_to_the_shortlist_with_the_reason(written: Evaluation) -> None:
    record = _issued(written)
    entry = eliminate(record, written, "tidewater", by="Mei", at=AT, reason="no field service")
    record = _with(record, entry)
    assert stage_of(record) is Stage.SHORTLIST
    assert eliminated(record) == {"tidewater": entry}
    rows = funnel(record, ["orbis", "tidewater"])
    assert rows == [("orbis", "shortlist", ""), ("tidewater", "shortlist", "no field service")]
    with pytest.raises(CrmselectError, match="eliminated already"):
        eliminate(record, written, "tidewater", by="Mei", at=AT, reason="again")
    with pytest.raises(CrmselectError, match="no vendor 'nobody'"):
        eliminate(record, written, "nobody", by="Mei", at=AT, reason="r")
    with pytest.raises(CrmselectError, match="needs its reason"):
        eliminate(record, written, "orbis", by="Mei", at=AT, reason="")
    with pytest.raises(CrmselectError, match="issue the RFP first"):
        eliminate(TenderRecord(), written, "orbis", by="Mei", at=AT, reason="early")


def test_the_funnel_keeps_the_stage_each_vendor_left_at(written: Evaluation) -> None:
    record = _issued(written)
    record = _with(record, eliminate(record, written, "tidewater", by="M", at=AT, reason="a"))
    record = _with(record, advance(record, Stage.DEMOS, by="M", at=AT))
    record = _with(record, eliminate(record, written, "helix", by="M", at=AT, reason="demo"))
    assert stage_of(record) is Stage.DEMOS
    assert funnel(record, ["orbis", "tidewater", "helix"]) == [
        ("orbis", "demos", ""),
        ("tidewater", "shortlist", "a"),
        ("helix", "demos", "demo"),
    ]


def test_stages_only_move_on_and_start_with_the_issue(written: Evaluation) -> None:
    with pytest.raises(CrmselectError, match="issue the RFP first"):
        advance(TenderRecord(), Stage.DEMOS, by="M", at=AT)
    record = _with(_issued(written), advance(_issued(written), Stage.DEMOS, by="M", at=AT))
    with pytest.raises(CrmselectError, match="at stage demos already"):
        advance(record, Stage.SHORTLIST, by="M", at=AT)


def test_an_entry_names_who_and_carries_a_time_zone() -> None:
    with pytest.raises(CrmselectError, match="needs the name of who made it"):
        Entry(event=Event.STAGE, at=AT, by=" ")
    with pytest.raises(CrmselectError, match="time zone"):
        Entry(event=Event.STAGE, at=dt.datetime(2026, 12, 2), by="M")
    with pytest.raises(ValueError, match="'vote'"):
        Entry(event="vote", at=AT, by="M")  # type: ignore[arg-type]
