"""The ``crmselect report`` and ``crmselect debriefs`` commands: read a tender folder, write
the award report (:func:`~crmselect.report.award.award`) or the debriefs
(:func:`~crmselect.report.debrief.debriefs`) as HTML and, with ``--pdf``, as A4 PDFs.

Each returns the files it wrote; the CLI prints them. With ``--pdf``, headless Chromium is
looked for before anything is computed, so a missing browser fails at once with what to
install.
"""

from __future__ import annotations

from pathlib import Path

from crmselect.io.folder.tender import load_tender
from crmselect.report import browser
from crmselect.report.award import award
from crmselect.report.debrief import debriefs


def write_award(path: Path, out: Path, *, pdf: bool, seed: int, n_samples: int) -> list[Path]:
    """The award report of the tender at ``path`` written to ``out`` (HTML) and, with
    ``pdf``, beside it as ``out`` with the suffix ``.pdf``."""
    if pdf:
        browser.require()
    page = award(load_tender(path), seed=seed, n_samples=n_samples)
    written = [page.save(out)]
    if pdf:
        written.append(page.save_pdf(out.with_suffix(".pdf")))
    return written


def write_debriefs(path: Path, out: Path, *, pdf: bool, seed: int, n_samples: int) -> list[Path]:
    """One debrief per unsuccessful vendor of the tender at ``path``, written to the folder
    ``out`` as ``<vendor>.html`` and, with ``pdf``, ``<vendor>.pdf``."""
    if pdf:
        browser.require()
    letters = debriefs(load_tender(path), seed=seed, n_samples=n_samples)
    written = letters.save(out)
    if pdf:
        written += letters.save_pdf(out)
    return written
