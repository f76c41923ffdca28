"""Render the Summary and Matrix sheets of the bundled example's comparison workbook to PNG.

Needs LibreOffice (``soffice``) and poppler's ``pdftoppm``::

    python docs/render_workbook.py            # writes docs/workbook-summary.png, -matrix.png

The workbook is exported with SMAA (N = 10,000, seed 1), stability intervals and the flip
table, printed to PDF by LibreOffice with one page per sheet (``SinglePageSheets``), and the
first two pages (Summary, Matrix) are rasterised and trimmed to their content.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops, ImageOps

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the checkout: its crmselect, and tests.helpers

import crmselect  # noqa: E402
from crmselect.analysis import analyse  # noqa: E402
from crmselect.io.report.workbook import export_workbook  # noqa: E402
from tests.helpers import convert  # noqa: E402

PAGES = {1: "workbook-summary.png", 2: "workbook-matrix.png"}
SINGLE_PAGE_SHEETS = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'


def trim(path: Path, margin: int = 24) -> None:
    """Crop the white space around the content and leave a ``margin``-pixel white border."""
    image = Image.open(path).convert("RGB")
    background = Image.new("RGB", image.size, (255, 255, 255))
    box = ImageChops.difference(image, background).getbbox()
    if box is not None:
        image = ImageOps.expand(image.crop(box), border=margin, fill=(255, 255, 255))
    image.save(path, optimize=True)


def main() -> int:
    analysis = analyse(crmselect.example(), progress=False)  # what `crmselect demo` runs
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        book = export_workbook(
            analysis.result,
            work / "larkspur.xlsx",
            smaa=analysis.smaa,
            stability=analysis.stability,
            flips=analysis.flips,
        )
        (pdf,) = convert([book], work / "pdf", SINGLE_PAGE_SHEETS)
        for page, name in PAGES.items():
            stem = work / f"page{page}"
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "110",
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    "-singlefile",
                    str(pdf),
                    str(stem),
                ],
                check=True,
            )
            target = HERE / name
            Path(f"{stem}.png").replace(target)
            trim(target)
            print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
