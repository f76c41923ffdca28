"""Render the README's screenshots of the award report and of one debrief from the bundled
example: ``python docs/render_report.py``.

Writes docs/award-report.png (the report's first screen, 1280 × 1000 px) and
docs/debrief.png (Kestrel's debrief, 1280 × 1000 px) with headless Chromium, through the
same browser helper the tests use (:mod:`crmselect.report.browser`), from the same analysis
`crmselect report` runs (default seed and samples).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import crmselect
from crmselect.report import browser
from crmselect.report.award import page_of, standing
from crmselect.report.debrief import debriefs

HERE = Path(__file__).resolve().parent
SIZE = (1280, 1000)


def main() -> None:
    state = standing(crmselect.example_tender())
    pages = {
        "award-report.png": page_of(state),
        "debrief.png": debriefs(state.tender, analysis=state.analysis)["kestrel"],
    }
    with tempfile.TemporaryDirectory() as folder:
        for name, page in pages.items():
            html = page.save(Path(folder) / f"{name}.html")
            print(browser.screenshot(html, HERE / name, *SIZE))


if __name__ == "__main__":
    main()
