"""The award basis: what it holds and leaves out, its fingerprint, and the deviations from it
value by value."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import crmselect
from crmselect.basis import JUDGED, SECTIONS, AwardBasis, award_basis, deviations
from crmselect.model import Evaluation, PriceMethod
from crmselect.record import TenderRecord, basis_status, issue


@pytest.fixture(scope="module")
def written() -> Evaluation:
    """The example tender's evaluation as loaded (before derive)."""
    return crmselect.load_tender(crmselect.example_path()).evaluation


def _reweighted(evaluation: Evaluation, leaf: str, weight: float) -> Evaluation:
    def tree(criteria: tuple[crmselect.Criterion, ...]) -> tuple[crmselect.Criterion, ...]:
        return tuple(
            attrs.evolve(c, weight=weight if c.id == leaf else c.weight, children=tree(c.children))
            for c in criteria
        )

    return attrs.evolve(evaluation, criteria=tree(evaluation.criteria))


def test_the_basis_holds_its_sections_and_not_the_bids(written: Evaluation) -> None:
    basis = award_basis(written)
    assert tuple(basis.content) == SECTIONS  # the example asks its referees questions
    unreferenced = award_basis(attrs.evolve(written, references=None))
    assert tuple(unreferenced.content) == SECTIONS[:-1]  # no reference questions: no section
    assert "prices" not in basis.content["price"]
    assert basis.content["price"]["budget"] == written.price.budget  # type: ignore[union-attr]
    no_answers = attrs.evolve(written, responses=(), demo_scores=(), import_problems=())
    assert award_basis(no_answers).fingerprint == basis.fingerprint
    vendor = attrs.evolve(written.vendors[0], name="Another name")
    renamed = attrs.evolve(written, vendors=(vendor, *written.vendors[1:]))
    assert award_basis(renamed).fingerprint == basis.fingerprint


def test_derived_weights_are_not_the_basis_their_judgements_are(written: Evaluation) -> None:
    tender = crmselect.load_tender(crmselect.example_path())
    derived = crmselect.derive(tender).evaluation
    assert [c.weight for c in derived.criteria] != [c.weight for c in written.criteria]
    assert award_basis(derived).fingerprint == award_basis(written).fingerprint
    assert {c["weight"] for c in award_basis(written).content["criteria"]} == {JUDGED}


def test_a_changed_weight_is_one_deviation_at_its_path(written: Evaluation) -> None:
    changed = _reweighted(written, "sfa", 31)
    (only,) = deviations(award_basis(written), award_basis(changed))
    assert only.path == "criteria.functional.children.sfa.weight"
    assert (only.before, only.after) == (30.0, 31.0)
    assert str(only) == "criteria.functional.children.sfa.weight: 30 → 31"


def test_each_kind_of_change_is_named(written: Evaluation) -> None:
    first, *rest = written.requirements
    linked = {r for p in written.processes for r in p.requirements}
    gone = next(r for r in reversed(rest) if r.id not in linked)
    kept = tuple(r for r in rest if r is not gone)
    assert written.price is not None
    changed = attrs.evolve(
        written,
        requirements=(attrs.evolve(first, mandatory=not first.mandatory), *kept),
        price=attrs.evolve(written.price, budget=written.price.budget + 1, prices={}),
        policy=attrs.evolve(written.policy, demo_share=0.25),
        responses=(),
    )
    found = [str(d) for d in deviations(award_basis(written), award_basis(changed))]
    assert found == [
        f"requirements.{first.id}.mandatory: {first.mandatory} → {not first.mandatory}",
        f"requirements.{gone.id}: removed",
        "policy.demo_share: 0.4 → 0.25",
        f"price.budget: {written.price.budget:.0f} → {written.price.budget + 1:.0f}",
    ]


def test_a_price_rule_change_and_an_added_requirement(written: Evaluation) -> None:
    assert written.price is not None
    extra = attrs.evolve(written.requirements[0], id="NEW-001", origin="")
    changed = attrs.evolve(
        written,
        requirements=(*written.requirements, extra),
        price=attrs.evolve(
            written.price,
            method=PriceMethod.LOWEST_RATIO,
            budget=None,
            floor=0.0,
            ceiling=None,
            prices={},
        ),
        responses=(),
    )
    found = [str(d) for d in deviations(award_basis(written), award_basis(changed))]
    assert "requirements.NEW-001: added" in found
    assert "price.method: 'budget' → 'lowest_ratio'" in found


def test_reordering_criteria_is_no_deviation_but_changes_nothing_else(written: Evaluation) -> None:
    reordered = attrs.evolve(written, criteria=written.criteria[::-1])
    assert deviations(award_basis(written), award_basis(reordered)) == ()


def test_no_deviation_between_a_basis_and_itself(written: Evaluation) -> None:
    basis = award_basis(written)
    assert deviations(basis, AwardBasis(dict(basis.content))) == ()


@given(st.floats(min_value=0.5, max_value=200, allow_nan=False).map(lambda w: round(w, 3)))
def test_deviations_are_empty_exactly_when_the_fingerprints_agree(weight: float) -> None:
    before = AwardBasis({"criteria": [{"id": "a", "weight": 30.0, "children": []}]})
    after = AwardBasis({"criteria": [{"id": "a", "weight": weight, "children": []}]})
    found = deviations(before, after)
    assert (found == ()) == (before.fingerprint == after.fingerprint)
    assert (found == ()) == (weight == 30.0)


def _with_references(evaluation: Evaluation, **changes: Any) -> Evaluation:
    """``evaluation`` with one reference question on ``sfa`` and one call; ``changes`` are
    applied to the :class:`~crmselect.References`."""
    refs = crmselect.References(
        questions=[crmselect.ReferenceQuestion("sfa", "Does the pipeline work for you?")],
        calls=[
            crmselect.ReferenceCall(
                "c1", "orbis", "Head of Sales", "manufacturer", "Hushwood Mills", "Zelda Q."
            )
        ],
        share=0.2,
    )
    return attrs.evolve(evaluation, references=attrs.evolve(refs, **changes))


def test_reference_questions_and_shares_are_basis_and_the_calls_are_not(
    written: Evaluation,
) -> None:
    written = attrs.evolve(written, references=None)
    assert "references" not in award_basis(written).content  # none: fingerprint unchanged
    with_refs = _with_references(written)
    basis = award_basis(with_refs)
    assert basis.content["references"]["share"] == 0.2
    assert [q["criterion"] for q in basis.content["references"]["questions"]] == ["sfa"]
    assert "calls" not in basis.content["references"]
    assert "Zelda" not in repr(basis.content)
    assert "Hushwood" not in repr(basis.content)
    score = crmselect.ReferenceScore("c1", "sfa", 4.0)
    more = _with_references(written, scores=(score,))  # a score given: not the basis
    assert award_basis(more).fingerprint == basis.fingerprint
    assert [str(d) for d in deviations(award_basis(written), basis)] == ["references: added"]


def test_a_changed_reference_share_or_question_is_a_deviation_at_its_path(
    written: Evaluation,
) -> None:
    basis = award_basis(_with_references(written))
    shares = award_basis(_with_references(written, share=0.3, shares={"sfa": 0.25}))
    assert [str(d) for d in deviations(basis, shares)] == [
        "references.share: 0.2 → 0.3",
        "references.shares.sfa: (none) → 0.25",
    ]
    asked = crmselect.ReferenceQuestion("sfa", "Did the pipeline go live on time?")
    (reworded,) = deviations(basis, award_basis(_with_references(written, questions=[asked])))
    assert reworded.path == "references.questions.sfa.text"
    scale = crmselect.DemoScale(1, 5)
    (rescaled,) = deviations(basis, award_basis(_with_references(written, scale=scale)))
    assert str(rescaled) == "references.scale.minimum: 0 → 1"


def test_a_reference_change_after_issue_is_an_unrecorded_deviation(written: Evaluation) -> None:
    at = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
    issued = _with_references(written)
    record = TenderRecord((issue(TenderRecord(), issued, by="Mei", at=at),))
    assert basis_status(record, issued).holds
    status = basis_status(record, _with_references(written, share=0.5))
    assert [str(d) for d in status.unrecorded] == ["references.share: 0.2 → 0.5"]
    assert not status.holds
