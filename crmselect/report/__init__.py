"""Reports of a tender's result: plain text for the terminal (:mod:`crmselect.report.text`),
and the decision record as pages a browser renders and prints — the award report for the
board (:func:`award`, :mod:`crmselect.report.award`) and a debrief for each unsuccessful
vendor (:func:`debriefs`, :mod:`crmselect.report.debrief`).

The text reports are pure functions returning a string (or, for :func:`record_tables`, the
record's tables); :func:`award` returns a :class:`~crmselect.report.page.Page` (shown in a
notebook, ``.save(path)``, ``.save_pdf(path)``), :func:`debriefs` a
:class:`~crmselect.report.debrief.Debriefs` of them.
"""

from crmselect.report.award import award
from crmselect.report.debrief import Debriefs, debriefs
from crmselect.report.page import Page
from crmselect.report.text import (
    catalog_report,
    criteria_report,
    full_report,
    import_report,
    judgements_report,
    knockout_report,
    missing_report,
    panel_report,
    price_report,
    price_rule,
    process_report,
    ranking_report,
    record_facts,
    record_report,
    record_tables,
    requirements_report,
    robustness_report,
    tender_summary,
)

__all__ = [
    "Debriefs",
    "Page",
    "award",
    "catalog_report",
    "criteria_report",
    "debriefs",
    "full_report",
    "import_report",
    "judgements_report",
    "knockout_report",
    "missing_report",
    "panel_report",
    "price_report",
    "price_rule",
    "process_report",
    "ranking_report",
    "record_facts",
    "record_report",
    "record_tables",
    "requirements_report",
    "robustness_report",
    "tender_summary",
]
