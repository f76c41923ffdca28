"""Abnormally low bids as a procedure (EU 2014/24 art. 69): asked, explained, decided on
the record; a rejected bid eliminates its vendor with the reason in the funnel; an open case
is listed until it is decided (issue 18 item 5)."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import crmselect
from crmselect.errors import CrmselectError
from crmselect.io.folder.record import append_entry, read_record
from crmselect.low_bids import Step, cases, low_bid, open_cases
from crmselect.record import (
    Entry,
    Stage,
    TenderRecord,
    eliminate,
    eliminated,
    funnel,
    issue,
    stage_of,
)

AT = dt.datetime(2026, 10, 14, 9, 0, tzinfo=dt.UTC)
EXAMPLE = crmselect.load_tender(crmselect.example_path()).evaluation
"""The example as written (module-wide: hypothesis tests take no function fixtures)."""


def _with(record: TenderRecord, entry: Entry) -> TenderRecord:
    return TenderRecord((*record.entries, entry))


def _issued() -> TenderRecord:
    return _with(TenderRecord(), issue(TenderRecord(), EXAMPLE, by="Mei", at=AT))


def _step(record: TenderRecord, step: Step, text: str = "…", vendor: str = "helix") -> TenderRecord:
    return _with(record, low_bid(record, EXAMPLE, vendor, step, text, by="Mei", at=AT))


def test_a_case_asked_explained_and_accepted() -> None:
    record = _step(_issued(), Step.ASK, "explain the licence price")
    assert cases(record)["helix"].status == "asked, not yet explained"
    record = _step(record, Step.EXPLANATION, "launch discount, funded by the vendor")
    assert cases(record)["helix"].status == "explained, not yet decided"
    record = _step(record, Step.ACCEPT, "the discount is in the contract; costs covered")
    case = cases(record)["helix"]
    assert case.status == "accepted"
    assert case.decision is not None
    assert case.decision.reason.startswith("the discount")
    assert [e.data["step"] for e in case.steps] == ["ask", "explanation", "accept"]
    assert "helix" not in eliminated(record)
    assert stage_of(record) is Stage.ISSUED


def test_a_rejected_bid_eliminates_its_vendor_with_the_reason_in_the_funnel() -> None:
    record = _step(_step(_issued(), Step.ASK), Step.REJECT, "no answer by the deadline")
    assert cases(record)["helix"].status == "rejected"
    assert "helix" in eliminated(record)
    rows = {v: (stage, why) for v, stage, why in funnel(record, EXAMPLE.vendor_ids)}
    assert rows["helix"] == (
        "issued",
        "abnormally low bid rejected (art. 69): no answer by the deadline",
    )
    assert rows["orbis"] == ("issued", "")
    with pytest.raises(CrmselectError, match="helix was eliminated already"):
        eliminate(record, EXAMPLE, "helix", by="Mei", at=AT, reason="again")


@pytest.mark.parametrize(
    ("steps", "then", "message"),
    [
        ((), Step.EXPLANATION, "no low-bid case for helix: ask the vendor"),
        ((), Step.ACCEPT, "no low-bid case for helix"),
        ((Step.ASK,), Step.ASK, "helix was asked already"),
        ((Step.ASK,), Step.ACCEPT, "a bid is accepted on its explanation"),
        ((Step.ASK, Step.EXPLANATION, Step.ACCEPT), Step.REJECT, "decided already \\(accepted\\)"),
        ((Step.ASK, Step.REJECT), Step.EXPLANATION, "decided already \\(rejected\\)"),
    ],
)
def test_steps_out_of_order_are_refused(steps: tuple[Step, ...], then: Step, message: str) -> None:
    record = _issued()
    for step in steps:
        record = _step(record, step)
    with pytest.raises(CrmselectError, match=message):
        _step(record, then)


def test_what_is_refused_before_any_step() -> None:
    with pytest.raises(CrmselectError, match="issue the RFP first"):
        _step(TenderRecord(), Step.ASK)
    with pytest.raises(CrmselectError, match="no vendor 'zed'"):
        _step(_issued(), Step.ASK, vendor="zed")
    with pytest.raises(CrmselectError, match="needs its text"):
        _step(_issued(), Step.ASK, " ")
    gone = _with(_issued(), eliminate(_issued(), EXAMPLE, "helix", by="M", at=AT, reason="x"))
    with pytest.raises(CrmselectError, match="helix was eliminated already: x"):
        _step(gone, Step.ASK)


def test_open_cases_are_the_flagged_bids_not_decided() -> None:
    record = _step(_issued(), Step.ASK, vendor="helix")
    record = _step(record, Step.ASK, vendor="kestrel")
    record = _step(record, Step.EXPLANATION, vendor="kestrel")
    record = _step(record, Step.ASK, vendor="orbis")
    record = _step(record, Step.REJECT, vendor="orbis")
    flagged = ["quillpoint", "helix", "kestrel", "orbis"]
    assert open_cases(record, flagged) == [
        ("quillpoint", "flagged, not yet asked"),
        ("helix", "asked, not yet explained"),
        ("kestrel", "explained, not yet decided"),
    ]
    assert open_cases(TenderRecord(), []) == []


def test_a_case_round_trips_through_the_record_file(tmp_path: Path) -> None:
    record = _issued()
    for entry in record.entries:
        append_entry(tmp_path, entry)
    for step, text in [(Step.ASK, "why so low?"), (Step.EXPLANATION, "see letter\nof 14 Oct")]:
        entry = low_bid(record, EXAMPLE, "helix", step, text, by="Mei", at=AT)
        record = append_entry(tmp_path, entry)
    read = read_record(tmp_path)
    assert read.entries == record.entries
    assert cases(read)["helix"].status == "explained, not yet decided"
    assert cases(read)["helix"].steps[1].reason == "see letter\nof 14 Oct"


STEPS = st.lists(st.sampled_from(list(Step)), max_size=6)


@given(steps=STEPS)
def test_any_sequence_of_steps_keeps_the_case_rules(steps: list[Step]) -> None:
    """Whatever is tried in whatever order, what the record takes is a case that was asked
    first, decided at most once and last, accepted only after an explanation; the vendor is
    eliminated exactly when the case was rejected."""
    record = _issued()
    for step in steps:
        with contextlib.suppress(CrmselectError):  # refused out of order: not on the record
            record = _step(record, step)
    case = cases(record).get("helix")
    if case is None:
        assert "helix" not in eliminated(record)
        return
    taken = [e.data["step"] for e in case.steps]
    assert taken[0] == "ask"
    decisions = [s for s in taken if s in ("accept", "reject")]
    assert len(decisions) <= 1
    if decisions:
        assert taken[-1] == decisions[0]
    if "accept" in taken:
        assert taken.index("explanation") < taken.index("accept")
    assert ("helix" in eliminated(record)) == (case.status == "rejected")
    assert open_cases(record, ["helix"]) == (
        [] if case.decision is not None else [("helix", case.status)]
    )
