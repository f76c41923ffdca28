"""Headless Chromium for the award report and the debriefs: print an HTML file to an A4 PDF,
take a screenshot of its first screen, or read its DOM after a script has run.

Debian's ``chromium`` package (or the program named by ``CRMSELECT_CHROMIUM``) runs as a
child process with a profile of its own in a temporary folder (so that runs never share
state), no first-run or background network traffic, and a time limit
(:data:`TIMEOUT` seconds). The pages crmselect writes load nothing from the network
(styles and figures are inlined), so nothing leaves the machine. Running as root, Chromium
needs ``--no-sandbox``; it is given then only.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from crmselect.errors import CrmselectError

CHROMIUM_VARIABLE = "CRMSELECT_CHROMIUM"
"""The environment variable naming the Chromium program to use (default: ``chromium`` on
the ``PATH``, then ``chromium-browser``)."""

TIMEOUT = 120.0
"""Seconds a Chromium run may take before it is stopped."""

PROBE_ID = "crmselect-probe"
"""The id of the element :func:`probe` writes its script's result into."""


class BrowserError(CrmselectError):
    """Headless Chromium is missing, failed, or took longer than :data:`TIMEOUT`."""


def chromium() -> str | None:
    """The Chromium program to run, or ``None`` when there is none."""
    named = os.environ.get(CHROMIUM_VARIABLE)
    if named:
        return shutil.which(named)
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require() -> str:
    """The Chromium program to run; :class:`BrowserError` (saying what to install) when
    there is none."""
    program = chromium()
    if program is None:
        raise BrowserError(
            "headless Chromium is needed for this (PDF and screenshots): install Debian's "
            f"'chromium' package, or name the program in {CHROMIUM_VARIABLE}"
        )
    return program


def _run(page: Path, *options: str) -> str:
    """Run headless Chromium on ``page`` with ``options``; its standard output."""
    program = require()
    sandbox = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with tempfile.TemporaryDirectory(prefix="crmselect-chromium-") as profile:
        command = [
            program,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-extensions",
            f"--user-data-dir={profile}",
            *sandbox,
            *options,
            page.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise BrowserError(f"Chromium took more than {TIMEOUT:g} s on {page}") from exc
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-3:]
        raise BrowserError(f"Chromium failed on {page} (status {done.returncode}): {tail}")
    return done.stdout


def print_pdf(page: Path, pdf: Path) -> Path:
    """Print ``page`` (an HTML file) to ``pdf`` as the page's print stylesheet lays it out
    (A4 for crmselect's reports), without the browser's own header and footer."""
    pdf = Path(pdf)
    _run(page, f"--print-to-pdf={pdf.resolve()}", "--no-pdf-header-footer")
    if not pdf.is_file():
        raise BrowserError(f"Chromium wrote no PDF for {page}")
    return pdf


def screenshot(page: Path, png: Path, width: int = 1280, height: int = 800) -> Path:
    """A PNG of the first ``width`` × ``height`` pixels of ``page``, as a screen shows it."""
    png = Path(png)
    _run(
        page,
        f"--screenshot={png.resolve()}",
        f"--window-size={width},{height}",
        "--hide-scrollbars",
    )
    if not png.is_file():
        raise BrowserError(f"Chromium wrote no screenshot of {page}")
    return png


def dump_dom(page: Path, width: int = 1280, height: int = 800, budget_ms: int = 5_000) -> str:
    """The DOM of ``page`` in a ``width`` × ``height`` window once it has loaded and its
    scripts have run (``budget_ms`` milliseconds of virtual time)."""
    return _run(
        page, f"--window-size={width},{height}", f"--virtual-time-budget={budget_ms}", "--dump-dom"
    )


def probe(document: str, expression: str, width: int = 1280, height: int = 800) -> object:
    """The value of the JavaScript ``expression`` (JSON-serialisable) evaluated in the HTML
    page ``document`` once it has loaded in a ``width`` × ``height`` window: a script
    appended to the page writes it into an element of its own, read back from
    :func:`dump_dom`."""
    script = (
        "<script>window.addEventListener('load', () => {"
        f" const out = document.createElement('pre'); out.id = '{PROBE_ID}';"
        f" out.setAttribute('data-value', JSON.stringify(({expression})));"
        " document.body.appendChild(out); });</script>"
    )
    at = document.rfind("</body>")
    page_text = document[:at] + script + document[at:] if at >= 0 else document + script
    with tempfile.TemporaryDirectory(prefix="crmselect-probe-") as folder:
        page = Path(folder) / "page.html"
        page.write_text(page_text, encoding="utf-8")
        dom = dump_dom(page, width, height)
    found = re.search(rf'<pre id="{PROBE_ID}" data-value="([^"]*)"', dom)
    if found is None:
        raise BrowserError("the page's probe script did not run (no result in the DOM)")
    return json.loads(html.unescape(found.group(1)))
