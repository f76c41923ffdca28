"""Render the cockpit (``crmselect.whatif``) on the bundled example to ``docs/whatif.png``.

Needs Chromium (``chromium`` or ``/usr/bin/chromium``) and Pillow::

    python docs/render_whatif.py              # writes docs/whatif.png

The cockpit's model (:mod:`crmselect.whatif_model`) is moved as a committee would move the
sliders — commercial terms to 30 % of the total — and its static snapshot
(:func:`crmselect.whatif_widget.snapshot_html`: every weight with the range in which the
winner stays first and the flip points, the rank table, the acceptability around the moved
weights, SMAA seed 2026) is screenshot by headless Chromium and trimmed to its content.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the checkout's crmselect

from render_workbook import trim  # noqa: E402

import crmselect  # noqa: E402
from crmselect.whatif_model import what_if  # noqa: E402
from crmselect.whatif_widget import snapshot_html  # noqa: E402

TARGET = HERE / "whatif.png"
PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
    "body{font-family:'DejaVu Sans',sans-serif;font-size:13px;margin:16px;background:#fff}"
    "h3{margin:0 0 8px 0;font-size:15px}</style></head><body>{body}</body></html>"
)


def browser() -> str:
    """The Chromium to run."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise SystemExit("render_whatif.py needs Chromium (chromium on the PATH)")
    return found


def main() -> int:
    model = what_if(crmselect.example_tender(), seed=2026).set_weight("commercial", 0.30)
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "whatif.html"
        page.write_text(PAGE.replace("{body}", snapshot_html(model)), encoding="utf-8")
        subprocess.run(
            [
                browser(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={folder}/profile",
                "--window-size=1500,1100",
                f"--screenshot={TARGET}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    trim(TARGET)
    print(TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main())
