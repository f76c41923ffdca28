"""The browser helper finds Chromium or says what to install (the browser itself is
driven in test_award_browser.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmselect.report import browser


def test_a_missing_chromium_is_named_with_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(browser.CHROMIUM_VARIABLE, str(tmp_path / "no-such-browser"))
    assert browser.chromium() is None
    with pytest.raises(browser.BrowserError, match="'chromium' package"):
        browser.require()
    with pytest.raises(browser.BrowserError, match="CRMSELECT_CHROMIUM"):
        browser.print_pdf(tmp_path / "page.html", tmp_path / "page.pdf")
    assert not (tmp_path / "page.pdf").exists()


def test_the_named_program_is_the_one_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "fake-chromium"
    fake.write_text('#!/bin/sh\necho "$@"\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv(browser.CHROMIUM_VARIABLE, str(fake))
    assert browser.chromium() == str(fake)
    page = tmp_path / "page.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    dom = browser.dump_dom(page, width=1280, height=800)
    assert "--headless" in dom
    assert "--window-size=1280,800" in dom
    assert "--dump-dom" in dom
    assert page.resolve().as_uri() in dom
    assert "--user-data-dir=" in dom  # a profile of its own for every run


def test_a_failing_browser_is_an_error_with_its_last_words(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "broken-chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv(browser.CHROMIUM_VARIABLE, str(fake))
    with pytest.raises(browser.BrowserError, match=r"status 3.*cannot open display"):
        browser.screenshot(tmp_path / "page.html", tmp_path / "page.png")
