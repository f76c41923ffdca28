"""The price section of the text report names the vendors whose bid sits at a price limit,
whose score hinges on the limit."""

from __future__ import annotations

import attrs

import crmselect
from crmselect.report import price_report


def test_a_bid_at_the_budget_is_named_under_the_price_table() -> None:
    evaluation = crmselect.derive(crmselect.example_tender()).evaluation
    rule = evaluation.price
    assert rule is not None
    vendor, price = max(rule.prices.items(), key=lambda item: item[1])
    at_budget = attrs.evolve(evaluation, price=attrs.evolve(rule, budget=price))
    text = price_report(crmselect.score(at_budget))
    assert text.splitlines()[-1] == (
        f"At a price limit (the score hinges on the limit, within 1e-12 of it): {vendor}"
    )
    assert "At a price limit" not in price_report(crmselect.score(evaluation))
