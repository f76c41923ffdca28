"""A vendor the committee eliminated is out like a knocked-out one: it keeps its scores,
cannot win, and its price moves no one else's price score."""

from __future__ import annotations

import attrs

import crmselect
from crmselect.model import PriceMethod
from crmselect.scoring import score


def test_an_eliminated_vendor_keeps_its_scores_but_cannot_win() -> None:
    evaluation = crmselect.derive(crmselect.example_tender()).evaluation
    plain = score(evaluation)
    winner = plain.winners[0]
    result = score(evaluation, eliminated={winner: "eliminated at shortlist: no UK hosting"})
    assert winner not in result.winners
    assert result.knocked_out[winner][-1] == "eliminated at shortlist: no UK hosting"
    assert (
        result.matrix.loc[winner]
        .drop(evaluation.price.criterion)
        .equals(  # type: ignore[union-attr]
            plain.matrix.loc[winner].drop(evaluation.price.criterion)  # type: ignore[union-attr]
        )
    )
    assert score(evaluation, eliminated={"nobody": "x"}).knocked_out == plain.knocked_out


def test_an_eliminated_vendors_price_moves_no_other_price_score() -> None:
    evaluation = crmselect.derive(crmselect.example_tender()).evaluation
    rule = evaluation.price
    assert rule is not None
    ratio = attrs.evolve(rule, method=PriceMethod.LOWEST_RATIO, budget=None, floor=0.0)
    evaluation = attrs.evolve(evaluation, price=ratio)
    eligible = [v for v in evaluation.vendor_ids if v not in score(evaluation).knocked_out]
    cheapest = min(eligible, key=lambda v: ratio.prices[v])
    result = score(evaluation, eliminated={cheapest: "eliminated"})
    column = result.matrix[rule.criterion]
    others = [v for v in eligible if v != cheapest]
    best = min(others, key=lambda v: ratio.prices[v])
    assert column[best] == 1.0
    for vendor in others:
        assert abs(column[vendor] - ratio.prices[best] / ratio.prices[vendor]) < 1e-12
