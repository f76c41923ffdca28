"""How large the award report and the debriefs are, and how long they take to build and to
print, for the bundled example and for a 50-vendor tender (issue 19).

For each tender the analysis runs once (:func:`crmselect.analyse`, 10,000 SMAA samples by
default; its time is printed but is not the report's); then, each ``--repeat`` times:

* **build**: :func:`crmselect.report.award` and :func:`crmselect.report.debriefs` given the
  analysis — templates, tables and the figures (matplotlib, PNG) — in CPU seconds of this
  process (``time.process_time``);
* **print**: headless Chromium printing the award report to an A4 PDF, in CPU seconds of
  the browser's processes (``resource.getrusage(RUSAGE_CHILDREN)``) and in wall seconds.

The sizes are the HTML file's bytes (figures inlined), the PDF's bytes and pages, and the
debriefs' total bytes. The 50-vendor tender is :data:`synthetic.TYPICAL` with five times the
vendors (50 v × 500 r × 5 e; no cost case, so no value-for-money chart).

    python benchmarks/bench_report.py                  # both tenders, best of 3
    python benchmarks/bench_report.py --tender example --repeat 1
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pypdf
from synthetic import TYPICAL, tender

import crmselect
from crmselect.report import browser
from crmselect.tender import Tender

TENDERS: dict[str, Callable[[], Tender | crmselect.Evaluation]] = {
    "example": crmselect.example_tender,
    "fifty": lambda: tender(TYPICAL.scaled(vendors=5)),
}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(name: str, repeat: int, samples: int, folder: Path) -> None:
    subject = TENDERS[name]()
    start = time.process_time()
    analysis = crmselect.analyse(subject, n_samples=samples, progress=False)
    analysed = time.process_time() - start
    builds, debrief_builds, prints, walls = [], [], [], []
    for _ in range(repeat):
        start = time.process_time()
        page = crmselect.report.award(subject, analysis=analysis)
        builds.append(time.process_time() - start)
        start = time.process_time()
        letters = crmselect.report.debriefs(subject, analysis=analysis)
        debrief_builds.append(time.process_time() - start)
        html = page.save(folder / f"{name}.html")
        cpu, wall = children_cpu(), time.perf_counter()
        pdf = browser.print_pdf(html, folder / f"{name}.pdf")
        prints.append(children_cpu() - cpu)
        walls.append(time.perf_counter() - wall)
    sizes = [p.stat().st_size for p in letters.save(folder / f"{name}-debriefs")]
    pages = len(pypdf.PdfReader(pdf).pages)
    vendors = len(analysis.result.evaluation.vendors)
    print(
        f"{name} ({vendors} vendors): analysis {analysed:.2f} s CPU; award report "
        f"{html.stat().st_size:,} bytes HTML, {pdf.stat().st_size:,} bytes PDF ({pages} A4 "
        f"pages); build {min(builds):.2f} s CPU; Chromium print {min(prints):.2f} s CPU "
        f"({min(walls):.2f} s wall); {len(sizes)} debriefs {sum(sizes):,} bytes, build "
        f"{min(debrief_builds):.2f} s CPU"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tender", choices=[*TENDERS, "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", type=int, default=10_000)
    args = parser.parse_args()
    browser.require()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    names = list(TENDERS) if args.tender == "both" else [args.tender]
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            measure(name, args.repeat, args.samples, Path(folder))


if __name__ == "__main__":
    main()
