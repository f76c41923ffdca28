"""``crmselect report`` and ``crmselect debriefs``: the files they write, and a clear
message (status 2, no traceback) when a PDF is asked for and there is no browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmselect.cli import main
from crmselect.report import browser
from tests.helpers import REPO

EXAMPLE = REPO / "examples" / "larkspur"

pytestmark = pytest.mark.slow  # the example tender analysed end to end


def test_report_writes_the_award_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "board" / "award.html"
    out.parent.mkdir()
    assert main(["report", str(EXAMPLE), "--out", str(out), "--samples", "500", "--seed", "7"]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    html = out.read_text(encoding="utf-8")
    assert "Award the contract to Orbis CRM Cloud (orbis)" in html
    assert "SMAA-2, 500 samples, seed 7" in html
    assert not out.with_suffix(".pdf").exists()


def test_debriefs_writes_one_page_per_unsuccessful_vendor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "debriefs"
    assert main(["debriefs", str(EXAMPLE), "--out", str(out), "--samples", "500"]) == 0
    names = ["kestrel", "meridian", "quillpoint", "helix", "tidewater"]
    assert capsys.readouterr().out.splitlines() == [f"wrote {out / n}.html" for n in names]
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.html" for n in names)


@pytest.mark.parametrize("command", ["report", "debriefs"])
def test_a_pdf_without_a_browser_fails_at_once_with_what_to_install(
    command: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(browser.CHROMIUM_VARIABLE, str(tmp_path / "no-such-browser"))
    out = tmp_path / ("award.html" if command == "report" else "debriefs")
    assert main([command, str(EXAMPLE), "--out", str(out), "--pdf"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("crmselect: headless Chromium is needed")
    assert "'chromium' package" in captured.err
    assert "Traceback" not in captured.err
    assert not out.exists()  # nothing computed, nothing written
