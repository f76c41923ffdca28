"""The award report and the debriefs in a real browser (headless Chromium): what a reader
sees on the first screen, every figure loaded, no horizontal scrolling at 1280 px, the A4
PDF's pages and text layer, vendor text shown as text, and no other unsuccessful vendor in
any debrief's PDF.

Skipped when Chromium is missing, unless ``CRMSELECT_REQUIRE_CHROMIUM=1`` (CI sets it, and
installs Debian's ``chromium``, ``fonts-dejavu-core``).
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pypdf
import pytest

import crmselect
from crmselect.report import browser
from crmselect.report.award import Standing, page_of
from crmselect.report.debrief import debriefs
from crmselect.report.page import Page
from tests.helpers import FORMULA_NAME, HOSTILE_NAME, debrief_secrets, leaks, renamed

REQUIRE_CHROMIUM = os.environ.get("CRMSELECT_REQUIRE_CHROMIUM") == "1"
A4 = (595.28, 841.89)  # points

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        browser.chromium() is None and not REQUIRE_CHROMIUM,
        reason="headless Chromium is not installed (Debian: apt install chromium); "
        "CRMSELECT_REQUIRE_CHROMIUM=1 makes this a failure",
    ),
]

SEEN = """(() => {
  const decision = document.getElementById('decision');
  const shown = [...document.querySelectorAll('h1, p, li, td, dd')]
    .filter(e => e.getBoundingClientRect().bottom <= window.innerHeight)
    .map(e => e.innerText).join(' | ');
  return {
    width: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    images: [...document.images].map(i => i.complete && i.naturalWidth > 0),
    decisionBottom: decision.getBoundingClientRect().bottom,
    firstScreen: shown,
    text: document.body.innerText,
    scripts: document.scripts.length,
  };
})()"""
"""What the probe reads from the page in the browser: the window's width and the page's,
whether each image decoded, where the decision ends, the text on the first screen, all the
text, and how many scripts the page holds (the probe's own is one)."""


@pytest.fixture(scope="module")
def report(state: Standing) -> Page:
    return page_of(state)


def seen(page: Page, width: int = 1280, height: int = 800) -> dict[str, object]:
    value = browser.probe(page.html, SEEN, width, height)
    assert isinstance(value, dict)
    return value


def pdf_text(path: Path) -> tuple[list[str], list[tuple[float, float]]]:
    """Each page's text (whitespace made single spaces) and size in points."""
    reader = pypdf.PdfReader(path)
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    return texts, sizes


def test_chromium_is_there_when_required() -> None:
    assert browser.chromium() is not None


def test_the_winner_is_on_the_first_screen_every_figure_loads_and_nothing_scrolls_sideways(
    report: Page,
) -> None:
    found = seen(report)
    assert found["width"] == 1280
    assert isinstance(found["scrollWidth"], int)
    assert found["scrollWidth"] <= 1280
    assert found["images"] == [True, True, True]
    assert isinstance(found["decisionBottom"], float | int)
    assert found["decisionBottom"] <= 800
    assert "Award the contract to Orbis CRM Cloud (orbis)" in str(found["firstScreen"])
    assert found["scripts"] == 1


def test_a_debrief_reads_on_the_first_screen_without_sideways_scrolling(
    state: Standing,
) -> None:
    page = debriefs(state.tender, analysis=state.analysis)["kestrel"]
    found = seen(page)
    assert isinstance(found["scrollWidth"], int)
    assert found["scrollWidth"] <= 1280
    first = str(found["firstScreen"])
    assert "Orbis CRM Cloud (orbis)" in first
    assert "Kestrel Enterprise CRM (kestrel) ranks 2 of 5" in first


def test_vendor_text_shows_as_text_in_the_browser(state: Standing) -> None:
    tender = renamed(state.tender, {"orbis": FORMULA_NAME, "helix": HOSTILE_NAME})
    found = seen(crmselect.report.award(tender, n_samples=300))
    assert f"Award the contract to {FORMULA_NAME} (orbis)" in str(found["firstScreen"])
    assert f"{HOSTILE_NAME} (helix)" in str(found["text"])
    assert found["scripts"] == 1  # the vendor's "script" is text, not a script


def test_the_first_screen_is_what_a_screenshot_shows(report: Page, tmp_path: Path) -> None:
    page = report.save(tmp_path / "award.html")
    png = browser.screenshot(page, tmp_path / "award.png", 1280, 800)
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1280, 800)


def test_the_pdf_is_a4_opens_with_the_decision_and_starts_the_basis_on_a_new_page(
    report: Page, tmp_path: Path
) -> None:
    pdf = report.save_pdf(tmp_path / "award.pdf")
    texts, sizes = pdf_text(pdf)
    assert 4 <= len(texts) <= 12
    assert all(
        w == pytest.approx(A4[0], abs=1) and h == pytest.approx(A4[1], abs=1) for w, h in sizes
    )
    assert " ".join(report.decision.split()) in texts[0]
    assert texts[0].startswith("Award report — Larkspur Instruments")
    basis = [t for t in texts if "The award basis and every deviation from it" in t]
    assert len(basis) == 1
    assert basis[0].startswith("The award basis and every deviation from it")
    assert "Provenance" in texts[-1]


def test_no_debrief_pdf_names_another_unsuccessful_vendor(state: Standing, tmp_path: Path) -> None:
    letters = debriefs(state.tender, analysis=state.analysis)
    written = letters.save_pdf(tmp_path / "debriefs")
    assert [p.name for p in written] == [f"{v}.pdf" for v in letters.vendors]
    for path in written:
        texts, _ = pdf_text(path)
        metadata = pypdf.PdfReader(path).metadata or {}
        text = " ".join([*texts, *(str(v) for v in metadata.values())])
        assert 1 <= len(texts) <= 4
        assert leaks(text, debrief_secrets(state, path.stem)) == [], path.stem
        assert " ".join(letters[path.stem].decision.split()) in texts[0]
