"""Debriefs: one per unsuccessful vendor, its scores against the winner's, its rank, the
winner's price and its reasons — and no other unsuccessful vendor's name, score or price in
any file written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import crmselect
from crmselect.cost.tco import money
from crmselect.errors import ValidationError
from crmselect.model import Response, Vendor
from crmselect.report.award import Standing
from crmselect.report.debrief import Debriefs, debrief, debriefs, reasons
from crmselect.report.page import points
from tests.helpers import debrief_secrets, leaks, minimal_evaluation

pytestmark = pytest.mark.slow  # the example tender analysed end to end


@pytest.fixture(scope="module")
def letters(state: Standing) -> Debriefs:
    return debriefs(state.tender, analysis=state.analysis)


def test_every_vendor_but_the_winner_gets_one(state: Standing, letters: Debriefs) -> None:
    assert letters.vendors == ("kestrel", "meridian", "quillpoint", "helix", "tidewater")
    assert len(letters) == 5
    assert state.winner == "orbis"
    assert next(p.title for p in letters).startswith("Debrief for Kestrel Enterprise CRM")
    assert list(letters.to_frame().index) == list(letters.vendors)
    with pytest.raises(KeyError):
        letters["orbis"]


def test_no_debrief_names_another_unsuccessful_vendor(
    state: Standing, letters: Debriefs, tmp_path: Path
) -> None:
    written = letters.save(tmp_path / "debriefs")
    assert [p.name for p in written] == [f"{v}.html" for v in letters.vendors]
    for path in written:
        vendor = path.stem
        text = path.read_text(encoding="utf-8")
        assert leaks(text, debrief_secrets(state, vendor)) == [], vendor
        assert state.names[vendor] in text
        assert "Orbis CRM Cloud" in text


def test_the_leak_search_finds_what_it_looks_for(state: Standing, letters: Debriefs) -> None:
    """The search of the test above is not blind: the award report, which lists everyone,
    holds every item it looks for."""
    report = crmselect.report.award(state.tender, analysis=state.analysis).html
    forbidden = debrief_secrets(state, "kestrel")
    assert leaks(report, forbidden) == forbidden
    assert leaks(letters["kestrel"].html, [points(float(state.result.totals["kestrel"]))])


def test_a_debrief_holds_its_scores_the_winners_and_the_winners_price(
    state: Standing, letters: Debriefs
) -> None:
    html = letters["meridian"].html
    result = state.result
    for criterion in result.matrix.columns:
        own = points(float(result.matrix.loc["meridian", criterion]))
        theirs = points(float(result.matrix.loc["orbis", criterion]))
        name = re.escape(state.criteria[criterion])
        row = rf"<td>{name}</td><td[^>]*>[\d.]+</td><td[^>]*>{own}</td><td[^>]*>{theirs}</td>"
        assert re.search(row, html), criterion
    price = state.price("orbis")
    assert price is not None
    assert f"The winner&#39;s final price</dt><dd>EUR {money(price[1])}" in html
    assert letters["meridian"].decision == (
        "The contract is to be awarded to Orbis CRM Cloud (orbis); Meridian Business Apps "
        f"(meridian) ranks 3 of 5 with {points(float(result.totals['meridian']))} of 100 "
        f"points against the winner's {points(float(result.totals['orbis']))}."
    )


def test_the_reasons_name_the_knock_outs_the_elimination_and_the_biggest_gaps(
    state: Standing,
) -> None:
    out = reasons(state, "tidewater", "orbis")
    assert "Knocked out: CMP-002: mandatory requirement answered 'Not supported'" in out
    assert any(
        line.startswith("Left the tender at shortlist on 2026-10-20: fails two") for line in out
    )
    assert not any("Your total" in line for line in out)  # not ranked
    ranked = reasons(state, "kestrel", "orbis")
    gap = state.result.contributions.loc["orbis"] - state.result.contributions.loc["kestrel"]
    first = state.criteria[str(gap.idxmax())]
    assert ranked[-1].startswith(
        f"Your total is {100 * (state.result.totals['orbis'] - state.result.totals['kestrel']):.1f}"
        f" points below the winner's; the winner gained most on {first}"
    )


def test_the_winner_gets_none_and_a_tie_gives_none(state: Standing) -> None:
    with pytest.raises(ValidationError, match="the winner"):
        debrief(state, "orbis")
    two = [Vendor("x", "Xylo CRM"), Vendor("y", "Yarrow Sales")]
    same = [Response(v, r, "out_of_box") for v in ("x", "y") for r in ("R1", "R2", "R3", "R4")]
    with pytest.raises(ValidationError, match="a tie for first place"):
        debriefs(minimal_evaluation(vendors=two, responses=same), n_samples=300)
