"""The award report and the debriefs respect the sealed price envelope and the best and
final offers (issue 19, issue 18 items 1 and 4): while sealed, the quality envelope only,
under a banner, with no bid anywhere in the page (searched as tests/test_envelope.py
searches files) and no debrief; once opened, which envelope each number came from, the
frozen quality scores, a moved one flagged and the vendors the quality threshold
eliminated; after a BAFO round, earlier → final per vendor and the winner's final price;
the what-if scenarios on the record, never the award basis."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

from crmselect.bafo import price_changes
from crmselect.cli import main
from crmselect.envelope import quality_scores
from crmselect.errors import CrmselectError
from crmselect.io.folder.tender import load_tender
from crmselect.record import Entry, Event
from crmselect.report import browser
from crmselect.report.award import SEALED_BANNER, Standing, award
from crmselect.report.debrief import debriefs
from crmselect.report.text import record_report, record_tables
from crmselect.tender import derive
from tests.test_envelope import ALL_SCORED, BIDS, bid_sightings, sealed_folder, spellings

AT = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def _issued(tmp_path: Path, extra: str = "") -> Path:
    """The sealed minimal tender of tests/test_envelope.py, issued, every member declared."""
    tender = sealed_folder(tmp_path, extra)
    assert main(["issue", str(tender), "--by", "Mei"]) == 0
    for member in ("e1", "e2"):
        assert main(["declare", str(tender), "--member", member, "--none", "--by", "Mei"]) == 0
    return tender


def _open(tender: Path) -> None:
    assert main(["open-prices", str(tender), "--reason", "quality final", "--by", "Mei"]) == 0


def test_the_sealed_award_report_shows_no_bid_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = _issued(tmp_path)
    page = award(load_tender(tender), n_samples=200)
    assert SEALED_BANNER in page.html
    assert "Price envelope: SEALED" in page.html
    assert page.decision.startswith("No award while the price envelope is sealed: on quality")
    assert "WHAT-IF" not in page.html  # the basis is the whole evaluation's, not a what-if
    assert "criterion &#39;p&#39; is in the sealed price envelope" in page.html
    html = page.save(tmp_path / "award.html")
    assert bid_sightings([html], BIDS) == []
    assert main(["report", str(tender), "--samples", "200", "--out", str(tmp_path / "r.html")]) == 0
    assert bid_sightings([tmp_path / "r.html"], BIDS) == []
    if browser.chromium() is not None:
        import pypdf

        pdf = page.save_pdf(tmp_path / "award.pdf")
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
        assert "price envelope sealed: quality only" in " ".join(text.split())
        found = [s for amount in BIDS.values() for s in spellings(amount) if s in text]
        assert found == []
    _open(tender)
    opened = award(load_tender(tender), n_samples=200)
    assert SEALED_BANNER not in opened.html
    assert opened.decision.startswith("Award the contract to")
    seen = bid_sightings([opened.save(tmp_path / "opened.html")], {"x": BIDS["x"]})
    assert seen  # the search finds the bid once the envelope is open


def test_debriefs_are_refused_while_sealed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = _issued(tmp_path)
    with pytest.raises(CrmselectError, match="no debriefs while the price envelope is sealed"):
        debriefs(load_tender(tender), n_samples=200)
    out = tmp_path / "letters"
    assert main(["debriefs", str(tender), "--samples", "200", "--out", str(out)]) == 2
    assert "no debriefs while the price envelope is sealed" in capsys.readouterr().err
    assert not out.exists()


def test_after_opening_the_report_shows_the_envelopes_and_the_threshold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tender = _issued(tmp_path, "quality_threshold: 71\n")
    quality = quality_scores(load_tender(tender))
    _open(tender)
    html = award(load_tender(tender), n_samples=200).html
    assert "quality envelope: every criterion but the price criterion" in html
    for vendor in ("x", "y"):
        assert f"{vendor}: quality {quality[vendor]:.1f} of 100 (frozen)" in html
    below = html[html.index("Eliminated by the quality threshold") :]
    row = f'<td>Yarrow Sales (y)</td><td class="num">{quality["y"]:.1f}</td><td class="num">71'
    assert row in below
    assert "(x)</td>" not in below[: below.index("</table>")]
    assert "QUALITY SCORES CHANGED" not in html
    letter = debriefs(load_tender(tender), n_samples=200)["y"].html
    assert (
        f"Below the minimum quality: your quality score {quality['y']:.1f} of 100 is under "
        "the minimum quality 71"
    ) in letter
    assert "Your price" not in letter  # its price envelope was never opened
    scores = tender / "demo_scores.csv"
    scores.write_text(ALL_SCORED.replace("e1,x,D,b,4,", "e1,x,D,b,1,"), encoding="utf-8")
    moved = award(load_tender(tender), n_samples=200).html
    assert '<p class="crm-warning">QUALITY SCORES CHANGED SINCE THE PRICE ENVELOPE' in moved


def test_the_report_and_a_debrief_show_the_final_offers(state: Standing) -> None:
    """The example's record holds a BAFO round (round 2, orbis and kestrel invited)."""
    tender = state.tender
    final = derive(tender).evaluation.price
    assert final is not None
    assert tender.rebid
    html = award(tender, analysis=state.analysis).html
    assert "Best and final offers, round 2: issued" in html
    assert "use the final prices" in html
    changes = price_changes(tender)
    assert list(changes.index) == list(tender.rebid)
    for vendor, row in changes.iterrows():
        assert f"<p>{vendor}: {row['earlier']:,.0f} → {row['final']:,.0f} (" in html
    letter = debriefs(tender, analysis=state.analysis)["kestrel"].html
    winner = state.winner
    assert winner is not None
    assert "The winner&#39;s final price" in letter
    assert f"{final.prices[winner]:,.0f}" in letter
    how = (
        "best and final offer, round 2"
        if winner in tender.rebid
        else "its round-1 offer: no best and final offer from it"
    )
    assert how in letter
    earlier = float(changes.loc["kestrel", "earlier"])
    assert f"{earlier:,.0f}" not in letter  # kestrel's own price is its final one too


def test_what_if_scenarios_are_in_the_record_never_the_award_basis(state: Standing) -> None:
    entry = Entry(
        event=Event.WHAT_IF,
        at=AT,
        by="Mei Tanaka",
        reason="the CFO asked",
        data={
            "name": "price-heavy",
            "award_basis": False,
            "weights": {},
            "overrides": [],
            "changes": ["commercial 30.0% → 45.0%"],
            "winner": "kestrel",
            "basis": "",
        },
    )
    tender = state.tender
    record = attrs.evolve(tender.record, entries=(*tender.record.entries, entry))
    text = record_report(record, tender.evaluation)
    assert "What-if scenarios on the record (NOT the award basis):" in text
    assert "price-heavy (2026-11-20 by Mei Tanaka): the CFO asked; winner under it kestrel" in text
    table = record_tables(record, tender.evaluation)["What-if scenarios (not the award basis)"]
    assert table.loc[0, "Award basis"] == "no"
    assert table.loc[0, "Changes"] == "commercial 30.0% → 45.0%"
    assert "What-if scenarios" not in record_report(tender.record, tender.evaluation)
    changed = attrs.evolve(tender, record=record)
    html = award(changed, analysis=state.analysis).html
    assert "What-if scenarios (not the award basis)" in html
    assert "price-heavy" in html
