"""The award report: the decision sentence, the scores on one scale of 100, the head-to-head
and value for money computed again here by hand, every section a board reads, a page that
needs nothing beside it, and vendor text shown as text."""

from __future__ import annotations

import re

import attrs
import numpy as np
import pytest

import crmselect
from crmselect.model import Response, Vendor
from crmselect.report.award import (
    Standing,
    award,
    decision,
    head_to_head,
    page_of,
    quality,
    value_for_money,
)
from crmselect.report.page import points
from tests.helpers import FORMULA_NAME, HOSTILE_NAME, minimal_evaluation, renamed

pytestmark = pytest.mark.slow  # the example tender analysed end to end


@pytest.fixture(scope="module")
def html(state: Standing) -> str:
    return page_of(state).html


def test_the_decision_names_the_winner_its_total_and_its_lead(state: Standing) -> None:
    totals = state.result.totals
    lead = 100 * (totals["orbis"] - totals["kestrel"])
    sentence = decision(state)
    assert sentence.startswith("Award the contract to Orbis CRM Cloud (orbis): it scores ")
    assert f"{100 * totals['orbis']:.1f} of 100" in sentence
    assert f"{lead:.1f} points ahead of Kestrel Enterprise CRM (kestrel)" in sentence
    first = state.analysis.smaa.acceptability.loc["orbis", 1]  # type: ignore[union-attr]
    assert f"ranks first in {first:.1%} of 1,000 weight samples" in sentence
    assert state.ranked[:2] == ("orbis", "kestrel")
    assert "tidewater" not in state.ranked


def test_the_page_opens_with_the_decision_and_holds_every_section(
    state: Standing, html: str
) -> None:
    body = html[html.index("<body>") :]
    assert body.index('id="decision"') < body.index('id="scores"')
    for section in (
        "scores",
        "head-to-head",
        "robustness",
        "value-for-money",
        "business-case",
        "basis",
        "funnel",
        "panel",
        "record",
        "provenance",
    ):
        assert f'<section id="{section}"' in html
    for vendor in state.result.evaluation.vendors:
        assert vendor.name in html
    assert state.result.fingerprint in html  # input hash
    assert state.analysis.basis is not None
    assert str(state.analysis.basis.frozen) in html
    assert f"seed {crmselect.analysis.DEFAULT_SEED}" in html
    assert "fails two mandatory requirements" in html  # the funnel's reason
    assert "Kestrel&#39;s e-mail of 2026-10-14" in html  # a clarification, escaped
    assert "Kendall&#39;s W" in html  # the panel's agreement


def test_the_page_needs_nothing_beside_it(html: str) -> None:
    sources = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", html, re.I)
    assert sources
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert not re.search(r"url\(|@import|<link|<script|<iframe", html, re.I)
    assert "http://" not in html.replace('"', " ")
    assert "https://" not in html


def test_every_total_is_points_of_100(state: Standing, html: str) -> None:
    for vendor, total in state.result.totals.items():
        assert f">{points(float(total))}<" in html, vendor
    assert "(0–1)" not in html
    assert "0–1 " not in html


def test_head_to_head_leads_are_weight_times_score_difference(state: Standing) -> None:
    table = head_to_head(state, "orbis", "kestrel")
    result = state.result
    by_name = {row[0]: row for row in table.rows}
    for criterion in result.matrix.columns:
        row = by_name[state.criteria[criterion]]
        w = result.weights[criterion]
        x1, x2 = result.matrix.loc["orbis", criterion], result.matrix.loc["kestrel", criterion]
        assert float(row[1]) == pytest.approx(100 * w, abs=0.051)
        assert float(row[2]) == pytest.approx(100 * x1, abs=0.051)
        assert float(row[4]) == pytest.approx(100 * w * (x1 - x2), abs=0.051)
    total = table.rows[-1]
    assert total[0] == "Total"
    gap = 100 * (result.totals["orbis"] - result.totals["kestrel"])
    assert float(total[4]) == pytest.approx(gap, abs=0.051)
    marked = [row[0] for i, row in enumerate(table.rows) if table.is_marked(i)]
    assert marked
    assert all(float(by_name[name][4]) < 0 for name in marked)


def test_quality_leaves_the_price_criterion_out(state: Standing) -> None:
    result = state.result
    w = result.weights.drop("price")
    x = result.matrix.loc["quillpoint"].drop("price")
    assert quality(result)["quillpoint"] == pytest.approx(100 * float((w * x).sum() / w.sum()))
    assert quality(result)["quillpoint"] != pytest.approx(100 * result.totals["quillpoint"])


def test_value_for_money_marks_the_pareto_front_and_the_budget(state: Standing) -> None:
    found = value_for_money(state)
    assert found is not None
    rows = {row[0]: row for row in found.table.rows}
    q = quality(state.result)
    cost = state.analysis.costs.tco.summary["npv"]  # type: ignore[union-attr]
    running = [v for v in cost.index if v not in state.result.knocked_out]
    for v in running:  # on the front: no other offer at least as good for no more money
        beaten = any(
            q[o] >= q[v] and cost[o] <= cost[v] and (q[o] > q[v] or cost[o] < cost[v])
            for o in running
        )
        assert (rows[state.name(v)][4] == "yes") is not beaten, v
    assert rows[state.name("tidewater")][4] == "out"
    assert all(row[5] == "yes" for row in found.table.rows)  # every offer under 1.6 M
    assert next(row[0] for row in found.table.rows) == state.name("quillpoint")  # cheapest first
    assert found.image.startswith("iVBOR")


def test_a_change_off_the_record_is_a_what_if_everywhere() -> None:
    tender = crmselect.example_tender()
    criteria = list(tender.evaluation.criteria)
    criteria[0] = attrs.evolve(criteria[0], weight=99.0)
    changed = attrs.evolve(
        tender,
        evaluation=attrs.evolve(tender.evaluation, criteria=tuple(criteria), judgements=()),
    )
    page = award(changed, n_samples=300)
    assert page.decision.startswith("WHAT-IF, not the award basis: Award the contract to")
    assert 'class="crm-whatif"' in page.html
    assert "NOT ON THE RECORD" in page.html


def test_vendor_text_is_shown_as_text(state: Standing) -> None:
    tender = renamed(state.tender, {"orbis": FORMULA_NAME, "helix": HOSTILE_NAME})
    page = award(tender, n_samples=300)
    assert "<script" not in page.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; (helix)" in page.html
    assert "=HYPERLINK(&#34;x&#34;) (orbis)" in page.html
    assert page.decision.startswith(f"Award the contract to {FORMULA_NAME} (orbis)")


def test_a_plain_evaluation_without_a_record_or_costs() -> None:
    page = award(minimal_evaluation(), n_samples=300)
    assert page.decision.startswith("Award the contract to")
    assert "not frozen yet" in page.html
    assert 'id="value-for-money"' not in page.html  # no costs, no prices
    assert 'id="business-case"' not in page.html
    assert 'id="panel"' not in page.html  # no demo panel


def test_no_winner_and_a_tie_say_so() -> None:
    failing = [
        Response(v, r, "out_of_box" if r != "R3" else "not_supported")
        for v in ("x", "y")
        for r in ("R1", "R2", "R3", "R4")
    ]
    two = [Vendor("x", "Xylo CRM"), Vendor("y", "Yarrow Sales")]
    none_left = award(minimal_evaluation(vendors=two, responses=failing), n_samples=300)
    assert none_left.decision == (
        "No vendor can be awarded the contract: every vendor was knocked out."
    )
    same = [Response(v, r, "out_of_box") for v in ("x", "y") for r in ("R1", "R2", "R3", "R4")]
    tie = award(minimal_evaluation(vendors=two, responses=same), n_samples=300)
    assert tie.decision.startswith("No award yet: Xylo CRM (x) and Yarrow Sales (y) tie")
    assert "100.0 of 100 points" in tie.decision


def test_the_figures_are_drawn_from_the_analysis(state: Standing, html: str) -> None:
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 3  # rank acceptability, tornado, value for money
    assert len(set(images)) == 3
    assert np.all([len(i) > 1_000 for i in images])
