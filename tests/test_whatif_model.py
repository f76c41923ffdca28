"""The cockpit's model: a moved weight or score gives the ranks and the acceptability that
scoring and SMAA compute for those inputs from scratch, the siblings renormalise as the
module docstring says, and the interval's ends are where the winner changes (issue 20
items 1 and 2)."""

from __future__ import annotations

import datetime as dt
import math

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmselect
from crmselect.errors import CrmselectError, ValidationError
from crmselect.record import Event, eliminated, stage_of
from crmselect.robustness import DirichletWeights, smaa, stability_intervals
from crmselect.weights import set_local_weights
from crmselect.whatif_model import (
    WhatIf,
    parse_weights,
    what_if,
    what_if_header,
    winners_without_each,
    without_evaluator,
)

AT = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def tender() -> crmselect.Tender:
    return crmselect.derive(crmselect.example_tender())


@pytest.fixture(scope="module")
def model(tender: crmselect.Tender) -> WhatIf:
    return what_if(tender, n_samples=2_000)


def _rescored(tender: crmselect.Tender, top: dict[str, float]) -> crmselect.ScoreResult:
    """Score the tender from scratch with the top-level weights ``top`` (set_local_weights,
    not the model's arithmetic), its eliminated vendors out."""
    criteria = set_local_weights(tender.evaluation.criteria, None, top)
    gone = {v: e.reason for v, e in eliminated(tender.record).items()}
    return crmselect.score(attrs.evolve(tender.evaluation, criteria=criteria), eliminated=gone)


def test_a_moved_slider_gives_the_ranks_and_acceptability_of_scoring_from_scratch(
    tender: crmselect.Tender, model: WhatIf
) -> None:
    moved = model.set_weight("commercial", 0.40)
    top = {c.id: moved.local[c.id] for c in tender.evaluation.criteria}
    assert math.isclose(sum(top.values()), 1.0)
    assert math.isclose(top["commercial"], 0.40)
    fresh = _rescored(tender, top)
    assert np.allclose(moved.totals.to_numpy(), fresh.totals.to_numpy(), atol=1e-12)
    assert moved.ranking.equals(fresh.ranking)
    assert moved.winners == fresh.winners == ("kestrel",)  # the winner changes at 40 %
    expected = smaa(
        fresh,
        DirichletWeights(fresh.weights, concentration=100.0),
        n_samples=2_000,
        seed=model.seed,
    )
    got = moved.acceptability
    assert got is not None
    assert np.allclose(got.acceptability.to_numpy(), expected.acceptability.to_numpy(), atol=1e-12)
    # and the evaluation the model gives scores the same
    assert np.allclose(
        crmselect.score(moved.evaluation).totals.to_numpy(), fresh.totals.to_numpy(), atol=1e-12
    )


def test_siblings_share_the_rest_in_proportion_and_locks_hold(model: WhatIf) -> None:
    locked = model.lock("functional")
    moved = locked.set_weight("commercial", 0.30)
    top = model.groups[None]
    assert math.isclose(sum(moved.local[c] for c in top), 1.0)
    assert moved.local["functional"] == model.local["functional"]
    free = [c for c in top if c not in ("functional", "commercial")]
    ratios = [moved.local[c] / model.local[c] for c in free]
    assert np.allclose(ratios, ratios[0])
    # a weight cannot take more than the locks leave
    greedy = locked.set_weight("commercial", 0.99)
    assert math.isclose(greedy.local["commercial"], 1 - model.local["functional"])
    assert all(greedy.local[c] == 0 for c in free)
    # leaves move within their group only
    leaf = model.set_weight("price", 0.8)
    assert math.isclose(sum(leaf.local[c] for c in model.groups["commercial"]), 1.0)
    assert [leaf.local[c] for c in top] == [model.local[c] for c in top]


@settings(max_examples=40, deadline=None)
@given(
    node=st.sampled_from(["functional", "commercial", "vendor", "price", "sfa"]),
    value=st.floats(0, 1),
    lock=st.sampled_from([None, "integration_data", "licensing", "service"]),
)
def test_every_group_sums_to_one_after_any_move(
    node: str, value: float, lock: str | None, model: WhatIf
) -> None:
    state = model.lock(lock) if lock else model
    moved = state.set_weight(node, value)
    for children in moved.groups.values():
        assert math.isclose(sum(moved.local[c] for c in children), 1.0, abs_tol=1e-12)
    assert math.isclose(float(moved.weights.sum()), 1.0, abs_tol=1e-12)
    if lock:
        assert moved.local[lock] == model.local[lock]


def test_the_interval_of_a_top_weight_is_the_stability_interval_of_its_group(
    model: WhatIf,
) -> None:
    """An independent computation: the top-level groups as criteria of their own (each
    vendor's score on a group = its leaves' weighted mean), through stability_intervals."""
    running = model.running
    leaves = {c: [c] if c in model.leaves else [] for c in model.groups[None]}
    for top in leaves:
        leaves[top] = [leaf for leaf in model.leaves if _top_of(model, leaf) == top]
    w = model.weights
    P = model.basis.matrix.loc[running]
    grouped = pd.DataFrame(
        {t: (P[ls] * w[ls]).sum(axis=1) / w[ls].sum() for t, ls in leaves.items()}
    )
    weights = pd.Series({t: float(w[ls].sum()) for t, ls in leaves.items()})
    expected = stability_intervals(grouped, weights)
    for top in leaves:
        got = model.interval(top)
        assert got is not None
        row = expected.loc[top].to_dict()
        assert math.isclose(got.lower, row["lower"], abs_tol=1e-9)
        assert math.isclose(got.upper, row["upper"], abs_tol=1e-9)
        assert got.lower_by == row["lower_by"]
        assert got.upper_by == row["upper_by"]


def _top_of(model: WhatIf, node: str) -> str:
    while model.parent[node] is not None:
        node = str(model.parent[node])
    return node


def test_the_winner_changes_just_past_a_flip_point_and_not_before(model: WhatIf) -> None:
    for node in ("commercial", "price", "functional", "sfa"):
        interval = model.interval(node)
        assert interval is not None
        for at, by in interval.flips:
            side = 1 if at > interval.weight else -1
            before = model.set_weight(node, at - side * 1e-6)
            after = model.set_weight(node, at + side * 1e-6)
            assert before.winners == model.winners
            assert after.winners == (by,)
    commercial = model.interval("commercial")
    assert commercial is not None
    assert commercial.upper_by == "kestrel"
    assert "kestrel draws level" in str(commercial)


def test_a_score_override_moves_only_that_vendors_total(model: WhatIf) -> None:
    was = model.basis.matrix["price"].to_dict()["orbis"]
    changed = model.override("orbis", "price", 0.0)
    delta = changed.totals - model.totals
    assert math.isclose(float(delta["orbis"]), -was * float(model.weights["price"]))
    assert (delta.drop("orbis").abs() < 1e-15).all()
    assert changed.changes == (f"score of orbis on price: {was:.3f} → 0.000",)
    assert changed.override("orbis", "price", None).is_basis
    with pytest.raises(ValidationError, match="not a score in"):
        model.override("orbis", "price", 1.5)
    with pytest.raises(ValidationError, match="name a vendor"):
        model.override("nobody", "price", 0.5)


def test_reset_is_the_award_basis(model: WhatIf) -> None:
    moved = model.set_weight("commercial", 0.5).override("helix", "sfa", 1.0).lock("vendor")
    assert not moved.is_basis
    assert len(moved.changes) == 7
    back = moved.reset()
    assert back.is_basis
    assert back.locked == frozenset()
    assert back.overrides == {}
    assert np.allclose(back.weights.to_numpy(), model.basis.weights.to_numpy(), atol=1e-15)
    assert "the award basis" in back.ranks_html(acceptability=False)
    assert "WHAT-IF, not the award basis" in moved.ranks_html(acceptability=False)


def test_a_saved_scenario_is_a_what_if_entry_never_the_basis(model: WhatIf) -> None:
    moved = model.set_weight("commercial", 0.45).override("orbis", "price", 0.5)
    entry = moved.scenario("price-heavy", by="Mei Tanaka", reason="CFO asked", at=AT)
    assert entry.event is Event.WHAT_IF
    assert entry.by == "Mei Tanaka"
    assert entry.reason == "CFO asked"
    assert entry.data["award_basis"] is False
    assert entry.data["name"] == "price-heavy"
    assert entry.data["winner"] == ", ".join(moved.winners)
    assert entry.data["weights"]["commercial"] == "0.45"
    assert entry.data["overrides"] == [{"vendor": "orbis", "criterion": "price", "score": "0.5"}]
    assert entry.data["basis"]
    assert len(entry.data["changes"]) == 7
    assert model.record is not None
    record = attrs.evolve(model.record, entries=(*model.record.entries, entry))
    assert stage_of(record) == stage_of(model.record)  # a what-if moves no stage
    with pytest.raises(CrmselectError, match="name and the reason"):
        moved.scenario("x", by="Mei Tanaka", reason=" ", at=AT)
    with pytest.raises(CrmselectError, match="this is the award basis"):
        model.scenario("x", by="Mei Tanaka", reason="why", at=AT)


def test_cli_weights_parse_as_percent_or_fraction_and_rescale_the_others(model: WhatIf) -> None:
    assert parse_weights(["commercial=30", "functional=0.4", "price=1%"]) == {
        "commercial": 0.3,
        "functional": 0.4,
        "price": 0.01,
    }
    with pytest.raises(ValidationError) as caught:
        parse_weights(["commercial", "x=abc", "y=150"])
    assert len(caught.value.problems) == 3
    moved = model.set_weights({"commercial": 0.3, "functional": 0.4})
    assert math.isclose(moved.local["commercial"], 0.3)
    assert math.isclose(moved.local["functional"], 0.4)
    rest = [c for c in model.groups[None] if c not in ("commercial", "functional")]
    assert math.isclose(sum(moved.local[c] for c in rest), 0.3)
    ratios = [moved.local[c] / model.local[c] for c in rest]
    assert np.allclose(ratios, ratios[0])
    with pytest.raises(ValidationError, match=r"add up to 110\.0%"):
        model.set_weights({"commercial": 0.6, "functional": 0.5})
    with pytest.raises(ValidationError, match="not a criterion"):
        model.set_weights({"comercial": 0.3})
    header = what_if_header(moved.changes)
    assert header.startswith("WHAT-IF — NOT THE AWARD BASIS")
    assert "commercial" in header


def test_leave_one_out_winners_are_those_of_scoring_without_the_evaluator(
    tender: crmselect.Tender,
) -> None:
    for method in ("mean", "median", "trimmed"):
        how = attrs.evolve(tender.evaluation.policy.demo_aggregation, method=method)
        evaluation = attrs.evolve(
            tender.evaluation,
            policy=attrs.evolve(tender.evaluation.policy, demo_aggregation=how),
        )
        gone = {v: e.reason for v, e in eliminated(tender.record).items()}
        result = crmselect.score(evaluation, eliminated=gone)
        table = winners_without_each(result)
        assert list(table.index) == [e.id for e in evaluation.evaluators]
        for evaluator, row in table.iterrows():
            fresh = crmselect.score(without_evaluator(evaluation, str(evaluator)), eliminated=gone)
            assert row["winner"] == ", ".join(fresh.winners)
            assert math.isclose(row["total"], float(fresh.totals[fresh.winners[0]]), abs_tol=1e-9)
    with pytest.raises(CrmselectError, match="no evaluator 'nobody'"):
        without_evaluator(tender.evaluation, "nobody")


def test_a_plain_evaluation_and_a_score_start_a_model_without_a_record() -> None:
    result = crmselect.score(crmselect.example())
    for source in (crmselect.example(), result):
        model = what_if(source, n_samples=500)
        assert model.record is None
        assert model.is_basis
        assert model.winners == result.winners
    silent = attrs.evolve(crmselect.example(), demo_scores=())
    assert winners_without_each(crmselect.score(silent)).empty
