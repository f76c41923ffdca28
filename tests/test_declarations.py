"""Evaluator independence: declarations of interest on the record, the refusal to issue a
form to someone who has not declared, and the rule that an extreme score needs its reason
(issue 18 item 2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import crmselect
from crmselect.declarations import (
    declarations,
    declare,
    justification_findings,
    needs_justification,
    require_declarations,
    undeclared,
)
from crmselect.errors import CrmselectError
from crmselect.io.folder.record import append_entry, read_record
from crmselect.model import DemoScore, Evaluation
from crmselect.model.policy import JustifyScores
from crmselect.record import Event, Stage, TenderRecord, stage_of
from crmselect.scales import DemoScale

AT = dt.datetime(2026, 10, 27, 9, 0, tzinfo=dt.UTC)


EXAMPLE = crmselect.example()
"""The example evaluation (module-wide: hypothesis tests take no function fixtures)."""


@pytest.fixture
def example() -> Evaluation:
    return EXAMPLE


def _record(*entries: object) -> TenderRecord:
    return TenderRecord(entries)


def test_a_declaration_of_none_and_one_of_a_conflict_with_its_measure() -> None:
    none = declare("sales", conflict=None, by="Mei", at=AT)
    conflict = declare(
        "it", conflict="former Helix employee", measure="does not score Helix", by="Mei", at=AT
    )
    found = declarations(_record(none, conflict))
    assert list(found) == ["sales", "it"]
    assert str(found["sales"]) == "no conflict of interest; confidentiality undertaken"
    assert found["it"].conflict == "former Helix employee"
    assert found["it"].measure == "does not score Helix"
    assert found["it"].entry.by == "Mei"
    assert found["it"].entry.event is Event.DECLARE
    assert "measure: does not score Helix" in str(found["it"])


@pytest.mark.parametrize(
    ("member", "conflict", "measure", "message"),
    [
        (" ", None, "", "needs the id of the member"),
        ("it", "former employee", " ", "needs the measure taken"),
        ("it", " ", "recuses", "needs its description"),
        ("it", None, "recuses", "a measure belongs to a conflict"),
    ],
)
def test_an_incomplete_declaration_is_refused(
    member: str, conflict: str | None, measure: str, message: str
) -> None:
    with pytest.raises(CrmselectError, match=message):
        declare(member, conflict=conflict, measure=measure, by="Mei", at=AT)


def test_the_latest_declaration_is_in_force_and_both_stay_on_the_record() -> None:
    first = declare("it", conflict=None, by="Mei", at=AT)
    later = declare("it", conflict="shares in Helix", measure="sold", by="Ben", at=AT)
    record = _record(first, later)
    assert declarations(record)["it"].conflict == "shares in Helix"
    assert len(record.of(Event.DECLARE)) == 2


def test_declarations_do_not_move_the_stage() -> None:
    assert stage_of(_record(declare("it", conflict=None, by="Mei", at=AT))) is Stage.DESIGN


def test_the_refusal_names_who_and_how(example: Evaluation) -> None:
    panel = [e.id for e in example.evaluators]
    record = _record(declare("sales", conflict=None, by="Mei", at=AT))
    assert undeclared(record, panel) == ["marketing", "service", "it", "finance"]
    with pytest.raises(CrmselectError) as caught:
        require_declarations(record, panel, "a scoring sheet")
    message = str(caught.value)
    assert "marketing, service, it, finance" in message
    assert "a scoring sheet is issued only to members who have declared" in message
    assert "crmselect declare DIR --member ID --none --by NAME" in message


def test_no_record_or_an_empty_one_is_not_checked(example: Evaluation) -> None:
    panel = [e.id for e in example.evaluators]
    require_declarations(None, panel, "a scoring sheet")
    require_declarations(TenderRecord(), panel, "a scoring sheet")


def test_declarations_round_trip_through_the_record_file(tmp_path: Path) -> None:
    entry = declare("it", conflict="ex-Helix\nemployee", measure="recuses", by="Mei", at=AT)
    append_entry(tmp_path, declare("sales", conflict=None, by="Mei", at=AT))
    append_entry(tmp_path, entry)
    record = read_record(tmp_path)
    assert record.entries[1] == entry
    assert declarations(record)["it"].conflict == "ex-Helix\nemployee"


# -- extreme scores -------------------------------------------------------------------------


def test_the_default_extremes_are_zero_to_one_and_five(example: Evaluation) -> None:
    assert [needs_justification(s, example) for s in (0, 0.5, 1, 1.5, 4.5, 5)] == [
        True,
        True,
        True,
        False,
        False,
        True,
    ]


def test_the_policy_sets_the_extremes(example: Evaluation) -> None:
    policy = attrs.evolve(example.policy, justify_scores=JustifyScores(at_most=0, at_least=4.5))
    strict = attrs.evolve(example, policy=policy)
    assert [needs_justification(s, strict) for s in (0, 0.5, 1, 4.5, 5)] == [
        True,
        False,
        False,
        True,
        True,
    ]


@given(
    low=st.floats(-100, 100, allow_nan=False),
    width=st.floats(0.5, 100, allow_nan=False),
    at=st.floats(0, 1),
)
def test_the_default_bounds_are_the_bottom_fifth_and_the_top(
    low: float, width: float, at: float
) -> None:
    lowest, highest = JustifyScores().bounds(low, low + width)
    assert lowest == pytest.approx(low + width / 5)
    assert highest == low + width
    score = low + at * width
    scale = DemoScale(low, low + width)
    evaluation = attrs.evolve(EXAMPLE, demo_scale=scale, demo_scores=())
    assert needs_justification(score, evaluation) == (score <= lowest or score >= highest)


def test_a_csv_score_without_its_reason_is_a_finding_at_its_row(example: Evaluation) -> None:
    scores = [
        DemoScore("it", "helix", "D1", "sfa", 5, "", origin="demo_scores.csv: row 7"),
        DemoScore("it", "helix", "D1", "sfa", 5, "shown end to end", origin="x.csv: row 8"),
        DemoScore("it", "helix", "D1", "sfa", 3, "", origin="x.csv: row 9"),
        DemoScore("it", "helix", "D1", "sfa", None, "", origin="x.csv: row 10"),
    ]
    (finding,) = justification_findings(scores, example.demo_scale, example.policy)
    assert (finding.file, finding.cell, finding.severity) == ("demo_scores.csv", "row 7", "warning")
    assert "the score is used" in finding.what
    assert finding.requirement == "it: helix/D1/sfa"


def test_the_example_finds_its_one_missing_justification_on_loading() -> None:
    evaluation = crmselect.load_tender(crmselect.example_path()).evaluation
    found = [p for p in evaluation.import_problems if "extreme" in p.what]
    assert len(found) == 1
    (finding,) = found
    assert finding.file.endswith("demo_scores.csv")
    assert finding.requirement == "it: quillpoint/D1/sfa"
    row = int(finding.cell.removeprefix("row "))
    lines = (crmselect.example_path() / "demo_scores.csv").read_text("utf-8").splitlines()
    assert lines[row - 1].startswith("it,quillpoint,D1,sfa,5,")
    # the score is used all the same
    (used,) = [
        d
        for d in evaluation.demo_scores
        if (d.evaluator, d.vendor, d.script, d.criterion) == ("it", "quillpoint", "D1", "sfa")
    ]
    assert used.score == 5
