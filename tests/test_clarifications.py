"""Clarifications: the clarified value counts, the original is kept, a knock-out change is
named, and a clarification that would overwrite a value no one saw is refused."""

from __future__ import annotations

import io

import pandas as pd
import pytest

import crmselect
from crmselect.clarifications import Clarification, apply_clarifications
from crmselect.errors import InputFileError, ValidationError
from crmselect.io.folder.tables import CLARIFICATION_COLUMNS, clarifications_from_frame
from crmselect.model import Evaluation
from tests.helpers import example_before_the_record


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    """The example as returned, before its clarifications."""
    folder = example_before_the_record(tmp_path_factory.mktemp("before") / "larkspur")
    return crmselect.load_tender(folder).evaluation


def _clarify(vendor: str, item: str, original: str, clarified: str, **kw: str) -> Clarification:
    fields = {
        "source": "e-mail of 2026-11-20",
        "recorded_by": "Mei Tanaka",
        "recorded_at": "2026-11-21",
        **kw,
    }
    return Clarification(vendor=vendor, item=item, original=original, clarified=clarified, **fields)


def _answer(evaluation: Evaluation, vendor: str, requirement: str) -> str | None:
    found = [r for r in evaluation.responses if (r.vendor, r.requirement) == (vendor, requirement)]
    return found[0].compliance if found else None


def test_a_refused_answer_clarified_counts_and_keeps_what_the_vendor_wrote(
    written: Evaluation,
) -> None:
    assert _answer(written, "meridian", "ANA-002") is None  # 'Partially': refused on import
    clarification = _clarify("meridian", "ANA-002", "Partially", "configuration")
    changed, (applied,) = apply_clarifications(written, [clarification])
    assert _answer(changed, "meridian", "ANA-002") == "configuration"
    assert (applied.before, applied.after) == (None, "configuration")
    assert applied.clarification.original == "Partially"
    assert str(applied).startswith("meridian ANA-002: None → 'configuration', recorded by Mei")
    assert len(changed.responses) == len(written.responses)  # the refused one, replaced


def test_a_refused_price_clarified_counts(written: Evaluation) -> None:
    assert written.pricing["kestrel"]["price_per_concurrent_user"] is None  # 'EUR 2,900'
    item = "pricing.price_per_concurrent_user"
    changed, (applied,) = apply_clarifications(
        written, [_clarify("kestrel", item, "EUR 2,900", "2900")]
    )
    assert changed.pricing["kestrel"]["price_per_concurrent_user"] == 2900.0
    assert changed.pricing["kestrel"]["day_rate"] == written.pricing["kestrel"]["day_rate"]
    assert (applied.before, applied.after) == (None, 2900.0)
    assert written.pricing["kestrel"]["price_per_concurrent_user"] is None  # not mutated


def test_changing_a_read_value_needs_the_value_read_as_original(written: Evaluation) -> None:
    read = _answer(written, "meridian", "SFA-002")
    assert read == "not_supported"
    with pytest.raises(ValidationError) as caught:
        apply_clarifications(
            written, [_clarify("meridian", "SFA-002", "Fully supported", "roadmap")]
        )
    (problem,) = caught.value.problems
    assert "original 'Fully supported' is not the answer read, 'Not supported'" in problem.what
    changed, _ = apply_clarifications(
        written, [_clarify("meridian", "SFA-002", "Not supported", "roadmap")]
    )
    assert _answer(changed, "meridian", "SFA-002") == "roadmap"


def test_a_clarification_that_changes_a_knock_out_says_so(written: Evaluation) -> None:
    mandatory = next(r for r in written.requirements if r.mandatory)
    vendor, read = next(
        (r.vendor, r.compliance)
        for r in written.responses
        if r.requirement == mandatory.id
        and r.compliance
        and written.scale.level(r.compliance).satisfies_mandatory
    )
    label = written.scale.level(read).label
    _, (applied,) = apply_clarifications(
        written, [_clarify(vendor, mandatory.id, label, "not supported")]
    )
    assert applied.knockout
    assert "(changed a knock-out)" in str(applied)
    _, (same,) = apply_clarifications(written, [_clarify(vendor, mandatory.id, label, label)])
    assert not same.knockout


def test_a_price_must_match_what_was_read(written: Evaluation) -> None:
    with pytest.raises(ValidationError, match=r"original '999' is not the day_rate read, 1050\.0"):
        apply_clarifications(written, [_clarify("kestrel", "pricing.day_rate", "999", "950")])
    changed, _ = apply_clarifications(
        written, [_clarify("kestrel", "pricing.day_rate", "1,050", "950")]
    )
    assert changed.pricing["kestrel"]["day_rate"] == 950.0


@pytest.mark.parametrize(
    ("clarification", "message"),
    [
        (_clarify("nobody", "SFA-001", "", "roadmap"), "unknown vendor 'nobody'"),
        (_clarify("orbis", "XYZ-001", "", "roadmap"), "unknown requirement 'XYZ-001'"),
        (_clarify("meridian", "ANA-002", "Partially", "mostly"), "clarified 'mostly' is not on"),
        (_clarify("meridian", "ANA-002", "Partially", "roadmap", source=" "), "names its source"),
        (_clarify("meridian", "ANA-002", "Partially", "roadmap", recorded_by=""), "who recorded"),
    ],
    ids=["vendor", "requirement", "scale", "source", "who"],
)
def test_a_clarification_that_cannot_apply_is_refused(
    written: Evaluation, clarification: Clarification, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        apply_clarifications(written, [clarification])


def test_every_problem_is_reported_at_once_and_an_item_once(written: Evaluation) -> None:
    twice = _clarify("meridian", "ANA-002", "Partially", "roadmap", origin="c.csv: row 3")
    with pytest.raises(ValidationError) as caught:
        apply_clarifications(
            written,
            [
                _clarify("meridian", "ANA-002", "Partially", "roadmap", origin="c.csv: row 2"),
                twice,
                _clarify("nobody", "SFA-001", "", "roadmap", origin="c.csv: row 4"),
            ],
        )
    assert [(p.where, p.what) for p in caught.value.problems] == [
        ("c.csv: row 3", "meridian ANA-002 is clarified already (c.csv: row 2)"),
        ("c.csv: row 4", "unknown vendor 'nobody'"),
    ]


def _frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_the_table_reads_every_column_and_keeps_free_text_as_written() -> None:
    header = ",".join(CLARIFICATION_COLUMNS)
    row = 'meridian,ANA-002, Partially ,configuration," e-mail, 20 Nov ",Mei,2026-11-21'
    (clarification,) = clarifications_from_frame(_frame(f"{header}\n{row}\n"), "c.csv")
    assert clarification.original == " Partially "
    assert clarification.source == " e-mail, 20 Nov "
    assert clarification.clarified == "configuration"
    assert clarification.origin == "c.csv: row 2"


def test_the_table_refuses_rows_naming_them() -> None:
    header = ",".join(CLARIFICATION_COLUMNS)
    rows = (
        "meridian,ANA-002,Partially,roadmap,,Mei,2026-11-21\n"
        "meridian,ANA-003,x,roadmap,mail,Mei,soon\n"
    )
    with pytest.raises(InputFileError) as caught:
        clarifications_from_frame(_frame(f"{header}\n{rows}"), "c.csv")
    assert [(p.where, p.what) for p in caught.value.problems] == [
        ("c.csv: row 2", "source is empty"),
        ("c.csv: row 3", "recorded_at 'soon' is not a date like 2026-11-20"),
    ]


def test_the_example_keeps_the_findings_its_clarifications_answer_as_resolved() -> None:
    problems = crmselect.example().import_problems
    by_cell = {(p.file, p.cell): p for p in problems}
    price = by_cell[("kestrel.xlsx", "C8")]
    answer = by_cell[("meridian.xlsx", "F49")]
    for finding, row in ((price, 2), (answer, 3)):
        assert finding.severity == "info"
        assert finding.what.endswith(
            f"— clarified ({crmselect.example_path()}/clarifications.csv: row {row})"
        )
    unanswered = by_cell[("quillpoint.xlsx", "F5")]
    assert unanswered.severity == "error"
    assert unanswered.action.endswith("; record the answer in clarifications.csv (SFA-004)")
    assert price.action.endswith("(pricing.price_per_concurrent_user)")
