"""The award basis: what it holds and leaves out, its fingerprint, and the deviations from it
value by value."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import crmselect
from crmselect.basis import JUDGED, SECTIONS, AwardBasis, award_basis, deviations
from crmselect.model import Evaluation, PriceMethod


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
    assert tuple(basis.content) == SECTIONS
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
